"""The article and agreement pages read their lists from documents stored
with the record (newsroom.stored.documents, alliances.agreement_page); what
they hand the templates must be what the ORM would fetch now: the same rows,
in the same order, with the same values and types, after any change."""

from datetime import date, timedelta

from django.db.models import prefetch_related_objects
from django.utils import timezone

from alliances import agreement_page
from alliances.display import party_countries
from alliances.models import Agreement, AgreementParty, AgreementSource
from newsroom.models import Article, Topic
from newsroom.site import article_page, selectors
from newsroom.stored import documents
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
    # update() bypasses the signals: code that writes behind the ORM's back
    # refreshes the stored documents itself.
    documents.refresh([article.pk])
    RelatedVideoFactory(article=article, title="Clip", url="https://video.example.org/2")
    mentioned = AgreementFactory(title="Mentioned pact", party_codes=["VE", "CU"])
    about = AgreementFactory(title="Main pact", party_codes=["IR", "RU"])
    ArticleAgreementFactory(article=article, agreement=mentioned, relation="mentions", note="In passing")
    ArticleAgreementFactory(article=article, agreement=about, relation="about")
    article.people.add(PersonFactory(name="Zoe Official", role="Minister"), PersonFactory(name="Al Official"))
    article.organizations.add(OrganizationFactory(name="Rosneft"))
    return Article.objects.get(pk=article.pk)


def snapshot(article: Article) -> dict:
    """Everything the page prints from the lists, as plain values: from the
    page's lists once loaded (``article.lists``), else from the relations."""
    lists = getattr(article, "lists", None)
    if lists is None:
        lists = article_page.ArticleLists(
            topics=list(article.tags.all()),
            countries=list(article.countries.all()),
            sources=list(article.sources.all()),
            corrections=list(article.corrections.all()),
            videos=list(article.videos.all()),
            agreement_links=list(article.agreement_links.all()),
            people=list(article.people.all()),
            organizations=list(article.organizations.all()),
        )
    return {
        "authors": [(a.pk, a.name, a.get_absolute_url()) for a in article.ordered_authors()],
        "topics": [(t.pk, t.name, t.get_absolute_url()) for t in lists.topics],
        "countries": [(c.pk, c.name, c.iso2, c.wikidata_id) for c in lists.countries],
        "sources": [(s.outlet, s.url, s.position) for s in lists.sources],
        "corrections": [(c.text, c.created_at) for c in lists.corrections],
        "videos": [(v.title, v.url) for v in lists.videos],
        "agreements": [
            (
                link.relation,
                link.note,
                link.agreement.title,
                link.agreement.get_kind_display(),
                link.agreement.get_status_display(),
                link.agreement.get_absolute_url(),
                [(p.country.name, p.role) for p in getattr(link.agreement, "party_list", link.agreement.parties.all())],
            )
            for link in lists.agreement_links
        ],
        "people": [(p.name, p.role) for p in lists.people],
        "organizations": [o.name for o in lists.organizations],
        "kicker": article.kicker.display_name if article.kicker else None,
    }


def test_the_stored_lists_give_what_the_orm_gives(db, django_assert_num_queries):
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
    # The article was read with its stored document: no query to fill the lists.
    with django_assert_num_queries(0):
        article_page.load(article)
        got = snapshot(article)
    orm = snapshot(expected)
    # Countries come in the order the editor gave them, like topics (the ORM's
    # prefetch happens to sort them by name).
    assert sorted(got.pop("countries")) == sorted(orm.pop("countries"))
    assert got == orm
    # Spelled out, the orders readers see:
    assert [name for _pk, name, _url in got["authors"]] == ["Zed Writer", "Amy Writer"]
    assert [name for _pk, name, _url in got["topics"]] == ["zinc", "aluminium"]
    assert got["kicker"] == "Zinc"  # its reader name
    assert [iso2 for _pk, _name, iso2, _wd in snapshot(article)["countries"]] == ["RU", "CU"]
    assert [outlet for outlet, _url, _pos in got["sources"]] == ["First", "Second"]
    assert [text for text, _at in got["corrections"]] == ["Earlier fix", "Later fix"]
    assert all(timezone.is_aware(at) for _text, at in got["corrections"])
    assert [a[2] for a in got["agreements"]] == ["Main pact", "Mentioned pact"]

    # The public page reads the article, with its lists, by slug.
    with django_assert_num_queries(1):
        public = selectors.public_article(article.slug)
    with django_assert_num_queries(0):
        assert snapshot(public) == snapshot(article)


def test_an_article_whose_document_was_never_written_gets_its_lists_computed(db, django_assert_num_queries):
    """Before its first refresh (a row written around the ORM, a database
    just migrated), the page computes the lists instead: one query more,
    never an empty or wrong list."""
    article = rich_article()
    stored = Article.objects.get(pk=article.pk)
    article_page.load(stored)
    Article.objects.filter(pk=article.pk).update(card=None, page_lists=None)
    fresh = Article.objects.get(pk=article.pk)
    with django_assert_num_queries(1):
        article_page.load(fresh)
    # Without the stored card, the authors and kicker come from the lists.
    assert snapshot(fresh) == snapshot(stored)


