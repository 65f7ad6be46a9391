"""Translation pairs (issue "Spanish first", point 4): a story and its
translation in the other language, linked both ways with a database
constraint; "Translate into English" starts a linked draft and publishes
nothing; the reader pages of a public pair name each other (language
switcher, hreflang, JSON-LD, sitemap) and never a hidden partner; the desk
lists translations whose source changed since, with what changed."""

import json
import re
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from newsroom.demo import content
from newsroom.editorial import history, restore, services, translations
from newsroom.editorial.admin.translations import TRANSLATE_INTO
from newsroom.models import Article, Correction, Source
from newsroom.pagecache import pages as page_cache
from newsroom.pagecache import tags as page_tags
from newsroom.stored import documents
from tests.conftest import unwritten
from tests.factories import (
    AgreementFactory,
    ArticleAgreementFactory,
    ArticleFactory,
    AuthorFactory,
    OrganizationFactory,
    PersonFactory,
    RelatedVideoFactory,
    editor,
    writer,
)
from tests.responses import parse_xml, queued_messages, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

SITE = "http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def _english_messages():
    """The services' messages as the admin gives them by default (in
    English); each reader page activates its own edition's language."""
    with translation.override("en"):
        yield


def change_url(article: Article) -> str:
    return reverse("admin:newsroom_article_change", args=[article.pk])


def translate_url(article: Article) -> str:
    return reverse("admin:newsroom_article_translate", args=[article.pk])


def translation_url(article: Article) -> str:
    return reverse("admin:newsroom_article_translation", args=[article.pk])


def fresh(article: Article) -> Article:
    return Article.objects.get(pk=article.pk)


@pytest.fixture
def spanish():
    """A public Spanish story with everything a translation takes along."""
    article = ArticleFactory(
        public=True,
        language="es",
        headline="Cuba y Rusia firman un acuerdo eléctrico",
        slug="cuba-y-rusia-firman-un-acuerdo-electrico",
        dek="La central de Mariel será modernizada.",
        body="<p>Rusia financiará la central.</p>\n<p>Las obras empiezan en marzo.</p>",
        image_caption="La central de Mariel",
        authors=[AuthorFactory(name="Ana Reportera")],
        topics=["energía", "sanciones"],
        country_codes=["CU", "RU"],
    )
    Source.objects.create(article=article, outlet="Prensa Latina", position=0)
    ArticleAgreementFactory(article=article, agreement=AgreementFactory(title="Acuerdo de Mariel"), note="La firma")
    article.people.add(PersonFactory(name="Miguel Díaz-Canel"))
    article.organizations.add(OrganizationFactory(name="Novikombank"))
    RelatedVideoFactory(article=article, title="Vídeo", url="https://video.example.org/mariel")
    Correction.objects.create(article=article, text="Una cifra estaba mal.")
    return article


@pytest.fixture
def pair(spanish):
    """The Spanish story and its English translation, both public."""
    english = ArticleFactory(
        public=True, language="en", headline="Cuba and Russia sign a power deal", slug="cuba-and-russia-power-deal"
    )
    translations.link(article=spanish, translation=english, user=editor(username="linker"))
    return fresh(spanish), fresh(english)


# -- The constraint and the services -----------------------------------------------------


def test_the_database_refuses_two_english_translations_in_one_pair():
    key = uuid.uuid4()
    ArticleFactory(language="es", translation_key=key)
    ArticleFactory(language="en", translation_key=key)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(language="en", translation_key=key)


def test_linking_pairs_both_ways_and_unlinking_parts_both(spanish, editor_user):
    english = ArticleFactory(language="en")
    translations.link(article=spanish, translation=english, user=editor_user)
    assert translations.translation_of(fresh(spanish)) == english
    assert translations.translation_of(fresh(english)) == spanish
    # Linking them again changes nothing.
    key = fresh(spanish).translation_key
    translations.link(article=fresh(english), translation=fresh(spanish), user=editor_user)
    assert fresh(spanish).translation_key == fresh(english).translation_key == key

    former = translations.unlink(article=fresh(english), user=editor_user)
    assert former == spanish
    assert translations.translation_of(fresh(spanish)) is None
    assert fresh(spanish).translation_key is None and fresh(english).translation_key is None
    with pytest.raises(ValidationError, match="no translation to unlink"):
        translations.unlink(article=fresh(spanish), user=editor_user)


