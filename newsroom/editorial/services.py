"""Editorial state changes. The admin, management commands and tests all call
these functions; none of them writes ``Article.status`` by itself.

Each service checks the acting user's right to make the change, validates the
article with ``full_clean()``, saves inside a transaction and records an
``EditorialEvent`` for the audit trail.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from newsroom.core.text import clean_topic_name, reader_name, topic_key, unique_slug
from newsroom.editorial import history
from newsroom.models import (  # can_publish: the one test of "is an editor"
    Article,
    Correction,
    EditorialEvent,
    PreviewLink,
    Redirect,
    TaggedTopic,
    Topic,
    TopicAlias,
    can_publish,
    public_q,
)
from newsroom.stored import documents
from newsroom.stored.search_vector import refresh_search_vector

Status = Article.Status


def editors():
    """The active staff given the right to publish (through a group or their
    own permissions) who have a name: whom a writer asks to change a story
    that has left their hands. Superusers as such are left out, and so is
    anyone known only by a login name: those are accounts, not colleagues
    to ask."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    publish = Permission.objects.filter(codename="publish_article", content_type__app_label="newsroom")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(models.Q(groups__permissions__in=publish) | models.Q(user_permissions__in=publish))
        .exclude(first_name="", last_name="")
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


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


def require_alt_text(*, image, image_alt: str | None) -> None:
    """A hero image goes public only with its alt text: readers who cannot
    see the picture rely on it. Raised as an error on the ``image_alt``
    field, so a form shows it there."""
    if image and not (image_alt or "").strip():
        raise ValidationError(
            {"image_alt": _("Describe the hero image (alt text) before publishing or scheduling the article.")}
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
        # A status change is a change an editor with the form open must not
        # overwrite: it moves the edit lock on (see claim_edit).
        locked.lock_version += 1
        locked.last_edited_by = _acting(user)
        locked.save(update_fields=["status", "published_at", "updated_at", "lock_version", "last_edited_by"])
        EditorialEvent.objects.create(
            article=locked,
            subject=str(locked)[:300],
            user=_acting(user),
            action=action,
            from_status=from_status,
            to_status=to_status,
            published_at=published_at,
        )
        history.record_version(locked, user=_acting(user), comment=event_label(action))
    article.refresh_from_db(fields=["status", "published_at", "updated_at", "lock_version", "last_edited_by"])
    return article


def submit_for_review(*, article: Article, user) -> Article:
    """A writer (or editor) hands a draft to the desk. A planned time the
    desk gave the draft stays with it (see ``plan``)."""
    if not can_edit(user, article):
        raise PermissionDenied(_("You cannot change this article."))
    if article.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for review."))
    planned = Article.objects.values_list("published_at", flat=True).get(pk=article.pk)
    return _transition(article=article, user=user, action="submit", to_status=Status.REVIEW, published_at=planned)


def plan(*, article: Article, user, at: datetime | None) -> Article:
    """Give a draft or an article in review the time the desk means to
    publish it (or clear it with ``at=None``).

    A planned time makes nothing public: the article still needs an editor
    to publish it. If the time passes first, the admin flags the article
    ("missed its time", ``ArticleQuerySet.missed_time``) instead of letting
    the slot pass in silence.
    """
    _require_publisher(user)
    if article.status not in (Status.DRAFT, Status.REVIEW):
        raise ValidationError(_("Only a draft or an article in review gets a planned time."))
    if at is not None and timezone.is_naive(at):
        raise ValidationError(_("The publication time needs a time zone."))
    if at is not None and at <= timezone.now():
        raise ValidationError(_("A planned time must be in the future."))
    return _transition(article=article, user=user, action="plan", to_status=article.status, published_at=at)


def publish(*, article: Article, user, at: datetime | None = None) -> Article:
    """Publish now, or at ``at`` if given (a future time schedules it).

    An article that was already published keeps its original time unless a
    new one is given: republishing does not make an old story look new.
    """
    _require_publisher(user)
    require_alt_text(image=article.image, image_alt=article.image_alt)
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
    was_public = article.is_visible()
    with transaction.atomic():
        article = _transition(article=article, user=user, action="unpublish", to_status=Status.DRAFT, published_at=None)
        if was_public:
            # A story pulled from the site may have been pulled for a reason:
            # links made before it went out must not show it again. A
            # scheduled story taken back keeps them (its partners still need
            # to read it before its new time).
            _revoke_preview_links(article)
    return article


def archive(*, article: Article, user) -> Article:
    """Retire an article from the site while keeping it, and its original
    publication time, in the archive."""
    _require_publisher(user)
    if article.status == Status.ARCHIVED:
        raise ValidationError(_("The article is already archived."))
    with transaction.atomic():
        article = _transition(
            article=article, user=user, action="archive", to_status=Status.ARCHIVED, published_at=article.published_at
        )
        # Its preview links close for good: an archived story may have been
        # withdrawn for a reason, and whoever holds a link must not read it
        # (nor again if it is ever taken out of the archive).
        _revoke_preview_links(article)
    return article


def _revoke_preview_links(article: Article) -> None:
    PreviewLink.objects.filter(article=article).active().update(revoked_at=timezone.now())


def change_status(*, article: Article, user, status: str, published_at: datetime | None) -> Article:
    """Apply the status and time an editor chose on the article form, through
    the service that owns that change. Writers may only move between draft and
    review; anything else they send is ignored rather than trusted. For a
    draft or review, ``published_at`` is the planned time (see ``plan``)."""
    current = Article.objects.values_list("status", "published_at").get(pk=article.pk)
    if (status, published_at) == current:
        return article
    if status == Status.PUBLISHED:
        return publish(article=article, user=user, at=published_at)
    if status == Status.ARCHIVED:
        return archive(article=article, user=user)
    if status == Status.REVIEW and current[0] == Status.DRAFT:
        article = submit_for_review(article=article, user=user)
    elif status == Status.DRAFT and current[0] == Status.PUBLISHED:
        article = unpublish(article=article, user=user)
    elif status != current[0]:
        if not can_edit(user, article):
            raise PermissionDenied(_("You cannot change this article."))
        if status not in (Status.DRAFT, Status.REVIEW) and not can_publish(user):
            raise PermissionDenied(_("Only editors can publish, schedule, unpublish or archive articles."))
        article = _transition(article=article, user=user, action="status", to_status=status, published_at=None)
    if status in (Status.DRAFT, Status.REVIEW) and published_at != article.published_at:
        article = plan(article=article, user=user, at=published_at)
    return article


#: The story form's buttons, in the order it shows them (ArticleAdmin).
ACTIONS = ("save", "review", "publish", "schedule", "unpublish", "archive")


def available_actions(user, article: Article | None) -> list[str]:
    """What the story form offers ``user`` to do with ``article`` (None or
    unsaved: a new story), as names from ``ACTIONS``. The form shows these
    as buttons and refuses any other action posted to it; each one is then
    carried out by its service (submit_for_review, publish, schedule,
    unpublish, archive), which checks the rules again. "save" keeps the
    story's state and writes only its content (and, for an editor, a
    planned or changed publication time)."""
    if not (user and user.is_active and user.is_staff):
        return []
    if article is None or article.pk is None:
        if not user.has_perm("newsroom.add_article"):
            return []
        return ["save", "review", *(["publish", "schedule"] if can_publish(user) else [])]
    if not can_edit(user, article):
        return []
    actions = ["save"]
    if article.status == Status.DRAFT:
        actions.append("review")
    if can_publish(user):
        unapproved = article.status in (Status.DRAFT, Status.REVIEW)
        if article.status != Status.PUBLISHED or article.is_scheduled:
            actions.append("publish")
        if unapproved or article.is_scheduled:
            actions.append("schedule")
        if article.status == Status.PUBLISHED:
            actions.append("unpublish")
        if article.status != Status.ARCHIVED:
            actions.append("archive")
    return actions


# -- Shared helpers ------------------------------------------------------------------


def _acting(user):
    """The user to record, or None for a system change (no saved user)."""
    return user if user is not None and getattr(user, "pk", None) else None


def event_label(action: str) -> str:
    return str(EditorialEvent.Action(action).label) if action in EditorialEvent.Action.values else action


def record_event(*, action: str, user, obj=None, article: Article | None = None, detail: str = "") -> EditorialEvent:
    """One line of the audit trail about ``article`` or any other record."""
    from django.contrib.contenttypes.models import ContentType

    event = EditorialEvent(action=action, user=_acting(user), detail=detail, article=article)
    target = article or obj
    if target is not None:
        event.subject = str(target)[:300]
    if obj is not None and article is None:
        event.content_type = ContentType.objects.get_for_model(obj)
        event.object_id = str(obj.pk)
    event.save()
    return event


# -- Edit conflicts ----------------------------------------------------------------


class EditConflict(Exception):
    """Someone saved the record after the editor opened it; the editor's
    save was refused and nothing was written."""


def claim_edit(*, instance, expected_version: int, user) -> None:
    """Take the next edit version of ``instance`` (an article or an
    agreement) for ``user``, or raise EditConflict.

    A single ``UPDATE ... SET lock_version = lock_version + 1 WHERE pk = ...
    AND lock_version = <expected>``: of two saves that loaded the same
    version, the database lets exactly one through. The second waits for the
    first's row lock, then finds the version has moved on and updates no
    row. Call it inside the transaction that then saves ``instance``.
    """
    model = type(instance)
    updated = model._default_manager.filter(pk=instance.pk, lock_version=expected_version).update(
        lock_version=models.F("lock_version") + 1, last_edited_by=_acting(user)
    )
    if updated != 1:
        raise EditConflict(f"{model._meta.label} {instance.pk} changed since version {expected_version}")
    instance.lock_version = expected_version + 1
    instance.last_edited_by = _acting(user)


# -- Redirects ---------------------------------------------------------------------


def record_redirect(*, old_url: str, new_url: str):
    """Make ``old_url`` answer 301 with ``new_url`` from now on (an editor's
    hand-made redirect, a merged topic): see ``Redirect.objects.record``."""
    return Redirect.objects.record(old_url=old_url, new_url=new_url)


# -- Corrections and substantive updates --------------------------------------------


def mark_substantive_update(*, article: Article, user, at: datetime | None = None) -> Article:
    """Tell readers the story changed in substance: the "Updated" line and
    dateModified move to ``at`` (now). Only for a published article; before
    publication the publication time says it all."""
    if not can_edit(user, article):
        raise PermissionDenied(_("You cannot change this article."))
    if article.status != Status.PUBLISHED:
        return article
    article.modified_at = at or timezone.now()
    Article.objects.filter(pk=article.pk).update(modified_at=article.modified_at)
    return article


def add_correction(*, article: Article, text: str, user) -> Correction:
    """Append a correction, stamped with today's date and who wrote it. On
    a published article it is a substantive update (dateModified moves); a
    typo fix without a correction is not."""
    if not (can_publish(user) and user.has_perm("newsroom.add_correction")):
        raise PermissionDenied(_("Only editors can add corrections."))
    correction = Correction(article=article, text=text, created_by=_acting(user), created_at=timezone.now())
    correction.full_clean()
    with transaction.atomic():
        correction.save()
        stamp_correction(correction=correction, user=user)
    return correction


def stamp_correction(*, correction: Correction, user) -> None:
    """What adding ``correction`` (just saved) means for its article; the
    admin's inline calls it for every correction it creates."""
    article = correction.article
    if article.status == Status.PUBLISHED:
        Article.objects.filter(pk=article.pk).update(modified_at=correction.created_at)
        article.modified_at = correction.created_at
    history.record_version(article, user=_acting(user), comment=_("Correction added."))


# -- Preview links ----------------------------------------------------------------


def create_preview_link(*, article: Article, user, days: int | None = None) -> PreviewLink:
    """A signed address showing ``article`` as it is now, to anyone holding
    it, for ``days`` days (seven unless told)."""
    from datetime import timedelta

    if not can_edit(user, article):
        raise PermissionDenied(_("You cannot share this article."))
    if article.is_visible():
        raise ValidationError(_("The article is public: share its address instead."))
    link = PreviewLink(article=article, created_by=_acting(user))
    if days is not None:
        if not 1 <= days <= 30:
            raise ValidationError(_("A preview link lasts between 1 and 30 days."))
        link.expires_at = timezone.now() + timedelta(days=days)
    link.save()
    return link


def revoke_preview_link(*, link: PreviewLink, user) -> PreviewLink:
    """Stop ``link`` from working, now."""
    if not can_edit(user, link.article):
        raise PermissionDenied(_("You cannot change this article's preview links."))
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


# -- Topics: merge, rename, aliases -------------------------------------------------


def _require_topic_editor(user) -> None:
    if not (user and user.has_perm("newsroom.change_topic") and user.has_perm("newsroom.delete_topic")):
        raise PermissionDenied(_("Only editors can merge or rename topics."))


def merge_topics(*, sources: list[Topic], target: Topic, user) -> Topic:
    """Fold each of ``sources`` into ``target``: their articles get
    ``target`` instead (once, even if they had both), their aliases and
    their names become aliases of ``target`` (typing an old name gives the
    target), their pages answer 301 with the target's, and they are
    deleted."""
    _require_topic_editor(user)
    sources = [topic for topic in sources if topic.pk != target.pk]
    if not sources:
        raise ValidationError(_("Choose at least one topic other than the one to keep."))
    with transaction.atomic():
        for source in sources:
            moved = list(TaggedTopic.objects.filter(tag=source).values_list("content_object_id", flat=True))
            already = TaggedTopic.objects.filter(tag=target).values("content_object_id")
            TaggedTopic.objects.filter(tag=source, content_object_id__in=already).delete()
            TaggedTopic.objects.filter(tag=source).update(tag=target)
            TopicAlias.objects.filter(topic=source).update(topic=target)
            with translation.override(settings.LANGUAGE_CODE):  # stands for every edition
                old_url, new_url = source.get_absolute_url(), target.get_absolute_url()
            old_name, old_id = source.name, source.pk
            # Only a page readers could open deserves a redirect (see
            # Topic.old_address_was_public); the links have moved already.
            was_public = TaggedTopic.objects.filter(public_q("article_"), content_object_id__in=moved).exists()
            source.delete()
            TopicAlias.objects.create(topic=target, name=old_name, former_topic_id=old_id)
            if was_public:
                record_redirect(old_url=old_url, new_url=new_url)
            record_event(
                action=EditorialEvent.Action.MERGE_TOPICS,
                user=user,
                obj=target,
                detail=_("“%(old)s” merged into “%(new)s”; %(count)d articles moved.")
                % {"old": old_name, "new": target.name, "count": len(moved)},
            )
            if moved:
                # The links moved by update(): no signal told the stored copies.
                refresh_search_vector(moved)
                documents.refresh(moved)
    return target


def rename_topic(*, topic: Topic, name: str, user, slug: str | None = None) -> Topic:
    """Give ``topic`` a new name (and a slug to match, unless one is given).
    The old page answers 301 with the new one, and the old name becomes an
    alias, so an editor typing it still gets this topic."""
    _require_topic_editor(user)
    old = Topic.objects.get(pk=topic.pk)
    name = clean_topic_name(name)
    topic.name = name
    for field in ("name_es", "name_en"):
        if getattr(topic, field) == getattr(old, field) == reader_name(old.name):
            # Readers saw the typed name (no editor had named the topic for
            # them, nor does now): they see the new one.
            setattr(topic, field, reader_name(name))
    topic.slug = slug or unique_slug(Topic, name, instance_pk=topic.pk, max_length=90)
    with transaction.atomic():
        # Renaming a topic to one of its own aliases: the alias is redundant.
        TopicAlias.objects.filter(key=topic_key(name), topic=topic).delete()
        topic.full_clean()
        topic.save()
        if topic_key(old.name) != topic_key(name):
            TopicAlias.objects.get_or_create(key=topic_key(old.name), defaults={"topic": topic, "name": old.name})
        if (old.name, old.slug) != (topic.name, topic.slug):
            record_event(
                action=EditorialEvent.Action.RENAME_TOPIC,
                user=user,
                obj=topic,
                detail=_("“%(old)s” (%(old_slug)s) is now “%(new)s” (%(new_slug)s).")
                % {"old": old.name, "old_slug": old.slug, "new": topic.name, "new_slug": topic.slug},
            )
    return topic


def add_topic_alias(*, topic: Topic, name: str, user) -> TopicAlias:
    """Make ``name`` another name for ``topic``."""
    if not (user and user.has_perm("newsroom.add_topicalias")):
        raise PermissionDenied(_("Only editors can add topic aliases."))
    alias = TopicAlias(topic=topic, name=name)
    alias.full_clean()
    alias.save()
    return alias
