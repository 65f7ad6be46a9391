"""Translation pairs: an article and its translation in the other language.

Articles that translate one another share ``Article.translation_key``; the
database allows one article per language and key (the constraint
``one_translation_per_language``), and one shared value cannot disagree
with itself, so both directions always hold. This module is the only writer
of that key (the admin's "Translate into English" button, its translation
page and ``load_demo`` call it):

- ``start_translation``: a linked draft in the other language holding the
  source's text and links, for a translator; it is never published by
  itself.
- ``link`` and ``unlink``: pair two existing articles, or part them.
- ``translation_of``: the other article of a pair, whatever its state.
- ``stale_translations``: the desk's list of translations whose source
  changed in substance (a substantive update or a correction) after the
  translation's text was last revised, with what changed in the source.

Which one is the original: the article of the pair created first (the lower
id). "Translate into English" makes the draft after its source, so the
source is the original whichever its language; two articles written apart
and linked later count the older one as the original. The JSON-LD
(``translationOfWork`` / ``workTranslation``) and the desk follow this.

Who may: whoever may change every article whose pairing changes
(``services.can_edit``: a writer their own drafts and articles in review,
an editor any article); starting a translation also needs the right to
create articles. A writer never reaches a colleague's draft through this:
the articles are looked up among those the user may open, and a refusal
never names the other article.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from reversion.models import Version

from newsroom.core import editions
from newsroom.core.text import unique_slug
from newsroom.editorial import history, services
from newsroom.models import (
    Article,
    Author,
    Byline,
    Correction,
    RelatedVideo,
    Source,
    can_publish,
)
from newsroom.stored import documents

Status = Article.Status

# The fields a translation starts with from its source; a translator
# rewrites the words. Status, time and address are its own.
COPIED_FIELDS = ("headline", "dek", "body", "image", "image_alt", "image_caption", "image_credit")
# What "its text" means for staleness and for the desk's comparison.
TEXT_FIELDS = ("headline", "dek", "body")


def language_label(language: str) -> str:
    return str(Article.Language(language).label) if language in Article.Language.values else language


def other_language(language: str) -> str:
    """The language a story in ``language`` is translated into (the site
    has two)."""
    return editions.other_languages(language)[0]


def is_original(article_pk: int, partner_pk: int) -> bool:
    """Whether the article ``article_pk`` is the original of its pair with
    ``partner_pk`` (the one created first)."""
    return article_pk < partner_pk


def translation_of(article: Article) -> Article | None:
    """The other article of ``article``'s pair, whatever its state, or None
    (no query for an article that was never paired). Callers decide what a
    user or a reader may learn of it."""
    if article.translation_key is None:
        return None
    return Article.objects.filter(translation_key=article.translation_key).exclude(pk=article.pk).order_by("pk").first()


def _require_editable(user, *articles: Article) -> None:
    for article in articles:
        if not services.can_edit(user, article):
            raise PermissionDenied(_("You cannot change this article."))


def _constraint_error() -> ValidationError:
    return ValidationError(_("This story already has a translation in that language."))


def check_language(article: Article, language: str) -> None:
    """Refuse to move a paired article into the language its translation
    is in (the pair would hold two in one language): the article form's
    check, since the constraint's key is not on the form."""
    if article.pk is None or article.translation_key is None or language == article.language:
        return
    taken = Article.objects.filter(translation_key=article.translation_key, language=language).exclude(pk=article.pk)
    if taken.exists():
        raise ValidationError(
            _("Its translation is in %(language)s: unlink the translation before changing this story's language.")
            % {"language": language_label(language)}
        )


# -- Starting a translation --------------------------------------------------------