@pytest.mark.parametrize(
    "case, message",
    [
        ("same language", "both articles are in Spanish"),
        ("itself", "cannot be its own translation"),
        ("already translated", "already has a translation in English"),
    ],
)
def test_a_bad_link_is_refused_with_a_clear_message_and_changes_nothing(spanish, editor_user, case, message):
    taken = ArticleFactory(language="en", headline="Existing English version")
    translations.link(article=spanish, translation=taken, user=editor_user)
    other = {
        "same language": ArticleFactory(language="es"),
        "itself": spanish,
        "already translated": ArticleFactory(language="en"),
    }[case]
    before = dict(Article.objects.values_list("pk", "translation_key"))
    with pytest.raises(ValidationError, match=message):
        translations.link(article=fresh(spanish), translation=other, user=editor_user)
    assert dict(Article.objects.values_list("pk", "translation_key")) == before


def test_an_article_already_paired_cannot_be_linked_from_the_other_side(spanish, editor_user):
    english = ArticleFactory(language="en")
    translations.link(article=english, translation=ArticleFactory(language="es"), user=editor_user)
    with pytest.raises(ValidationError, match="already has a translation in Spanish"):
        translations.link(article=spanish, translation=fresh(english), user=editor_user)


def test_starting_a_translation_makes_a_linked_draft_holding_the_source(spanish, editor_user):
    before = Article.objects.values("status", "published_at", "updated_at", "headline", "body").get(pk=spanish.pk)
    draft = translations.start_translation(source=spanish, user=editor_user)
    spanish = fresh(spanish)
    assert (draft.language, draft.status, draft.published_at) == ("en", "draft", None)
    assert draft.created_by == editor_user and not draft.is_public
    assert draft.slug != spanish.slug and draft.slug.endswith("-en")
    assert draft.translation_key == spanish.translation_key is not None
    assert (draft.headline, draft.dek, draft.body) == (spanish.headline, spanish.dek, spanish.body)
    assert draft.image_caption == "La central de Mariel"
    assert [link.tag.name for link in draft.topic_links.order_by("pk")] == ["energía", "sanciones"]
    assert sorted(c.iso2 for c in draft.countries.all()) == ["CU", "RU"]
    assert [a.name for a in draft.ordered_authors()] == ["Ana Reportera"]
    assert [s.outlet for s in draft.sources.all()] == ["Prensa Latina"]
    assert [(link.agreement.title, link.note) for link in draft.agreement_links.all()] == [
        ("Acuerdo de Mariel", "La firma")
    ]
    assert [p.name for p in draft.people.all()] == ["Miguel Díaz-Canel"]
    assert [o.name for o in draft.organizations.all()] == ["Novikombank"]
    assert [v.url for v in draft.videos.all()] == ["https://video.example.org/mariel"]
    assert not draft.corrections.exists()  # they were made to the source's text
    # The source's text and state are untouched; only its pairing changed.
    assert (
        Article.objects.values("status", "published_at", "updated_at", "headline", "body").get(pk=spanish.pk) == before
    )
    assert "started" in history.versions_of(draft).first().revision.comment
    # A second one in the same language is refused, and nothing is written.
    count = Article.objects.count()
    with pytest.raises(ValidationError, match="already has a translation in English"):
        translations.start_translation(source=spanish, user=editor_user)
    assert Article.objects.count() == count


def test_an_english_story_is_translated_into_spanish(editor_user):
    english = ArticleFactory(public=True, language="en", headline="A story in English")
    draft = translations.start_translation(source=english, user=editor_user)
    assert draft.language == "es" and draft.status == "draft"
    assert translations.translation_of(fresh(english)) == draft


