"""The editorial workflow services: each transition, who may make it, and
the audit trail it leaves."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from newsroom.editorial import services
from newsroom.models import Article, EditorialEvent
from tests import factories
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def writer(db):
    return factories.writer(username="wendy")


@pytest.fixture
def editor(db):
    return factories.editor(username="eddie")


def last_event() -> EditorialEvent:
    return EditorialEvent.objects.order_by("-pk").first()


# -- Transitions -----------------------------------------------------------------


def test_writer_submits_own_draft_for_review(writer):
    article = ArticleFactory(created_by=writer)
    services.submit_for_review(article=article, user=writer)
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    event = last_event()
    assert (event.action, event.from_status, event.to_status, event.user) == ("submit", "draft", "review", writer)


def test_only_a_draft_can_be_submitted(editor):
    article = ArticleFactory(status=Status.REVIEW)
    with pytest.raises(ValidationError):
        services.submit_for_review(article=article, user=editor)
    assert not EditorialEvent.objects.exists()


def test_publish_now_makes_the_article_public(editor):
    article = ArticleFactory(status=Status.REVIEW)
    before = timezone.now()
    services.publish(article=article, user=editor)
    article.refresh_from_db()
    assert article.is_public
    assert before <= article.published_at <= timezone.now()
    assert (last_event().action, last_event().to_status) == ("publish", "published")


def test_republishing_keeps_the_original_time(editor):
    article = ArticleFactory(public=True)
    original = article.published_at
    services.publish(article=article, user=editor)
    article.refresh_from_db()
    assert article.published_at == original


def test_schedule_publishes_later_and_the_article_appears_by_itself(editor, monkeypatch):
    at = timezone.now() + timedelta(hours=3)
    article = ArticleFactory()
    services.schedule(article=article, user=editor, at=at)
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Status.PUBLISHED, at)
    assert article.is_scheduled
    assert not article.is_public
    assert last_event().action == "schedule"
    monkeypatch.setattr(timezone, "now", lambda: at + timedelta(seconds=1))
    assert article.is_public


@pytest.mark.parametrize("offset", [timedelta(0), timedelta(minutes=-5)])
def test_schedule_needs_a_future_time(editor, offset):
    article = ArticleFactory()
    with pytest.raises(ValidationError):
        services.schedule(article=article, user=editor, at=timezone.now() + offset)
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert not EditorialEvent.objects.exists()


def test_publish_refuses_a_naive_time(editor):
    article = ArticleFactory()
    with pytest.raises(ValidationError):
        services.publish(article=article, user=editor, at=timezone.now().replace(tzinfo=None))


@pytest.mark.parametrize("trait", ["public", "scheduled"])
def test_unpublish_takes_a_public_or_scheduled_article_back_to_draft(editor, trait):
    article = ArticleFactory(**{trait: True})
    services.unpublish(article=article, user=editor)
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Status.DRAFT, None)
    assert not Article.objects.published().exists()
    assert (last_event().action, last_event().from_status) == ("unpublish", "published")


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.ARCHIVED])
def test_only_published_articles_can_be_unpublished(editor, status):
    article = ArticleFactory(status=status)
    with pytest.raises(ValidationError):
        services.unpublish(article=article, user=editor)


def test_archive_hides_the_article_and_keeps_its_time(editor):
    article = ArticleFactory(public=True)
    original = article.published_at
    services.archive(article=article, user=editor)
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Status.ARCHIVED, original)
    assert not Article.objects.published().exists()
    assert last_event().action == "archive"


def test_archiving_twice_is_refused(editor):
    article = ArticleFactory(status=Status.ARCHIVED)
    with pytest.raises(ValidationError):
        services.archive(article=article, user=editor)


def test_a_transition_does_not_save_unsaved_edits(editor):
    article = ArticleFactory(headline="Saved headline")
    article.headline = "Edit still in the form"
    services.publish(article=article, user=editor)
    assert Article.objects.get(pk=article.pk).headline == "Saved headline"


# -- Permissions -------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda a, u: services.publish(article=a, user=u),
        lambda a, u: services.schedule(article=a, user=u, at=timezone.now() + timedelta(days=1)),
        lambda a, u: services.unpublish(article=a, user=u),
        lambda a, u: services.archive(article=a, user=u),
    ],
    ids=["publish", "schedule", "unpublish", "archive"],
)
@pytest.mark.parametrize("status", [Status.DRAFT, Status.PUBLISHED])
def test_writer_cannot_publish_schedule_unpublish_or_archive(writer, call, status):
    article = ArticleFactory(
        created_by=writer, status=status, published_at=timezone.now() if status == Status.PUBLISHED else None
    )
    before = (article.status, article.published_at)
    with pytest.raises(PermissionDenied):
        call(article, writer)
    article.refresh_from_db()
    assert (article.status, article.published_at) == before
    assert not EditorialEvent.objects.exists()


def test_writer_cannot_submit_a_colleagues_draft(writer):
    article = ArticleFactory()
    with pytest.raises(PermissionDenied):
        services.submit_for_review(article=article, user=writer)


def test_writer_may_submit_a_draft_they_are_bylined_on(writer):
    article = ArticleFactory(authors=[AuthorFactory(user=writer)])
    services.submit_for_review(article=article, user=writer)
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_inactive_editor_cannot_publish(editor):
    editor.is_active = False
    editor.save()
    with pytest.raises(PermissionDenied):
        services.publish(article=ArticleFactory(), user=editor)


@pytest.mark.parametrize(
    ("status", "created_by_writer", "editable"),
    [
        (Status.DRAFT, True, True),
        (Status.REVIEW, True, True),
        (Status.PUBLISHED, True, False),
        (Status.ARCHIVED, True, False),
        (Status.DRAFT, False, False),
    ],
)
def test_can_edit_for_writers(writer, status, created_by_writer, editable):
    article = ArticleFactory(
        status=status,
        published_at=timezone.now() if status == Status.PUBLISHED else None,
        created_by=writer if created_by_writer else None,
    )
    assert services.can_edit(writer, article) is editable
    assert (article in Article.objects.editable_by(writer)) is editable


def test_editor_can_edit_everything(editor):
    article = ArticleFactory(public=True)
    assert services.can_edit(editor, article)
    assert services.can_publish(editor)


# -- change_status (what the article form calls) -------------------------------------


def test_change_status_with_nothing_changed_records_nothing(editor):
    article = ArticleFactory(public=True)
    services.change_status(article=article, user=editor, status=Status.PUBLISHED, published_at=article.published_at)
    assert not EditorialEvent.objects.exists()


@pytest.mark.parametrize(
    ("start", "target", "action"),
    [
        (Status.DRAFT, Status.REVIEW, "submit"),
        (Status.DRAFT, Status.PUBLISHED, "publish"),
        (Status.PUBLISHED, Status.DRAFT, "unpublish"),
        (Status.PUBLISHED, Status.ARCHIVED, "archive"),
        (Status.REVIEW, Status.DRAFT, "status"),
    ],
)
def test_change_status_goes_through_the_matching_service(editor, start, target, action):
    article = ArticleFactory(status=start, published_at=timezone.now() if start == Status.PUBLISHED else None)
    services.change_status(article=article, user=editor, status=target, published_at=None)
    article.refresh_from_db()
    assert article.status == target
    assert last_event().action == action


def test_change_status_never_lets_a_writer_publish(writer):
    article = ArticleFactory(created_by=writer)
    with pytest.raises(PermissionDenied):
        services.change_status(article=article, user=writer, status=Status.PUBLISHED, published_at=None)
    article.refresh_from_db()
    assert article.status == Status.DRAFT
