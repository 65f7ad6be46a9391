"""The editors' admin for articles, authors, topics, corrections and the
editorial audit trail.

The admin stays thin: state changes go through ``newsroom.services`` (the
same functions the shell and tests use), and which articles a writer may
touch is ``Article.objects.editable_by`` plus ``services.can_edit``.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import lookup_spawns_duplicates, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import CharField, Count, Exists, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator, smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from alliances.models import ArticleAgreement
from newsroom import desk, related, services
from newsroom.admin_history import EditLockAdminMixin, HistoryAdminMixin, PreviewLinksAdminMixin
from newsroom.forms import (
    ArticleAdminForm,
    OwnRowsInlineFormSet,
    SafeAutocompleteSelect,
    SafeAutocompleteSelectMultiple,
)
from newsroom.models import (
    Article,
    Author,
    Byline,
    Correction,
    EditorialEvent,
    Redirect,
    RelatedVideo,
    Source,
    TaggedTopic,
    Topic,
    TopicAlias,
    public_q,
)
from newsroom.search import fold
from newsroom.tagging import topic_key
from newsroom.uploads import IMAGE_UPLOADS
from newsroom.views import render_article

# Article.tags uses newsroom.Topic; taggit's own Tag table stays empty, and
# its admin page would only confuse editors looking for topics.
if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)

# A URL typed without a scheme ("example.org/story") is taken as https, the
# behaviour Django 6 makes the default.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


def is_changelist(request, model_admin: admin.ModelAdmin) -> bool:
    """True when ``request`` is for this model's change list, the one page
    that shows counts and related names per row."""
    match = getattr(request, "resolver_match", None)
    opts = model_admin.opts
    return bool(match) and match.url_name == f"{opts.app_label}_{opts.model_name}_changelist"


def count_of(model, field: str, *, distinct: str | None = None, only: Q | None = None) -> Coalesce:
    """How many ``model`` rows point at the outer row through ``field`` (or
    how many different ``distinct`` values they hold), as a correlated
    subquery; ``only`` narrows the rows counted. Unlike Count() over a join,
    it is computed only for the rows on the page, and two counts on one list
    do not multiply each other."""
    counted = Count(distinct, distinct=True) if distinct else Count("*")
    rows = model._default_manager.filter(**{field: OuterRef("pk")})
    if only is not None:
        rows = rows.filter(only)
    rows = rows.order_by().values(field).annotate(n=counted).values("n")
    return Coalesce(Subquery(rows), 0)


def known_articles(user, path: str, *, copied: bool = False) -> Q:
    """Rows whose article (reached through ``path``) ``user`` may know of
    (``ArticleQuerySet.known_to``): no condition for editors. Lists of
    corrections, topics, authors and countries count and show only these, so
    a writer learns nothing of a colleague's draft or an embargoed story.
    ``copied``: the rows are topic or country links, which carry a copy of
    their article's status and time (newsroom.listings), read instead of
    joining the articles."""
    if services.can_publish(user):
        return Q()
    public = public_q("article_") if copied else public_q(f"{path}__")
    return public | Q(**{f"{path}__in": Article.objects.editable_by(user).values("pk")})


class SafeAutocompleteMixin:
    """Autocomplete fields that survive a raw POST with a value that is not
    an id: a form error instead of a 500 (see newsroom.forms)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _fold_or_none(value):
    return None if value is None else fold(value)


class Folded(Func):
    """A text column in lower case without accents ("Irán" -> "iran"), the
    same form ``newsroom.search.fold`` gives a typed term. PostgreSQL uses
    the unaccent extension (created by migration newsroom 0003); SQLite
    calls the Python fold, registered on the connection when first needed
    (a connection opened before any signal handler could be connected
    still gets it)."""

    function = "LOWER"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="LOWER(UNACCENT(%(expressions)s))", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_function("newsroom_fold", 1, _fold_or_none, deterministic=True)
        return self.as_sql(compiler, connection, function="newsroom_fold", **extra_context)