def test_writers_translate_and_link_only_what_they_may_change(spanish, writer_user):
    own = ArticleFactory(language="es", created_by=writer_user, headline="Mi borrador")
    colleague = writer(username="colleague")
    theirs = ArticleFactory(language="en", created_by=colleague, headline="Colleague's secret draft")
    with pytest.raises(PermissionDenied):
        translations.start_translation(source=spanish, user=writer_user)  # published: the desk's
    with pytest.raises(PermissionDenied):
        translations.link(article=own, translation=theirs, user=writer_user)
    with pytest.raises(PermissionDenied):
        translations.link(article=own, translation=spanish, user=writer_user)
    draft = translations.start_translation(source=own, user=writer_user)
    assert draft.created_by == writer_user
    assert services.can_edit(writer_user, draft)
    assert fresh(theirs).translation_key is None and fresh(spanish).translation_key is None


def test_a_writer_cannot_part_their_story_from_a_translation_they_may_not_change(writer_user, editor_user):
    own = ArticleFactory(language="es", created_by=writer_user)
    published = ArticleFactory(public=True, language="en", headline="Published English")
    translations.link(article=own, translation=published, user=editor_user)
    with pytest.raises(PermissionDenied, match="its translation"):
        translations.unlink(article=fresh(own), user=writer_user)
    assert translations.translation_of(fresh(own)) == published


# -- The admin: the button, the translation page, the doors ---------------------------------


def test_the_form_offers_translate_into_english_and_it_makes_an_unpublished_draft(editor_client, spanish):
    html = editor_client.get(change_url(spanish)).content.decode()
    assert f'action="{translate_url(spanish)}"' in html
    assert "Translate into English" in html

    response = editor_client.post(translate_url(spanish))
    draft = Article.objects.get(language="en", translation_key=fresh(spanish).translation_key)
    assert response.status_code == 302
    assert response["Location"] == change_url(draft)
    assert any("not published until someone publishes it" in m for m in queued_messages(response))
    assert draft.status == Article.Status.DRAFT and not draft.is_public
    assert Client().get(draft.get_absolute_url()).status_code == 404

    # Now the form links to the translation instead of offering another.
    html = editor_client.get(change_url(spanish)).content.decode()
    assert "English translation:" in html
    assert f'href="{change_url(draft)}"' in html
    assert f'action="{translate_url(spanish)}"' not in html
    # A second press starts nothing (a form sent twice).
    response = editor_client.post(translate_url(spanish))
    assert response["Location"] == change_url(spanish)
    assert any("already has a translation" in m for m in queued_messages(response))
    assert Article.objects.filter(translation_key=draft.translation_key).count() == 2


def test_an_english_story_offers_the_button_in_spanish(editor_client):
    english = ArticleFactory(language="en")
    with translation.override("es"):
        label = str(TRANSLATE_INTO["es"])
    html = editor_client.get(change_url(english)).content.decode()
    assert f'lang="es">{label}</button>' in html


def test_the_translate_button_takes_posts_only(editor_client, spanish):
    assert editor_client.get(translate_url(spanish)).status_code == 405
    assert not Article.objects.filter(language="en").exists()


def test_the_button_needs_a_valid_csrf_token(editor_user, spanish):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor_user)
    assert client.post(translate_url(spanish)).status_code == 403
    assert not Article.objects.filter(language="en").exists()


def test_a_stranger_is_sent_to_the_login_page(client, spanish):
    for url in (translate_url(spanish), translation_url(spanish)):
        response = client.post(url, {"article": "1"})
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert Article.objects.count() == 1 and fresh(spanish).translation_key is None


def test_a_writer_translates_their_own_draft_but_not_a_colleagues_nor_a_published_story(writer_client, writer_user):
    own = ArticleFactory(language="es", created_by=writer_user, headline="Mi borrador")
    colleague = writer(username="colleague")
    secret = ArticleFactory(language="es", created_by=colleague, headline="Borrador SEKRIT-7", slug="sekrit-7")
    published = ArticleFactory(public=True, language="es")
    missing = writer_client.post(reverse("admin:newsroom_article_translate", args=[secret.pk + 1000]))
    for article in (secret, published):
        response = writer_client.post(translate_url(article))
        # As for an id that does not exist: nothing tells the draft is there.
        assert response.status_code == missing.status_code == 404
        assert "sekrit" not in text_of(response).lower()
    assert not Article.objects.filter(language="en").exists()

    response = writer_client.post(translate_url(own))
    draft = Article.objects.get(language="en")
    assert response["Location"] == change_url(draft)
    assert writer_client.get(change_url(draft)).status_code == 200
    assert draft.created_by == writer_user and draft.status == "draft"


