"""Putting a version back: restoring an article or agreement to an earlier
version, or recovering a deleted one, with the rules that keep the result
valid (a deleted author or topic is not brought back behind the user's
back; a topic the user may not see stays off). The admin's history screens
call ``restore_version`` and ``delete_with_history``."""

# Fields a restore never takes from an old version. For articles, the
# workflow state stays what it is now (a restore never publishes or
# unpublishes anything; that is the workflow services' job), and so do the
# bookkeeping fields. The same fields are left out of comparisons.
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from reversion.models import Version

from alliances import agreement_page
from alliances.models import Agreement, AgreementParty, ArticleAgreement
from newsroom.core.text import unique_slug
from newsroom.editorial import history, services
from newsroom.editorial.history import (
    DEFAULT_KEEP,
    KEEP_CURRENT,
    children_of,
    follow_relations,
    model_of,
    stored,
    stored_fields,
)
from newsroom.models import (  # can_publish: the one test of "is an editor"
    Article,
    ArticleOrganization,
    ArticlePerson,
    Byline,
    EditorialEvent,
    TaggedCountry,
    TaggedTopic,
    Topic,
    TopicAlias,
    can_publish,
)
from newsroom.stored import documents, followups, listings
from newsroom.stored.search_vector import refresh_search_vector

Status = Article.Status


# -- Putting a version back ------------------------------------------------------


@dataclass
class Reverted:
    obj: models.Model
    version: Version
    recovered: bool
    notes: list[str] = field(default_factory=list)


def _exists(model, pk) -> bool:
    return pk is not None and model._default_manager.filter(pk=pk).exists()


def _usable_child(child: models.Model, owner_field: str, notes: list[str], topics: set[int] | None) -> bool:
    """Point a restored row at what it referred to, if that still exists.
    A topic merged away since is replaced by the topic it was merged into;
    a row whose author, country or agreement was deleted is left out, and so
    is a topic the restoring user may not use (``topics``; None: any)."""
    if isinstance(child, TaggedTopic) and not _exists(Topic, child.tag_id):
        alias = TopicAlias.objects.filter(former_topic_id=child.tag_id).first()
        if alias is not None:
            child.tag_id = alias.topic_id
    if isinstance(child, TaggedTopic) and topics is not None and child.tag_id not in topics:
        notes.append(_("A topic of this version is not one you can use now; it was left out."))
        return False
    for model_field in child._meta.concrete_fields:
        if not isinstance(model_field, models.ForeignKey) or model_field.name == owner_field:
            continue
        value = getattr(child, model_field.attname)
        if value is not None and not _exists(model_field.related_model, value):
            if model_field.null:
                setattr(child, model_field.attname, None)
                continue
            notes.append(
                _("A %(what)s of this version was deleted since; it was left out.")
                % {"what": model_field.related_model._meta.verbose_name}
            )
            return False
    return True


def _usable_topics(version: Version, user) -> set[int] | None:
    """The topics ``user`` may put back on the record with ``version``: its
    own topics (they were on the record), and for one merged away since, the
    topic it went into only when the user may see that one (visible_to).
    None for editors, who may use any."""
    if can_publish(user):
        return None
    ids = set()
    for relation in follow_relations(model_of(version)):
        if relation.related_model is TaggedTopic:
            ids |= {child.field_dict["tag_id"] for child in children_of(version, relation)}
    targets = set(TopicAlias.objects.filter(former_topic_id__in=ids).values_list("topic_id", flat=True))
    return ids | set(Topic.objects.visible_to(user).filter(pk__in=targets).values_list("pk", flat=True))


def _unique_key(child: models.Model):
    """The fields that make a followed row unique within its owner, so two
    old rows that now mean the same thing are restored once."""
    if isinstance(child, TaggedTopic | TaggedCountry):
        return (type(child), child.tag_id)
    if isinstance(child, Byline):
        return (type(child), child.author_id)
    if isinstance(child, ArticleAgreement):
        return (type(child), child.agreement_id)
    if isinstance(child, ArticlePerson):
        return (type(child), child.person_id)
    if isinstance(child, ArticleOrganization):
        return (type(child), child.organization_id)
    if isinstance(child, AgreementParty):
        return (type(child), child.country_id, child.role)
    return (type(child), child.pk)


