"""Versions of articles, agreements and reference records (django-reversion).

What is registered, and which related rows travel with a version, is set in
``newsroom.models`` and ``alliances.models``. This module records and
reads versions; putting one back is newsroom.editorial.restore.

- ``record_version``: store one version of a record as it is in the
  database now, with the rows that follow it (an article's bylines, topic
  and country links, agreement links, sources, videos, corrections). It is
  called once a save is complete, after the inlines and tags were written,
  so a version never misses a row saved later in the same request or keeps
  one deleted in it.
- ``snapshot`` and ``compare``: a version as labelled plain text, and the
  line-by-line differences between two versions, for the history pages.
"""

from __future__ import annotations

import difflib
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from html import unescape

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.base import DeserializedObject
from django.db import models
from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from alliances.models import (
    Agreement,
    AgreementParty,
    AgreementSource,
    ArticleAgreement,
    Country,
    Organization,
    Person,
)
from newsroom.models import (
    Article,
    ArticleOrganization,
    ArticlePerson,
    Author,
    Byline,
    Correction,
    RelatedVideo,
    Source,
    TaggedCountry,
    TaggedTopic,
    Topic,
    TopicAlias,
)

# Fields a restore never takes from an old version. For articles, the
# workflow state stays what it is now (a restore never publishes or
# unpublishes anything; that is the workflow services' job), and so do the
# bookkeeping fields. The same fields are left out of comparisons.
KEEP_CURRENT = {
    Article: {
        "id",
        "status",
        "published_at",
        "created_at",
        "created_by",
        "updated_at",
        "modified_at",
        "lock_version",
        "last_edited_by",
        "search_vector",
        # Pairing is newsroom.editorial.translations' alone: a restore never
        # links or parts a translation.
        "translation_key",
    },
    Agreement: {"id", "updated_at", "lock_version", "last_edited_by"},
}
DEFAULT_KEEP = {"id"}
# Shown in a comparison although a restore keeps the current value: an
# editor wants to see that a version was the published one.
SHOWN_BUT_KEPT = {Article: ["status", "published_at"]}

# The rows that follow a record, as the history pages name them.
FOLLOW_LABELS = {
    Byline: gettext_lazy("Authors"),
    Source: gettext_lazy("Sources"),
    RelatedVideo: gettext_lazy("Related videos"),
    Correction: gettext_lazy("Corrections"),
    TaggedTopic: gettext_lazy("Topics"),
    TaggedCountry: gettext_lazy("Countries"),
    ArticleAgreement: gettext_lazy("Agreements"),
    ArticlePerson: gettext_lazy("People"),
    ArticleOrganization: gettext_lazy("Organisations"),
    AgreementParty: gettext_lazy("Parties"),
    AgreementSource: gettext_lazy("Sources"),
}


# -- Recording ---------------------------------------------------------------


# Records waiting for their version until the save that touches them is
# complete (see one_version_per_save).
_pending: ContextVar[list | None] = ContextVar("newsroom_history_pending", default=None)


def record_version(obj: models.Model, *, user=None, comment: str = "") -> None:
    """Store a version of ``obj`` (and the rows that follow it) as it is in
    the database now. Inside ``one_version_per_save`` the record is noted and
    its version taken when the save is complete; the comment is added to the
    revision's."""
    pending = _pending.get()
    if pending is not None:
        pending.append((type(obj), obj.pk))
        add_comment(comment)
        return
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    with reversion.create_revision(manage_manually=True):
        reversion.add_to_revision(fresh)
        if user is not None and getattr(user, "pk", None):
            reversion.set_user(user)
        add_comment(comment)


@contextmanager
def one_version_per_save(*, user):
    """One revision for everything a save does (the admin's change form):
    the record, then its inlines and tags, then a workflow change. Versions
    are taken at the very end, from the database, so they hold the rows as
    they ended up, never as they were halfway. Nothing is stored if the
    block raises or the save did not happen (a form with errors)."""
    pending: list = []
    token = _pending.set(pending)
    try:
        with reversion.create_revision(manage_manually=True):
            if user is not None and getattr(user, "pk", None):
                reversion.set_user(user)
            yield
            for model, pk in dict.fromkeys(pending):
                fresh = model._default_manager.filter(pk=pk).first()
                if fresh is not None:
                    reversion.add_to_revision(fresh)
    finally:
        _pending.reset(token)


def add_comment(comment: str) -> None:
    """Append ``comment`` to the open revision's comment."""
    if not comment:
        return
    existing = reversion.get_comment()
    if comment not in existing.split("; "):
        reversion.set_comment("; ".join(part for part in (existing, comment) if part))