def test_an_editor_links_and_unlinks_an_existing_article_from_the_translation_page(editor_client, spanish):
    english = ArticleFactory(public=True, language="en", slug="power-deal", headline="Power deal")
    page = editor_client.get(translation_url(spanish))
    assert page.status_code == 200 and 'name="article"' in page.content.decode()
    for typed in ("", "no-such-story", "javascript:alert(1)", "9" * 40, "/admin/newsroom/article/x/change/"):
        response = editor_client.post(translation_url(spanish), {"article": typed, "link": "1"})
        assert response.status_code == 302
        assert any("No article you can change" in m for m in queued_messages(response))
    response = editor_client.post(translation_url(spanish), {"article": ArticleFactory(language="es").slug})
    assert any("both articles are in Spanish" in m for m in queued_messages(response))
    assert fresh(spanish).translation_key is None

    response = editor_client.post(translation_url(spanish), {"article": f"{SITE}/en/articles/power-deal/"})
    assert any("is now linked as the English translation" in m for m in queued_messages(response))
    assert translations.translation_of(fresh(spanish)) == english
    html = editor_client.get(translation_url(spanish)).content.decode()
    assert "Power deal" in html and 'name="unlink"' in html

    editor_client.post(translation_url(spanish), {"unlink": "1"})
    assert translations.translation_of(fresh(spanish)) is None
    # The admin address and the id work too.
    editor_client.post(translation_url(spanish), {"article": f"{SITE}{change_url(english)}"})
    assert translations.translation_of(fresh(spanish)) == english


def test_a_writer_cannot_link_a_colleagues_draft_nor_learn_its_headline(writer_client, writer_user, editor_user):
    own = ArticleFactory(language="es", created_by=writer_user)
    secret = ArticleFactory(language="en", created_by=writer(username="colleague"), headline="SEKRIT-9 headline")
    response = writer_client.post(translation_url(own), {"article": str(secret.pk)})
    assert any("No article you can change" in m for m in queued_messages(response))
    assert fresh(secret).translation_key is None
    # Paired by an editor: the writer learns that a translation exists, not what it is.
    translations.link(article=own, translation=secret, user=editor_user)
    for url in (change_url(own), translation_url(own)):
        html = writer_client.get(url).content.decode()
        assert "an article you cannot open" in html
        assert "SEKRIT-9" not in html and str(change_url(secret)) not in html
    assert writer_client.post(translation_url(own), {"unlink": "1"}).status_code == 302
    assert translations.translation_of(fresh(own)) == secret


def test_moving_a_paired_story_into_its_translations_language_is_a_form_error(editor_client, pair, admin_form_data):
    spanish, english = pair
    data = admin_form_data(editor_client, change_url(english))
    data["language"] = "es"
    response = editor_client.post(change_url(english), data)
    assert response.status_code == 200
    assert "Its translation is in Spanish" in response.content.decode()
    assert fresh(english).language == "en" and fresh(english).translation_key == spanish.translation_key


# -- The reader pages -------------------------------------------------------------------------


def alternates(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', html))


def switcher(html: str) -> dict[str, str]:
    block = re.search(r'<ul class="editions".*?</ul>', html, flags=re.S).group(0)
    return {lang: href for href, lang in re.findall(r'<a href="([^"]+)" hreflang="([\w-]+)"', block)}


def canonical(html: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)


def json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S).group(1))


def test_a_public_pair_links_each_page_to_the_other(client, pair):
    spanish, english = pair
    es_url, en_url = spanish.get_absolute_url(), english.get_absolute_url()
    assert es_url.startswith("/articles/") and en_url.startswith("/en/articles/")
    es_html, en_html = client.get(es_url).content.decode(), client.get(en_url).content.decode()

    assert switcher(es_html) == {"en": en_url}
    assert switcher(en_html) == {"es": es_url}
    expected = {"es": SITE + es_url, "en": SITE + en_url, "x-default": SITE + es_url}
    assert alternates(es_html) == alternates(en_html) == expected
    assert canonical(es_html) == SITE + es_url and canonical(en_html) == SITE + en_url


