"""The article page reads all its lists in one query (newsroom.site.article_page);
what it hands the templates must be what the ORM would have fetched: the same
rows, in the same order, with the same values and types."""

from datetime import date, timedelta

import pytest
from django.db.models import prefetch_related_objects
from django.utils import timezone

from alliances import agreement_page
from alliances.display import party_countries
from alliances.models import Agreement, AgreementParty, AgreementSource
from newsroom.models import Article, Topic
from newsroom.site import article_page, selectors
from tests import factories
from tests.factories import (
    AgreementFactory,
    ArticleAgreementFactory,
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    OrganizationFactory,
    PersonFactory,
    RelatedVideoFactory,
    SourceFactory,
)


def rich_article() -> Article:
    zed, amy = AuthorFactory(name="Zed Writer"), AuthorFactory(name="Amy Writer")
    article = ArticleFactory(public=True, authors=[zed, amy], topics=["zinc", "aluminium"], country_codes=["RU", "CU"])
    SourceFactory(article=article, outlet="Second", position=2)
    SourceFactory(article=article, outlet="First", position=1)
    late = CorrectionFactory(article=article, text="Later fix")
    early = CorrectionFactory(article=article, text="Earlier fix")
    Article.corrections.rel.related_model.objects.filter(pk=early.pk).update(
        created_at=late.created_at - timedelta(days=1)
    )
    RelatedVideoFactory(article=article, title="Clip", url="https://video.example.org/2")
    mentioned = AgreementFactory(title="Mentioned pact", party_codes=["VE", "CU"])
    about = AgreementFactory(title="Main pact", party_codes=["IR", "RU"])
    ArticleAgreementFactory(article=article, agreement=mentioned, relation="mentions", note="In passing")
    ArticleAgreementFactory(article=article, agreement=about, relation="about")
    article.people.add(PersonFactory(name="Zoe Official", role="Minister"), PersonFactory(name="Al Official"))
    article.organizations.add(OrganizationFactory(name="Rosneft"))
    return Article.objects.get(pk=article.pk)


def snapshot(article: Article) -> dict:
    """Everything the page prints from the lists, as plain values."""
    return {
        "authors": [(a.pk, a.name, a.get_absolute_url()) for a in article.ordered_authors()],
        "topics": [(t.pk, t.name, t.get_absolute_url()) for t in article.tags.all()],
        "countries": [(c.pk, c.name, c.iso2, c.wikidata_id) for c in article.countries.all()],
        "sources": [(s.outlet, s.url, s.position) for s in article.sources.all()],
        "corrections": [(c.text, c.created_at) for c in article.corrections.all()],
        "videos": [(v.title, v.url) for v in article.videos.all()],
        "agreements": [
            (
                link.relation,
                link.note,
                link.agreement.title,
                link.agreement.get_kind_display(),
                link.agreement.get_status_display(),
                link.agreement.get_absolute_url(),
                [(p.country.name, p.role) for p in link.agreement.parties.all()],
            )
            for link in article.agreement_links.all()
        ],
        "people": [(p.name, p.role) for p in article.people.all()],
        "organizations": [o.name for o in article.organizations.all()],
        "kicker": article.kicker.name if article.kicker else None,
    }


def test_the_one_query_gives_what_the_orm_gives(db, django_assert_num_queries):
    article = rich_article()
    expected = Article.objects.get(pk=article.pk)
    prefetch_related_objects(
        [expected],
        "bylines__author",
        "tags",
        "countries",
        "sources",
        "corrections",
        "videos",
        "agreement_links__agreement__parties__country",
        "people",
        "organizations",
    )
    with django_assert_num_queries(1):
        article_page.load(article)
    with django_assert_num_queries(0):
        got = snapshot(article)
    orm = snapshot(expected)
    # Countries come in the order the editor gave them, like topics (the ORM's
    # prefetch happens to sort them by name).
    assert sorted(got.pop("countries")) == sorted(orm.pop("countries"))
    assert got == orm
    # Spelled out, the orders readers see:
    assert [name for _pk, name, _url in got["authors"]] == ["Zed Writer", "Amy Writer"]
    assert [name for _pk, name, _url in got["topics"]] == ["zinc", "aluminium"]
    assert got["kicker"] == "zinc"
    assert [iso2 for _pk, _name, iso2, _wd in snapshot(article)["countries"]] == ["RU", "CU"]
    assert [outlet for outlet, _url, _pos in got["sources"]] == ["First", "Second"]
    assert [text for text, _at in got["corrections"]] == ["Earlier fix", "Later fix"]
    assert all(timezone.is_aware(at) for _text, at in got["corrections"])
    assert [a[2] for a in got["agreements"]] == ["Main pact", "Mentioned pact"]

    # The public page reads the article and its lists together, by slug.
    with django_assert_num_queries(1):
        public = selectors.public_article(article.slug)
    with django_assert_num_queries(0):
        assert snapshot(public) == snapshot(article)