def revert(version: Version, *, current: models.Model | None, user) -> Reverted:
    """Write ``version`` back: onto ``current`` (the record as it is now,
    locked by the caller) or, when it was deleted, as a new row with its old
    id. Raises ValidationError when the result would break a rule; the
    caller's transaction then leaves everything as it was."""
    model = model_of(version)
    record = stored(version)
    old, m2m = record.object, record.m2m_data or {}
    kept_fields = {f.name for f in stored_fields(model, version.field_dict)}
    notes: list[str] = []
    keep = KEEP_CURRENT.get(model, DEFAULT_KEEP)

    if current is None:
        obj = old
        obj.pk = model._meta.pk.to_python(version.object_id)
        if model is Article:
            # A recovered article comes back as a draft: someone decides
            # again whether and when it goes public.
            obj.status, obj.published_at = Article.Status.DRAFT, None
            if obj.translation_key is not None:
                # Its translation may have a new partner by now: it comes
                # back on its own, to be linked again on purpose.
                obj.translation_key = None
                notes.append(_("It comes back without its translation; link them again if they still belong together."))
        if hasattr(obj, "lock_version"):
            obj.lock_version = 0
        if hasattr(obj, "slug") and model._default_manager.filter(slug=obj.slug).exists():
            obj.slug = unique_slug(model, getattr(obj, "headline", None) or getattr(obj, "title", "") or obj.slug)
            notes.append(_("Its old address is taken by another record; it got a new one."))
    else:
        obj = current
        for model_field in model._meta.concrete_fields:
            if model_field.name in keep or model_field.name not in kept_fields:
                continue
            setattr(obj, model_field.attname, getattr(old, model_field.attname))
    if hasattr(obj, "last_edited_by"):
        obj.last_edited_by = user
        if current is not None:
            obj.lock_version = current.lock_version + 1
    # A reference deleted since the version was made cannot come back: a
    # nullable one is cleared (and said so), any other is a clear error.
    for model_field in model._meta.concrete_fields:
        if not isinstance(model_field, models.ForeignKey) or model_field.name in keep:
            continue
        value = getattr(obj, model_field.attname)
        if value is not None and not _exists(model_field.related_model, value):
            if not model_field.null:
                raise ValidationError(
                    _("This version refers to a %(what)s that no longer exists.")
                    % {"what": model_field.related_model._meta.verbose_name}
                )
            setattr(obj, model_field.attname, None)
            notes.append(
                _("“%(field)s” referred to a record deleted since; it was cleared.")
                % {"field": model_field.verbose_name}
            )
    obj.full_clean()
    obj.save()

    topics = _usable_topics(version, user)
    for relation in follow_relations(model):
        # The rows as they are now go, the version's rows come back with
        # their old ids: rows added since disappear, and a restored row never
        # collides with a newer one holding the same unique values.
        relation.related_model._default_manager.filter(**{relation.field.name: obj}).delete()
        seen = set()
        for child_version in children_of(version, relation):
            child = stored(child_version).object
            setattr(child, relation.field.attname, obj.pk)
            if not _usable_child(child, relation.field.name, notes, topics):
                continue
            key = _unique_key(child)
            if key not in seen:
                seen.add(key)
                child.save()

    # After the followed rows: a version from before people and organisations
    # had link models of their own holds them here, and the rows it lacks
    # were just cleared.
    for name, ids in m2m.items():
        related = model._meta.get_field(name).related_model
        existing = set(related._default_manager.filter(pk__in=ids).values_list("pk", flat=True))
        if len(existing) < len(set(ids)):
            notes.append(_("Some of its %(what)s were deleted since; they were left out.") % {"what": name})
        getattr(obj, name).set(existing)

    if isinstance(obj, Agreement):
        parties = list(obj.parties.values_list("country_id", "role"))
        obj.check_parties(parties)
    return Reverted(obj=obj, version=version, recovered=current is None, notes=list(dict.fromkeys(notes)))