@pytest.mark.parametrize("state", ["draft", "review", "scheduled", "archived"])
def test_a_hidden_translation_is_never_named_on_the_public_page(client, spanish, editor_user, state):
    hidden = ArticleFactory(language="en", headline="Hidden HIDDEN-5 translation", slug="hidden-hidden-5")
    translations.link(article=spanish, translation=hidden, user=editor_user)
    values = {
        "draft": ("draft", None),
        "review": ("review", None),
        "scheduled": ("published", timezone.now() + timedelta(days=1)),
        "archived": ("archived", timezone.now() - timedelta(days=1)),
    }[state]
    hidden = fresh(hidden)
    hidden.status, hidden.published_at = values
    hidden.save()
    response = client.get(spanish.get_absolute_url())
    html = response.content.decode()
    assert "hidden-5" not in html.lower()
    assert switcher(html) == {"en": "/en/"}  # the other edition's front page, as for any story
    assert alternates(html) == {}
    data = json_ld(html)
    assert "workTranslation" not in data and "translationOfWork" not in data
    assert "hidden" not in (response.get("Surrogate-Key", "") + response.get("Cache-Tag", "")).lower()


def test_the_json_ld_names_the_work_and_its_translation(client, pair):
    spanish, english = pair
    es_data = json_ld(client.get(spanish.get_absolute_url()).content.decode())
    en_data = json_ld(client.get(english.get_absolute_url()).content.decode())
    # The Spanish story came first: it is the work, the English one its translation.
    assert es_data["workTranslation"] == {
        "@type": "NewsArticle",
        "url": SITE + english.get_absolute_url(),
        "headline": english.headline,
        "inLanguage": "en",
    }
    assert en_data["translationOfWork"]["url"] == SITE + spanish.get_absolute_url()
    assert en_data["translationOfWork"]["inLanguage"] == "es"
    assert "translationOfWork" not in es_data and "workTranslation" not in en_data


def test_the_pages_show_the_translation_once_it_is_published(client, spanish, editor_user):
    draft = translations.start_translation(source=spanish, user=editor_user)
    assert alternates(client.get(spanish.get_absolute_url()).content.decode()) == {}
    services.publish(article=draft, user=editor_user)
    html = client.get(spanish.get_absolute_url()).content.decode()
    assert switcher(html) == {"en": fresh(draft).get_absolute_url()}
    services.unpublish(article=fresh(draft), user=editor_user)
    html = client.get(spanish.get_absolute_url()).content.decode()
    assert switcher(html) == {"en": "/en/"} and alternates(html) == {}


def test_the_stored_documents_follow_the_partner(spanish, editor_user):
    def current(*articles):
        for article in articles:
            stored = Article.objects.values_list("page_lists", flat=True).get(pk=article.pk)
            assert unwritten(stored) == unwritten(documents.compute([article.pk])[article.pk][1])

    draft = translations.start_translation(source=spanish, user=editor_user)
    current(spanish, draft)
    services.publish(article=draft, user=editor_user)
    current(spanish, draft)
    draft = fresh(draft)
    draft.slug, draft.headline = "renamed-translation", "Renamed"
    draft.save()
    current(spanish)
    assert fresh(spanish).page_lists["translation"][0]["slug"] == "renamed-translation"
    translations.unlink(article=fresh(spanish), user=editor_user)
    current(spanish, draft)
    translations.link(article=fresh(spanish), translation=fresh(draft), user=editor_user)
    current(spanish, draft)
    fresh(draft).delete()
    current(spanish)
    assert fresh(spanish).page_lists["translation"] == []


def test_the_article_page_reads_its_translation_without_a_query_more(client, spanish, pair):
    lone = ArticleFactory(public=True, language="es")
    spanish, _english = pair

    def count(url):
        with CaptureQueriesContext(transaction.get_connection()) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count(lone.get_absolute_url())  # warm the header's caches
    assert count(spanish.get_absolute_url()) == count(lone.get_absolute_url())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(PAGE_CACHE_ENABLED=True)
def test_a_cached_page_follows_its_translation_going_public_and_back(client):
    boss = editor(username="boss")
    spanish = ArticleFactory(public=True, language="es", headline="Historia en español")
    draft = translations.start_translation(source=spanish, user=boss)
    url = spanish.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    services.publish(article=fresh(draft), user=boss)
    response = client.get(url)
    assert switcher(response.content.decode()) == {"en": fresh(draft).get_absolute_url()}
    services.unpublish(article=fresh(draft), user=boss)
    assert switcher(client.get(url).content.decode()) == {"en": "/en/"}