class AccentInsensitiveSearchMixin:
    """Admin search, and so every autocomplete that picks from this model,
    that ignores case and accents: "iran" finds "Irán", "diaz" finds
    "Díaz-Canel". As in Django's own search, every word must appear in one
    of ``search_fields``; the fields are plain names (no ^, = or @)."""

    def get_search_results(self, request, queryset, search_term):
        fields = [field.lstrip("^=@") for field in self.get_search_fields(request)]
        words = []
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            if folded := fold(bit).strip():
                words.append(folded)
        if not fields or not words:
            return queryset, False
        names = {f"folded_{i}": Folded(field) for i, field in enumerate(fields)}
        queryset = queryset.alias(**names)
        for word in words:
            matches = Q()
            for name in names:
                matches |= Q(**{f"{name}__contains": word})
            queryset = queryset.filter(matches)
        return queryset, any(lookup_spawns_duplicates(self.opts, field) for field in fields)


class ListCountsMixin:
    """Adds ``get_list_annotations(request)`` (by default the class's
    ``list_annotations``) to the change list's queryset only: the
    autocomplete and change pages of the same model skip the extra work."""

    list_annotations: dict = {}

    def get_list_annotations(self, request) -> dict:
        return self.list_annotations

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if is_changelist(request, self):
            qs = qs.annotate(**self.get_list_annotations(request))
        return qs


def error_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You are not allowed to do that.")


# -- Article -----------------------------------------------------------------


class BylineInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Byline
    formset = OwnRowsInlineFormSet
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    extra = 1


class SourceInline(admin.TabularInline):
    model = Source
    formset = OwnRowsInlineFormSet
    formfield_overrides = HTTPS_URLS
    fields = ["outlet", "url", "position"]
    extra = 1


class RelatedVideoInline(admin.TabularInline):
    model = RelatedVideo
    formset = OwnRowsInlineFormSet
    formfield_overrides = HTTPS_URLS
    fields = ["title", "url", "position"]
    extra = 0


class ArticleAgreementInline(SafeAutocompleteMixin, admin.TabularInline):
    model = ArticleAgreement
    formset = OwnRowsInlineFormSet
    autocomplete_fields = ["agreement"]
    fields = ["agreement", "relation", "note"]
    extra = 0


class CorrectionInline(admin.StackedInline):
    model = Correction
    formset = OwnRowsInlineFormSet
    # Date and author are stamped when the correction is added
    # (ArticleAdmin.save_formset); nobody backdates a correction.
    fields = ["text", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]
    extra = 0


class TopicListFilter(admin.SimpleListFilter):
    """Filter by topic. The sidebar offers the most used topics; any topic
    works through ?topic=<slug> (the topic page's admin link uses it)."""

    title = _("topic")
    parameter_name = "topic"
    offered = 30

    def lookups(self, request, model_admin):
        # The topics of the articles this list can show: every article for
        # an editor, a writer's own drafts for a writer.
        only = None
        if not services.can_publish(request.user):
            only = Q(content_object__in=Article.objects.editable_by(request.user).values("pk"))
        topics = (
            Topic.objects.annotate(n=count_of(TaggedTopic, "tag", only=only))
            .filter(n__gt=0)
            .order_by("-n", "name")
            .values_list("slug", "name")[: self.offered]
        )
        return list(topics)

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value())
        return queryset


