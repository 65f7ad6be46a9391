"""Editorial state changes. The admin, management commands and tests all call
these functions; none of them writes ``Article.status`` by itself.

Each service checks the acting user's right to make the change, validates the
article with ``full_clean()``, saves inside a transaction and records an
``EditorialEvent`` for the audit trail.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from newsroom.models import Article, EditorialEvent

Status = Article.Status


def can_publish(user) -> bool:
    """Editors and superusers publish; writers never do."""
    return bool(user and user.is_active and user.has_perm("newsroom.publish_article"))


def can_edit(user, article: Article) -> bool:
    """Whether ``user`` may change ``article`` at all."""
    if not (user and user.is_active and user.is_staff):
        return False
    if can_publish(user):
        return user.has_perm("newsroom.change_article")
    if not user.has_perm("newsroom.change_article"):
        return False
    if article.pk is None:
        return True
    return article.status in (Status.DRAFT, Status.REVIEW) and (
        article.created_by_id == user.pk or article.bylines.filter(author__user=user).exists()
    )


def _require_publisher(user) -> None:
    if not can_publish(user):
        raise PermissionDenied(_("Only editors can publish, schedule, unpublish or archive articles."))


def _transition(*, article: Article, user, action: str, to_status: str, published_at: datetime | None) -> Article:
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        from_status = locked.status
        article.status = to_status
        article.published_at = published_at
        article.full_clean()
        # Only the workflow fields are written: an unsaved edit in memory must
        # not ride along with a status change. save() (not update()) so that
        # post_save listeners (search index, page cache) hear about it.
        locked.status = to_status
        locked.published_at = published_at
        locked.save(update_fields=["status", "published_at", "updated_at"])
        EditorialEvent.objects.create(
            article=locked,
            user=user if user and user.pk else None,
            action=action,
            from_status=from_status,
            to_status=to_status,
            published_at=published_at,
        )
    article.refresh_from_db(fields=["status", "published_at", "updated_at"])
    return article


def submit_for_review(*, article: Article, user) -> Article:
    """A writer (or editor) hands a draft to the desk."""
    if not can_edit(user, article):
        raise PermissionDenied(_("You cannot change this article."))
    if article.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for review."))
    return _transition(article=article, user=user, action="submit", to_status=Status.REVIEW, published_at=None)


def publish(*, article: Article, user, at: datetime | None = None) -> Article:
    """Publish now, or at ``at`` if given (a future time schedules it).

    An article that was already published keeps its original time unless a
    new one is given: republishing does not make an old story look new.
    """
    _require_publisher(user)
    if at is not None and timezone.is_naive(at):
        raise ValidationError(_("The publication time needs a time zone."))
    when = at or (article.published_at if article.status == Status.PUBLISHED else None) or timezone.now()
    action = "schedule" if when > timezone.now() else "publish"
    return _transition(article=article, user=user, action=action, to_status=Status.PUBLISHED, published_at=when)


def schedule(*, article: Article, user, at: datetime) -> Article:
    """Publish at a future time; the article appears by itself then."""
    if at is None or at <= timezone.now():
        raise ValidationError(_("A scheduled time must be in the future."))
    return publish(article=article, user=user, at=at)


def unpublish(*, article: Article, user) -> Article:
    """Take an article (public or scheduled) off the site; it goes back to draft."""
    _require_publisher(user)
    if article.status != Status.PUBLISHED:
        raise ValidationError(_("Only a published or scheduled article can be unpublished."))
    return _transition(article=article, user=user, action="unpublish", to_status=Status.DRAFT, published_at=None)


def archive(*, article: Article, user) -> Article:
    """Retire an article from the site while keeping it, and its original
    publication time, in the archive."""
    _require_publisher(user)
    if article.status == Status.ARCHIVED:
        raise ValidationError(_("The article is already archived."))
    return _transition(
        article=article, user=user, action="archive", to_status=Status.ARCHIVED, published_at=article.published_at
    )


def change_status(*, article: Article, user, status: str, published_at: datetime | None) -> Article:
    """Apply the status and time an editor chose on the article form, through
    the service that owns that change. Writers may only move between draft and
    review; anything else they send is ignored rather than trusted."""
    current = Article.objects.values_list("status", "published_at").get(pk=article.pk)
    if (status, published_at) == current:
        return article
    if status == Status.PUBLISHED:
        return publish(article=article, user=user, at=published_at)
    if status == Status.ARCHIVED:
        return archive(article=article, user=user)
    if status == Status.REVIEW and current[0] == Status.DRAFT:
        return submit_for_review(article=article, user=user)
    if status == Status.DRAFT and current[0] == Status.PUBLISHED:
        return unpublish(article=article, user=user)
    if not can_edit(user, article):
        raise PermissionDenied(_("You cannot change this article."))
    if status not in (Status.DRAFT, Status.REVIEW) and not can_publish(user):
        raise PermissionDenied(_("Only editors can publish, schedule, unpublish or archive articles."))
    return _transition(article=article, user=user, action="status", to_status=status, published_at=None)
