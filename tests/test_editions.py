"""Spanish first, English second: each reader page exists in both editions,
the address alone decides the language, and every word, link, date and name
a page prints agrees with its edition."""

import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.utils import translation
from jinja2 import Environment, nodes

from newsroom.core import editions
from newsroom.models import Redirect
from tests import factories
from tests.factories import AgreementFactory, ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db

HAVANA = ZoneInfo("America/Havana")


class Links(HTMLParser):
    """Every href of a page, and the switcher's links (hreflang)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.switch: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
            if "hreflang" in attrs:
                self.switch[attrs["hreflang"]] = attrs["href"]


def links(response) -> Links:
    parser = Links()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def world(db):
    author = AuthorFactory(name="Ana Ruiz")
    spanish = ArticleFactory(
        public=True,
        language="es",
        headline="Irán y Cuba firman un acuerdo",
        slug="iran-y-cuba-firman",
        authors=[author],
        topics=["alianzas"],
        country_codes=[factories.country("IR"), factories.country("CU")],
        published_at=datetime(2026, 12, 5, 17, 5, 12, 345678, tzinfo=HAVANA),
    )
    english = ArticleFactory(
        public=True,
        language="en",
        headline="Iran and Cuba sign a deal",
        slug="iran-and-cuba-sign",
        authors=[author],
        topics=["alianzas"],
        country_codes=[factories.country("IR")],
        published_at=datetime(2026, 12, 5, 17, 5, tzinfo=HAVANA),
    )
    agreement = AgreementFactory(title="Memorando de cooperación", party_codes=["IR", "CU"])
    return {"spanish": spanish, "english": english, "author": author, "agreement": agreement}


READER_PAGES = [
    "/",
    "/topics/",
    "/topics/alianzas/",
    "/countries/",
    "/countries/iran/",
    "/agreements/",
    "/authors/ana-ruiz/",
    "/corrections/",
    "/search/?q=Cuba",
]


@pytest.mark.parametrize("path", READER_PAGES)
def test_each_reader_page_is_in_spanish_at_its_address_and_in_english_under_en(client, world, path):
    spanish = client.get(path)
    english = client.get("/en" + path)
    assert spanish.status_code == english.status_code == 200
    assert '<html lang="es">' in spanish.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert spanish["Content-Language"] == "es" and english["Content-Language"] == "en"
    assert "Saltar al contenido" in spanish.content.decode()
    assert "Skip to content" in english.content.decode()
    assert "Skip to content" not in spanish.content.decode()
    # One copy of each page: no negotiation.
    assert "Accept-Language" not in spanish.get("Vary", "")
    assert "Accept-Language" not in english.get("Vary", "")


def test_the_browsers_language_never_changes_the_edition(client, world):
    response = client.get("/topics/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "es"
    assert "Temas" in response.content.decode()
    response = client.get("/en/topics/", HTTP_ACCEPT_LANGUAGE="es-CU,es;q=0.9")
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize("path", ["/en/admin/", "/en/health/", "/en/robots.txt", "/en/sitemap.xml", "/es/topics/"])
def test_what_is_outside_the_editions_has_no_prefixed_address(client, world, path):
    assert client.get(path).status_code == 404


def test_the_admin_and_services_stay_unprefixed(client, world):
    assert client.get("/health/").status_code == 200
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/sitemap.xml").status_code == 200
    assert client.get("/admin/login/").status_code == 200


def test_every_link_of_a_page_stays_in_its_edition(client, world):
    """Header, footer, cards, chips and pagination: an English page links to
    English pages, a Spanish one to Spanish pages. The switcher is the only
    way across, and a story links to it in its own edition."""
    own = {world["spanish"].get_absolute_url(), world["english"].get_absolute_url()}
    for path in ("/en/", "/en/topics/alianzas/", "/en/countries/iran/", "/en/articles/iran-and-cuba-sign/"):
        page = links(client.get(path))
        site = [h for h in page.hrefs if h.startswith("/") and h not in page.switch.values() and h not in own]
        assert site and all(h.startswith("/en/") for h in site), (path, [h for h in site if not h.startswith("/en/")])
    for path in ("/", "/topics/alianzas/", "/countries/iran/", "/articles/iran-y-cuba-firman/"):
        page = links(client.get(path))
        site = [h for h in page.hrefs if h.startswith("/") and h not in page.switch.values() and h not in own]
        assert site and not any(h.startswith("/en/") for h in site), path


def test_the_switcher_leads_to_the_same_page_in_the_other_edition(client, world):
    assert links(client.get("/topics/alianzas/")).switch == {"en": "/en/topics/alianzas/"}
    assert links(client.get("/en/topics/alianzas/")).switch == {"es": "/topics/alianzas/"}
    assert links(client.get("/en/")).switch == {"es": "/"}
    # A search keeps its words.
    assert links(client.get("/search/?q=Cuba")).switch == {"en": "/en/search/?q=Cuba"}
    # A story without a translation: the other edition's front page.
    assert links(client.get("/articles/iran-y-cuba-firman/")).switch == {"en": "/en/"}
    assert links(client.get("/en/articles/iran-and-cuba-sign/")).switch == {"es": "/"}
    # The switcher names each language in itself.
    assert (
        '<a href="/en/topics/alianzas/" hreflang="en" lang="en">English</a>'
        in client.get("/topics/alianzas/").content.decode()
    )


def test_a_story_lives_in_its_own_languages_edition(client, world):
    spanish, english = world["spanish"], world["english"]
    assert spanish.get_absolute_url() == "/articles/iran-y-cuba-firman/"
    assert english.get_absolute_url() == "/en/articles/iran-and-cuba-sign/"
    # Whichever edition is active.
    with translation.override("en"):
        assert spanish.get_absolute_url() == "/articles/iran-y-cuba-firman/"
    with translation.override("es"):
        assert english.get_absolute_url() == "/en/articles/iran-and-cuba-sign/"
    wrong = client.get("/en/articles/iran-y-cuba-firman/")
    assert wrong.status_code == 301 and wrong["Location"] == "/articles/iran-y-cuba-firman/"
    wrong = client.get("/articles/iran-and-cuba-sign/")
    assert wrong.status_code == 301 and wrong["Location"] == "/en/articles/iran-and-cuba-sign/"
    page = client.get("/articles/iran-y-cuba-firman/")
    assert page.status_code == 200 and page["Content-Language"] == "es"


def test_dates_read_as_each_language_writes_them_and_times_name_the_zone(client, world):
    spanish = client.get("/articles/iran-y-cuba-firman/").content.decode()
    assert "5 de diciembre de 2026, 17:05 (hora de Cuba)" in spanish
    english = client.get("/en/articles/iran-and-cuba-sign/").content.decode()
    assert "5 December 2026, 17:05 (Cuba time)" in english
    # Cards: the short day.
    assert "5 dic 2026" in client.get("/topics/alianzas/").content.decode()
    assert "5 Dec 2026" in client.get("/en/topics/alianzas/").content.decode()


def test_machine_readable_times_carry_no_microseconds(client, world):
    """HTML's <time datetime> refuses a fraction of a second longer than
    three digits; the stored time has six."""
    for path in ("/articles/iran-y-cuba-firman/", "/topics/alianzas/", "/search/?q=Cuba", "/"):
        html = client.get(path).content.decode()
        stamps = re.findall(r'datetime="([^"]+)"', html)
        assert stamps, path
        assert not any("." in stamp for stamp in stamps), (path, stamps)
    assert 'datetime="2026-12-05T17:05:12-05:00"' in client.get("/articles/iran-y-cuba-firman/").content.decode()


def test_countries_are_named_in_the_pages_language(client, world):
    assert "Irán" in client.get("/countries/").content.decode()
    spanish_story = client.get("/articles/iran-y-cuba-firman/").content.decode()
    assert ">Irán</a>" in spanish_story and ">Iran</a>" not in spanish_story
    english_story = client.get("/en/articles/iran-and-cuba-sign/").content.decode()
    assert ">Iran</a>" in english_story and ">Irán</a>" not in english_story
    agreement = client.get(world["agreement"].get_absolute_url()).content.decode()
    assert ">Irán</a>" in agreement
    assert "<h1>Irán</h1>" in client.get("/countries/iran/").content.decode()
    assert "<h1>Iran</h1>" in client.get("/en/countries/iran/").content.decode()


def test_agreement_kinds_and_statuses_are_translated(client, world):
    html = client.get(world["agreement"].get_absolute_url()).content.decode()
    assert "Firmado" in html and "Partes" in html
    english = client.get("/en" + world["agreement"].get_absolute_url()).content.decode()
    assert "Signed" in english and "Parties" in english


def test_feeds_are_per_edition_each_in_its_language(client, world):
    spanish = client.get("/feed/").content.decode()
    english = client.get("/en/feed/").content.decode()
    assert "<language>es</language>" in spanish and "<language>en</language>" in english
    assert "Irán y Cuba firman" in spanish and "Iran and Cuba sign" not in spanish
    assert "Iran and Cuba sign" in english and "Irán y Cuba firman" not in english
    assert "<language>en</language>" in client.get("/en/topics/alianzas/feed/").content.decode()


def test_a_missing_page_says_so_in_the_editions_language(client, world):
    spanish = client.get("/no-such-page/")
    english = client.get("/en/no-such-page/")
    assert spanish.status_code == english.status_code == 404
    assert "Página no encontrada" in spanish.content.decode()
    assert "Page not found" in english.content.decode()
    assert links(english).switch == {"es": "/"}


def test_a_broken_database_is_explained_in_the_editions_language(client, world, monkeypatch):
    from newsroom.site import views

    def broken(*args, **kwargs):
        raise OperationalError("the database went away")

    monkeypatch.setattr(views.selectors, "topic_by_slug", broken)
    spanish = client.get("/topics/alianzas/")
    english = client.get("/en/topics/alianzas/")
    assert spanish.status_code == english.status_code == 503
    assert "Volvemos en un momento" in spanish.content.decode() and '<html lang="es">' in spanish.content.decode()
    assert "Back in a moment" in english.content.decode() and '<html lang="en">' in english.content.decode()


def test_a_server_error_is_explained_in_the_editions_language(world, monkeypatch):
    from newsroom.site import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.selectors, "topic_by_slug", broken)
    client = Client(raise_request_exception=False)
    english = client.get("/en/topics/alianzas/")
    spanish = client.get("/topics/alianzas/")
    assert spanish.status_code == english.status_code == 500
    assert '<html lang="en">' in english.content.decode() and "Something went wrong" in english.content.decode()
    assert '<html lang="es">' in spanish.content.decode() and "Something went wrong" not in spanish.content.decode()
    assert 'href="/en/"' in english.content.decode()


def test_a_renamed_topic_moves_in_every_edition(client, world, editor_user):
    from newsroom.models import Topic

    topic = Topic.objects.get(slug="alianzas")
    topic.slug = "alianzas-estrategicas"
    topic.save()
    assert Redirect.objects.filter(old_path="/topics/alianzas/").exists()
    spanish = client.get("/topics/alianzas/")
    english = client.get("/en/topics/alianzas/")
    assert spanish.status_code == english.status_code == 301
    assert spanish["Location"] == "/topics/alianzas-estrategicas/"
    assert english["Location"] == "/en/topics/alianzas-estrategicas/"
    feed = client.get("/en/topics/alianzas/feed/")
    assert feed.status_code == 301 and feed["Location"] == "/en/topics/alianzas-estrategicas/feed/"


def test_the_admin_speaks_the_browsers_language_and_says_it_varies(client, world):
    english = client.get("/admin/login/")
    assert english["Content-Language"] == settings.ADMIN_LANGUAGE_CODE
    spanish = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="es")
    assert spanish["Content-Language"] == "es"
    assert "Accept-Language" in spanish["Vary"]


def test_edition_paths():
    assert editions.split_path("/en/topics/") == ("en", "/topics/")
    assert editions.split_path("/en") == ("en", "/")
    assert editions.split_path("/topics/") == ("es", "/topics/")
    assert editions.split_path("/english/") == ("es", "/english/")
    assert editions.edition_path("/en/topics/", "es") == "/topics/"
    assert editions.edition_path("/topics/", "en") == "/en/topics/"


# --- The catalogues ---------------------------------------------------------------


def test_every_message_is_translated_and_compiled():
    """manage.py messages --check: each message the code and the templates
    use has a Spanish and an English translation, none fuzzy, and the
    committed .mo files are compiled from the catalogues."""
    call_command("messages", check=True)


TEMPLATES = Path(settings.BASE_DIR) / "templates" / "jinja2"
# Words a page may print as they are, in every language: names of formats.
NOT_WORDS = {"Atom", "RSS"}
READABLE_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")


def _visible_words(text: str) -> list[str]:
    """The words a reader would see or hear in a piece of template text:
    outside tags, and in the attributes that are read out."""
    words = []
    for name in READABLE_ATTRIBUTES:
        words += re.findall(rf'{name}="([^"]*)"', text)
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    words.append(text)
    return [w for chunk in words for w in re.findall(r"[^\W\d_]{2,}", chunk) if w not in NOT_WORDS]


# Outside the editions and in English by contract, as the API it documents
# (/api/v1/docs/, rendered in English whatever the request's language).
ENGLISH_ONLY = {"api/reference.html"}


def test_reader_templates_print_no_words_outside_translation_calls():
    """Every word of the reader templates goes through the catalogues: the
    text between tags that is not inside {{ _() }} or {% trans %} is
    punctuation, markup and variables only."""
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    found = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        if str(path.relative_to(TEMPLATES)) in ENGLISH_ONLY:
            continue
        tree = env.parse(path.read_text())
        # The template's own text in order, each expression or translation
        # call replaced by a mark that holds no word.
        text = "".join(
            node.data if isinstance(node, nodes.TemplateData) else "\x00"
            for output in tree.find_all(nodes.Output)
            for node in output.nodes
        )
        words = _visible_words(text)
        if words:
            found[str(path.relative_to(TEMPLATES))] = words
    assert not found, found


def test_pages_in_both_editions_name_each_other_and_their_own_canonical(client, world):
    site = settings.SITE_URL
    for path, spanish, english in (
        ("/topics/alianzas/", "/topics/alianzas/", "/en/topics/alianzas/"),
        ("/en/countries/iran/", "/countries/iran/", "/en/countries/iran/"),
        ("/search/?q=Cuba", "/search/?q=Cuba", "/en/search/?q=Cuba"),
    ):
        html = client.get(path).content.decode()
        assert f'<link rel="alternate" hreflang="es" href="{site}{spanish}">' in html, path
        assert f'<link rel="alternate" hreflang="en" href="{site}{english}">' in html, path
        assert f'<link rel="alternate" hreflang="x-default" href="{site}{spanish}">' in html, path
        own = english if path.startswith("/en/") else spanish
        assert f'<link rel="canonical" href="{site}{own.split("?")[0]}' in html, path
    # A story without a translation is in one edition only.
    story = client.get("/articles/iran-y-cuba-firman/").content.decode()
    assert "hreflang=" not in story.split("</head>")[0]


def test_an_english_storys_old_unprefixed_address_follows_it_after_a_rename(client, world):
    """Before the editions every story was at /articles/<slug>/; an English
    story renamed since records only its own address's move."""
    english = world["english"]
    english.slug = "iran-and-cuba-sign-a-deal"
    english.save()
    response = client.get("/articles/iran-and-cuba-sign/")
    assert response.status_code == 301
    assert response["Location"] == "/en/articles/iran-and-cuba-sign-a-deal/"