class SchedulingFilter(admin.SimpleListFilter):
    """What is due to go out, and what missed its time
    (``ArticleQuerySet.scheduled``, ``planned`` and ``missed_time``)."""

    title = _("scheduling")
    parameter_name = "scheduling"

    def lookups(self, request, model_admin):
        return [
            ("scheduled", _("Scheduled (next first)")),
            ("planned", _("Planned, not yet approved")),
            ("missed", _("Missed its time")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "planned":
            return queryset.planned()
        if self.value() == "missed":
            return queryset.missed_time()
        return queryset


@admin.register(Article)
class ArticleAdmin(
    EditLockAdminMixin, HistoryAdminMixin, PreviewLinksAdminMixin, SafeAutocompleteMixin, admin.ModelAdmin
):
    form = ArticleAdminForm
    formfield_overrides = IMAGE_UPLOADS
    recoverable = True
    list_display = ["headline", "status_label", "author_names", "published_at", "language", "topic_names"]
    list_filter = [
        "status",
        ("authors", admin.RelatedOnlyFieldListFilter),
        TopicListFilter,
        SchedulingFilter,
        "language",
        "published_at",
    ]
    search_fields = ["headline", "dek", "slug"]
    search_help_text = _("Searches headline, dek and slug.")
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["people", "organizations"]
    inlines = [BylineInline, RelatedVideoInline, ArticleAgreementInline, SourceInline, CorrectionInline]
    actions = ["submit_selected_for_review", "publish_selected", "unpublish_selected", "archive_selected"]
    list_per_page = 50
    # A filtered list would otherwise count the whole archive a second time
    # just to print "of N total".
    show_full_result_count = False
    # The form in the order a story is written. Django puts inlines after
    # all fieldsets; ``inline_after`` places each one (by formset prefix)
    # after a fieldset instead (desk.arrange_form and the change_form
    # template). An inline not listed there comes last.
    fieldsets = [
        (_("Story"), {"fields": ["headline", "slug", "dek", "body"]}),
        (_("Media"), {"fields": ["image", "image_alt", "image_caption", "image_credit"]}),
        (_("Topics and countries"), {"fields": ["tags", "new_topics", "countries"]}),
        (_("People and organisations"), {"fields": ["people", "organizations"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "language", "updated_at"]}),
    ]
    inline_after = {
        "bylines": _("Story"),
        "videos": _("Media"),
        "agreement_links": _("Topics and countries"),
        "sources": _("People and organisations"),
        "corrections": _("People and organisations"),
    }

    # -- who sees and changes what

    def get_queryset(self, request):
        qs = super().get_queryset(request).editable_by(request.user)
        if is_changelist(request, self):
            qs = qs.for_admin_list().annotate(
                missed_time=Exists(Article.objects.missed_time().filter(pk=OuterRef("pk")))
            )
        return qs

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None:
            return allowed
        return allowed and services.can_edit(request.user, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The form offers only the topics this user may know of.
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def has_publish_permission(self, request) -> bool:
        return services.can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["updated_at"]
        if not services.can_publish(request.user):
            # Writers never set the workflow fields; "Save and submit for
            # review" is their one step, and it goes through the service.
            readonly += ["status", "published_at"]
        return readonly

    # -- list columns (all read from the prefetch of for_admin_list)

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj: Article) -> str:
        if obj.is_scheduled:
            return _("Scheduled")
        if getattr(obj, "missed_time", False):
            return format_html(
                '<strong class="missed-time">{}</strong>',
                _("%(status)s: missed its time") % {"status": obj.get_status_display()},
            )
        if obj.status in (Article.Status.DRAFT, Article.Status.REVIEW) and obj.published_at:
            return _("%(status)s, planned") % {"status": obj.get_status_display()}
        return obj.get_status_display()

    # -- scheduling at a glance

    def get_ordering(self, request):
        if request.GET.get(SchedulingFilter.parameter_name) in ("scheduled", "planned"):
            return ["published_at", "pk"]
        return super().get_ordering(request)

    def changelist_view(self, request, extra_context=None):
        """Above the list: what goes out next and how many articles missed
        their time (two queries, whatever the list shows)."""
        mine = Article.objects.editable_by(request.user)
        changelist = reverse("admin:newsroom_article_changelist")
        extra = {
            "scheduling": {
                "upcoming": list(
                    mine.scheduled().order_by("published_at", "pk").only("pk", "headline", "published_at")[:3]
                ),
                "missed": mine.missed_time().count(),
                "scheduled_url": f"{changelist}?{SchedulingFilter.parameter_name}=scheduled",
                "missed_url": f"{changelist}?{SchedulingFilter.parameter_name}=missed",
            },
        }
        if services.may_restore(request.user, Article, None):
            extra["recover_url"] = reverse("admin:newsroom_article_recover_list")
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and obj.status == Article.Status.PUBLISHED and fieldsets:
            # "Substantive update" means something only for a published
            # story; it sits with the publishing fields (the last fieldset).
            name, options = fieldsets[-1]
            fieldsets[-1] = (name, {**options, "fields": [*options["fields"], "substantive_update"]})
        return fieldsets

    @admin.display(description=_("authors"))
    def author_names(self, obj: Article) -> str:
        return ", ".join(author.name for author in obj.ordered_authors())

    @admin.display(description=_("topics"))
    def topic_names(self, obj: Article) -> str:
        return ", ".join(sorted(topic.name for topic in obj.tags.all()))

    # -- saving: content first, then the workflow through the services

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # One save changes topics, countries, agreement links and perhaps the
        # status; the related-articles ranking runs once, at the end, inside
        # the same transaction (a failure there rolls the whole save back).
        with transaction.atomic(using=router.db_for_write(self.model)), related.batch():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        # The form never writes status or publication time itself. The
        # content is saved with the state the article already has; then
        # save_related() asks the service for the change that was requested,
        # so a raw POST cannot skip the permission check.
        if change:
            obj.status, obj.published_at = Article.objects.values_list("status", "published_at").get(pk=obj.pk)
            if "slug" in form.changed_data and not self._stays_public(form):
                # Renamed and taken off the site in one save: the new address
                # was never public, and a redirect would hand it (and so the
                # new headline) to anyone at the old one.
                obj.forget_address()
        else:
            obj.status, obj.published_at = Article.Status.DRAFT, None
        super().save_model(request, obj, form, change)

    @staticmethod
    def _stays_public(form) -> bool:
        """Whether the workflow part of this save (_apply_workflow) leaves
        the article public: published, at a time that has come."""
        status = form.cleaned_data.get("status", Article.Status.PUBLISHED)
        at = form.cleaned_data.get("published_at") if "published_at" in form.changed_data else None
        return status == Article.Status.PUBLISHED and (at is None or at <= timezone.now())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        if not change and not services.can_publish(request.user):
            self._add_own_byline(request, article)
        try:
            self._apply_workflow(request, form, article)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(
                request,
                _("The article was saved, but its status did not change: %(reason)s") % {"reason": error_text(exc)},
                messages.ERROR,
            )
        if change and form.cleaned_data.get("substantive_update"):
            services.mark_substantive_update(article=article, user=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        # New corrections are stamped with now and their author, and make
        # the article's dateModified move (services.stamp_correction).
        for correction in formset.save(commit=False):
            is_new = correction.pk is None
            if is_new:
                correction.created_by = request.user
                correction.created_at = timezone.now()
            correction.save()
            if is_new:
                services.stamp_correction(correction=correction, user=request.user)
        for correction in formset.deleted_objects:
            correction.delete()
        formset.save_m2m()

    def _add_own_byline(self, request, article: Article) -> None:
        own = Author.objects.filter(user=request.user).first()
        if own is not None and not article.bylines.exists():
            Byline.objects.create(article=article, author=own, position=0)

    def _apply_workflow(self, request, form, article: Article) -> None:
        if "status" in form.cleaned_data:
            status = form.cleaned_data["status"]
            # The split date/time widget drops microseconds, so an untouched
            # field is compared through changed_data, not by value.
            typed = "published_at" in form.changed_data
            at = form.cleaned_data.get("published_at") if typed else article.published_at
            if status in (Article.Status.DRAFT, Article.Status.REVIEW):
                # For a draft or review the time is the planned one
                # (services.plan): the one typed, or the one it already has.
                if not typed and article.status not in (Article.Status.DRAFT, Article.Status.REVIEW):
                    at = None
            elif status == Article.Status.ARCHIVED:
                at = article.published_at
            elif not typed and article.status != Article.Status.PUBLISHED and at and at <= timezone.now():
                # A planned time that has passed is not a publication time:
                # publishing a story that missed its slot publishes it now.
                at = None
            services.change_status(article=article, user=request.user, status=status, published_at=at)
        elif "_submit_for_review" in request.POST and article.status == Article.Status.DRAFT:
            services.submit_for_review(article=article, user=request.user)
            self.message_user(request, _("Submitted for review."), messages.SUCCESS)

    # -- actions

    def _run_service(self, request, queryset, service, done: str) -> None:
        succeeded = 0
        for article in queryset:
            try:
                service(article=article, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"“{article}”: {error_text(exc)}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, done % {"count": succeeded}, messages.SUCCESS)

    @admin.action(description=_("Submit selected drafts for review"), permissions=["change"])
    def submit_selected_for_review(self, request, queryset):
        self._run_service(
            request,
            queryset,
            services.submit_for_review,
            _("Submitted for review: %(count)d."),
        )

    @admin.action(description=_("Publish selected articles"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._run_service(request, queryset, services.publish, _("Published: %(count)d."))

    @admin.action(description=_("Unpublish selected articles (back to draft)"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._run_service(request, queryset, services.unpublish, _("Unpublished: %(count)d."))

    @admin.action(description=_("Archive selected articles"), permissions=["publish"])
    def archive_selected(self, request, queryset):
        self._run_service(request, queryset, services.archive, _("Archived: %(count)d."))

    # -- view on site and staff preview

    def view_on_site(self, obj: Article):
        # Django's "View on site" only for what readers can open; anything
        # else gets the "Preview" link (change_form_object_tools.html).
        return obj.get_absolute_url() if obj.is_public else None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and not obj.is_public:
            context["preview_url"] = reverse("admin:newsroom_article_preview", args=[obj.pk])
        context["show_submit_for_review"] = (
            not services.can_publish(request.user)
            and (obj is None or obj.status == Article.Status.DRAFT)
            and (obj is None or self.has_change_permission(request, obj))
        )
        context["form_sections"] = desk.arrange_form(
            context["adminform"], context["inline_admin_formsets"], self.inline_after
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        preview = path(
            "<path:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="newsroom_article_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request, object_id):
        """The article as readers will see it, for staff who may open it:
        the public page (views.render_article) with ``preview=True``, which
        shows the "not public" banner and the robots noindex tag."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("No such article, or not one you can open."))
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        response = render_article(request, article, preview=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


# -- People and taxonomy -------------------------------------------------------


@admin.register(Author)
class AuthorAdmin(AccentInsensitiveSearchMixin, ListCountsMixin, admin.ModelAdmin):
    formfield_overrides = IMAGE_UPLOADS
    list_display = ["name", "slug", "user", "article_count"]
    list_select_related = ["user"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "bio", "photo", "user"]

    def get_list_annotations(self, request) -> dict:
        return {"article_count": count_of(Byline, "author", only=known_articles(request.user, "article"))}

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj: Author) -> int:
        return obj.article_count

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            from django.contrib.auth import get_user_model

            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TopicAliasInline(admin.TabularInline):
    model = TopicAlias
    formset = OwnRowsInlineFormSet
    fields = ["name"]
    extra = 0
    verbose_name = _("other name")
    verbose_name_plural = _("other names (typing one tags this topic)")


@admin.register(Topic)
class TopicAdmin(AccentInsensitiveSearchMixin, ListCountsMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    # Aliases too: an editor typing "EE.UU." in the article form's topic
    # picker is offered the topic it stands for.
    search_fields = ["name", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description"]
    inlines = [TopicAliasInline]
    actions = ["merge_selected"]

    def get_list_annotations(self, request) -> dict:
        known = known_articles(request.user, "content_object", copied=True)
        return {"article_count": count_of(TaggedTopic, "tag", only=known)}

    # Counting every topic a writer may see, twice, to print "of N" cost
    # more than the page.
    show_full_result_count = False

    def get_queryset(self, request):
        # A writer sees the topics of public stories and of their own
        # (TopicQuerySet.visible_to): in this list, its search, the article
        # form's topic picker (the autocomplete reads this queryset) and the
        # topic's own pages.
        return super().get_queryset(request).visible_to(request.user)

    def get_fields(self, request, obj=None):
        # The description and the other names are the desk's working notes
        # (an alias may be a code name for an embargoed story): writers see
        # the name and the address only.
        if request.user.has_perm("newsroom.change_topic"):
            return super().get_fields(request, obj)
        return ["name", "slug"]

    def get_inlines(self, request, obj):
        return self.inlines if request.user.has_perm("newsroom.change_topic") else []

    def history_view(self, request, object_id, extra_context=None):
        # Its log names the other names editors gave the topic.
        if not request.user.has_perm("newsroom.change_topic"):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def get_search_fields(self, request):
        if request.user.has_perm("newsroom.change_topic"):
            return self.search_fields
        return ["name"]

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if request.user.has_perm("newsroom.change_topic") or not topic_key(search_term):
            return found, duplicates
        # A writer finds a topic by another name only by typing that name
        # whole ("EE.UU."): part of one would spell the name out, letter by
        # letter, and an alias may be a code name.
        by_alias = TopicAlias.objects.filter(key=topic_key(search_term)).values("topic")
        return queryset.filter(Q(pk__in=found.values("pk")) | Q(pk__in=by_alias)), duplicates

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj: Topic) -> int:
        return obj.article_count

    def save_model(self, request, obj, form, change):
        # A new name or slug is a rename: the service keeps the old page
        # alive (301) and the old name working (an alias).
        if change and {"name", "slug"} & set(form.changed_data):
            services.rename_topic(topic=obj, name=obj.name, slug=obj.slug, user=request.user)
        else:
            super().save_model(request, obj, form, change)

    def has_add_permission(self, request) -> bool:
        # Writers make a topic by tagging their story with a new name (the
        # article form), which attaches an existing topic of that name
        # instead when there is one. A topic made here would be on no
        # story: hidden from the writer who made it (visible_to), and its
        # "already exists" errors would tell them which unpublished topics
        # exist. So this page is for those who manage topics.
        return super().has_add_permission(request) and request.user.has_perm("newsroom.change_topic")

    def has_merge_permission(self, request) -> bool:
        return request.user.has_perm("newsroom.change_topic") and request.user.has_perm("newsroom.delete_topic")

    @admin.action(description=_("Merge selected topics into one"), permissions=["merge"])
    def merge_selected(self, request, queryset):
        """An intermediate page asks which topic to keep; the others are
        merged into it by ``services.merge_topics``."""
        from django.contrib.admin import helpers
        from django.template.response import TemplateResponse

        topics = list(queryset.order_by("name"))
        if len(topics) < 2:
            self.message_user(request, _("Select at least two topics to merge."), messages.WARNING)
            return None
        if "apply" in request.POST:
            target = next((t for t in topics if str(t.pk) == request.POST.get("target")), None)
            if target is None:
                self.message_user(request, _("Choose the topic to keep."), messages.ERROR)
            else:
                try:
                    services.merge_topics(sources=topics, target=target, user=request.user)
                except (ValidationError, PermissionDenied) as exc:
                    self.message_user(request, error_text(exc), messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("Merged %(count)d topics into “%(target)s”; their old pages now lead to it.")
                        % {"count": len(topics) - 1, "target": target.name},
                        messages.SUCCESS,
                    )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge topics"),
            "opts": self.opts,
            "topics": topics,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "merge_selected",
        }
        return TemplateResponse(request, "admin/newsroom/topic/merge.html", context)


@admin.register(Correction)
class CorrectionAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["article", "created_at", "created_by", "excerpt"]
    list_filter = ["created_at"]
    search_fields = ["article__headline", "text"]
    autocomplete_fields = ["article"]
    fields = ["article", "text", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]

    def get_queryset(self, request):
        # The corrections of articles the user may know of: a writer never
        # lists, searches or opens one on a colleague's draft or an
        # embargoed story.
        return (
            super()
            .get_queryset(request)
            .filter(known_articles(request.user, "article"))
            .select_related("article", "created_by")
            .defer("article__body", "article__search_vector")
        )

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        obj.created_by, obj.created_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)
        services.stamp_correction(correction=obj, user=request.user)

    @admin.display(description=_("correction"))
    def excerpt(self, obj: Correction) -> str:
        return Truncator(obj.text).chars(90)


@admin.register(EditorialEvent)
class EditorialEventAdmin(admin.ModelAdmin):
    """The audit trail: who published, unpublished, scheduled, restored,
    recovered or deleted which record, and who merged or renamed topics,
    when. Read only; the services write it."""

    list_display = ["created_at", "about", "action", "detail", "from_status", "to_status", "user", "published_at"]
    list_filter = ["action", "to_status", ("user", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["article__headline", "subject", "detail"]
    date_hierarchy = "created_at"

    @admin.display(description=_("about"))
    def about(self, event: EditorialEvent) -> str:
        return event.subject or (str(event.article) if event.article_id else "")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article", "user").defer("article__body")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    """Old addresses that lead to new ones. Written when a published
    article, an agreement, an author or a topic changes its slug; an editor
    may add one by hand or delete one that should not be there."""

    list_display = ["old_path", "new_path", "created_at"]
    search_fields = ["old_path", "new_path"]
    fields = ["old_path", "new_path"]
    list_per_page = 100

    def save_model(self, request, obj, form, change):
        # Through the service, so chains collapse for hand-made ones too.
        if change:
            Redirect.objects.filter(pk=obj.pk).delete()
        saved = services.record_redirect(old_url=obj.old_path, new_url=obj.new_path)
        obj.pk, obj.created_at = saved.pk, saved.created_at
