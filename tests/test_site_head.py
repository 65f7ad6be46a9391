"""What every page's <head> tells browsers, search engines and social
cards, and that an editor's text can never break out of it."""

import json
from html.parser import HTMLParser

import pytest

from tests import factories
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

HOSTILE = '</script><script>alert(1)</script> & "quotes" <b>bold</b>'


class HeadParser(HTMLParser):
    """Collects the <title>, <meta> and <link> tags and JSON-LD blocks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.scripts: list[tuple[dict, str]] = []
        self._in = None
        self._attrs: dict = {}
        self._buffer = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            self.meta[attrs.get("property") or attrs.get("name")] = attrs["content"]
        elif tag == "link" and attrs.get("rel"):
            self.links[attrs["rel"]] = attrs.get("href", "")
        elif tag in ("title", "script"):
            self._in, self._attrs, self._buffer = tag, attrs, ""

    def handle_data(self, data):
        if self._in:
            self._buffer += data

    def handle_endtag(self, tag):
        if tag == self._in == "title":
            self.title = self._buffer
        elif tag == self._in == "script":
            self.scripts.append((self._attrs, self._buffer))
        if tag == self._in:
            self._in = None


def head(response) -> HeadParser:
    assert response.status_code == 200
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def json_ld(response) -> dict:
    blocks = [body for attrs, body in head(response).scripts if attrs.get("type") == "application/ld+json"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.fixture
def story():
    return factories.launch_story()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/topics/",
        "/topics/geopolitics/",
        "/countries/",
        "/countries/iran/",
        "/agreements/",
        "/authors/editorial-team/",
    ],
)
def test_every_page_has_title_description_canonical_and_cards(client, settings, story, url):
    parsed = head(client.get(url))
    assert parsed.title.strip().endswith(settings.SITE_NAME)
    assert parsed.meta["description"]
    assert parsed.links["canonical"] == settings.SITE_URL + url
    assert parsed.meta["og:url"] == settings.SITE_URL + url
    for name in ("og:title", "og:description", "og:type", "og:site_name", "twitter:card", "twitter:title"):
        assert parsed.meta.get(name), name
    assert "noindex" not in parsed.meta.get("robots", "")


def test_article_head_describes_the_story(client, settings, story):
    article = story["story"]
    parsed = head(client.get(article.get_absolute_url()))
    assert parsed.title == f"{article.headline} | {settings.SITE_NAME}"
    assert parsed.meta["description"] == article.dek
    assert parsed.meta["og:type"] == "article"
    assert parsed.meta["og:image"].startswith(settings.SITE_URL + "/media/articles/")
    assert parsed.meta["og:image:alt"] == article.image_alt
    assert parsed.meta["twitter:card"] == "summary_large_image"
    assert parsed.links["canonical"] == settings.SITE_URL + article.get_absolute_url()


def test_canonical_url_of_an_accented_headline_is_its_ascii_slug(client, settings):
    # Slugs are folded to lower-case ASCII: the address needs no percent-encoding.
    article = ArticleFactory(public=True, language="es", headline="Díaz-Canel en Moscú")
    parsed = head(client.get(article.get_absolute_url()))
    assert parsed.links["canonical"] == settings.SITE_URL + "/articles/diaz-canel-en-moscu/"


def test_article_json_ld_is_a_news_article_naming_what_it_is_about(client, settings, story):
    data = json_ld(client.get(story["story"].get_absolute_url()))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == story["story"].headline
    assert data["inLanguage"] == "en"
    assert data["image"][0].startswith(settings.SITE_URL + "/media/")
    assert data["datePublished"] and data["dateModified"]
    assert data["author"] == [
        {"@type": "Person", "name": "Editorial Team", "url": settings.SITE_URL + "/en/authors/editorial-team/"}
    ]
    assert data["publisher"]["name"] == settings.SITE_NAME
    # The topics' reader names, not the folded tags editors type.
    assert set(data["keywords"]) == {"Strategic alliances", "Sanctions", "Energy crisis", "Geopolitics"}
    about = {node["name"] for node in data["about"]}
    assert {"Iran", "Russia", "Cuba", "North Korea"} <= about
    assert "Russia–Iran comprehensive strategic partnership treaty" in about
    mentions = {(node["@type"], node["name"]) for node in data["mentions"]}
    assert ("Legislation", "Russia–Iran 2001 cooperation treaty") in mentions
    assert ("Person", "Masoud Pezeshkian") in mentions
    # schema.org's type for a bank (a kind of Organization).
    assert ("BankOrCreditUnion", "Novikombank") in mentions


def test_editor_text_cannot_close_the_json_ld_script(client):
    article = ArticleFactory(public=True, headline=HOSTILE, dek=HOSTILE, topics=[HOSTILE[:90]])
    response = client.get(article.get_absolute_url())
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<b>bold</b>" not in page
    # The JSON-LD still parses and carries the text exactly as typed.
    data = json_ld(response)
    assert data["headline"] == HOSTILE
    assert data["description"] == HOSTILE
    parsed = head(response)
    assert parsed.meta["og:title"] == HOSTILE
    assert parsed.title.startswith(HOSTILE)


def test_preview_is_marked_and_kept_out_of_search_engines(rf, settings, story):
    from newsroom.site.views import render_article

    draft = ArticleFactory(status="draft", headline="Draft under review")
    request = rf.get("/preview/")
    response = render_article(request, draft, preview=True)
    page = response.content.decode()
    # The preview address is unprefixed: the site's words are the default (Spanish) edition's.
    assert "Vista previa — no es pública" in page
    assert '<meta name="robots" content="noindex">' in page
    assert "Draft under review" in page
    assert f'<link rel="canonical" href="{settings.SITE_URL}{draft.get_absolute_url()}">' in page
    public = render_article(rf.get("/"), story["story"]).content.decode()
    assert "Vista previa" not in public
    assert 'name="robots"' not in public


def test_site_feeds_are_linked_in_the_head(client):
    html = client.get("/").content.decode()
    head_html = html[: html.index("</head>")]
    assert 'type="application/rss+xml"' in head_html
    assert 'href="/feed/"' in head_html
    assert 'href="/feed/atom/"' in head_html


def test_paginated_list_links_prev_and_next_in_head(client):
    for _ in range(45):
        ArticleFactory(public=True, language="es", topics=["economy"])
    first = head(client.get("/topics/economy/"))
    assert "prev" not in first.links
    assert first.links["next"] == "/topics/economy/?page=2"
    second = head(client.get("/topics/economy/?page=2"))
    assert second.links["prev"] == "/topics/economy/"
    assert second.links["next"] == "/topics/economy/?page=3"
    assert second.links["canonical"].endswith("/topics/economy/?page=2")
    last = head(client.get("/topics/economy/?page=3"))
    assert "next" not in last.links


def test_page_out_of_range_or_not_a_number_is_404(client):
    """Three pages of stories (45 built once; each value tried on each list)."""
    for _ in range(45):
        ArticleFactory(public=True, topics=["economy"], country_codes=["CU"])
    answers = {
        (url, page): client.get(url, {"page": page}).status_code
        for page in ["0", "-1", "4", "abc", "1.5", "", "99999999999999999999", "%00", "²", "①", "１", "١"]
        for url in ("/topics/economy/", "/countries/cuba/", "/agreements/")
    }
    assert {key: status for key, status in answers.items() if status != 404} == {}


def test_twenty_stories_a_page(client):
    for _ in range(21):
        ArticleFactory(public=True, language="es", topics=["economy"])
    first = client.get("/topics/economy/").content.decode()
    second = client.get("/topics/economy/?page=2").content.decode()
    assert first.count('<article class="card') == 20
    assert second.count('<article class="card') == 1


def test_reader_templates_print_nothing_for_a_missing_variable():
    """As Django's templates do: a view that leaves out ``meta`` (or an
    attribute of it) gets blanks, not a 500, and with DEBUG on (when Django
    hands the environment DebugUndefined) not the tag printed into the page."""
    import jinja2

    from newsroom.site.jinja2 import environment

    for undefined in (jinja2.Undefined, jinja2.DebugUndefined):
        env = environment(undefined=undefined, loader=jinja2.DictLoader({}))
        assert env.from_string("[{{ meta.title }}|{{ missing }}]").render({}) == "[|]"


@pytest.mark.parametrize(
    ("value", "language", "printed"),
    [
        (7, "en", "7"),
        (-999, "en", "-999"),
        (1234, "en", "1,234"),
        (1234567, "en", "1,234,567"),
        (4.5, "en", "4.5"),
        (999, "es", "999"),
        (12345, "es", "12\xa0345"),
    ],
)
def test_counts_are_grouped_by_thousands_as_django_groups_them(value, language, printed):
    """The reader templates' ``intcomma`` prints what Django's does, small
    counts included (they skip Django's formatting, which is the slow part)."""
    import jinja2
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils import translation

    from newsroom.site.jinja2 import environment

    env = environment(loader=jinja2.DictLoader({}))
    with translation.override(language):
        assert env.from_string("{{ n|intcomma }}").render(n=value) == printed == intcomma(value)


@pytest.mark.parametrize("path", ["/", "/en/", "/topics/", "/search/?q=cuba"])
def test_every_page_names_its_icons_and_each_is_served(client, path):
    """A favicon (an SVG, and /favicon.ico for whatever asks the root) and a
    touch icon for a phone's home screen."""
    from django.contrib.staticfiles import finders
    from PIL import Image

    page = client.get(path).content.decode()
    assert '<link rel="icon" href="/favicon.ico" sizes="48x48">' in page
    assert 'rel="icon" href="/static/icons/favicon.svg" type="image/svg+xml"' in page
    assert 'rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png"' in page
    with Image.open(finders.find("icons/apple-touch-icon.png")) as touch:
        assert touch.size == (180, 180) and touch.mode == "RGB"  # iOS blackens transparency
    assert finders.find("icons/favicon.svg").endswith(".svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(response.streaming_content if response.streaming else [response.content])[:4] == b"\x00\x00\x01\x00"
