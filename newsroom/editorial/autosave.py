"""The story form's autosave: a working copy of what each person has in
the form (newsroom.models.WorkingCopy), kept every few seconds while they
type and when they leave the page, and offered back when they open the
form again with something the story does not have.

A working copy is never a save: it writes no version, changes no status
and is seen by nobody but its writer. Restoring one fills the form with
it, under the edit-conflict rule from the version the writer had loaded,
so a copy never overwrites someone else's later save. Who else has the
story open (``others_in``) comes from the same records' ``seen_at``.
"""

from __future__ import annotations

import difflib
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.safestring import SafeString

from newsroom.models import Article, WorkingCopy

#: A form that has not said it is open for this long is gone (the page
#: sends a sign of life every 20 seconds).
PRESENCE_WINDOW = timedelta(seconds=45)
#: The most a copy may hold, in characters over all its fields.
MAX_CHARACTERS = 400_000


def keep(
    *, user, article: Article | None, fields: dict[str, str], base_version: int | None, opened_at=None
) -> WorkingCopy:
    """Store what the form of ``user`` holds for ``article`` (None: a new
    story). Only the story's words are kept (WorkingCopy.FIELDS). A form
    opened (``opened_at``) before the story was last saved from this
    person's form sends words that save already holds: they are not kept."""
    kept = {name: str(fields.get(name, "")) for name in WorkingCopy.FIELDS}
    now = timezone.now()
    with transaction.atomic():
        copy, _ = WorkingCopy.objects.select_for_update().get_or_create(user=user, article=article)
        stale = opened_at is not None and copy.settled_at is not None and opened_at < copy.settled_at
        if kept != copy.fields and not stale:
            copy.fields = kept
            copy.changed_at = now
            copy.base_version = base_version
        copy.seen_at = now
        copy.save()
    return copy


def still_here(*, user, article: Article | None) -> None:
    """The form of ``user`` is still open on ``article``."""
    updated = WorkingCopy.objects.filter(user=user, article=article).update(seen_at=timezone.now())
    if not updated:
        WorkingCopy.objects.get_or_create(user=user, article=article)


def others_in(*, article: Article | None, user) -> list[str]:
    """The names of the other people whose form is open on ``article``."""
    if article is None:
        return []
    recent = WorkingCopy.objects.filter(article=article, seen_at__gte=timezone.now() - PRESENCE_WINDOW)
    people = recent.exclude(user=user).select_related("user").order_by("seen_at")
    return [copy.user.get_full_name() or copy.user.get_username() for copy in people]


def saved_fields(article: Article | None) -> dict[str, str]:
    if article is None:
        return dict.fromkeys(WorkingCopy.FIELDS, "")
    return {name: getattr(article, name) or "" for name in WorkingCopy.FIELDS}


def pending(*, user, article: Article | None) -> WorkingCopy | None:
    """The working copy of ``user`` for ``article`` if it holds words the
    saved story does not (for a new story: any words at all)."""
    copy = WorkingCopy.objects.filter(user=user, article=article).exclude(changed_at=None).first()
    if copy is None:
        return None
    saved = saved_fields(article)
    if all(_same(name, copy.fields.get(name, ""), saved[name]) for name in WorkingCopy.FIELDS):
        return None
    return copy


def _same(name: str, kept: str, saved: str) -> bool:
    if name == "body":
        return " ".join(strip_tags(kept).split()) == " ".join(strip_tags(saved).split())
    return kept.strip() == saved.strip()


def differences(copy: WorkingCopy, article: Article | None) -> list[tuple[str, SafeString]]:
    """Each field the copy changes, with its words marked: removed ones in
    <del>, added ones in <ins> (the body compared as text)."""
    saved = saved_fields(article)
    changes = []
    for name in WorkingCopy.FIELDS:
        before, after = saved[name], copy.fields.get(name, "")
        if _same(name, after, before):
            continue
        if name == "body":
            before, after = strip_tags(before), strip_tags(after)
        label = str(Article._meta.get_field(name).verbose_name)
        changes.append((label, _marked(before.split(), after.split())))
    return changes


def _marked(before: list[str], after: list[str]) -> SafeString:
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            words = before[i1:i2]
            # Long unchanged runs are cut to their ends.
            text = " ".join(words if len(words) <= 16 else [*words[:6], "…", *words[-6:]])
            parts.append(format_html("{}", text))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", " ".join(before[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", " ".join(after[j1:j2])))
    return format_html_join(" ", "{}", ((part,) for part in parts))


def settled(*, user, article: Article | None) -> None:
    """The story was saved from this person's form: nothing is left to
    restore (their sign of life stays)."""
    WorkingCopy.objects.update_or_create(
        user=user,
        article=article,
        defaults={"fields": {}, "changed_at": None, "base_version": None, "settled_at": timezone.now()},
    )


def discard(*, user, article: Article | None) -> None:
    """The person turned the copy down."""
    settled(user=user, article=article)
