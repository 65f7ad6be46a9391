"""RSS and Atom feeds: only public articles, every field a feed reader
shows, valid XML whatever an editor typed, and a fixed number of queries."""

from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from alliances.models import ArticleAgreement
from newsroom.models import Article
from tests.conftest import queries_by_size
from tests.factories import (
    AgreementFactory,
    ArticleFactory,
    AuthorFactory,
    hero_image,
    non_public_states,
)
from tests.responses import parse_xml

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
HIDDEN = list(non_public_states().values())


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return parse_xml(response.content).find("channel").findall("item")


def atom_entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return parse_xml(response.content).findall(f"{ATOM}entry")


def public_and_hidden(headline="Public story", **links):
    """One public article and one of each non-public kind, all with the
    same topics/countries/authors, so only visibility tells them apart."""
    public = ArticleFactory(public=True, headline=headline, **links)
    for n, hidden in enumerate(HIDDEN):
        ArticleFactory(headline=f"Hidden story {n}", **links, **hidden)
    return public


def test_site_feeds_list_public_articles_newest_first(client):
    now = timezone.now()
    ArticleFactory(public=True, headline="Older", published_at=now - timedelta(days=2))
    ArticleFactory(public=True, headline="Newer", published_at=now - timedelta(hours=1))
    for hidden in HIDDEN:
        ArticleFactory(headline="Hidden", **hidden)
    assert [i.findtext("title") for i in rss_items(client, "/en/feed/")] == ["Newer", "Older"]
    assert [e.findtext(f"{ATOM}title") for e in atom_entries(client, "/en/feed/atom/")] == ["Newer", "Older"]


def test_feeds_stop_at_thirty_items(client):
    for i in range(31):
        ArticleFactory(public=True, headline=f"Story {i}")
    assert len(rss_items(client, "/en/feed/")) == 30


def test_rss_item_carries_everything_a_reader_shows(client):
    authors = [AuthorFactory(name="Ana Pérez"), AuthorFactory(name="John Roe")]
    article = ArticleFactory(
        public=True,
        headline="Iran and Cuba sign a partnership",
        dek="Ten years of cooperation <in> energy & trade.",
        authors=authors,
        topics=["energy"],
        country_codes=["IR", "CU"],
        image=hero_image("hero.png"),
    )
    [item] = rss_items(client, "/en/feed/")
    assert item.findtext("title") == "Iran and Cuba sign a partnership"
    assert item.findtext("link") == f"http://testserver{article.get_absolute_url()}"
    # The description is HTML: the dek arrives escaped, once.
    assert item.findtext("description") == "Ten years of cooperation &lt;in&gt; energy &amp; trade."
    assert item.findtext(f"{DC}creator") == "Ana Pérez, John Roe"
    # Topics by their reader names (the typed name capitalised until an editor names it).
    assert sorted(c.text for c in item.findall("category")) == ["Cuba", "Energy", "Iran"]
    assert parsedate_to_datetime(item.findtext("pubDate")) == article.published_at.replace(microsecond=0)
    enclosure = item.find("enclosure")
    assert enclosure.get("url") == f"http://testserver{article.image.url}"
    assert enclosure.get("length") == str(article.image.size)
    assert enclosure.get("type") == "image/png"


def test_atom_entry_carries_publication_and_update_times(client):
    article = ArticleFactory(
        public=True,
        headline="Treaty text published",
        dek="The full text.",
        authors=[AuthorFactory(name="Ana Pérez")],
        topics=["treaties"],
        image=hero_image("treaty.png"),
    )
    [entry] = atom_entries(client, "/en/feed/atom/")
    assert datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == article.published_at
    # No substantive update yet: <updated> is the publication time.
    assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == article.date_modified == article.published_at
    assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert entry.findtext(f"{ATOM}summary") == "The full text."
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Ana Pérez"
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["Treaties"]
    enclosure = next(link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "enclosure")
    assert enclosure.get("href") == f"http://testserver{article.image.url}"


def test_markup_in_a_headline_is_text_in_both_formats(client):
    ArticleFactory(public=True, headline="<b>AT&T</b> leaves")
    [item] = rss_items(client, "/en/feed/")
    # RSS readers render titles as HTML (Django escapes them for that reason).
    assert item.findtext("title") == "&lt;b&gt;AT&amp;T&lt;/b&gt; leaves"
    [entry] = atom_entries(client, "/en/feed/atom/")
    assert entry.findtext(f"{ATOM}title") == "<b>AT&T</b> leaves"


@pytest.mark.parametrize("url", ["/en/feed/", "/en/feed/atom/", "/en/topics/odd/feed/", "/en/authors/odd-author/feed/"])
def test_control_characters_never_break_the_xml(client, url):
    author = AuthorFactory(name="Odd\x0c Author", slug="odd-author", bio="Bio\x07")
    article = ArticleFactory(
        public=True,
        headline="Bad\x0bhead\x1fline",  # NUL cannot even be stored on PostgreSQL
        dek="Dek\x01 with\x1b escapes",
        authors=[author],
        topics=["odd"],
    )
    topic = article.tags.get()
    topic.description = "About\x02 odd things"
    topic.save()
    response = client.get(url)
    assert response.status_code == 200
    root = parse_xml(response.content)  # raises if the XML is invalid
    titles = [t.text for t in root.iter() if t.tag in ("title", f"{ATOM}title")]
    assert "Badheadline" in titles


