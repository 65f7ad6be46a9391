"""Sitemaps, the Google News sitemap and robots.txt: valid XML that lists
public pages only, an index that pages past the URL limit, and a fixed number
of queries."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from newsroom.discovery import sitemaps
from tests.conftest import queries_by_size
from tests.factories import (
    AgreementFactory,
    ArticleAgreementFactory,
    ArticleFactory,
    AuthorFactory,
    OrganizationFactory,
    PersonFactory,
    non_public_states,
)
from tests.responses import parse_xml

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
HIDDEN = list(non_public_states().values())


def get_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert "xml" in response["Content-Type"]
    return parse_xml(response.content)


def locations(client, url):
    return [u.findtext(f"{SM}loc") for u in get_xml(client, url).findall(f"{SM}url")]


def test_sitemap_index_points_at_every_section(client):
    ArticleFactory(public=True)
    index = get_xml(client, "/sitemap.xml")
    assert index.tag == f"{SM}sitemapindex"
    urls = [s.findtext(f"{SM}loc") for s in index.findall(f"{SM}sitemap")]
    assert urls == [
        f"http://testserver/sitemap-{section}.xml"
        for section in ("pages", "articles", "topics", "countries", "agreements", "authors", "people", "organizations")
    ]
    for url in urls:
        get_xml(client, url.removeprefix("http://testserver"))


def test_article_sitemap_lists_public_articles_with_lastmod(client):
    public = ArticleFactory(public=True, headline="Díaz-Canel in Moscow")
    for hidden in HIDDEN:
        ArticleFactory(**hidden)
    entries = get_xml(client, "/sitemap-articles.xml").findall(f"{SM}url")
    assert [e.findtext(f"{SM}loc") for e in entries] == [f"http://testserver{public.get_absolute_url()}"]
    # Slugs are plain ASCII: the accent is folded, never percent-encoded.
    assert entries[0].findtext(f"{SM}loc").endswith("/articles/diaz-canel-in-moscow/")
    assert datetime.fromisoformat(entries[0].findtext(f"{SM}lastmod")) == public.updated_at


def test_listing_pages_appear_once_they_have_a_public_article(client):
    author = AuthorFactory(slug="ana")
    quiet_author = AuthorFactory(slug="quiet")
    ArticleFactory(public=True, topics=["sugar"], country_codes=["CU"], authors=[author])
    for hidden in HIDDEN:
        ArticleFactory(topics=["secret"], country_codes=["KP"], authors=[quiet_author], **hidden)
    # Once per edition.
    assert locations(client, "/sitemap-topics.xml") == [
        "http://testserver/topics/sugar/",
        "http://testserver/en/topics/sugar/",
    ]
    assert locations(client, "/sitemap-countries.xml") == [
        "http://testserver/countries/cuba/",
        "http://testserver/en/countries/cuba/",
    ]
    assert locations(client, "/sitemap-authors.xml") == [
        "http://testserver/authors/ana/",
        "http://testserver/en/authors/ana/",
    ]


def test_a_page_of_every_edition_names_the_others_as_alternates(client):
    ArticleFactory(public=True, topics=["sugar"])
    entries = get_xml(client, "/sitemap-topics.xml").findall(f"{SM}url")
    xhtml = "{http://www.w3.org/1999/xhtml}link"
    for entry in entries:
        alternates = {link.get("hreflang"): link.get("href") for link in entry.findall(xhtml)}
        assert alternates == {
            "es": "http://testserver/topics/sugar/",
            "en": "http://testserver/en/topics/sugar/",
            "x-default": "http://testserver/topics/sugar/",
        }
    # A story is at its own address only.
    assert not get_xml(client, "/sitemap-articles.xml").findall(f"{SM}url/{xhtml}")


def test_a_listing_page_lastmod_is_its_newest_public_article(client):
    now = timezone.now()
    ArticleFactory(public=True, topics=["sugar"], published_at=now - timedelta(days=3))
    newest = ArticleFactory(public=True, topics=["sugar"], published_at=now - timedelta(days=1))
    ArticleFactory(scheduled=True, topics=["sugar"])
    entries = get_xml(client, "/sitemap-topics.xml").findall(f"{SM}url")
    assert len(entries) == 2  # one per edition
    for entry in entries:
        assert datetime.fromisoformat(entry.findtext(f"{SM}lastmod")) == newest.published_at


def test_agreements_are_listed(client):
    agreement = AgreementFactory(title="Havana accord")
    assert locations(client, "/sitemap-agreements.xml") == [
        f"http://testserver/agreements/{agreement.slug}/",
        f"http://testserver/en/agreements/{agreement.slug}/",
    ]


def test_a_section_past_the_limit_is_split_and_indexed_page_by_page(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    for _ in range(3):
        ArticleFactory(public=True)
    index = get_xml(client, "/sitemap.xml")
    urls = [s.findtext(f"{SM}loc") for s in index.findall(f"{SM}sitemap")]
    assert "http://testserver/sitemap-articles.xml" in urls
    assert "http://testserver/sitemap-articles.xml?p=2" in urls
    assert len(locations(client, "/sitemap-articles.xml")) == 2
    assert len(locations(client, "/sitemap-articles.xml?p=2")) == 1
    for bad in ("?p=3", "?p=0", "?p=x"):
        assert client.get(f"/sitemap-articles.xml{bad}").status_code == 404


def test_unknown_sitemap_section_is_a_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_news_sitemap_lists_public_articles_of_the_last_two_days(client):
    now = timezone.now()
    fresh = ArticleFactory(public=True, language="es", headline="Llega el \x0bpetrolero <ruso>", published_at=now)
    ArticleFactory(public=True, headline="Old news", published_at=now - timedelta(hours=49))
    for hidden in HIDDEN:
        ArticleFactory(headline="Hidden", **hidden)
    root = get_xml(client, "/news-sitemap.xml")
    [entry] = root.findall(f"{SM}url")
    assert entry.findtext(f"{SM}loc") == f"http://testserver{fresh.get_absolute_url()}"
    news = entry.find(f"{NEWS}news")
    publication = news.find(f"{NEWS}publication")
    assert publication.findtext(f"{NEWS}name") == "Newsroom"
    assert publication.findtext(f"{NEWS}language") == "es"
    assert news.findtext(f"{NEWS}title") == "Llega el petrolero <ruso>"
    assert datetime.fromisoformat(news.findtext(f"{NEWS}publication_date")) == fresh.published_at.replace(microsecond=0)


def test_robots_txt_names_both_sitemaps_and_keeps_crawlers_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines


SITEMAP_BUDGETS = {
    # Index: a count and a latest date per section (pages need neither).
    "/sitemap.xml": 14,
    "/sitemap-articles.xml": 2,
    "/sitemap-topics.xml": 2,
    "/sitemap-authors.xml": 2,
    "/sitemap-people.xml": 2,
    "/sitemap-organizations.xml": 2,
    "/news-sitemap.xml": 1,
}


def sitemap_articles():
    """Articles, each with a topic, an author, an agreement, a person and an
    organisation of its own."""
    author = AuthorFactory()

    def add(i: int) -> None:
        article = ArticleFactory(public=True, topics=[f"topic {i}"], country_codes=["CU"], authors=[author])
        ArticleAgreementFactory(article=article)
        article.people.add(PersonFactory())
        article.organizations.add(OrganizationFactory())

    return add


@pytest.fixture(scope="module")
def sitemap_queries(django_db_setup, django_db_blocker) -> dict[int, dict[str, int]]:
    """Each sitemap's queries, cold, with one article and then thirty."""
    return queries_by_size(django_db_blocker, SITEMAP_BUDGETS, sitemap_articles)


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize("url", list(SITEMAP_BUDGETS))
def test_sitemaps_run_a_fixed_number_of_queries(sitemap_queries, count, url):
    assert sitemap_queries[count][url] <= SITEMAP_BUDGETS[url]