def test_an_article_with_no_lists_gets_empty_ones(db, django_assert_num_queries):
    article = Article.objects.get(pk=ArticleFactory(public=True).pk)
    with django_assert_num_queries(0):
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
    page (a preview) still gets every list, from its stored document."""
    article = rich_article()
    expected = snapshot(Article.objects.get(pk=article.pk))  # from the relations
    partial = Article.objects.prefetch_related("bylines__author").get(pk=article.pk)
    with django_assert_num_queries(0):
        article_page.load(partial)
        got = snapshot(partial)
    assert sorted(got.pop("countries")) == sorted(expected.pop("countries"))
    assert got == expected


def test_fields_the_lists_leave_out_are_loaded_on_demand_not_blank(db):
    """A field the stored document does not carry is deferred: reading it
    costs a query (which the query budgets would catch), never a silently
    empty value."""
    author = AuthorFactory(name="Ann", bio="Covers energy.")
    article = Article.objects.get(pk=ArticleFactory(public=True, authors=[author]).pk)
    article_page.load(article)
    assert article.ordered_authors()[0].bio == "Covers energy."
    assert article.lists.authors[0].bio == "Covers energy."


def test_the_lists_are_plain_lists_and_the_relations_still_ask_the_database(db, django_assert_num_queries):
    """Nothing is slipped into Django's relation caches: the page's lists
    are plain attributes, and the relations answer from the database."""
    article = Article.objects.get(pk=ArticleFactory(public=True, topics=["oil", "sugar"]).pk)
    Topic.objects.create(name="unrelated")
    with django_assert_num_queries(0):
        lists = article_page.load(article)
        assert [t.name for t in lists.topics] == ["oil", "sugar"]
    with django_assert_num_queries(1):
        assert list(article.tags.filter(name="unrelated")) == []


def test_an_agreement_with_one_country_in_two_roles_prints_it_once(db):
    agreement = AgreementFactory(party_codes=["CU"])
    AgreementParty.objects.create(agreement=agreement, country=factories.country("CU"), role="lender")
    link = ArticleAgreementFactory(agreement=agreement)
    article = Article.objects.get(pk=link.article_id)
    lists = article_page.load(article)
    assert [c.iso2 for c in party_countries(lists.agreement_links[0].agreement)] == ["CU"]


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

    def page_lists(agreement):
        lists = agreement.lists
        return {
            "parties": [(p.country.name, p.role) for p in lists.parties],
            "sectors": [s.name for s in lists.sectors],
            "sources": [(s.outlet, s.published_on) for s in lists.sources],
            "successors": [a.title for a in lists.superseded_by],
            "parts": [(a.title, a.get_absolute_url()) for a in lists.parts],
            "replaces": lists.supersedes.title if lists.supersedes else None,
        }

    def orm_lists(agreement):
        return {
            "parties": [(p.country.name, p.role) for p in agreement.parties.all()],
            "sectors": [s.name for s in agreement.sectors.all()],
            "sources": [(s.outlet, s.published_on) for s in agreement.sources.all()],
            "successors": [a.title for a in agreement.superseded_by.all()],
            "parts": [(a.title, a.get_absolute_url()) for a in agreement.parts.all()],
            "replaces": agreement.supersedes.title if agreement.supersedes else None,
        }

    with django_assert_num_queries(1):
        got = agreement_page.for_page(pact.slug)
    with django_assert_num_queries(0):
        shown = page_lists(got)
    assert shown["sectors"] == ["energy", "oil"]
    assert [outlet for outlet, _on in shown["sources"]] == ["Earlier", "Later", "Undated"]
    assert shown["parts"][0][0] == "A part"
    assert shown["replaces"] == "Older pact"
    expected = Agreement.objects.prefetch_related("parties__country", "sectors", "sources", "superseded_by", "parts")
    orm = orm_lists(expected.get(pk=pact.pk))
    # Undated sources: PostgreSQL sorts them last, SQLite first; the page
    # always puts them last.
    assert sorted(shown.pop("sources"), key=str) == sorted(orm.pop("sources"), key=str)
    assert shown == orm
    assert agreement_page.for_page("no-such-pact") is None


def test_reading_a_page_builds_none_of_the_lists_queries(db, monkeypatch):
    """The pages read stored documents: building the lists' subqueries on
    each view cost a millisecond, so only writes build them."""
    pact = AgreementFactory(title="Pact")
    story = ArticleFactory(public=True, topics=["oil"])
    built = []
    monkeypatch.setattr(documents, "page_lists", lambda real=documents.page_lists: built.append(1) or real())
    monkeypatch.setattr(agreement_page, "lists", lambda real=agreement_page.lists: built.append(1) or real())
    assert agreement_page.for_page(pact.slug).title == "Pact"
    assert selectors.public_article(story.slug).lists.topics[0].name == "oil"
    assert built == []


def test_cards_by_id_are_the_public_ones_newest_first_from_one_query(db, django_assert_num_queries, monkeypatch):
    """selectors.cards() applies the visibility rule at the current time, and
    reads each card's kicker and bylines from its stored card."""
    author = AuthorFactory(name="Ann")
    old = ArticleFactory(public=True, headline="Old", topics=["oil"], authors=[author])
    new = ArticleFactory(public=True, headline="New", published_at=old.published_at + timedelta(minutes=5))
    draft = ArticleFactory(headline="Draft")
    soon = ArticleFactory(scheduled=True, headline="Soon")
    ids = [old.pk, draft.pk, soon.pk, new.pk]
    with django_assert_num_queries(1):
        shown = selectors.cards(ids)
    with django_assert_num_queries(0):
        assert [(a.headline, a.author_names(), a.kicker and a.kicker.display_name) for a in shown] == [
            ("New", [], None),
            ("Old", ["Ann"], "Oil"),
        ]
    later = soon.published_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert [a.headline for a in selectors.cards(ids)] == ["Soon", "New", "Old"]
    many = [ArticleFactory(public=True).pk for _ in range(30)]
    assert len(selectors.cards(many)) == len(many)