def versions_of(obj: models.Model):
    """The versions of ``obj``, newest first, with who made them."""
    return (
        Version.objects.get_for_object(obj).select_related("revision__user").order_by("-revision__date_created", "-pk")
    )


# -- Reading a version -----------------------------------------------------------


def model_of(version: Version) -> type[models.Model]:
    return version.content_type.model_class()


def stored(version: Version) -> DeserializedObject:
    """The record as ``version`` stored it (``.object``, ``.m2m_data``), read
    with Django's own deserializer from the version's public columns."""
    return next(serializers.deserialize(version.format, version.serialized_data, ignorenonexistent=True))


def stored_fields(model: type[models.Model], data: dict) -> list[models.Field]:
    """The fields a version of ``model`` holds (those reversion.register
    was given), in the model's order: those its ``field_dict`` names."""
    return [
        f
        for f in model._meta.get_fields()
        if (f.concrete or f.many_to_many) and not f.auto_created and getattr(f, "attname", None) in data
    ]


def follow_relations(model: type[models.Model]) -> list[models.ManyToOneRel]:
    # The rows a version carries with its record: the models declare the
    # list they give reversion.register (HISTORY_FOLLOW).
    return [model._meta.get_field(name) for name in getattr(model, "HISTORY_FOLLOW", ())]


def children_of(version: Version, relation: models.ManyToOneRel) -> list[Version]:
    """The versions in ``version``'s revision of the rows ``relation``
    brings along, those that belong to this very record."""
    child_model = relation.related_model
    content_type = ContentType.objects.get_for_model(child_model)
    owner_id = relation.field.target_field.to_python(version.object_id)
    rows = version.revision.version_set.filter(content_type=content_type)
    return [row for row in rows if row.field_dict.get(relation.field.attname) == owner_id]


def _topic_names(ids: set[int], reader=None) -> dict[int, str]:
    """The names of the topics ``ids`` of a version. They were on the record
    the reader is looking at, so they are named; but a topic merged away
    since is followed to the topic it went into only when ``reader`` may
    see that one (None: everyone may)."""
    names = dict(Topic.objects.filter(pk__in=ids).values_list("pk", "name"))
    merged = list(TopicAlias.objects.filter(former_topic_id__in=ids - set(names)))
    shown = Topic.objects.visible_to(reader) if reader is not None else Topic.objects.all()
    targets = dict(shown.filter(pk__in=[alias.topic_id for alias in merged]).values_list("pk", "name"))
    for alias in merged:
        into = targets.get(alias.topic_id, _("a topic not shown to you"))
        names[alias.former_topic_id] = _("%(old)s (merged into %(new)s)") % {"old": alias.name, "new": into}
    return names


def _name_lookup(model, ids, reader=None) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    if model is Topic:
        return _topic_names(ids, reader)
    return {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids)}


def _missing(label: str, pk) -> str:
    return _("%(what)s #%(id)s (deleted)") % {"what": label, "id": pk}


def _child_lines(model, rows: list[dict], reader=None) -> list[str]:
    """One line of text per followed row, in the order readers see them
    (topics named as ``reader`` may see them)."""
    if model is Byline:
        names = _name_lookup(Author, [r["author_id"] for r in rows])
        rows = sorted(rows, key=lambda r: (r["position"], r["id"]))
        return [names.get(r["author_id"]) or _missing("author", r["author_id"]) for r in rows]
    if model is TaggedTopic:
        names = _name_lookup(Topic, [r["tag_id"] for r in rows], reader)
        return sorted(names.get(r["tag_id"]) or _missing("topic", r["tag_id"]) for r in rows)
    if model is TaggedCountry:
        names = _name_lookup(Country, [r["tag_id"] for r in rows])
        return sorted(names.get(r["tag_id"]) or _missing("country", r["tag_id"]) for r in rows)
    for link, named in ((ArticlePerson, Person), (ArticleOrganization, Organization)):
        if model is link:
            column = f"{named._meta.model_name}_id"
            names = _name_lookup(named, [r[column] for r in rows])
            return sorted(names.get(r[column]) or _missing(named._meta.model_name, r[column]) for r in rows)
    if model is ArticleAgreement:
        names = _name_lookup(Agreement, [r["agreement_id"] for r in rows])
        relations = dict(ArticleAgreement.Relation.choices)
        lines = []
        for r in rows:
            title = names.get(r["agreement_id"]) or _missing("agreement", r["agreement_id"])
            line = f"{relations.get(r['relation'], r['relation'])}: {title}"
            lines.append(f"{line} ({r['note']})" if r["note"] else line)
        return sorted(lines)
    if model is AgreementParty:
        names = _name_lookup(Country, [r["country_id"] for r in rows])
        roles = dict(AgreementParty.Role.choices)
        return sorted(
            f"{names.get(r['country_id']) or _missing('country', r['country_id'])} ({roles.get(r['role'], r['role'])})"
            for r in rows
        )
    if model in (Source, AgreementSource):
        rows = sorted(rows, key=lambda r: (r.get("position") or 0, str(r.get("published_on") or ""), r["id"]))
        return [" — ".join(str(v) for v in (r["outlet"], r.get("published_on"), r["url"]) if v) for r in rows]
    if model is RelatedVideo:
        rows = sorted(rows, key=lambda r: (r["position"], r["id"]))
        return [" — ".join(v for v in (r["title"], r["url"]) if v) for r in rows]
    if model is Correction:
        rows = sorted(rows, key=lambda r: (r["created_at"], r["id"]))
        return [f"{_when(r['created_at'])}: {r['text']}" for r in rows]
    return sorted(str(r) for r in rows)