def test_an_article_with_no_lists_gets_empty_ones(db, django_assert_num_queries):
    article = Article.objects.get(pk=ArticleFactory(public=True).pk)
    with django_assert_num_queries(1):
        article_page.load(article)
    with django_assert_num_queries(0):
        assert snapshot(article) == {
            "authors": [],
            "topics": [],
            "countries": [],
            "sources": [],
            "corrections": [],
            "videos": [],
            "agreements": [],
            "people": [],
            "organizations": [],
            "kicker": None,
        }


def test_an_article_read_with_some_lists_prefetched_still_gets_all_of_them(db, django_assert_num_queries):
    """The admin's list and the desk prefetch bylines; such an article on a
    page (a preview) must still get every other list from the one query."""
    article = rich_article()
    expected = snapshot(article_page.load(Article.objects.get(pk=article.pk)))
    partial = Article.objects.prefetch_related("bylines__author").get(pk=article.pk)
    with django_assert_num_queries(1):
        article_page.load(partial)
    with django_assert_num_queries(0):
        assert snapshot(partial) == expected
    with django_assert_num_queries(0):
        article_page.load(partial)  # loaded once is loaded


def test_fields_the_lists_leave_out_are_loaded_on_demand_not_blank(db):
    """A field the query does not carry is deferred: reading it costs a query
    (which the query budgets would catch), never a silently empty value."""
    author = AuthorFactory(name="Ann", bio="Covers energy.")
    article = Article.objects.get(pk=ArticleFactory(public=True, authors=[author]).pk)
    article_page.load(article)
    assert article.ordered_authors()[0].bio == "Covers energy."


def test_a_list_read_ahead_refuses_a_new_query_rather_than_answer_wrongly(db, django_assert_num_queries):
    """The lists sit where prefetch_related puts them, but without their
    relation: filtering one would query every topic there is, so it raises."""
    article = Article.objects.get(pk=ArticleFactory(public=True, topics=["oil", "sugar"]).pk)
    Topic.objects.create(name="unrelated")
    article_page.load(article)
    with django_assert_num_queries(0):
        topics = article.tags.all()
        assert [t.name for t in topics] == ["oil", "sugar"]
        assert len(topics) == 2 and topics[0].name == "oil" and topics.exists() and topics.count() == 2
    with pytest.raises(TypeError, match="read ahead of time"):
        article.tags.all().filter(name="unrelated")
    with pytest.raises(TypeError):
        article.tags.all().order_by("-name")


def test_an_agreement_with_one_country_in_two_roles_prints_it_once(db):
    agreement = AgreementFactory(party_codes=["CU"])
    AgreementParty.objects.create(agreement=agreement, country=factories.country("CU"), role="lender")
    link = ArticleAgreementFactory(agreement=agreement)
    article = Article.objects.get(pk=link.article_id)
    article_page.load(article)
    assert [c.iso2 for c in party_countries(article.agreement_links.all()[0].agreement)] == ["CU"]