# -- History: restore and recover ----------------------------------------------------


def may_restore(user, model, current) -> bool:
    """Whether ``user`` may restore a version of a ``model`` record that is
    ``current`` now (None: deleted, so the restore recovers it)."""
    opts = model._meta
    if current is None:
        # Recovering a deleted record: whoever may create one. For articles
        # that is the desk: writers never delete articles.
        allowed = user.has_perm(f"{opts.app_label}.add_{opts.model_name}")
        return allowed and (model is not Article or can_publish(user))
    if model is Article:
        return services.can_edit(user, current)
    return user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


def restore_version(*, version, user) -> Reverted:
    """Put ``version`` (a django-reversion Version of an article, an
    agreement, a country, a person or an organisation) back, with the rows
    that travelled with it: tags, country tags, agreement links, bylines,
    sources, corrections, parties. A deleted record is recovered.

    The workflow rules hold:

    - A restore changes content, never the workflow state: an article keeps
      the status and publication time it has now. Restoring a version that
      was published does not publish a draft, and restoring a draft's text
      onto a public article changes the public text (as a save would) but
      keeps it public. Publishing stays with ``publish``.
    - Writers restore only articles they may edit now (their own drafts and
      articles in review), so nothing they restore is public.
    - A recovered article comes back as a draft.
    - The result is validated (``full_clean``, an agreement's parties) and
      any failure leaves everything as it was.

    Records an audit event and a new version ("restored"), so a restore can
    be undone like any other change.
    """
    model = history.model_of(version)
    object_id = model._meta.pk.to_python(version.object_id)
    with transaction.atomic():
        current = model._default_manager.select_for_update().filter(pk=object_id).first()
        if not may_restore(user, model, current):
            raise PermissionDenied(_("You cannot restore this record."))
        result = revert(version, current=current, user=user)
        made = version.revision.date_created
        who = version.revision.user
        detail = _("Version of %(when)s by %(who)s.") % {
            "when": timezone.localtime(made).strftime("%Y-%m-%d %H:%M"),
            "who": (who.get_full_name() or who.get_username()) if who else _("an unknown user"),
        }
        if result.notes:
            detail += " " + " ".join(result.notes)
        action = EditorialEvent.Action.RECOVER if result.recovered else EditorialEvent.Action.RESTORE
        is_article = isinstance(result.obj, Article)
        services.record_event(
            action=action,
            user=user,
            article=result.obj if is_article else None,
            obj=None if is_article else result.obj,
            detail=detail,
        )
        history.record_version(result.obj, user=user, comment=f"{services.event_label(action)}: {detail}")
        if isinstance(result.obj, Article):
            # The link rows came back one by one, with empty copies of the
            # article's state: they get them in the same transaction, so no
            # list (nor a person's page) is ever read without them.
            listings.sync([result.obj.pk])
    if isinstance(result.obj, Article):
        # The topic and country rows came back one by one, not through the
        # tag managers that usually trigger a refresh.
        refresh_search_vector([result.obj.pk])
        documents.refresh([result.obj.pk])
        followups.later(followups.RELATED, [result.obj.pk])
    elif isinstance(result.obj, Agreement):
        agreement_page.refresh([result.obj.pk])
        followups.later(followups.AGREEMENT_PAGES, agreement_page.linked_with([result.obj.pk]) - {result.obj.pk})
    return result


def delete_with_history(*, instance, user) -> None:
    """Delete ``instance`` after storing its last version, so it can be
    recovered, and note who deleted it in the audit trail."""
    history.record_version(instance, user=user, comment=services.event_label(EditorialEvent.Action.DELETE))
    with transaction.atomic():
        is_article = isinstance(instance, Article)
        services.record_event(
            action=EditorialEvent.Action.DELETE,
            user=user,
            article=instance if is_article else None,
            obj=None if is_article else instance,
        )
        instance.delete()