def start_translation(*, source: Article, user, language: str | None = None) -> Article:
    """Create the translation of ``source`` into ``language`` (the other
    one): a draft holding the source's headline, dek, body, image and
    credits, bylines, topics, countries, agreement links, people,
    organisations, cited sources and videos, created by ``user``, linked to
    the source, with an address of its own. Corrections stay with the
    source: they were made to its text. Returns the draft.

    Refused (PermissionDenied) to anyone who may not change the source or
    create articles; refused (ValidationError) when the pair already has an
    article in that language. Everything or nothing is written."""
    if not services.can_edit(user, source):
        raise PermissionDenied(_("You cannot change this article."))
    if not user.has_perm("newsroom.add_article"):
        raise PermissionDenied(_("You cannot create articles."))
    language = language or other_language(source.language)
    if language == source.language or language not in editions.languages():
        raise ValidationError(_("A translation is in another language than its source."))
    try:
        with transaction.atomic():
            source = Article.objects.select_for_update().get(pk=source.pk)
            key = source.translation_key
            if key is not None and Article.objects.filter(translation_key=key, language=language).exists():
                raise ValidationError(
                    _("This story already has a translation in %(language)s.") % {"language": language_label(language)}
                )
            if key is None:
                key = uuid.uuid4()
                source.translation_key = key
                # Only the key: pairing the story is not an edit of it.
                source.save(update_fields=["translation_key"])
            draft = Article(
                **{name: getattr(source, name) for name in COPIED_FIELDS},
                slug=unique_slug(Article, f"{source.slug}-{language}"),
                language=language,
                status=Status.DRAFT,
                published_at=None,
                created_by=user,
                last_edited_by=user,
                translation_key=key,
            )
            draft.image = source.image.name if source.image else ""
            draft.full_clean()
            draft.save()
            _copy_rows(source, draft, user=user)
            documents.refresh([source.pk, draft.pk])
            # The source's text as the translator got it, stored first: the
            # desk compares the source's later changes with its last version
            # from before the translation's (stale translations).
            history.record_version(
                source,
                user=user,
                comment=_("Its translation into %(language)s was started.") % {"language": language_label(language)},
            )
            history.record_version(
                draft,
                user=user,
                comment=_("Translation of “%(headline)s” started.") % {"headline": source.headline},
            )
    except IntegrityError as exc:
        # Someone paired the story in the same instant: the constraint held.
        raise _constraint_error() from exc
    return draft


def _copy_rows(source: Article, draft: Article, *, user) -> None:
    """The source's links and rows, onto the new draft, in the source's order."""
    Byline.objects.bulk_create(
        Byline(article=draft, author_id=row.author_id, position=row.position) for row in source.bylines.all()
    )
    if not draft.bylines.exists() and not can_publish(user):
        # As a writer's new story from the form: under their own byline.
        own = Author.objects.filter(user=user).first()
        if own is not None:
            Byline.objects.create(article=draft, author=own, position=0)
    Source.objects.bulk_create(
        Source(article=draft, outlet=row.outlet, url=row.url, position=row.position) for row in source.sources.all()
    )
    RelatedVideo.objects.bulk_create(
        RelatedVideo(article=draft, title=row.title, url=row.url, position=row.position) for row in source.videos.all()
    )
    for link in source.agreement_links.all():
        draft.agreement_links.create(agreement_id=link.agreement_id, relation=link.relation, note=link.note)
    # In the order they were given: the first topic is the kicker.
    topics = [link.tag for link in source.topic_links.select_related("tag").order_by("pk")]
    if topics:
        draft.tags.add(*topics)
    countries = [link.tag for link in source.country_links.select_related("tag").order_by("pk")]
    if countries:
        draft.countries.add(*countries)
    draft.people.set(source.people.all())
    draft.organizations.set(source.organizations.all())


# -- Linking and unlinking -----------------------------------------------------------


def link(*, article: Article, translation: Article, user) -> Article:
    """Make ``translation`` the translation of ``article`` (and so the other
    way round). Both must be articles ``user`` may change, in different
    languages, and neither may already have a translation in the other's
    language. Linking an article to its own translation again changes
    nothing. Returns ``translation``."""
    if article.pk == translation.pk:
        raise ValidationError(_("An article cannot be its own translation."))
    _require_editable(user, article, translation)
    try:
        with transaction.atomic():
            keys = {key for key in (article.translation_key, translation.translation_key) if key is not None}
            members = list(
                Article.objects.select_for_update()
                .filter(Q(pk__in=[article.pk, translation.pk]) | Q(translation_key__in=keys))
                .order_by("pk")
            )
            by_pk = {member.pk: member for member in members}
            article, translation = by_pk[article.pk], by_pk[translation.pk]
            if article.language == translation.language:
                raise ValidationError(
                    _("A translation is in the other language: both articles are in %(language)s.")
                    % {"language": language_label(article.language)}
                )
            if article.translation_key is not None and article.translation_key == translation.translation_key:
                return translation
            for one, other in ((article, translation), (translation, article)):
                # The articles already paired with ``one``: none may be in
                # ``other``'s language (the pair would have two).
                taken = [
                    m
                    for m in members
                    if m.pk != one.pk and one.translation_key is not None and m.translation_key == one.translation_key
                ]
                if any(m.language == other.language for m in taken):
                    raise ValidationError(
                        _("“%(headline)s” already has a translation in %(language)s: unlink it first.")
                        % {"headline": one.headline, "language": language_label(other.language)}
                    )
            key = article.translation_key or translation.translation_key or uuid.uuid4()
            moving = [m for m in members if m.translation_key != key]
            _require_editable(user, *moving)
            for member in moving:
                member.translation_key = key
                member.save(update_fields=["translation_key"])
            documents.refresh([m.pk for m in members])
            # The original's version first: the desk compares its later
            # changes with its last version from before the translation's.
            for one, other in sorted(((article, translation), (translation, article)), key=lambda p: p[0].pk):
                history.record_version(
                    one,
                    user=user,
                    comment=_("Linked to its translation “%(headline)s”.") % {"headline": other.headline},
                )
    except IntegrityError as exc:
        raise _constraint_error() from exc
    return translation