def test_a_change_to_one_article_of_a_pair_marks_the_other_page(pair, editor_user):
    spanish, english = pair
    assert page_tags.tag(Article, spanish.pk) in page_tags.tags_for_change(english)
    assert page_tags.tag(Article, english.pk) in page_tags.tags_for_change(spanish)
    # A scheduled translation's partner page lives only until the translation goes out.
    later = ArticleFactory(status="published", published_at=timezone.now() + timedelta(minutes=2), language="en")
    lone = ArticleFactory(public=True, language="es")
    translations.link(article=lone, translation=later, user=editor_user)
    shows = [tags for _when, tags in page_cache._scheduled()]
    assert any(page_tags.tag(Article, lone.pk) in tags for tags in shows)


def test_the_articles_sitemap_names_both_articles_of_a_public_pair(client, pair):
    spanish, english = pair
    lone = ArticleFactory(public=True, language="es")
    hidden = ArticleFactory(language="en", slug="hidden-sitemap-translation")
    translations.link(article=lone, translation=hidden, user=editor(username="ed2"))
    root = parse_xml(client.get("/sitemap-articles.xml").content)
    sm, xhtml = "{http://www.sitemaps.org/schemas/sitemap/0.9}", "{http://www.w3.org/1999/xhtml}link"
    entries = {
        entry.findtext(f"{sm}loc"): {link.get("hreflang"): link.get("href") for link in entry.findall(xhtml)}
        for entry in root.findall(f"{sm}url")
    }
    es_url, en_url = "http://testserver" + spanish.get_absolute_url(), "http://testserver" + english.get_absolute_url()
    expected = {"es": es_url, "en": en_url, "x-default": es_url}
    assert entries[es_url] == entries[en_url] == expected
    assert entries["http://testserver" + lone.get_absolute_url()] == {}
    assert "hidden-sitemap-translation" not in client.get("/sitemap-articles.xml").content.decode()


# -- The desk: stale translations ---------------------------------------------------------------


def desk_section(client, key: str):
    response = client.get(reverse("admin:index"))
    return next((section for section in response.context["desk"] if section.key == key), None), response


@pytest.fixture
def started(spanish, editor_user):
    """The Spanish story and its English translation, started and revised by
    the translator, then published."""
    draft = translations.start_translation(source=spanish, user=editor_user)
    draft.headline, draft.body = "Cuba and Russia sign a power deal", "<p>Russia will pay for the plant.</p>"
    draft.save()
    history.record_version(draft, user=editor_user)
    services.publish(article=fresh(draft), user=editor_user)
    return fresh(spanish), fresh(draft)


def test_a_translation_whose_source_was_updated_is_stale_with_the_sources_changes(editor_client, started):
    spanish, english = started
    section, _ = desk_section(editor_client, "translations")
    assert section.rows == []
    spanish.body = "<p>Rusia financiará la central &lt;script&gt;.</p>\n<p>Las obras empiezan en abril.</p>"
    spanish.save()
    history.record_version(spanish, user=None)
    services.mark_substantive_update(article=spanish, user=editor(username="boss"))

    section, response = desk_section(editor_client, "translations")
    assert [row.article for row in section.rows] == [english]
    [row] = section.rows
    assert row.stale.source == spanish
    [change] = row.stale.changes
    assert change.label == "Body"
    assert ("removed", "Las obras empiezan en marzo.") in change.lines
    assert ("added", "Las obras empiezan en abril.") in change.lines
    assert ("same", "Rusia financiará la central.") not in change.lines
    html = response.content.decode()
    assert "Stale translations" in html and "empiezan en abril" in html
    assert "central <script>" not in html and "central &lt;script&gt;" in html  # the editor's text, escaped