_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE)


def html_lines(value: str) -> str:
    """Sanitised article HTML as plain text, one line per paragraph,
    heading or list item, so a comparison shows which paragraph changed."""
    text = unescape(strip_tags(_BLOCK_END.sub("\n", value or "")))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _when(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return formats.date_format(value, "Y-m-d H:i") if hasattr(value, "hour") else value.isoformat()


def _field_text(model, model_field, value, names: dict) -> str:
    if value is None or value == "":
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return names.get((model_field.related_model, value)) or _missing(model_field.name, value)
    if isinstance(model_field, models.DateTimeField | models.DateField):
        return _when(value)
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(model_field, models.FileField):
        return str(getattr(value, "name", value) or "")
    if model is Article and model_field.name == "body":
        return html_lines(value)
    return str(value)


@dataclass
class Snapshot:
    """A version as the history pages show it: labelled lines of text."""

    version: Version
    fields: dict[str, str] = field(default_factory=dict)


def snapshot(version: Version, *, reader=None) -> Snapshot:
    """``version`` as labelled lines of text, for ``reader`` (who may not
    see every topic it names; None: everyone)."""
    model = model_of(version)
    data = version.field_dict
    keep = KEEP_CURRENT.get(model, DEFAULT_KEEP) - set(SHOWN_BUT_KEPT.get(model, []))
    shown = [f for f in stored_fields(model, data) if f.name not in keep and not f.name.startswith("_")]
    # One lookup per related model for the names of foreign keys and
    # many-to-many picks.
    wanted: dict = {}
    for model_field in shown:
        if isinstance(model_field, models.ForeignKey):
            wanted.setdefault(model_field.related_model, set()).add(data.get(model_field.attname))
        elif isinstance(model_field, models.ManyToManyField):
            wanted.setdefault(model_field.related_model, set()).update(data.get(model_field.attname) or [])
    names = {(related, pk): name for related, ids in wanted.items() for pk, name in _name_lookup(related, ids).items()}
    result = Snapshot(version=version)
    for model_field in shown:
        label = str(model_field.verbose_name).capitalize()
        value = data.get(model_field.attname)
        if isinstance(model_field, models.ManyToManyField):
            through = model_field.remote_field.through
            if not hasattr(through, "_meta"):
                continue
            if not through._meta.auto_created:
                # A version from before the field had a link model of its
                # own (people, organisations): shown as the rows are now.
                label = str(FOLLOW_LABELS.get(through, label))
            result.fields[label] = "\n".join(
                sorted(
                    names.get((model_field.related_model, pk)) or _missing(model_field.name, pk) for pk in value or []
                )
            )
        else:
            result.fields[label] = _field_text(model, model_field, value, names)
    for relation in follow_relations(model):
        rows = [child.field_dict for child in children_of(version, relation)]
        label = str(FOLLOW_LABELS.get(relation.related_model, relation.name))
        if rows or label not in result.fields:
            result.fields[label] = "\n".join(_child_lines(relation.related_model, rows, reader))
    return result


@dataclass
class FieldChange:
    label: str
    lines: list[tuple[str, str]]  # ("removed" | "added" | "same", text)


def compare(older: Snapshot, newer: Snapshot) -> list[FieldChange]:
    """What changed from ``older`` to ``newer``, field by field, line by
    line. Unchanged fields are left out."""
    changes = []
    for label in dict.fromkeys([*older.fields, *newer.fields]):
        before, after = older.fields.get(label, ""), newer.fields.get(label, "")
        if before == after:
            continue
        lines = []
        for line in difflib.ndiff(before.splitlines(), after.splitlines()):
            marker, text = line[:2], line[2:]
            if marker == "- ":
                lines.append(("removed", text))
            elif marker == "+ ":
                lines.append(("added", text))
            elif marker == "  ":
                lines.append(("same", text))
        changes.append(FieldChange(label=label, lines=lines))
    return changes