def unlink(*, article: Article, user) -> Article:
    """Part ``article`` from its translation; both stay as they are
    otherwise. Refused when there is none, or when ``user`` may not change
    both. Returns the former translation."""
    partner = translation_of(article)
    if partner is None:
        raise ValidationError(_("This story has no translation to unlink."))
    _require_editable(user, article)
    if not services.can_edit(user, partner):
        # Without naming it: it may be an article the user cannot open.
        raise PermissionDenied(_("You cannot change its translation."))
    with transaction.atomic():
        members = list(
            Article.objects.select_for_update().filter(translation_key=article.translation_key).order_by("pk")
        )
        for member in members:
            member.translation_key = None
            member.save(update_fields=["translation_key"])
        documents.refresh([m.pk for m in members])
        for member in members:
            if member.pk in (article.pk, partner.pk):
                other = partner if member.pk == article.pk else article
                history.record_version(
                    member,
                    user=user,
                    comment=_("No longer linked to its translation “%(headline)s”.") % {"headline": other.headline},
                )
    article.translation_key = None
    return partner


# -- Stale translations ----------------------------------------------------------------

# How many translations saved again after their source changed have their
# versions read to see whether a save since touched their text (those of the
# most recent source changes first): their number only grows with the
# archive. A translation not saved at all since its source changed is found
# by the query alone, whatever this says.
CHECKED_SAVED_SINCE = 50


@dataclass
class TextChange:
    """One field of the source, before and after: lines marked "removed",
    "added" or "same" (as ``history.compare`` gives them)."""

    label: str
    lines: list[tuple[str, str]]


@dataclass
class StaleTranslation:
    translation: Article
    source: Article
    source_changed_at: datetime
    revised_at: datetime
    # Filled in for the rows shown (``describe``).
    changes: list[TextChange] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    # When the source's version compared with its text now was made; None
    # when it has none from before ``revised_at`` (its whole text is then
    # shown as added).
    compared_from: datetime | None = None


def _versions():
    return Version.objects.get_for_model(Article).select_related("revision")


def _text(version: Version | None) -> tuple:
    if version is None:
        return ()
    data = version.field_dict
    return tuple(data.get(name) or "" for name in TEXT_FIELDS)


def _candidates(articles):
    """Of ``articles``, the translations (the later article of a pair), not
    archived, whose source was updated in substance or corrected after the
    translation was made, with when that happened and when the translation
    was last saved (its last version)."""
    source = Article.objects.filter(translation_key=OuterRef("translation_key"), pk__lt=OuterRef("pk")).order_by("pk")
    corrected = (
        Correction.objects.filter(article=OuterRef("source_pk"))
        .order_by()
        .values("article")
        .annotate(latest=Max("created_at"))
        .values("latest")
    )
    saved = (
        _versions()
        .filter(object_id=Cast(OuterRef("pk"), CharField()))
        .order_by("-revision__date_created")
        .values("revision__date_created")[:1]
    )
    return (
        articles.filter(translation_key__isnull=False)
        .exclude(status=Status.ARCHIVED)
        .defer("body", "search_vector", "related", "page_lists")
        .annotate(
            source_pk=Subquery(source.values("pk")[:1]),
            source_modified=Subquery(source.values("modified_at")[:1]),
        )
        .filter(source_pk__isnull=False)
        .annotate(source_corrected=Subquery(corrected), last_saved=Subquery(saved))
        .filter(Q(source_modified__gt=F("created_at")) | Q(source_corrected__gt=F("created_at")))
    )


