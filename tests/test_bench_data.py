"""The benchmark's data generator (manage.py bench_data): what it creates must
obey the same rules as what editors create, and --clear must remove only it."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from alliances.models import Agreement, AgreementParty, ArticleAgreement, Country
from bench.management.commands.bench_data import SELECTIVE_TERMS
from newsroom.discovery.search import matching_articles
from newsroom.models import Article, Author, TaggedCountry, TaggedTopic, Topic
from tests.conftest import unwritten
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def generate(**options):
    call_command("bench_data", stdout=StringIO(), **{"articles": 60, "agreements": 40, "authors": 8, **options})


def test_generates_tagged_articles_without_creating_countries():
    countries_before = Country.objects.count()

    generate()

    articles = Article.objects.filter(slug__startswith="bench-")
    assert articles.count() == 60
    assert Country.objects.count() == countries_before
    per_article = TaggedTopic.objects.values("content_object").annotate(n=Count("pk"))
    assert {row["n"] for row in per_article} <= {3, 4, 5, 6}
    per_article = TaggedCountry.objects.values("content_object").annotate(n=Count("pk"))
    assert {row["n"] for row in per_article} <= {1, 2, 3, 4}
    assert all(article.bylines.exists() for article in articles)
    assert Article.objects.published().filter(slug__startswith="bench-").count() >= 45


def test_bodies_are_plain_paragraphs_of_news_length():
    generate(articles=10)

    for body in Article.objects.values_list("body", flat=True):
        assert body.startswith("<p>") and body.endswith("</p>")
        assert "<script" not in body
        words = len(body.replace("<p>", " ").replace("</p>", " ").split())
        assert 450 <= words <= 1600


def test_agreements_satisfy_editor_rules():
    generate(agreements=200)

    agreements = Agreement.objects.filter(slug__startswith="bench-")
    assert agreements.count() == 200
    for agreement in agreements.prefetch_related("parties"):
        agreement.full_clean()  # dates, precisions and no supersedes/part_of loop
        agreement.check_parties([(p.country_id, p.role) for p in agreement.parties.all()])
    assert agreements.exclude(supersedes=None).exists()
    assert agreements.exclude(part_of=None).exists()
    assert AgreementParty.objects.filter(role="lender").exists()
    assert ArticleAgreement.objects.exists()


def test_clear_removes_only_benchmark_rows():
    own = ArticleFactory(headline="An editor's story", public=True)
    own.tags.add("sanctions")
    generate()

    generate(articles=5, clear=True)

    assert Article.objects.filter(slug__startswith="bench-").count() == 5
    assert Article.objects.filter(pk=own.pk).exists()
    assert list(own.tags.names()) == ["sanctions"]
    assert Author.objects.filter(slug__startswith="bench-").count() == 8
    assert Topic.objects.filter(name__iexact="sanctions").count() == 1


def test_generated_articles_are_searchable_by_their_rare_place_names():
    generate(articles=200)

    with_term = [
        term
        for term in SELECTIVE_TERMS
        if " " not in term and Article.objects.published().filter(body__contains=f" {term}.").exists()
    ]
    assert with_term, "some article should mention a selective term"
    for term in with_term[:3]:
        found = matching_articles(term)
        assert found.exists()
        assert found.count() < Article.objects.published().count() / 10


def test_stored_copies_are_what_the_app_itself_would_store():
    """The rows go in around the signals; the bulk form of the refresh table
    must leave every stored copy as the app's own refresh would."""
    from alliances import overview
    from alliances.models import CountryOverview
    from newsroom.stored import related
    from newsroom.stored.search_vector import refresh_search_vector

    generate(articles=80)
    articles = Article.objects.filter(slug__startswith="bench-").order_by("pk")
    # Related lists: each ranked by the rule a save applies.
    stored = dict(articles.values_list("pk", "related"))
    assert any(stored.values())
    assert stored == {pk: related.rank(pk)[: related.KEPT] for pk in stored}
    # Listing copies: each topic, country and agreement link carries its
    # article's status, time and language.
    for model, article in (
        (TaggedTopic, "content_object"),
        (TaggedCountry, "content_object"),
        (ArticleAgreement, "article"),
    ):
        links = model.objects.filter(**{f"{article}__slug__startswith": "bench-"}).select_related(article)
        assert links
        for link in links:
            linked = getattr(link, article)
            assert (link.article_status, link.article_published_at, link.article_language) == (
                linked.status,
                linked.published_at,
                linked.language,
            )
    # Search vectors: as the app's own refresh writes them.
    vectors = dict(articles.values_list("pk", "search_vector"))
    refresh_search_vector(list(vectors))
    assert dict(articles.values_list("pk", "search_vector")) == vectors
    # Card and page documents, agreement pages: as the app computes them.
    from alliances import agreement_page
    from newsroom.stored import documents

    computed = {pk: (card, unwritten(lists)) for pk, (card, lists) in documents.compute(list(stored)).items()}
    stored_documents = articles.values_list("pk", "card", "page_lists")
    assert {pk: (card, unwritten(lists)) for pk, card, lists in stored_documents} == computed
    pages = agreement_page.compute(Agreement.objects.values_list("pk", flat=True))
    assert {pk: unwritten(doc) for pk, doc in Agreement.objects.values_list("pk", "page_lists")} == {
        pk: unwritten(doc) for pk, doc in pages.items()
    }
    # Country overviews: as computed from the rows now.
    for row in CountryOverview.objects.filter(country__agreement_parties__isnull=False).distinct()[:20]:
        assert row.data == overview.compute(row.country_id)


def test_about_a_third_of_the_articles_are_about_cuba():
    """As in the real archive: Cuba's tag or an agreement that names it puts
    "Cuba" in about a third of the articles' search text, not in half."""
    generate(articles=400, agreements=200)

    public = Article.objects.published()
    assert 0.25 <= matching_articles("Cuba").count() / public.count() <= 0.42


def test_both_editions_are_there_and_some_english_stories_translate_spanish_ones():
    """List pages meet the other edition's block and its translated stories,
    as on the real site: each pair is one Spanish and one English story."""
    generate(articles=400, agreements=40)

    articles = Article.objects.filter(slug__startswith="bench-")
    assert 0.2 <= articles.filter(language="en").count() / articles.count() <= 0.4
    pairs = articles.exclude(translation_key=None).values("translation_key").annotate(n=Count("pk"))
    assert pairs.count() >= 10
    for pair in pairs:
        assert sorted(articles.filter(translation_key=pair["translation_key"]).values_list("language", flat=True)) == [
            "en",
            "es",
        ]


def test_people_and_organisations_are_named_with_a_skew_as_in_a_real_archive():
    """A few people are in many stories (a president), most in a handful:
    the person page kind of the benchmark measures the busiest lists."""
    generate(articles=400, agreements=40, people=60, organizations=20)

    per_person = sorted(
        Article.people.through.objects.values("person").annotate(n=Count("pk")).values_list("n", flat=True),
        reverse=True,
    )
    assert 300 <= sum(per_person) <= 650  # about one person per story
    assert per_person[0] >= 5 * per_person[len(per_person) // 2]
    assert Article.organizations.through.objects.exists()
    # --clear takes them away with the rest.
    generate(articles=5, agreements=5, people=3, organizations=2, clear=True)
    assert Article.people.through.objects.values("person").distinct().count() <= 3
