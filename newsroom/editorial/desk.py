"""The newsroom desk: the admin's start page, where an editor's day begins.

The admin index (``templates/admin/index.html``) shows, above the list of
apps, what needs attention: stories waiting for review (oldest first), what
is scheduled next, what went out recently, the signed-in person's own
drafts, drafts nobody has touched for ``STALE_AFTER``, and translations
whose source changed since they were revised (with what changed). A writer
sees their own drafts and the latest published stories only.

Wiring: the newsroom's AdminSite (newsroom/editorial/admin_site.py) gives its index
``desk_sections`` as extra context and serves ``publish_view`` at
``admin:desk_publish``, the desk's "Publish now" button.

Every section is one query; authors, countries and the last editors of
all rows are fetched once for the whole page, so the desk runs the same
number of queries with 1 or 1,000 articles.

The module also holds ``arrange_form``, which lays the article form out in
the order a story is written (see ArticleAdmin.inline_after).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import Cast, Coalesce
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from newsroom.editorial import services, translations
from newsroom.models import Article, Byline, EditorialEvent, FrontPageFeature, FrontPageLead

# A draft untouched for this long is "stale": forgotten, or waiting on
# something nobody wrote down. Two weeks is two news cycles.
STALE_AFTER = timedelta(days=14)
# Rows per section; the section links to the full list when there are more.
ROWS = 8


@dataclass
class DeskRow:
    article: Article
    authors: list
    countries: list
    last_editor: str
    last_changed_at: datetime | None
    change_url: str | None
    preview_url: str | None
    public_url: str | None
    can_publish: bool
    # A draft or review with a time: when the desk means to publish it.
    planned_at: datetime | None = None
    missed: bool = False
    # In "Stale translations": the source's change since the translation
    # was revised (translations.StaleTranslation).
    stale: translations.StaleTranslation | None = None


@dataclass
class DeskSection:
    key: str
    title: str
    empty: str
    rows: list[DeskRow] = field(default_factory=list)
    more_url: str | None = None


# -- Who changed an article last ------------------------------------------------


def _last_change_sources() -> dict[str, tuple]:
    """(user id, time) expressions, one pair per record that says who changed
    an article: the workflow's audit trail, the history's revisions when
    django-reversion is set up for articles, a ``last_edited_by`` field when
    the model has one, and who created it. The most recent wins (see
    ``_last_editor``); this is the one place that decides it."""
    events = EditorialEvent.objects.filter(article=OuterRef("pk"), user__isnull=False).order_by("-created_at", "-pk")
    sources = {
        "event": (Subquery(events.values("user")[:1]), Subquery(events.values("created_at")[:1])),
        "created": (F("created_by"), F("created_at")),
    }
    field_names = {f.name for f in Article._meta.get_fields()}
    if "last_edited_by" in field_names:
        sources["saved"] = (F("last_edited_by"), F("updated_at"))
    if apps.is_installed("reversion"):
        import reversion
        from django.contrib.contenttypes.models import ContentType
        from reversion.models import Version

        if reversion.is_registered(Article):
            versions = Version.objects.filter(
                content_type=ContentType.objects.get_for_model(Article),
                object_id=Cast(OuterRef("pk"), CharField()),
                revision__user__isnull=False,
            ).order_by("-revision__date_created", "-pk")
            sources["revision"] = (
                Subquery(versions.values("revision__user")[:1]),
                Subquery(versions.values("revision__date_created")[:1]),
            )
    return sources


def with_last_change(queryset: QuerySet) -> QuerySet:
    """Annotate each article with who changed it, per source (a subquery
    each: no query per row)."""
    annotations = {}
    for name, (user, at) in _last_change_sources().items():
        annotations[f"desk_{name}_user"] = user
        annotations[f"desk_{name}_at"] = at
    return queryset.annotate(**annotations)


def _last_change(article: Article, sources) -> tuple[int | None, datetime | None]:
    candidates = []
    for name in sources:
        user_id, at = getattr(article, f"desk_{name}_user", None), getattr(article, f"desk_{name}_at", None)
        if user_id is not None and at is not None:
            candidates.append((at, user_id))
    if not candidates:
        return None, None
    at, user_id = max(candidates, key=lambda candidate: candidate[0])
    return user_id, at


def display_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else _("nobody yet")


# -- The sections ---------------------------------------------------------------


def _base() -> QuerySet:
    return with_last_change(Article.objects.defer("body", "search_vector"))


def _own(user) -> Q:
    """Articles the person started or carries the byline of."""
    return Q(created_by=user) | Q(pk__in=Byline.objects.filter(author__user=user).values("article"))


def _waiting_since() -> Coalesce:
    """When the article was last handed in for review (the audit trail),
    or, for one that reached review some other way, its last change."""
    submitted = EditorialEvent.objects.filter(article=OuterRef("pk"), to_status=Article.Status.REVIEW).order_by(
        "-created_at", "-pk"
    )
    return Coalesce(Subquery(submitted.values("created_at")[:1]), F("updated_at"))


def _section_specs(user, *, editor: bool) -> list[tuple[DeskSection, QuerySet, str | None]]:
    Status = Article.Status
    changelist = reverse("admin:newsroom_article_changelist")
    mine = (
        DeskSection(
            "mine",
            gettext_lazy("My drafts"),
            gettext_lazy("No drafts of yours. Start one with “Write a story”."),
        ),
        _base().filter(_own(user), status__in=[Status.DRAFT, Status.REVIEW]).order_by("-updated_at", "-pk"),
        None,
    )
    recent = (
        DeskSection("recent", gettext_lazy("Recently published"), gettext_lazy("Nothing published yet.")),
        _base().published().order_by("-published_at", "-pk"),
        f"{changelist}?status__exact={Status.PUBLISHED}",
    )
    if not editor:
        return [mine, recent]
    stale_before = timezone.now() - STALE_AFTER
    return [
        (
            # Issue "Editors never lose work": a time that passed without the
            # story going out (ArticleQuerySet.missed_time has the rule).
            DeskSection("missed", gettext_lazy("Missed their time"), gettext_lazy("Every story went out on time.")),
            _base().missed_time().order_by("published_at", "pk"),
            f"{changelist}?scheduling=missed",
        ),
        (
            DeskSection(
                "review", gettext_lazy("Waiting for review"), gettext_lazy("Nothing is waiting for an editor.")
            ),
            _base()
            .filter(status=Status.REVIEW)
            .annotate(waiting_since=_waiting_since())
            .order_by("waiting_since", "pk"),
            f"{changelist}?status__exact={Status.REVIEW}",
        ),
        (
            DeskSection("scheduled", gettext_lazy("Scheduled next"), gettext_lazy("Nothing is scheduled.")),
            _base().scheduled().order_by("published_at", "pk"),
            f"{changelist}?scheduling=scheduled",
        ),
        recent,
        mine,
        (
            DeskSection(
                "stale",
                gettext_lazy("Stale drafts"),
                gettext_lazy("No draft has been left untouched for two weeks."),
            ),
            _base().filter(status=Status.DRAFT, updated_at__lt=stale_before).order_by("updated_at", "pk"),
            f"{changelist}?status__exact={Status.DRAFT}",
        ),
    ]


def desk_sections(user) -> list[DeskSection]:
    """The desk for ``user``: one query per section, then one each for the
    bylines, the countries and the people who last changed the rows."""
    editor = services.can_publish(user)
    specs = _section_specs(user, editor=editor)
    fetched = []
    for section, queryset, more_url in specs:
        articles = list(queryset[: ROWS + 1])
        if len(articles) > ROWS:
            articles = articles[:ROWS]
            section.more_url = more_url
        fetched.append((section, articles))

    stale: dict[int, translations.StaleTranslation] = {}
    if editor:
        section, rows = _stale_translations()
        stale = {row.translation.pk: row for row in rows}
        fetched.append((section, [row.translation for row in rows]))

    every_article = [article for _section, articles in fetched for article in articles]
    prefetch_related_objects(
        every_article,
        Prefetch("bylines", queryset=Byline.objects.select_related("author").order_by("position")),
        "countries",
    )
    sources = list(_last_change_sources())
    changes = {id(article): _last_change(article, sources) for article in every_article}
    user_ids = {user_id for user_id, _at in changes.values() if user_id is not None}
    users = get_user_model()._default_manager.in_bulk(user_ids) if user_ids else {}

    sections = []
    for section, articles in fetched:
        for article in articles:
            user_id, at = changes[id(article)]
            row = _row(article, users.get(user_id), at, user=user, editor=editor, key=section.key)
            if section.key == "translations":
                row.stale = stale.get(article.pk)
            section.rows.append(row)
        sections.append(section)
    return sections


def _stale_translations() -> tuple[DeskSection, list[translations.StaleTranslation]]:
    """Translations whose source changed in substance (an update marked
    so, a correction) since the translation was revised, with what changed
    in the source (newsroom.editorial.translations has the rule). A
    constant number of queries, however many there are."""
    section = DeskSection(
        "translations",
        gettext_lazy("Stale translations"),
        gettext_lazy("Every translation is up to date with its source."),
    )
    rows = translations.stale_translations(_base())
    if len(rows) > ROWS:
        rows = rows[:ROWS]
        section.more_url = f"{reverse('admin:newsroom_article_changelist')}?translation=stale"
    translations.describe(rows)
    return section, rows


def _row(article: Article, last_editor, at, *, user, editor: bool, key: str) -> DeskRow:
    public = article.is_visible()
    unapproved = article.status in (Article.Status.DRAFT, Article.Status.REVIEW)
    planned_at = article.published_at if unapproved else None
    # Writers get only their own drafts and reviews as editable rows (the
    # "mine" section is built from exactly what services.can_edit allows
    # them); editors may change every article.
    editable = editor or (key == "mine" and article.status in (Article.Status.DRAFT, Article.Status.REVIEW))
    return DeskRow(
        article=article,
        authors=[byline.author for byline in article.bylines.all()],
        countries=sorted(article.countries.all(), key=lambda country: country.name),
        last_editor=display_name(last_editor),
        last_changed_at=at,
        change_url=reverse("admin:newsroom_article_change", args=[article.pk]) if editable else None,
        preview_url=reverse("admin:newsroom_article_preview", args=[article.pk]) if editable and not public else None,
        public_url=article.get_absolute_url() if public else None,
        can_publish=editor and unapproved,
        planned_at=planned_at,
        missed=key == "missed" or (planned_at is not None and planned_at <= timezone.now()),
    )


# -- The views ------------------------------------------------------------------


@require_POST
def publish_view(request, pk: int):
    """The desk's "Publish now", or "Schedule for <its planned time>" when
    the form sends ``when=planned``: the same services as every other way of
    publishing, with their checks (editors only, alt text on the hero image,
    a time still ahead). Whatever happens, the editor is back on the desk
    with a message.

    Someone who may not publish is refused before the article is looked up,
    with the same answer for every id: whether an id exists, and what it is
    called, is none of their business."""
    if not services.can_publish(request.user):
        raise PermissionDenied
    article = Article.objects.filter(pk=pk).first()
    if article is None:
        raise Http404(_("No such article."))
    unapproved = article.status in (Article.Status.DRAFT, Article.Status.REVIEW)
    try:
        if request.POST.get("when") == "planned":
            # No planned time, or one already past, is refused by schedule().
            services.schedule(article=article, user=request.user, at=article.published_at if unapproved else None)
        else:
            services.publish(article=article, user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(
            request, _("“%(headline)s” was not published: %(reason)s") % {"headline": article, "reason": reason}
        )
    else:
        if article.is_scheduled:
            when = formats.date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
            messages.success(request, _("“%(headline)s” goes out %(when)s.") % {"headline": article, "when": when})
        else:
            messages.success(request, _("“%(headline)s” is published.") % {"headline": article})
    return HttpResponseRedirect(reverse("admin:index"))


# -- The article form's layout ----------------------------------------------------


def arrange_form(adminform, inline_admin_formsets, inline_after: dict) -> list[tuple[str, object]]:
    """The article form as a list of ("fieldset", Fieldset) and ("inline",
    InlineAdminFormSet) in the order they are shown: each inline right after
    the fieldset ``inline_after`` names for its prefix, the rest at the end,
    so that an inline added later is never lost from the page."""
    by_fieldset: dict[str, list] = {}
    last = []
    fieldset_names = {str(fieldset.name) for fieldset in adminform}
    for inline in inline_admin_formsets:
        after = inline_after.get(inline.formset.prefix)
        if after is not None and str(after) in fieldset_names:
            by_fieldset.setdefault(str(after), []).append(inline)
        else:
            last.append(inline)
    sections: list[tuple[str, object]] = []
    for fieldset in adminform:
        sections.append(("fieldset", fieldset))
        sections.extend(("inline", inline) for inline in by_fieldset.get(str(fieldset.name), []))
    sections.extend(("inline", inline) for inline in last)
    return sections


# -- The front page ----------------------------------------------------------------


@dataclass
class FrontEdition:
    """One edition's front page as the desk shows it: the lead now (a pick,
    or None when the newest story leads), the changes of lead still to come,
    the featured stories shown, and the picks that are not shown because
    their story is not public any more (or not yet)."""

    language: str
    label: str
    lead: Article | None = None
    upcoming: list = field(default_factory=list)
    featured: list = field(default_factory=list)
    hidden: list = field(default_factory=list)


def front_summary(user) -> list[FrontEdition]:
    """The front page of each edition, for an editor's desk (two queries);
    nothing for anyone else."""
    if not services.can_publish(user):
        return []
    now = timezone.now()
    editions = {code: FrontEdition(code, str(label)) for code, label in Article.Language.choices}
    for pick in FrontPageLead.objects.select_related("article").order_by("-starts_at", "-pk"):
        edition = editions.get(pick.article.language)
        if edition is None:
            continue
        if pick.starts_at > now:
            edition.upcoming.insert(0, pick)
        elif edition.lead is None and pick.article.is_visible():
            edition.lead = pick.article
        elif edition.lead is None:
            edition.hidden.append(pick.article)
    for pick in FrontPageFeature.objects.select_related("article").order_by("position", "pk"):
        edition = editions.get(pick.article.language)
        if edition is not None:
            (edition.featured if pick.article.is_visible() else edition.hidden).append(pick.article)
    return list(editions.values())