def stale_translations(articles=None) -> list[StaleTranslation]:
    """Every stale translation among ``articles`` (a queryset, by default
    every article; the desk's carries its annotations, a writer's list only
    their own), the most recent source change first. The rows come without
    their comparison: ``describe`` adds it to those shown.

    A translation is stale when its source got a substantive update
    (``modified_at``) or a correction after the translation's text was last
    revised: the last version of it whose headline, dek or body differs
    from the version before (a save that changed only its status, or
    nothing, is not a revision). A translation that has no version at all
    counts from its creation."""
    candidates = _candidates(articles if articles is not None else Article.objects.all())
    found, saved_since = [], []
    for article in candidates:
        changed = max(t for t in (article.source_modified, article.source_corrected) if t is not None)
        if article.last_saved is None or article.last_saved <= changed:
            found.append((article, changed, article.last_saved or article.created_at))
        else:
            saved_since.append((article, changed))
    saved_since.sort(key=lambda pair: pair[1], reverse=True)
    found += _unrevised(saved_since[:CHECKED_SAVED_SINCE])
    sources = Article.objects.defer("search_vector", "related", "page_lists").in_bulk(
        [article.source_pk for article, _changed, _revised in found]
    )
    rows = [
        StaleTranslation(
            translation=article, source=sources[article.source_pk], source_changed_at=changed, revised_at=at
        )
        for article, changed, at in found
        if article.source_pk in sources
    ]
    rows.sort(key=lambda row: (row.source_changed_at, row.translation.pk), reverse=True)
    return rows


def _unrevised(pairs: list[tuple[Article, datetime]]) -> list[tuple[Article, datetime, datetime]]:
    """Of translations saved after their source changed, those whose saves
    since did not touch their text, each with when its text last stood
    (two queries for all of them)."""
    if not pairs:
        return []
    before = Q()
    after = Q()
    for article, changed in pairs:
        before |= Q(object_id=str(article.pk), revision__date_created__lte=changed)
        after |= Q(object_id=str(article.pk), revision__date_created__gt=changed)
    # The last version of each before the change: its text is the baseline.
    latest_before: dict[str, tuple] = {}
    for object_id, pk, at in _versions().filter(before).values_list("object_id", "pk", "revision__date_created"):
        if object_id not in latest_before or (at, pk) > latest_before[object_id]:
            latest_before[object_id] = (at, pk)
    baseline_ids = [pk for _at, pk in latest_before.values()]
    by_article: dict[str, list[Version]] = {}
    for version in _versions().filter(after | Q(pk__in=baseline_ids)).order_by("revision__date_created", "pk"):
        by_article.setdefault(version.object_id, []).append(version)
    result = []
    for article, changed in pairs:
        versions = by_article.get(str(article.pk), [])
        baseline = next((v for v in versions if v.pk in baseline_ids), None)
        text, revised = _text(baseline), None
        for version in versions:
            if version is baseline:
                continue
            if _text(version) != text:
                revised = version.revision.date_created
                text = _text(version)
        if revised is None:
            stood = baseline.revision.date_created if baseline is not None else article.created_at
            result.append((article, changed, stood))
    return result


def describe(rows: list[StaleTranslation]) -> None:
    """Fill in, for ``rows``, what changed in each source since its
    translation was last revised: the headline, dek and body of the
    source's last version from before then against the source as it is
    now, and the corrections added since. Three queries for all rows."""
    if not rows:
        return
    wanted = Q()
    for row in rows:
        wanted |= Q(object_id=str(row.source.pk), revision__date_created__lte=row.revised_at)
    latest: dict[str, tuple] = {}
    for object_id, pk, at in _versions().filter(wanted).values_list("object_id", "pk", "revision__date_created"):
        if object_id not in latest or (at, pk) > latest[object_id]:
            latest[object_id] = (at, pk)
    baselines = {v.object_id: v for v in _versions().filter(pk__in=[pk for _at, pk in latest.values()])}
    corrections = Q()
    for row in rows:
        corrections |= Q(article_id=row.source.pk, created_at__gt=row.revised_at)
    added: dict[int, list[Correction]] = {}
    for correction in Correction.objects.filter(corrections).order_by("created_at", "pk"):
        added.setdefault(correction.article_id, []).append(correction)
    labels = {name: str(Article._meta.get_field(name).verbose_name).capitalize() for name in TEXT_FIELDS}
    for row in rows:
        baseline = baselines.get(str(row.source.pk))
        before = _text(baseline) or ("",) * len(TEXT_FIELDS)
        now = tuple(getattr(row.source, name) or "" for name in TEXT_FIELDS)
        row.compared_from = baseline.revision.date_created if baseline is not None else None
        row.changes = [
            TextChange(labels[name], _lines(name, old, new))
            for name, old, new in zip(TEXT_FIELDS, before, now, strict=True)
            if old != new
        ]
        row.corrections = added.get(row.source.pk, [])


def _lines(name: str, old: str, new: str) -> list[tuple[str, str]]:
    if name == "body":
        old, new = history.html_lines(old), history.html_lines(new)
    older = history.Snapshot(version=None, fields={name: old})
    newer = history.Snapshot(version=None, fields={name: new})
    changes = history.compare(older, newer)
    return changes[0].lines if changes else []
