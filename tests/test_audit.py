"""Audit and scheduling: who published, unpublished, scheduled, merged,
renamed, restored, recovered or deleted what and when, visible in the
admin; and scheduling that cannot fail in silence (what goes out next,
what missed its time)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from reversion.models import Version

from newsroom.editorial import history, restore, services
from newsroom.models import Article, EditorialEvent, Topic
from tests.factories import ArticleFactory
from tests.responses import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    """The acts below are done as an editor in the (English) admin would do
    them: outside a request the site's language is Spanish, and the audit
    trail keeps each detail in the language it was written in."""
    with translation.override("en"):
        yield


EVENTS = reverse("admin:newsroom_editorialevent_changelist")
ARTICLES = reverse("admin:newsroom_article_changelist")


# -- The audit trail ---------------------------------------------------------------------


def test_every_kind_of_editorial_act_is_in_the_audit_list(editor_client, editor_user):
    story = ArticleFactory(headline="Workflow story")
    services.schedule(article=story, user=editor_user, at=timezone.now() + timedelta(hours=1))
    services.unpublish(article=story, user=editor_user)
    services.publish(article=story, user=editor_user)
    history.record_version(story, user=editor_user)
    restore.restore_version(version=history.versions_of(story).last(), user=editor_user)
    energy, power = Topic.objects.create(name="Energy"), Topic.objects.create(name="Power")
    services.merge_topics(sources=[power], target=energy, user=editor_user)
    services.rename_topic(topic=energy, name="Energy policy", user=editor_user)
    doomed = ArticleFactory(headline="Doomed story")
    restore.delete_with_history(instance=doomed, user=editor_user)
    restore.restore_version(version=Version.objects.get_deleted(Article).get(), user=editor_user)

    actions = set(EditorialEvent.objects.values_list("action", flat=True))
    assert {"schedule", "unpublish", "publish", "restore", "merge_topics", "rename_topic", "delete", "recover"} <= (
        actions
    )
    assert set(EditorialEvent.objects.values_list("user__username", flat=True)) == {"eddie"}

    page = page_text(editor_client.get(EVENTS))
    for label in ("Scheduled", "Unpublished", "Published", "Version restored", "Topics merged", "Topic renamed"):
        assert label in page, label
    assert "“Power” merged into “Energy”" in page
    assert "Doomed story" in page


def test_the_audit_trail_outlives_a_deleted_article(editor_user):
    story = ArticleFactory(headline="Short-lived")
    services.publish(article=story, user=editor_user)
    restore.delete_with_history(instance=story, user=editor_user)
    published = EditorialEvent.objects.get(action="publish")
    assert (published.article, published.subject) == (None, "Short-lived")
    assert EditorialEvent.objects.get(action="delete").user == editor_user


def test_the_audit_list_is_filtered_by_action(editor_client, editor_user):
    story = ArticleFactory(headline="Filtered story")
    services.publish(article=story, user=editor_user)
    Topic.objects.create(name="Lonely")
    services.rename_topic(topic=Topic.objects.get(name="Lonely"), name="Alone", user=editor_user)
    page = page_text(editor_client.get(EVENTS, {"action__exact": "rename_topic"}))
    assert "“Lonely” (lonely) is now “Alone” (alone)." in page
    assert "Filtered story" not in page


def test_the_audit_trail_stays_read_only(editor_client, editor_user):
    services.publish(article=ArticleFactory(), user=editor_user)
    event = EditorialEvent.objects.get()
    assert editor_client.get(reverse("admin:newsroom_editorialevent_add")).status_code == 403
    delete = reverse("admin:newsroom_editorialevent_delete", args=[event.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert EditorialEvent.objects.filter(pk=event.pk).exists()


def test_an_articles_history_page_shows_its_workflow_events(editor_client, editor_user):
    story = ArticleFactory(headline="Story with a past")
    services.publish(article=story, user=editor_user)
    page = page_text(editor_client.get(reverse("admin:newsroom_article_history", args=[story.pk])))
    assert "Workflow and audit trail" in page
    assert "Published (draft → published)" in page


# -- Scheduling that cannot silently fail -----------------------------------------------------


@pytest.fixture
def schedule(db, editor_user):
    now = timezone.now()
    later = ArticleFactory(headline="Goes out later", status="published", published_at=now + timedelta(hours=5))
    soon = ArticleFactory(headline="Goes out soon", status="published", published_at=now + timedelta(hours=1))
    public = ArticleFactory(headline="Already public", public=True)
    missed_review = ArticleFactory(headline="Missed review", status="review", published_at=now - timedelta(hours=2))
    planned = ArticleFactory(headline="Planned review", status="review", published_at=now + timedelta(hours=3))
    # Scheduled, then archived before its time came: it never appeared.
    never_out = ArticleFactory(headline="Archived too early", scheduled=True)
    services.archive(article=never_out, user=editor_user)
    # Two hours on: its time (now five minutes ago) came after the archiving.
    EditorialEvent.objects.filter(article=never_out).update(created_at=now - timedelta(hours=2))
    Article.objects.filter(pk=never_out.pk).update(published_at=now - timedelta(minutes=5))
    # Public, then archived on purpose: nothing missed.
    retired = ArticleFactory(headline="Retired on purpose", public=True)
    services.archive(article=retired, user=editor_user)
    return {
        "later": later,
        "soon": soon,
        "public": public,
        "missed_review": missed_review,
        "planned": planned,
        "never_out": never_out,
        "retired": retired,
    }


def test_missed_time_flags_only_articles_whose_time_passed_without_them_going_public(schedule):
    missed = set(Article.objects.missed_time().values_list("headline", flat=True))
    assert missed == {"Missed review", "Archived too early"}


def test_the_article_list_says_what_goes_out_next_and_what_missed_its_time(editor_client, schedule):
    page = page_text(editor_client.get(ARTICLES))
    assert "2 articles missed their publication time" in page
    summary = page.split('class="scheduling-summary"')[1].split("</section>")[0]
    assert summary.index("Goes out soon") < summary.index("Goes out later")
    assert "Already public" not in summary
    assert "In review: missed its time" in page
    assert "In review, planned" in page


def test_the_scheduling_filter_lists_the_next_first_and_the_missed(editor_client, schedule):
    response = editor_client.get(ARTICLES, {"scheduling": "scheduled"})
    assert [a.headline for a in response.context["cl"].result_list] == ["Goes out soon", "Goes out later"]
    response = editor_client.get(ARTICLES, {"scheduling": "missed"})
    assert {a.headline for a in response.context["cl"].result_list} == {"Missed review", "Archived too early"}
    response = editor_client.get(ARTICLES, {"scheduling": "planned"})
    assert [a.headline for a in response.context["cl"].result_list] == ["Planned review"]


def test_a_scheduled_article_appears_by_itself_at_its_time(client, schedule, monkeypatch):
    soon = schedule["soon"]
    assert client.get(soon.get_absolute_url()).status_code == 404
    moment = soon.published_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert client.get(soon.get_absolute_url()).status_code == 200
    assert soon not in Article.objects.missed_time()


def test_a_time_typed_for_an_article_in_review_is_kept_as_its_plan(editor_client, editor_user, admin_form_data):
    """Before, the form dropped a time given with "In review" without a
    word; now it is the planned time, and a missed plan is flagged."""
    article = ArticleFactory(status="review")
    at = timezone.localtime() + timedelta(days=1)
    url = reverse("admin:newsroom_article_change", args=[article.pk])
    data = admin_form_data(editor_client, url)
    data.update({"_action": "save", "published_at_0": f"{at:%Y-%m-%d}", "published_at_1": f"{at:%H:%M:%S}"})
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.status == "review"
    assert article.published_at.replace(microsecond=0) == at.replace(microsecond=0)
    assert not article.is_public
    assert EditorialEvent.objects.get().action == "plan"
    assert article in Article.objects.planned()


def test_publishing_an_article_that_missed_its_plan_publishes_it_now(editor_client, schedule, admin_form_data):
    article = schedule["missed_review"]
    url = reverse("admin:newsroom_article_change", args=[article.pk])
    data = admin_form_data(editor_client, url)
    data["_action"] = "publish"
    before = timezone.now()
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.is_public
    assert article.published_at >= before - timedelta(seconds=1)
    assert article not in Article.objects.missed_time()


def test_a_planned_time_in_the_past_is_refused(editor_user):
    article = ArticleFactory(status="review")
    with pytest.raises(ValidationError):
        services.plan(article=article, user=editor_user, at=timezone.now() - timedelta(minutes=1))


def test_writers_cannot_plan(writer_user):
    article = ArticleFactory(status="draft", created_by=writer_user)
    with pytest.raises(PermissionDenied):
        services.plan(article=article, user=writer_user, at=timezone.now() + timedelta(hours=1))


def test_a_writer_sees_no_scheduling_of_articles_they_cannot_edit(writer_client, schedule):
    page = page_text(writer_client.get(ARTICLES))
    assert "Goes out soon" not in page
    assert "missed their publication time" not in page
