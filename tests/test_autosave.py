"""The story form's autosave (newsroom.editorial.autosave): a working copy
kept while someone types, offered back after a closed tab, never a save;
and who else is in the story. The browser's side is in
test_browser_story_form."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from newsroom.editorial import autosave
from newsroom.models import Article, EditorialEvent, WorkingCopy
from tests.factories import ArticleFactory, editor, writer
from tests.test_history import versions

pytestmark = pytest.mark.django_db

AUTOSAVE_URL = reverse("admin:newsroom_article_autosave")
DISCARD_URL = reverse("admin:newsroom_article_autosave_discard")
ADD_URL = reverse("admin:newsroom_article_add")


def change_url(article: Article) -> str:
    return reverse("admin:newsroom_article_change", args=[article.pk])


def keep(client, article: Article | None, **fields) -> dict:
    """What the form sends: every kept field, as saved unless typed over."""
    data = {"keep": "1", "article": article.pk if article else "", **autosave.saved_fields(article), **fields}
    if article is not None and "loaded_version" not in fields:
        data["loaded_version"] = article.lock_version
    response = client.post(AUTOSAVE_URL, data)
    assert response.status_code == 200, response.content
    return response.json()


def test_typing_keeps_a_working_copy_not_a_version_nor_a_state_change(editor_client, editor_user):
    article = ArticleFactory(headline="Saved headline", body="<p>Saved words.</p>")
    before = len(versions(article))
    assert keep(editor_client, article, headline="Typed headline", body="<p>Typed words.</p>")["kept"] is True
    copy = WorkingCopy.objects.get(user=editor_user, article=article)
    assert copy.fields["headline"] == "Typed headline"
    assert copy.base_version == article.lock_version
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Saved headline", Article.Status.DRAFT)
    assert len(versions(article)) == before
    assert not EditorialEvent.objects.exists()


def test_reopening_the_form_offers_the_copy_with_what_differs(editor_client):
    article = ArticleFactory(headline="Apagón en Matanzas", body="<p>La central se detuvo anoche.</p>")
    keep(editor_client, article, headline="Apagón en Matanzas y Cárdenas", body="<p>La central se detuvo hoy.</p>")
    page = editor_client.get(change_url(article)).content.decode()
    assert "Words you typed were not saved" in page
    assert "<ins>y Cárdenas</ins>" in page
    assert "<del>anoche.</del> <ins>hoy.</ins>" in page
    assert 'href="?restore=1"' in page
    # Restoring fills the form with the copy; nothing is saved until the writer saves.
    restored = editor_client.get(change_url(article) + "?restore=1").content.decode()
    assert 'value="Apagón en Matanzas y Cárdenas"' in restored
    assert "Words you typed were not saved" not in restored
    article.refresh_from_db()
    assert article.headline == "Apagón en Matanzas"


def test_a_copy_that_matches_the_saved_story_offers_nothing(editor_client):
    article = ArticleFactory(headline="Same", body="<p>Same words.</p>")
    keep(editor_client, article, headline="Same", body="<p>Same   words.</p>")
    assert "Words you typed were not saved" not in editor_client.get(change_url(article)).content.decode()


def test_a_restored_copy_cannot_overwrite_a_later_save_by_someone_else(editor_client, admin_form_data):
    article = ArticleFactory(headline="First")
    keep(editor_client, article, headline="Mine, typed before a colleague saved")
    # A colleague saves in between.
    Article.objects.filter(pk=article.pk).update(lock_version=article.lock_version + 1, headline="Theirs")
    data = admin_form_data(editor_client, change_url(article) + "?restore=1")
    assert data["headline"] == "Mine, typed before a colleague saved"
    assert int(data["loaded_version"]) == article.lock_version
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "Theirs"


def test_saving_the_form_settles_the_copy_and_discard_drops_it(editor_client, editor_user, admin_form_data):
    article = ArticleFactory(headline="Before")
    keep(editor_client, article, headline="Typed")
    data = admin_form_data(editor_client, change_url(article))
    data["headline"] = "Saved now"
    assert editor_client.post(change_url(article), data).status_code == 302
    assert autosave.pending(user=editor_user, article=article) is None
    keep(editor_client, article, headline="Typed again")
    response = editor_client.post(DISCARD_URL, {"article": article.pk})
    assert response["Location"] == change_url(article)
    assert autosave.pending(user=editor_user, article=article) is None


def test_a_new_story_left_unsaved_is_offered_on_the_next_new_story(editor_client, editor_user, admin_form_data):
    keep(editor_client, None, headline="Half a story", body="<p>Written, never saved.</p>")
    page = editor_client.get(ADD_URL).content.decode()
    assert "The form kept a copy of a story you were writing" in page
    data = admin_form_data(editor_client, ADD_URL + "?restore=1")
    assert data["headline"] == "Half a story"
    data.update({"slug": "half-a-story", "_action": "save"})
    assert editor_client.post(ADD_URL, data).status_code == 302
    assert Article.objects.get().headline == "Half a story"
    assert autosave.pending(user=editor_user, article=None) is None


def test_a_second_editor_sees_who_else_is_in_the_story(client, editor_client, editor_user):
    article = ArticleFactory()
    other = editor(username="ana", first_name="Ana", last_name="Pérez")
    client.force_login(other)
    assert client.post(AUTOSAVE_URL, {"article": article.pk}).json() == {"kept": False, "others": []}
    client.force_login(editor_user)
    answer = client.post(AUTOSAVE_URL, {"article": article.pk}).json()
    assert answer["others"] == ["Ana Pérez"]
    page = client.get(change_url(article)).content.decode()
    assert "Also in this story now: Ana Pérez." in page
    # Gone quiet for longer than the window: no longer shown.
    WorkingCopy.objects.filter(user=other).update(seen_at=timezone.now() - timedelta(minutes=2))
    assert client.post(AUTOSAVE_URL, {"article": article.pk}).json()["others"] == []


def test_autosave_refuses_what_the_user_may_not_change(client):
    mine = writer(username="wendy")
    colleague = writer(username="walt")
    theirs = ArticleFactory(created_by=colleague, headline="Colleague's draft")
    published = ArticleFactory(created_by=mine, public=True)
    client.force_login(mine)
    assert client.post(AUTOSAVE_URL, {"keep": "1", "article": theirs.pk, "headline": "x"}).status_code == 404
    assert client.post(AUTOSAVE_URL, {"keep": "1", "article": published.pk, "headline": "x"}).status_code == 403
    assert client.post(AUTOSAVE_URL, {"keep": "1", "article": "abc"}).status_code == 404
    assert client.post(DISCARD_URL, {"article": theirs.pk}).status_code == 404
    assert not WorkingCopy.objects.exclude(article=None).exists()


@pytest.mark.parametrize(
    "data",
    [{"keep": "1", "headline": "x" * 400_001}, {"keep": "1", "headline": "x", "loaded_version": "two"}],
)
def test_bad_autosave_input_is_a_400(editor_client, data):
    response = editor_client.post(AUTOSAVE_URL, data)
    assert response.status_code == 400
    assert response.json()["error"]
    assert not WorkingCopy.objects.exclude(fields={}).exists()


def test_autosave_answers_only_a_post(editor_client):
    assert editor_client.get(AUTOSAVE_URL).status_code == 405
    assert editor_client.get(DISCARD_URL).status_code == 405


def test_a_copy_still_on_its_way_when_the_story_was_saved_is_not_kept(editor_client, editor_user, admin_form_data):
    """The page stops sending once its form is submitted, but a copy sent
    just before may reach the server after the save: it holds nothing the
    save does not, and must not come back as 'not saved'."""
    article = ArticleFactory(headline="Before")
    opened = int(timezone.now().timestamp() * 1000)
    data = admin_form_data(editor_client, change_url(article))
    data["headline"] = "Saved"
    assert editor_client.post(change_url(article), data).status_code == 302
    keep(editor_client, article, headline="Typed before the save", opened=str(opened))
    article.refresh_from_db()
    assert autosave.pending(user=editor_user, article=article) is None
    # A form opened after the save keeps its copies as usual.
    later = int(timezone.now().timestamp() * 1000) + 1
    keep(editor_client, article, headline="Saved, then typed on", opened=str(later))
    assert autosave.pending(user=editor_user, article=article) is not None


@pytest.mark.parametrize("field", ["loaded_version", "opened"])
@pytest.mark.parametrize("value", ["²", "12345678901234567890", "-1"])
def test_odd_numbers_in_an_autosave_are_a_400(editor_client, field, value):
    response = editor_client.post(AUTOSAVE_URL, {"keep": "1", "headline": "x", field: value})
    assert response.status_code == 400
