"""The story form in fewer clicks (issue "The story form in fewer clicks"):
what is already built of it, through real requests. The browser's side
(the server-time note, the list's widths) is in test_browser_story_form."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from newsroom.models import Article
from tests.factories import ArticleFactory, AuthorFactory, editor

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:newsroom_article_add")
LIST_URL = reverse("admin:newsroom_article_changelist")


def story(data: dict, **fields) -> dict:
    data.update({"headline": "Havana signs a deal", "slug": "havana-signs-a-deal", "body": "<p>Text.</p>"})
    data.update(fields)
    return data


# -- The byline starts as the person writing -------------------------------------


def test_a_new_story_starts_with_the_editors_own_byline(editor_client, editor_user, admin_form_data):
    own = AuthorFactory(user=editor_user, name="Eddie Morales")
    AuthorFactory(name="Someone Else")
    data = admin_form_data(editor_client, ADD_URL)
    assert data["bylines-0-author"] == str(own.pk)
    # Saved untouched, the prefilled row is a byline like any chosen one.
    assert editor_client.post(ADD_URL, story(data)).status_code == 302
    assert Article.objects.get().ordered_authors() == [own]


def test_an_editor_can_replace_or_clear_the_prefilled_byline(editor_client, editor_user, admin_form_data):
    AuthorFactory(user=editor_user)
    colleague = AuthorFactory(name="Colleague")
    data = story(admin_form_data(editor_client, ADD_URL), **{"bylines-0-author": str(colleague.pk)})
    assert editor_client.post(ADD_URL, data).status_code == 302
    assert Article.objects.get().ordered_authors() == [colleague]

    data = story(admin_form_data(editor_client, ADD_URL), slug="unsigned", **{"bylines-0-author": ""})
    assert editor_client.post(ADD_URL, data).status_code == 302
    assert Article.objects.get(slug="unsigned").ordered_authors() == []


def test_without_an_author_profile_the_byline_starts_empty(editor_client, admin_form_data):
    AuthorFactory(name="Someone Else")
    data = admin_form_data(editor_client, ADD_URL)
    assert data.get("bylines-0-author", "") == ""


def test_an_existing_story_keeps_its_own_bylines(editor_client, editor_user, admin_form_data):
    AuthorFactory(user=editor_user)
    other = AuthorFactory(name="Original Reporter")
    response = editor_client.post(ADD_URL, story(admin_form_data(editor_client, ADD_URL)))
    assert response.status_code == 302
    article = Article.objects.get()
    article.bylines.all().delete()
    article.bylines.create(author=other, position=0)
    change = reverse("admin:newsroom_article_change", args=[article.pk])
    data = admin_form_data(editor_client, change)
    assert data["bylines-0-author"] == str(other.pk)
    assert data.get("bylines-1-author", "") == ""  # the empty extra row is not prefilled


# -- Times are the newsroom's, named ---------------------------------------------


@pytest.mark.parametrize(("language", "zone"), [("en", "Cuba time"), ("es", "hora de Cuba")])
def test_the_publication_time_names_the_newsrooms_zone(client, language, zone):
    user = editor(username=f"editor-{language}")
    ArticleFactory(public=True)  # a list with a row, so that it has its headings
    client.force_login(user)
    with translation.override(language):
        headers = {"Accept-Language": language}
        form = client.get(ADD_URL, headers=headers).content.decode()
        listing = client.get(LIST_URL, headers=headers).content.decode()
    assert re.search(rf"<label>[^<]+ \({zone}\):?</label>", form)
    heading = re.search(r'<th scope="col" class="[^"]*column-published_time[^"]*">(.*?)</th>', listing, re.S)
    assert f"({zone})" in heading.group(1)


# -- A writer's story after an editor has taken it over ---------------------------


@pytest.mark.parametrize(
    ("state", "why"),
    [
        ({"public": True}, "This story is published."),
        ({"scheduled": True}, "This story is approved and scheduled."),
        ({"status": "archived"}, "This story is archived."),
    ],
)
def test_a_writer_reads_their_story_and_learns_who_can_change_it(writer_client, writer_user, state, why):
    editor(username="eddie", first_name="Eddie", last_name="Morales")
    editor(username="gone", first_name="Gone", last_name="Editor", is_active=False)
    own = AuthorFactory(user=writer_user)
    article = ArticleFactory(
        headline="Apagón en Matanzas", body="<p>La <strong>central</strong> se detuvo.</p>", authors=[own], **state
    )
    page = writer_client.get(reverse("admin:newsroom_article_change", args=[article.pk])).content.decode()
    assert "Apagón en Matanzas" in page
    assert "<p>La <strong>central</strong> se detuvo.</p>" in page  # the body as readers see it
    note = re.search(r'<p class="newsroom-read-only" role="status">(.*?)</p>', page).group(1)
    assert note == f"{why} Only an editor can change it now: Eddie Morales."
    assert 'name="_save"' not in page
    assert 'name="_submit_for_review"' not in page


def test_a_writers_own_draft_is_theirs_to_change_without_a_note(writer_client, writer_user):
    article = ArticleFactory(created_by=writer_user)
    page = writer_client.get(reverse("admin:newsroom_article_change", args=[article.pk])).content.decode()
    assert 'name="_save"' in page
    assert "newsroom-read-only" not in page
