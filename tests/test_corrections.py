"""Corrections: stamped with date and author, shown on the article, in its
JSON-LD and on /corrections/ (linked from the footer), and counted as a
substantive update (dateModified moves; a typo fix does not move it)."""

import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from newsroom.editorial import services
from newsroom.models import Article, Correction
from tests.factories import ArticleFactory, CorrectionFactory
from tests.responses import change_url

pytestmark = pytest.mark.django_db

_JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(response) -> dict:
    [block] = _JSON_LD.findall(response.content.decode())
    return json.loads(block)


def when(value: str):
    from datetime import datetime

    return datetime.fromisoformat(value)


@pytest.fixture
def story(db):
    """A story published two days ago and not touched since."""
    published = timezone.now() - timedelta(days=2)
    article = ArticleFactory(status="published", published_at=published, headline="Treaty signed in Moscow")
    Article.objects.filter(pk=article.pk).update(updated_at=published)
    article.refresh_from_db()
    return article


def add_correction_in_the_form(client, admin_form_data, article, text: str):
    data = admin_form_data(client, change_url(article))
    total = int(data["corrections-TOTAL_FORMS"])
    data[f"corrections-{total}-text"] = text
    data["corrections-TOTAL_FORMS"] = str(total + 1)
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


# -- Adding a correction ------------------------------------------------------------------


def test_a_correction_added_in_the_article_form_is_stamped(editor_client, editor_user, admin_form_data, story):
    before = timezone.now()
    add_correction_in_the_form(editor_client, admin_form_data, story, "The treaty was signed in Moscow, not Tehran.")
    correction = Correction.objects.get()
    assert correction.created_by == editor_user
    assert before <= correction.created_at <= timezone.now()
    story.refresh_from_db()
    assert story.modified_at == correction.created_at
    assert story.date_modified == correction.created_at


def test_the_date_of_a_correction_cannot_be_backdated_in_the_form(editor_client, admin_form_data, story):
    data = admin_form_data(editor_client, change_url(story))
    data.update(
        {"corrections-TOTAL_FORMS": "1", "corrections-0-text": "Fixed.", "corrections-0-created_at": "2001-01-01"}
    )
    assert editor_client.post(change_url(story), data).status_code == 302
    assert Correction.objects.get().created_at.year == timezone.now().year


def test_a_correction_added_on_its_own_admin_page_counts_too(editor_client, editor_user, story):
    response = editor_client.post(
        reverse("admin:newsroom_correction_add"), {"article": str(story.pk), "text": "A name was misspelled."}
    )
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert correction.created_by == editor_user
    story.refresh_from_db()
    assert story.modified_at == correction.created_at


def test_writers_cannot_add_corrections(writer_user, story):
    with pytest.raises(PermissionDenied):
        services.add_correction(article=story, text="Nope.", user=writer_user)
    assert not Correction.objects.exists()


def test_a_correction_on_a_draft_does_not_date_an_update(editor_user):
    draft = ArticleFactory()
    services.add_correction(article=draft, text="Before publication.", user=editor_user)
    draft.refresh_from_db()
    assert draft.modified_at is None


# -- What readers and search engines see ---------------------------------------------------


def test_the_article_shows_the_correction_and_its_json_ld_lists_it(client, editor_user, story):
    correction = services.add_correction(article=story, text="The treaty runs for 20 years, not 10.", user=editor_user)
    response = client.get(story.get_absolute_url())
    page = unescape(response.content.decode())
    assert "Corrections" in page
    assert "The treaty runs for 20 years, not 10." in page
    data = json_ld(response)
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "The treaty runs for 20 years, not 10.",
            "datePublished": timezone.localtime(correction.created_at).isoformat(),
        }
    ]
    assert when(data["dateModified"]) == correction.created_at
    assert "Updated <time" in page


def test_correction_text_is_escaped_on_the_page_and_in_json_ld(client, editor_user, story):
    services.add_correction(article=story, text="<script>alert(1)</script> & more", user=editor_user)
    response = client.get(story.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert json_ld(response)["correction"][0]["text"] == "<script>alert(1)</script> & more"


def test_a_typo_fix_does_not_move_date_modified_but_a_substantive_update_does(
    client, editor_client, admin_form_data, story
):
    published = story.published_at
    data = admin_form_data(editor_client, change_url(story))
    assert "substantive_update" not in data  # unticked by default
    data["headline"] = "Treaty signed in Moscow."
    assert editor_client.post(change_url(story), data).status_code == 302
    response = client.get(story.get_absolute_url())
    assert when(json_ld(response)["dateModified"]) == published
    # The page's times are to the second.
    assert f'content="{timezone.localtime(published).replace(microsecond=0).isoformat()}"' in response.content.decode()

    data = admin_form_data(editor_client, change_url(story))
    data["body"] = "<p>The Kremlin published the full text.</p>"
    data["substantive_update"] = "on"
    before = timezone.now()
    assert editor_client.post(change_url(story), data).status_code == 302
    modified = when(json_ld(client.get(story.get_absolute_url()))["dateModified"])
    assert before <= modified <= timezone.now()


def test_the_substantive_update_box_is_only_on_published_articles(editor_client):
    draft = ArticleFactory()
    assert 'name="substantive_update"' not in editor_client.get(change_url(draft)).content.decode()
    public = ArticleFactory(public=True)
    assert 'name="substantive_update"' in editor_client.get(change_url(public)).content.decode()


# -- The corrections page ------------------------------------------------------------------


def test_the_corrections_page_lists_corrections_of_public_articles_newest_first(client, editor_user, story):
    older = CorrectionFactory(text="An older correction.", created_at=timezone.now() - timedelta(days=1))
    services.add_correction(article=story, text="The newest correction.", user=editor_user)
    hidden = ArticleFactory(headline="Unpublished story")
    CorrectionFactory(article=hidden, text="On a draft.")
    CorrectionFactory(article=ArticleFactory(scheduled=True), text="On a scheduled story.")
    response = client.get(reverse("newsroom:corrections"))
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert page.index("The newest correction.") < page.index("An older correction.")
    assert story.get_absolute_url() in page
    assert older.article.headline in page
    assert "On a draft." not in page and "Unpublished story" not in page
    assert "On a scheduled story." not in page


def test_every_page_links_the_corrections_page_in_the_footer(client, story):
    # Each edition's pages link its own corrections page (the story is English).
    pages = {
        "/": "/corrections/",
        "/corrections/": "/corrections/",
        "/en/": "/en/corrections/",
        story.get_absolute_url(): "/en/corrections/",
        "/en/corrections/": "/en/corrections/",
    }
    for url, corrections in pages.items():
        footer = client.get(url).content.decode().split('<footer class="site-footer"')[1]
        assert f'href="{corrections}"' in footer, url


def test_the_corrections_page_runs_the_same_queries_for_1_or_30(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    CorrectionFactory()
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("newsroom:corrections")).status_code == 200
    for _n in range(29):
        CorrectionFactory()
    with django_assert_max_num_queries(len(one)):
        response = client.get(reverse("newsroom:corrections"))
    assert len(response.context["page"].object_list) == 20


@pytest.mark.parametrize("page", ["0", "x", "99"])
def test_corrections_page_out_of_range_is_404(client, page):
    CorrectionFactory()
    assert client.get(reverse("newsroom:corrections"), {"page": page}).status_code == 404