def test_an_unrevised_translation_compares_the_source_with_the_text_it_started_from(
    editor_client, spanish, editor_user
):
    translations.start_translation(source=spanish, user=editor_user)
    source = fresh(spanish)
    source.headline = "Cuba y Rusia firman un pacto eléctrico"
    source.save()
    services.mark_substantive_update(article=source, user=editor_user)
    [row] = desk_section(editor_client, "translations")[0].rows
    assert row.stale.compared_from is not None
    [change] = row.stale.changes
    assert change.label == "Headline"
    assert change.lines == [
        ("removed", "Cuba y Rusia firman un acuerdo eléctrico"),
        ("added", "Cuba y Rusia firman un pacto eléctrico"),
    ]


def test_a_correction_makes_the_translation_stale_until_it_is_revised(editor_client, editor_user, started):
    spanish, english = started
    services.add_correction(article=spanish, text="La obra empieza en abril, no en marzo.", user=editor_user)
    section, response = desk_section(editor_client, "translations")
    [row] = section.rows
    assert [c.text for c in row.stale.corrections] == ["La obra empieza en abril, no en marzo."]
    assert "no en marzo" in response.content.decode()

    # A save that only changes its status is not a revision of its text.
    services.unpublish(article=english, user=editor_user)
    services.publish(article=fresh(english), user=editor_user)
    assert len(desk_section(editor_client, "translations")[0].rows) == 1

    english = fresh(english)
    english.body = "<p>Russia will pay for the plant. Work starts in April.</p>"
    english.save()
    history.record_version(english, user=editor_user)
    assert desk_section(editor_client, "translations")[0].rows == []


def test_the_stale_list_is_the_desks_not_a_writers(writer_client, started):
    spanish, _english = started
    services.add_correction(article=spanish, text="A fix.", user=editor(username="boss"))
    section, _ = desk_section(writer_client, "translations")
    assert section is None


def test_the_article_list_filters_stale_translations(editor_client, started):
    spanish, english = started
    changelist = reverse("admin:newsroom_article_changelist")
    assert editor_client.get(changelist, {"translation": "stale"}).context["cl"].result_count == 0
    services.add_correction(article=spanish, text="A fix.", user=editor(username="boss"))
    result = editor_client.get(changelist, {"translation": "stale"}).context["cl"].result_list
    assert list(result) == [english]
    linked = editor_client.get(changelist, {"translation": "linked"}).context["cl"].result_list
    assert set(linked) == {spanish, english}


# -- History and the demo ------------------------------------------------------------------------


def test_restoring_a_version_never_links_or_parts_a_translation(spanish, editor_user):
    history.record_version(spanish, user=editor_user)
    oldest = history.versions_of(spanish).first()
    english = ArticleFactory(language="en")
    translations.link(article=spanish, translation=english, user=editor_user)
    restore.restore_version(version=oldest, user=editor_user)
    assert translations.translation_of(fresh(spanish)) == english


def test_a_recovered_article_comes_back_without_its_translation(spanish, editor_user):
    english = ArticleFactory(language="en")
    translations.link(article=spanish, translation=english, user=editor_user)
    restore.delete_with_history(instance=fresh(english), user=editor_user)
    version = history.Version.objects.get_deleted(Article).get(object_id=str(english.pk))
    result = restore.restore_version(version=version, user=editor_user)
    assert result.obj.translation_key is None
    assert any("without its translation" in note for note in result.notes)


def test_the_demo_pairs_the_launch_story_with_its_english_translation(client):
    call_command("load_demo", stdout=StringIO())
    launch = Article.objects.get(slug=content.LAUNCH_SLUG)
    english = Article.objects.get(slug=content.LAUNCH_EN_SLUG)
    assert translations.translation_of(launch) == english and translations.translation_of(english) == launch
    assert english.language == "en" and english.is_public and launch.is_public
    assert english.headline != launch.headline and "Tehran" in english.body
    assert english.tags.count() == launch.tags.count() == 4
    notes = set(english.agreement_links.values_list("note", flat=True))
    assert "Signing planned for 17 January in Moscow" in notes
    html = client.get(launch.get_absolute_url()).content.decode()
    assert switcher(html) == {"en": english.get_absolute_url()}
    assert json_ld(html)["workTranslation"]["url"].endswith(english.get_absolute_url())

    count = Article.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert Article.objects.count() == count
    assert (
        Article.objects.filter(Q(slug=content.LAUNCH_EN_SLUG) | Q(translation_key=launch.translation_key)).count() == 2
    )