def test_the_agreement_page_lists_match_the_orm(db, django_assert_num_queries):
    """The agreement page's lists come the same way (alliances.agreement_page)."""
    older = AgreementFactory(title="Older pact")
    pact = AgreementFactory(title="Pact", supersedes=older, party_codes=["RU", "CU"])
    AgreementFactory(title="B part", part_of=pact)
    AgreementFactory(title="A part", part_of=pact)
    AgreementFactory(title="Successor", supersedes=pact)
    pact.sectors.add(factories.SectorFactory(name="oil"), factories.SectorFactory(name="energy"))
    AgreementSource.objects.create(agreement=pact, outlet="Undated")
    AgreementSource.objects.create(agreement=pact, outlet="Later", published_on=date(2025, 3, 1))
    AgreementSource.objects.create(agreement=pact, outlet="Earlier", published_on=date(2024, 3, 1))

    def lists(agreement):
        return {
            "parties": [(p.country.name, p.role) for p in agreement.parties.all()],
            "sectors": [s.name for s in agreement.sectors.all()],
            "sources": [(s.outlet, s.published_on) for s in agreement.sources.all()],
            "successors": [a.title for a in agreement.superseded_by.all()],
            "parts": [(a.title, a.get_absolute_url()) for a in agreement.parts.all()],
        }

    with django_assert_num_queries(1):
        got = agreement_page.for_page(pact.slug)
    with django_assert_num_queries(0):
        shown = lists(got)
    assert shown["sectors"] == ["energy", "oil"]
    assert [outlet for outlet, _on in shown["sources"]] == ["Earlier", "Later", "Undated"]
    assert shown["parts"][0][0] == "A part"
    expected = Agreement.objects.prefetch_related("parties__country", "sectors", "sources", "superseded_by", "parts")
    orm = lists(expected.get(pk=pact.pk))
    # Undated sources: PostgreSQL sorts them last, SQLite first; the page
    # always puts them last.
    assert sorted(shown.pop("sources"), key=str) == sorted(orm.pop("sources"), key=str)
    assert shown == orm

    # The public page reads the agreement and its lists together, by slug.
    with django_assert_num_queries(1):
        page = agreement_page.for_page(pact.slug)
    with django_assert_num_queries(0):
        assert lists(page) == lists(got)
        assert (page.title, page.supersedes.title) == ("Pact", "Older pact")
    assert agreement_page.for_page("no-such-pact") is None


def test_the_page_reads_build_no_query_once_compiled(db, monkeypatch):
    """The public pages' reads run SQL compiled once per process: building
    the lists' subqueries again on each view cost a millisecond."""
    pact = AgreementFactory(title="Pact")
    story = ArticleFactory(public=True, topics=["oil"])
    agreement_page.for_page(pact.slug)
    selectors.public_article(story.slug)
    built = []
    for module in (agreement_page, article_page):
        real = module.lists
        monkeypatch.setattr(module, "lists", lambda real=real: built.append(1) or real())
    assert agreement_page.for_page(pact.slug).title == "Pact"
    assert selectors.public_article(story.slug).pk == story.pk
    assert built == []


def test_cards_by_id_are_the_public_ones_newest_first_from_one_query(db, django_assert_num_queries, monkeypatch):
    """selectors.cards() runs a query compiled once (newsroom.core.db.CompiledQuery):
    it must still apply the visibility rule at the current time."""
    author = AuthorFactory(name="Ann")
    old = ArticleFactory(public=True, headline="Old", topics=["oil"], authors=[author])
    new = ArticleFactory(public=True, headline="New", published_at=old.published_at + timedelta(minutes=5))
    draft = ArticleFactory(headline="Draft")
    soon = ArticleFactory(scheduled=True, headline="Soon")
    ids = [old.pk, draft.pk, soon.pk, new.pk]
    with django_assert_num_queries(1):
        shown = selectors.cards(ids)
    with django_assert_num_queries(0):
        assert [(a.headline, a.author_names(), a.kicker and a.kicker.name) for a in shown] == [
            ("New", [], None),
            ("Old", ["Ann"], "oil"),
        ]
    later = soon.published_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert [a.headline for a in selectors.cards(ids)] == ["Soon", "New", "Old"]
    many = [ArticleFactory(public=True).pk for _ in range(selectors.CARDS.size + 1)]
    assert len(selectors.cards(many)) == len(many)