def test_documents_stored_before_the_spanish_names_are_written_again_after_migrate(world):
    """Stored documents (an article's lists, an agreement's page, a country's
    overview) carry a format; those stored before the countries' Spanish
    names were in them are rewritten by ``migrate``."""
    from alliances.models import Agreement, CountryOverview
    from newsroom.models import Article
    from newsroom.stored import refresh

    Article.objects.update(page_lists={"tags": []})
    Agreement.objects.update(page_lists={"parties": []})
    CountryOverview.objects.update(data={"statuses": [], "latest": [], "partners": [["Iran", "iran", 1]]})
    refresh.fill_missing_documents(sender=None)
    from alliances import overview

    overview.fill_missing(sender=None)
    from alliances import agreement_page
    from newsroom.stored import documents

    # Written in the current formats (bumped since, as the documents grew).
    assert all(lists["format"] == documents.FORMAT for lists in Article.objects.values_list("page_lists", flat=True))
    assert all(
        lists["format"] == agreement_page.FORMAT for lists in Agreement.objects.values_list("page_lists", flat=True)
    )
    assert all(data["format"] == overview.FORMAT for data in CountryOverview.objects.values_list("data", flat=True))
    assert any(party["country"]["name_es"] == "Irán" for party in Agreement.objects.first().page_lists["parties"])
