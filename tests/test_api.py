"""The read-only API under /api/v1/ (newsroom.api): public articles only,
filters that refuse bad values with a 400 naming the parameter, cursors
that page without repeats, answers in English with an ETag, and an OpenAPI
3.1 document that a validator other than ours accepts."""

import base64
from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from newsroom.models import Article
from tests.conftest import count_queries
from tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, SourceFactory, non_public_states

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

LIST = "/api/v1/articles/"


def listed(client, query: str = "") -> list[str]:
    response = client.get(LIST + query)
    assert response.status_code == 200, response.content
    return [row["headline"] for row in response.json()["results"]]


def hidden_articles(**links) -> list[Article]:
    return [ArticleFactory(headline=f"Hidden {state}", **links, **args) for state, args in non_public_states().items()]


def test_the_list_gives_public_articles_of_both_editions_newest_first(client):
    now = timezone.now()
    ArticleFactory(public=True, headline="Older", language="es", published_at=now - timedelta(days=2))
    ArticleFactory(public=True, headline="Newer", language="en", published_at=now - timedelta(hours=2))
    hidden_articles()
    assert listed(client) == ["Newer", "Older"]


@pytest.mark.parametrize("state", list(non_public_states()))
def test_no_unpublished_article_is_listed_found_or_counted_by_any_filter(client, state):
    """Draft, review, archived and scheduled: absent from the list, under
    every filter, and 404 at their own address."""
    article = ArticleFactory(
        headline="Hidden", topics=["sanctions"], country_codes=["CU"], **non_public_states()[state]
    )
    ArticleFactory(public=True, headline="Public", topics=["sanctions"], country_codes=["CU"])
    for query in ("", "?country=cuba", "?topic=sanctions", "?language=en", "?published_after=2000-01-01"):
        assert listed(client, query) == ["Public"], query
    response = client.get(f"{LIST}{article.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_article_gives_its_body_sources_corrections_and_links_but_nothing_for_staff_only(client):
    author = AuthorFactory(name="Ana Reporter", slug="ana-reporter")
    article = ArticleFactory(
        public=True, headline="Deal signed", authors=[author], topics=["energy"], country_codes=["CU", "RU"]
    )
    SourceFactory(article=article, outlet="EFE")
    CorrectionFactory(article=article, text="The date was wrong.")
    response = client.get(f"{LIST}{article.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["headline"] == "Deal signed"
    assert data["url"].endswith(f"/en/articles/{article.slug}/")
    assert data["body_html"] == article.body
    assert data["authors"] == [{"name": "Ana Reporter", "slug": "ana-reporter"}]
    assert [c["iso2"] for c in data["countries"]] == ["CU", "RU"]
    assert [t["slug"] for t in data["topics"]] == ["energy"]
    assert data["sources"] == [{"outlet": "EFE", "url": None}]
    assert [c["text"] for c in data["corrections"]] == ["The date was wrong."]
    staff_only = {"status", "created_by", "last_edited_by", "lock_version", "dismissed_suggestions", "notes"}
    assert staff_only.isdisjoint(data)
    assert "created_by" not in str(data["corrections"])


def test_a_topic_only_unpublished_stories_carry_answers_as_a_topic_nobody_has(client):
    """The site's topic page is a 404 for both: a topic's name alone could
    give an embargoed story away."""
    hidden_articles(topics=["embargoed-summit"])
    ArticleFactory(public=True, topics=["energy"])
    secret = client.get(f"{LIST}?topic=embargoed-summit")
    unknown = client.get(f"{LIST}?topic=no-such-topic")
    assert (secret.status_code, secret.json()) == (unknown.status_code, unknown.json()) == (200, EMPTY)


EMPTY = {"next": None, "previous": None, "results": []}


def test_a_date_alone_counts_the_whole_day(client):
    noon = datetime(2026, 1, 31, 12, 0, tzinfo=timezone.get_current_timezone())
    ArticleFactory(public=True, headline="At noon", published_at=noon)
    ArticleFactory(public=True, headline="Next day", published_at=noon + timedelta(days=1))
    assert listed(client, "?published_before=2026-01-31") == ["At noon"]
    assert listed(client, "?published_after=2026-01-31&published_before=2026-01-31") == ["At noon"]
    assert listed(client, "?published_after=2026-02-01") == ["Next day"]


def test_filters_narrow_the_list(client):
    now = timezone.now()
    ArticleFactory(public=True, headline="Cuban oil", topics=["oil"], country_codes=["CU"], language="es")
    ArticleFactory(public=True, headline="Russian oil", topics=["oil"], country_codes=["RU"])
    ArticleFactory(public=True, headline="Old news", published_at=now - timedelta(days=40))
    assert listed(client, "?country=cuba") == ["Cuban oil"]
    assert listed(client, "?topic=oil&language=en") == ["Russian oil"]
    day = (now - timedelta(days=10)).date().isoformat()
    assert "Old news" not in listed(client, f"?published_after={day}")
    assert listed(client, f"?published_before={day}") == ["Old news"]


def forged_cursor(raw: str) -> str:
    return quote(base64.b64encode(raw.encode()).decode())


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("language=fr", "language"),
        ("language=", "language"),
        ("country=cu%00ba", "country"),
        ("topic=%00", "topic"),
        ("published_after=yesterday", "published_after"),
        ("published_after=2026-02-30", "published_after"),
        ("published_after=2026-01-01T25:00", "published_after"),
        ("published_before=%00", "published_before"),
        ("published_after=0001-01-01T00:00%2B01:00", "published_after"),
        ("published_before=9999-12-31", "published_before"),
        ("limit=" + "1" * 5000, "limit"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=%EF%BC%91", "limit"),
        ("cursor=%%%", "cursor"),
        (f"cursor={forged_cursor('p=garbage')}", "cursor"),
        (f"cursor={forged_cursor('p=2026-13-01')}", "cursor"),
        (f"cursor={forged_cursor('p=' + chr(0))}", "cursor"),
        (f"cursor={forged_cursor('p=9999-12-31T23:59:59-05:00')}", "cursor"),
    ],
)
def test_a_bad_value_is_a_400_naming_its_parameter(client, query, parameter):
    ArticleFactory(public=True)
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == [parameter]


def test_cursors_page_through_everything_once_even_when_a_story_is_published_meanwhile(client):
    now = timezone.now()
    for hours in range(1, 6):
        ArticleFactory(public=True, headline=f"{hours} hours ago", published_at=now - timedelta(hours=hours))
    seen, url = [], f"{LIST}?limit=2"
    while url:
        data = client.get(url).json()
        seen += [row["headline"] for row in data["results"]]
        if len(seen) == 2:
            ArticleFactory(public=True, headline="Just now", published_at=now)
        url = data["next"]
    assert seen == [f"{hours} hours ago" for hours in range(1, 6)]


@pytest.mark.parametrize("query", ["country=cuba", "topic=oil", "country=cuba&topic=oil&language=en"])
def test_a_list_filtered_by_a_record_pages_through_its_stories_once_newest_first(client, query):
    """Such a list is read through the record's links (articles.by_record):
    the same order and cursors, ties broken by id, a story published
    meanwhile neither repeated nor making one skip, and the hidden ones
    out."""
    now = timezone.now()
    for hours in range(1, 6):
        ArticleFactory(
            public=True,
            headline=f"{hours} hours ago",
            published_at=now - timedelta(hours=hours),
            topics=["oil"],
            country_codes=["CU"],
        )
    same_time = now - timedelta(hours=6)
    twins = [
        ArticleFactory(public=True, headline=f"Twin {i}", published_at=same_time, topics=["oil"], country_codes=["CU"])
        for i in range(2)
    ]
    ArticleFactory(public=True, headline="Elsewhere", topics=["gas"], country_codes=["VE"])
    hidden_articles(topics=["oil"], country_codes=["CU"])
    seen, url = [], f"{LIST}?{query}&limit=2"
    while url:
        data = client.get(url).json()
        seen += [row["headline"] for row in data["results"]]
        if len(seen) == 2:
            ArticleFactory(public=True, headline="Just now", published_at=now, topics=["oil"], country_codes=["CU"])
        url = data["next"]
    expected = [f"{hours} hours ago" for hours in range(1, 6)]
    expected += [twin.headline for twin in sorted(twins, key=lambda t: -t.pk)]
    assert seen == expected
    # One page of them all: the story published meanwhile first.
    assert listed(client, f"?{query}&limit=50") == ["Just now", *expected]
    dated = listed(
        client, f"?{query}&published_after={(now - timedelta(hours=3, minutes=30)).isoformat()}".replace("+", "%2B")
    )
    assert dated == ["Just now", "1 hours ago", "2 hours ago", "3 hours ago"]


def test_answers_are_english_json_with_an_etag_that_gives_304(client):
    article = ArticleFactory(public=True)
    first = client.get(f"{LIST}{article.pk}/")
    assert first["Content-Language"] == "en"
    assert first["Cache-Control"] == "no-cache"  # caches ask again: an unpublished story goes at once
    assert "Set-Cookie" not in first
    again = client.get(f"{LIST}{article.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    article.headline = "Changed"
    article.save()
    assert client.get(f"{LIST}{article.pk}/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_the_api_only_reads(client):
    response = client.post(LIST, {"headline": "x"})
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "POST" not allowed.'}
    for method in (client.put, client.patch, client.delete):
        assert method(f"{LIST}1/").status_code == 405
    assert client.head(LIST).status_code == 200
    assert client.post("/api/v1/nothing/").status_code == 404
    unknown = client.get("/api/v1/nothing/here")
    assert unknown.status_code == 404
    assert "openapi.json" in unknown.json()["detail"]


def test_the_list_runs_the_same_queries_for_one_article_and_for_thirty(client):
    ArticleFactory(public=True, topics=["oil"], country_codes=["CU"], authors=[AuthorFactory()])
    one = count_queries(client, f"{LIST}?country=cuba&topic=oil")
    for _ in range(29):
        ArticleFactory(public=True, topics=["oil"], country_codes=["CU", "RU"], authors=[AuthorFactory()])
    assert count_queries(client, f"{LIST}?country=cuba&topic=oil") == one
    assert count_queries(client, LIST) <= 1


def test_the_openapi_document_is_valid_3_1_and_describes_every_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert {"/api/v1/articles/", "/api/v1/articles/{id}/"} <= set(document["paths"])
    assert document == client.get("/api/v1/openapi.json?lang=es").json()  # English, whatever is asked
    listed_parameters = {p["name"] for p in document["paths"]["/api/v1/articles/"]["get"]["parameters"]}
    assert {"language", "country", "topic", "published_after", "published_before", "limit", "cursor"} <= (
        listed_parameters
    )


def test_the_api_root_says_where_everything_is(client):
    data = client.get("/api/v1/").json()
    assert data["articles"].endswith("/api/v1/articles/")
    assert client.get(data["openapi"]).status_code == 200


def answer_schema(document: dict, path: str, status: str) -> dict:
    content = document["paths"][path]["get"]["responses"][status]["content"]["application/json"]
    return {**content["schema"], "components": document["components"]}


def test_answers_match_what_the_openapi_document_says(client):
    """What a client generated from the document expects is what it gets:
    the list's envelope, an article with every part, and the errors."""
    document = client.get("/api/v1/openapi.json").json()
    author = AuthorFactory(name="Ana Reporter")
    article = ArticleFactory(public=True, authors=[author], topics=["energy"], country_codes=["CU"])
    SourceFactory(article=article, outlet="EFE", url="https://efe.example/1")
    CorrectionFactory(article=article)
    ArticleFactory(public=True, dek="")
    checks = [
        (LIST + "?limit=1", "/api/v1/articles/", "200"),
        (LIST + "?limit=1000", "/api/v1/articles/", "400"),
        (f"{LIST}{article.pk}/", "/api/v1/articles/{id}/", "200"),
        (f"{LIST}999999/", "/api/v1/articles/{id}/", "404"),
    ]
    for url, path, status in checks:
        response = client.get(url)
        assert str(response.status_code) == status, url
        OAS31Validator(answer_schema(document, path, status)).validate(response.json())
