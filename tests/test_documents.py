"""The stored documents stay what the rows say, whatever changes.

An article's card and page lists (newsroom.stored.documents) and an
agreement's page lists (alliances.agreement_page) are copies: after every
kind of change an editor can make, each stored document must equal what
computing it afresh gives, or a reader would see an old name, a removed
source, a lost byline (the refresh table: newsroom.stored.refresh)."""

from datetime import date

import pytest

from alliances import agreement_page
from alliances.models import Agreement, AgreementParty, AgreementSource, ArticleAgreement, Country, Sector
from newsroom.editorial import services
from newsroom.models import Article, Author, Byline, Correction, RelatedVideo, Source, Topic
from newsroom.stored import documents
from tests import factories
from tests.conftest import unwritten
from tests.factories import (
    AgreementFactory,
    ArticleAgreementFactory,
    ArticleFactory,
    AuthorFactory,
    OrganizationFactory,
    PersonFactory,
    editor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    author = AuthorFactory(name="Ana")
    article = ArticleFactory(public=True, authors=[author], topics=["oil", "sugar"], country_codes=["CU", "RU"])
    Source.objects.create(article=article, outlet="EFE", position=1)
    Correction.objects.create(article=article, text="A fix")
    RelatedVideo.objects.create(article=article, title="Clip", url="https://video.example.org/1")
    pact = AgreementFactory(title="Pact", party_codes=["CU", "RU"])
    ArticleAgreementFactory(article=article, agreement=pact, relation="about")
    article.people.add(PersonFactory(name="Zoe"))
    article.organizations.add(OrganizationFactory(name="Rosneft"))
    return article


def assert_current(*articles: Article) -> None:
    for article in articles:
        card, lists = documents.compute([article.pk])[article.pk]
        stored = Article.objects.values("card", "page_lists").get(pk=article.pk)
        assert unwritten(stored) == unwritten({"card": card, "page_lists": lists})


def assert_agreements_current(*agreements: Agreement) -> None:
    for agreement in agreements:
        stored = Agreement.objects.values_list("page_lists", flat=True).get(pk=agreement.pk)
        assert unwritten(stored) == unwritten(agreement_page.compute([agreement.pk])[agreement.pk])


def test_a_new_article_has_its_documents_from_the_start(story):
    assert Article.objects.filter(pk=story.pk, card__isnull=False, page_lists__isnull=False).exists()
    assert_current(story)
    stored = Article.objects.get(pk=story.pk)
    # The reader names in both languages (the typed name capitalised as the
    # Spanish one until an editor names it), then the address.
    assert stored.card["kicker"] == ["", "Oil", "oil"]  # typed on an English story
    assert [row["name"] for row in stored.card["bylines"]] == ["Ana"]


def _pact(story) -> Agreement:
    return story.agreement_links.get().agreement


CHANGES = {
    "author renamed": lambda s: _rename(Author.objects.get(bylines__article=s), "name", "Ana María"),
    "byline added": lambda s: Byline.objects.create(article=s, author=AuthorFactory(name="Beto"), position=2),
    "byline removed": lambda s: Byline.objects.filter(article=s).delete(),
    "bylines reordered": lambda s: _rename(Byline.objects.get(article=s), "position", 5),
    "source added": lambda s: Source.objects.create(article=s, outlet="Reuters", position=2),
    "source edited": lambda s: _rename(Source.objects.get(article=s), "outlet", "Prensa Latina"),
    "source deleted": lambda s: Source.objects.get(article=s).delete(),
    "correction added": lambda s: services.add_correction(article=s, text="Another fix", user=editor()),
    "correction deleted": lambda s: Correction.objects.filter(article=s).first().delete(),
    "video deleted": lambda s: RelatedVideo.objects.get(article=s).delete(),
    "topic added": lambda s: s.tags.add("energy"),
    "topic removed": lambda s: s.tags.remove("oil"),
    "topics cleared": lambda s: s.tags.clear(),
    "topic renamed": lambda s: services.rename_topic(topic=Topic.objects.get(name="oil"), name="crude", user=editor()),
    "topic deleted": lambda s: Topic.objects.get(name="sugar").delete(),
    "topics merged": lambda s: services.merge_topics(
        sources=[Topic.objects.get(name="sugar")], target=Topic.objects.get(name="oil"), user=editor()
    ),
    "country added": lambda s: s.countries.add(factories.country("VE")),
    "country removed": lambda s: s.countries.remove(factories.country("RU")),
    "country renamed": lambda s: _rename(Country.objects.get(iso2="CU"), "name", "República de Cuba"),
    "agreement linked": lambda s: ArticleAgreementFactory(article=s, agreement=AgreementFactory(title="Other")),
    "agreement unlinked": lambda s: ArticleAgreement.objects.filter(article=s).delete(),
    "agreement renamed": lambda s: _rename(_pact(s), "title", "Renamed pact"),
    "agreement status changed": lambda s: _rename(_pact(s), "status", "in_force"),
    "party added": lambda s: AgreementParty.objects.create(agreement=_pact(s), country=factories.country("IR")),
    "party removed": lambda s: AgreementParty.objects.filter(agreement=_pact(s), country__iso2="RU").delete(),
    "parties set": lambda s: _pact(s).countries.set([factories.country("CN")]),
    "agreement deleted": lambda s: _delete_agreement(_pact(s)),
    "person added": lambda s: s.people.add(PersonFactory(name="Al")),
    "person removed": lambda s: s.people.clear(),
    "person renamed": lambda s: _rename(s.people.get(), "name", "Zoe Smith"),
    "person deleted": lambda s: s.people.get().delete(),
    "person's articles cleared": lambda s: s.people.get().articles.clear(),
    "organisation renamed": lambda s: _rename(s.organizations.get(), "name", "Rosneft Oil"),
    "organisation deleted": lambda s: s.organizations.get().delete(),
}


def _rename(obj, field: str, value) -> None:
    setattr(obj, field, value)
    obj.save()


def _delete_agreement(agreement: Agreement) -> None:
    ArticleAgreement.objects.filter(agreement=agreement).delete()
    agreement.delete()


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_leaves_the_article_documents_current(story, change):
    CHANGES[change](Article.objects.get(pk=story.pk))
    assert_current(story)


def test_the_page_shows_a_renamed_topic_at_once(client, story, settings):
    settings.PAGE_CACHE_ENABLED = False
    services.rename_topic(topic=Topic.objects.get(name="oil"), name="crude oil", user=editor())
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Crude oil" in page


@pytest.fixture
def pact():
    older = AgreementFactory(title="Older pact")
    pact = AgreementFactory(title="Pact", supersedes=older, party_codes=["RU", "CU"])
    AgreementFactory(title="A part", part_of=pact)
    pact.sectors.add(factories.SectorFactory(name="oil"))
    AgreementSource.objects.create(agreement=pact, outlet="EFE", published_on=date(2024, 3, 1))
    return pact


AGREEMENT_CHANGES = {
    "renamed": lambda p: _rename(p, "title", "Renamed"),
    "predecessor renamed": lambda p: _rename(p.supersedes, "title", "Oldest pact"),
    "part renamed": lambda p: _rename(p.parts.get(), "title", "B part"),
    "part moved away": lambda p: _rename(p.parts.get(), "part_of", None),
    "predecessor changed": lambda p: _rename(p, "supersedes", AgreementFactory(title="Another")),
    "successor deleted": lambda p: AgreementFactory(title="Successor", supersedes=p).delete(),
    "successor added": lambda p: AgreementFactory(title="Successor", supersedes=p),
    "party added": lambda p: AgreementParty.objects.create(agreement=p, country=factories.country("IR")),
    "party removed": lambda p: AgreementParty.objects.filter(agreement=p, country__iso2="RU").delete(),
    "parties set": lambda p: p.countries.set([factories.country("CN"), factories.country("CU")]),
    "country renamed": lambda p: _rename(Country.objects.get(iso2="RU"), "name", "Russia (Federation)"),
    "sector added": lambda p: p.sectors.add(factories.SectorFactory(name="gas")),
    "sectors cleared": lambda p: p.sectors.clear(),
    "sector renamed": lambda p: _rename(Sector.objects.get(name="oil"), "name", "petroleum"),
    "sector deleted": lambda p: Sector.objects.get(name="oil").delete(),
    "sector's agreements cleared": lambda p: Sector.objects.get(name="oil").agreements.clear(),
    "source added": lambda p: AgreementSource.objects.create(agreement=p, outlet="Reuters"),
    "source deleted": lambda p: AgreementSource.objects.filter(agreement=p).delete(),
}


@pytest.mark.parametrize("change", list(AGREEMENT_CHANGES))
def test_every_change_leaves_the_agreement_documents_current(pact, change):
    everyone = list(Agreement.objects.all())
    AGREEMENT_CHANGES[change](Agreement.objects.get(pk=pact.pk))
    assert_agreements_current(*[a for a in everyone if Agreement.objects.filter(pk=a.pk).exists()])


def test_restoring_a_version_leaves_the_documents_current(story):
    """A restore writes the rows back one by one, around the tag managers."""
    from newsroom.editorial import history, restore

    user = editor()
    history.record_version(story, user=user)
    story.tags.set(["energy"])
    Source.objects.filter(article=story).delete()
    history.record_version(Article.objects.get(pk=story.pk), user=user)
    oldest = list(history.versions_of(story))[-1]
    restore.restore_version(version=oldest, user=user)
    assert_current(story)
    assert sorted(row["name"] for row in Article.objects.get(pk=story.pk).page_lists["tags"]) == ["oil", "sugar"]


def test_an_agreement_restored_leaves_its_page_current(pact):
    from newsroom.editorial import history, restore

    user = editor()
    history.record_version(pact, user=user)
    AgreementSource.objects.filter(agreement=pact).delete()
    pact.title = "Changed"
    pact.save()
    history.record_version(Agreement.objects.get(pk=pact.pk), user=user)
    restore.restore_version(version=list(history.versions_of(pact))[-1], user=user)
    assert_agreements_current(*Agreement.objects.all())
    assert [row["outlet"] for row in Agreement.objects.get(pk=pact.pk).page_lists["sources"]] == ["EFE"]
