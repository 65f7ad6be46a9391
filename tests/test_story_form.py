"""The story form in fewer clicks (issue "The story form in fewer clicks"):
what is already built of it, through real requests. The browser's side
(the server-time note, the list's widths) is in test_browser_story_form."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from newsroom.models import Article, EditorialEvent, StaffPreferences, Topic
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
    StaffPreferences.objects.create(user=user, language=language)  # the admin's language is the person's
    ArticleFactory(public=True)  # a list with a row, so that it has its headings
    client.force_login(user)
    with translation.override(language):
        form = client.get(ADD_URL).content.decode()
        listing = client.get(LIST_URL).content.decode()
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
    assert 'name="_action"' not in page  # no button at all
    assert 'name="_save"' not in page


def test_a_writers_own_draft_is_theirs_to_change_without_a_note(writer_client, writer_user):
    article = ArticleFactory(created_by=writer_user)
    page = writer_client.get(reverse("admin:newsroom_article_change", args=[article.pk])).content.decode()
    assert '<button type="submit" name="_action" value="save"' in page
    assert "newsroom-read-only" not in page


# -- Actions, not a status menu -----------------------------------------------------


def buttons(page: str) -> list[tuple[str, str]]:
    """The story's action buttons, (action, label), as the top row shows them."""
    row = page.split('<div class="submit-row">')[1].split("</div>")[0]
    return re.findall(r'<button type="submit" name="_action" value="(\w+)"[^>]*>([^<]+)</button>', row)


def change_url(article: Article) -> str:
    return reverse("admin:newsroom_article_change", args=[article.pk])


@pytest.mark.parametrize(
    ("who", "state", "expected"),
    [
        ("writer", {}, [("save", "Save draft"), ("review", "Send to review")]),
        ("writer", {"status": "review"}, [("save", "Save")]),
        (
            "editor",
            {},
            [
                ("save", "Save draft"),
                ("review", "Send to review"),
                ("publish", "Publish now"),
                ("schedule", "Schedule…"),
                ("archive", "Archive"),
            ],
        ),
        (
            "editor",
            {"status": "review"},
            [("save", "Save"), ("publish", "Publish now"), ("schedule", "Schedule…"), ("archive", "Archive")],
        ),
        ("editor", {"public": True}, [("save", "Save changes"), ("unpublish", "Unpublish"), ("archive", "Archive")]),
        (
            "editor",
            {"scheduled": True},
            [
                ("save", "Save changes"),
                ("publish", "Publish now"),
                ("schedule", "Schedule…"),
                ("unpublish", "Unpublish"),
                ("archive", "Archive"),
            ],
        ),
        ("editor", {"status": "archived"}, [("save", "Save changes"), ("publish", "Publish again")]),
    ],
)
def test_the_form_offers_the_actions_the_role_allows_as_buttons(
    request, writer_user, editor_user, who, state, expected
):
    client = request.getfixturevalue(f"{who}_client")
    user = writer_user if who == "writer" else editor_user
    if state.get("status") == "archived":
        state = {**state, "published_at": timezone.now() - timedelta(days=3)}
    article = ArticleFactory(created_by=user, **state)
    page = client.get(change_url(article)).content.decode()
    assert buttons(page) == expected
    # The same row at the top and at the bottom of the form, and no menu.
    assert page.count('name="_action" value="save"') == 2
    assert 'name="status"' not in page


@pytest.mark.parametrize(
    ("who", "expected"),
    [("writer", ["save", "review"]), ("editor", ["save", "review", "publish", "schedule"])],
)
def test_a_new_story_offers_saving_reviewing_and_for_an_editor_publishing(request, who, expected):
    client = request.getfixturevalue(f"{who}_client")
    assert [name for name, _ in buttons(client.get(ADD_URL).content.decode())] == expected


def test_the_state_line_names_a_scheduled_storys_time_in_cuba_time(editor_client):
    at = timezone.now() + timedelta(days=2)
    article = ArticleFactory(scheduled=True, published_at=at)
    page = editor_client.get(change_url(article)).content.decode()
    when = timezone.localtime(at).strftime("%H:%M")
    assert re.search(rf'class="story-state">Status: <strong>Scheduled · [^<]*{when} \(Cuba time\)</strong>', page)


def test_publish_now_publishes_a_scheduled_story_at_once_and_stays_on_the_form(editor_client, admin_form_data):
    article = ArticleFactory(scheduled=True, published_at=timezone.now() + timedelta(days=2))
    data = admin_form_data(editor_client, change_url(article))
    data["_action"] = "publish"
    before = timezone.now()
    response = editor_client.post(change_url(article), data, follow=True)
    assert response.redirect_chain[-1][0] == change_url(article)
    article.refresh_from_db()
    assert article.is_public and article.published_at >= before
    assert f"Published: “{article.headline}”." in [str(m) for m in response.context["messages"]]
    assert [name for name, _ in buttons(response.content.decode())] == ["save", "unpublish", "archive"]


def test_publish_again_brings_an_archived_story_back_at_its_first_time(editor_client, admin_form_data):
    first = timezone.now() - timedelta(days=30)
    article = ArticleFactory(status="archived", published_at=first)
    data = admin_form_data(editor_client, change_url(article))
    data["_action"] = "publish"
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.is_public
    assert abs(article.published_at - first) < timedelta(seconds=1)


def test_archive_from_the_form_goes_through_the_service(editor_client, editor_user, admin_form_data):
    article = ArticleFactory(public=True)
    data = admin_form_data(editor_client, change_url(article))
    data["_action"] = "archive"
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.ARCHIVED
    event = EditorialEvent.objects.get()
    assert (event.action, event.user) == ("archive", editor_user)