def test_missing_image_file_still_gives_a_valid_enclosure(client):
    article = ArticleFactory(public=True, headline="Lost picture", image=hero_image("lost.png"))
    article.image.storage.delete(article.image.name)
    [item] = rss_items(client, "/en/feed/")
    assert item.find("enclosure").get("length") == "0"


@pytest.mark.parametrize("kind", ["topic", "country", "agreement", "author"])
def test_each_page_feed_lists_only_its_public_articles(client, kind):
    author = AuthorFactory(name="Desk", slug="desk")
    agreement = AgreementFactory(title="Havana accord", slug="havana-accord")
    links = {
        "topic": {"topics": ["sugar"]},
        "country": {"country_codes": ["CU"]},
        "agreement": {},
        "author": {"authors": [author]},
    }[kind]
    public = public_and_hidden(**links)
    ArticleFactory(public=True, headline="Unrelated story")
    if kind == "agreement":
        for article in [public, *Article.objects.filter(headline__startswith="Hidden")]:
            ArticleAgreement.objects.create(article=article, agreement=agreement)
    url = {
        "topic": "/en/topics/sugar/feed/",
        "country": "/en/countries/cuba/feed/",
        "agreement": "/en/agreements/havana-accord/feed/",
        "author": "/en/authors/desk/feed/",
    }[kind]
    assert [i.findtext("title") for i in rss_items(client, url)] == ["Public story"]


@pytest.mark.parametrize(
    "url", ["/topics/nope/feed/", "/countries/atlantis/feed/", "/agreements/nope/feed/", "/authors/nope/feed/"]
)
def test_feed_of_an_unknown_page_is_a_404(client, url):
    assert client.get(url).status_code == 404


FEED_BUDGETS = {
    # Articles, bylines, topics, countries (and the topic for its feed).
    "/en/feed/": 4,
    "/en/feed/atom/": 4,
    "/en/topics/cane/feed/": 5,
    "/en/countries/cuba/feed/": 5,
    "/en/agreements/cane-deal/feed/": 5,
    "/en/authors/desk/feed/": 5,
}


def feed_articles():
    authors = [AuthorFactory(slug="desk"), AuthorFactory()]
    agreement = AgreementFactory(slug="cane-deal")
    image = hero_image()  # one picture, saved once per article

    def add(i: int) -> None:
        article = ArticleFactory(
            public=True, authors=authors, topics=["cane", f"topic {i}"], country_codes=["CU", "VE"], image=image
        )
        ArticleAgreement.objects.create(article=article, agreement=agreement)

    return add


@pytest.fixture(scope="module")
def feed_queries(django_db_setup, django_db_blocker) -> dict[int, dict[str, int]]:
    """Each feed's queries, cold, with one article in it and then thirty."""
    return queries_by_size(django_db_blocker, FEED_BUDGETS, feed_articles)


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize("url", list(FEED_BUDGETS))
def test_feeds_run_a_fixed_number_of_queries(feed_queries, count, url):
    assert feed_queries[count][url] <= FEED_BUDGETS[url]


def test_feed_link_include_names_the_page_feed_and_the_site_feeds():
    html = render_to_string(
        "includes/feed_link.html", {"SITE_NAME": "Newsroom", "feed_url": "/topics/a&b/feed/", "feed_title": "A&B"}
    )
    assert (
        '<link rel="alternate" type="application/rss+xml" title="A&amp;B – Newsroom" href="/topics/a&amp;b/feed/">'
        in (html)
    )
    assert 'type="application/rss+xml" title="Newsroom" href="/feed/"' in html
    assert 'type="application/atom+xml" title="Newsroom (Atom)" href="/feed/atom/"' in html
    assert "/topics/" not in render_to_string("includes/feed_link.html", {"SITE_NAME": "Newsroom"})


@pytest.mark.django_db
def test_each_page_links_its_own_feed_in_the_head(client):
    from tests.factories import AgreementFactory, AuthorFactory

    author = AuthorFactory(name="Ana Feed")
    agreement = AgreementFactory(title="Feed treaty")
    article = ArticleFactory(public=True, authors=[author], topics=["sanciones"], country_codes=["CU"])
    article.agreements.add(agreement)
    spanish = ArticleFactory(public=True, language="es", authors=[author], topics=["sanciones"], country_codes=["CU"])
    spanish.agreements.add(agreement)
    # Each edition's pages link that edition's feeds (/feed/ Spanish, /en/feed/ English).
    pages = {
        "/": "/feed/",
        "/topics/sanciones/": "/topics/sanciones/feed/",
        "/countries/cuba/": "/countries/cuba/feed/",
        f"/agreements/{agreement.slug}/": f"/agreements/{agreement.slug}/feed/",
        f"/authors/{author.slug}/": f"/authors/{author.slug}/feed/",
    }
    pages |= {f"/en{page}": f"/en{feed}" for page, feed in pages.items()}
    for page, feed in pages.items():
        html = client.get(page).content.decode()
        assert 'type="application/rss+xml" title="' in html, page
        assert f'href="{feed}"' in html, page
        assert client.get(feed).status_code == 200, feed