def test_saving_a_draft_keeps_its_state_and_the_form_open(editor_client, admin_form_data):
    article = ArticleFactory(headline="Old words")
    data = admin_form_data(editor_client, change_url(article))
    data.update({"_action": "save", "headline": "New words"})
    response = editor_client.post(change_url(article), data)
    assert response["Location"] == change_url(article)
    article.refresh_from_db()
    assert (article.headline, article.status) == ("New words", Article.Status.DRAFT)
    assert not EditorialEvent.objects.exists()


def test_a_planned_time_in_the_past_is_a_form_error_and_nothing_is_saved(editor_client, admin_form_data):
    article = ArticleFactory(headline="Old words")
    earlier = timezone.localtime() - timedelta(hours=3)
    data = admin_form_data(editor_client, change_url(article))
    data.update(
        {
            "_action": "save",
            "headline": "New words",
            "published_at_0": f"{earlier:%Y-%m-%d}",
            "published_at_1": f"{earlier:%H:%M:%S}",
        }
    )
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "A planned time must be in the future." in response.content.decode()
    article.refresh_from_db()
    assert (article.headline, article.published_at) == ("Old words", None)


def test_a_writer_sends_a_new_story_to_review_in_one_press(writer_client, writer_user, admin_form_data):
    data = story(admin_form_data(writer_client, ADD_URL), _action="review")
    response = writer_client.post(ADD_URL, data)
    article = Article.objects.get()
    assert response["Location"] == change_url(article)
    assert article.status == Article.Status.REVIEW
    assert EditorialEvent.objects.get().action == "submit"


# -- One topic field --------------------------------------------------------------


def test_the_topic_field_is_one_picker_that_takes_new_names(editor_client):
    page = editor_client.get(ADD_URL).content.decode()
    select = re.search(r'<select name="tags"[^>]*>', page).group(0)
    # Started by article-form.js, not by Django's script for "admin-autocomplete".
    assert 'class="topic-picker"' in select
    assert "press Enter" in page


def test_a_new_name_in_the_topic_field_makes_a_topic_and_a_folded_one_finds_the_old(editor_client, admin_form_data):
    energy = ArticleFactory(public=True, topics=["Energía"]).tags.get()
    sanctions = ArticleFactory(public=True, topics=["Sanctions"]).tags.get()
    data = story(admin_form_data(editor_client, ADD_URL), _action="save")
    data["tags"] = [str(sanctions.pk), "+energia", "+Apagones  en Oriente"]
    assert editor_client.post(ADD_URL, data).status_code == 302
    article = Article.objects.get(headline="Havana signs a deal")
    assert sorted(article.tags.values_list("name", flat=True)) == ["Apagones en Oriente", "Energía", "Sanctions"]
    assert Topic.objects.filter(key=energy.key).count() == 1


def test_a_too_long_new_topic_name_is_an_error_on_the_topic_field_and_nothing_is_saved(editor_client, admin_form_data):
    data = story(admin_form_data(editor_client, ADD_URL), _action="save")
    data["tags"] = ["+" + "x" * 101]
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "tags" in response.context["adminform"].form.errors
    assert "A topic name can have at most 100 characters" in response.content.decode()
    assert not Article.objects.exists()


# -- Found in review --------------------------------------------------------------------


def test_a_story_made_in_a_popup_closes_it_and_goes_to_the_field(editor_client, admin_form_data):
    """The front page's picker opens the story form in a popup: the buttons
    must close it and hand the story over, as Django's own did."""
    data = story(admin_form_data(editor_client, ADD_URL + "?_popup=1"), _action="save", _popup="1")
    response = editor_client.post(ADD_URL + "?_popup=1", data)
    assert response.status_code == 200
    assert "popup_response" in response.content.decode()
    assert Article.objects.filter(headline="Havana signs a deal").exists()


def test_a_slot_typed_with_send_to_review_is_planned(editor_client, admin_form_data):
    article = ArticleFactory()
    at = timezone.localtime() + timedelta(days=1)
    data = admin_form_data(editor_client, change_url(article))
    data.update({"_action": "review", "published_at_0": f"{at:%Y-%m-%d}", "published_at_1": f"{at:%H:%M:%S}"})
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert article.published_at.replace(microsecond=0) == at.replace(microsecond=0)


@pytest.mark.parametrize(
    ("state", "action", "error"),
    [
        ({}, "publish", "“Publish now” publishes at once."),
        ({"public": True}, "unpublish", "An unpublished story keeps no time"),
        ({"public": True}, "archive", "An archived story keeps the time it was published at"),
    ],
)
def test_a_time_the_button_would_not_use_is_an_error_and_nothing_is_saved(
    editor_client, admin_form_data, state, action, error
):
    article = ArticleFactory(headline="As it was", **state)
    before = Article.objects.values_list("status", "published_at").get(pk=article.pk)
    at = timezone.localtime() + timedelta(days=3)
    data = admin_form_data(editor_client, change_url(article))
    data.update({"_action": action, "headline": "Typed", "published_at_0": f"{at:%Y-%m-%d}", "published_at_1": "09:00"})
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Article.objects.values_list("headline", "status", "published_at").get(pk=article.pk) == (
        "As it was",
        *before,
    )


def test_an_archived_story_keeps_its_time(editor_client):
    article = ArticleFactory(status="archived", published_at=timezone.now() - timedelta(days=9))
    page = editor_client.get(change_url(article)).content.decode()
    assert 'name="published_at_0"' not in page
