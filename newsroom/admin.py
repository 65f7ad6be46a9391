"""The editors' admin for articles, authors, topics, corrections and the
editorial audit trail.

The admin stays thin: state changes go through ``newsroom.services`` (the
same functions the shell and tests use), and which articles a writer may
touch is ``Article.objects.editable_by`` plus ``services.can_edit``.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from alliances.models import ArticleAgreement
from newsroom import services
from newsroom.forms import ArticleAdminForm, SafeAutocompleteSelect, SafeAutocompleteSelectMultiple
from newsroom.models import (
    Article,
    Author,
    Byline,
    Correction,
    EditorialEvent,
    RelatedVideo,
    Source,
    TaggedTopic,
    Topic,
)
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


def count_of(model, field: str, *, distinct: str | None = None) -> Coalesce:
    """How many ``model`` rows point at the outer row through ``field`` (or
    how many different ``distinct`` values they hold), as a correlated
    subquery. Unlike Count() over a join, it is computed only for the rows
    on the page, and two counts on one list do not multiply each other."""
    counted = Count(distinct, distinct=True) if distinct else Count("*")
    rows = (
        model._default_manager.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=counted)
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


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


class ListCountsMixin:
    """Adds ``list_annotations`` to the change list's queryset only: the
    autocomplete and change pages of the same model skip the extra work."""

    list_annotations: dict = {}

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if is_changelist(request, self):
            qs = qs.annotate(**self.list_annotations)
        return qs


def error_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You are not allowed to do that.")


# -- Article -----------------------------------------------------------------


class BylineInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Byline
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    extra = 1


class SourceInline(admin.TabularInline):
    model = Source
    formfield_overrides = HTTPS_URLS
    fields = ["outlet", "url", "position"]
    extra = 1


class RelatedVideoInline(admin.TabularInline):
    model = RelatedVideo
    formfield_overrides = HTTPS_URLS
    fields = ["title", "url", "position"]
    extra = 0


class ArticleAgreementInline(SafeAutocompleteMixin, admin.TabularInline):
    model = ArticleAgreement
    autocomplete_fields = ["agreement"]
    fields = ["agreement", "relation", "note"]
    extra = 0


class CorrectionInline(admin.StackedInline):
    model = Correction
    fields = ["created_at", "text"]
    extra = 0


class TopicListFilter(admin.SimpleListFilter):
    """Filter by topic. The sidebar offers the most used topics; any topic
    works through ?topic=<slug> (the topic page's admin link uses it)."""

    title = _("topic")
    parameter_name = "topic"
    offered = 30

    def lookups(self, request, model_admin):
        topics = (
            Topic.objects.annotate(n=count_of(TaggedTopic, "tag"))
            .filter(n__gt=0)
            .order_by("-n", "name")
            .values_list("slug", "name")[: self.offered]
        )
        return list(topics)

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value())
        return queryset


@admin.register(Article)
class ArticleAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["headline", "status_label", "author_names", "published_at", "language", "topic_names"]
    list_filter = [
        "status",
        ("authors", admin.RelatedOnlyFieldListFilter),
        TopicListFilter,
        "language",
        "published_at",
    ]
    search_fields = ["headline", "dek", "slug"]
    search_help_text = _("Searches headline, dek and slug.")
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["people", "organizations"]
    inlines = [BylineInline, SourceInline, RelatedVideoInline, ArticleAgreementInline, CorrectionInline]
    actions = ["submit_selected_for_review", "publish_selected", "unpublish_selected", "archive_selected"]
    list_per_page = 50
    # A filtered list would otherwise count the whole archive a second time
    # just to print "of N total".
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "body"]}),
        (_("Hero image"), {"fields": ["image", "image_alt", "image_caption", "image_credit"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "language", "updated_at"]}),
        (_("Filed under"), {"fields": ["tags", "new_topics", "countries", "people", "organizations"]}),
    ]

    # -- who sees and changes what

    def get_queryset(self, request):
        qs = super().get_queryset(request).editable_by(request.user)
        if is_changelist(request, self):
            qs = qs.for_admin_list()
        return qs

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None:
            return allowed
        return allowed and services.can_edit(request.user, obj)

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
        return obj.get_status_display()

    @admin.display(description=_("authors"))
    def author_names(self, obj: Article) -> str:
        return ", ".join(author.name for author in obj.ordered_authors())

    @admin.display(description=_("topics"))
    def topic_names(self, obj: Article) -> str:
        return ", ".join(sorted(topic.name for topic in obj.tags.all()))

    # -- saving: content first, then the workflow through the services

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        # The form never writes status or publication time itself. The
        # content is saved with the state the article already has; then
        # save_related() asks the service for the change that was requested,
        # so a raw POST cannot skip the permission check.
        if change:
            obj.status, obj.published_at = Article.objects.values_list("status", "published_at").get(pk=obj.pk)
        else:
            obj.status, obj.published_at = Article.Status.DRAFT, None
        super().save_model(request, obj, form, change)

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

    def _add_own_byline(self, request, article: Article) -> None:
        own = Author.objects.filter(user=request.user).first()
        if own is not None and not article.bylines.exists():
            Byline.objects.create(article=article, author=own, position=0)

    def _apply_workflow(self, request, form, article: Article) -> None:
        if "status" in form.cleaned_data:
            status = form.cleaned_data["status"]
            # The split date/time widget drops microseconds, so an untouched
            # field is compared through changed_data, not by value.
            at = form.cleaned_data.get("published_at") if "published_at" in form.changed_data else article.published_at
            if status in (Article.Status.DRAFT, Article.Status.REVIEW):
                at = None
            elif status == Article.Status.ARCHIVED:
                at = article.published_at
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
class AuthorAdmin(ListCountsMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "user", "article_count"]
    list_select_related = ["user"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "bio", "photo", "user"]
    list_annotations = {"article_count": count_of(Byline, "author")}

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj: Author) -> int:
        return obj.article_count

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            from django.contrib.auth import get_user_model

            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Topic)
class TopicAdmin(ListCountsMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description"]
    list_annotations = {"article_count": count_of(TaggedTopic, "tag")}

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj: Topic) -> int:
        return obj.article_count


@admin.register(Correction)
class CorrectionAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["article", "created_at", "excerpt"]
    list_filter = ["created_at"]
    search_fields = ["article__headline", "text"]
    autocomplete_fields = ["article"]
    fields = ["article", "created_at", "text"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article").defer("article__body")

    @admin.display(description=_("correction"))
    def excerpt(self, obj: Correction) -> str:
        return Truncator(obj.text).chars(90)


@admin.register(EditorialEvent)
class EditorialEventAdmin(admin.ModelAdmin):
    """The audit trail: who moved which article to which state, when. Read
    only; the services write it."""

    list_display = ["created_at", "article", "action", "from_status", "to_status", "user", "published_at"]
    list_filter = ["action", "to_status", ("user", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["article__headline"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article", "user").defer("article__body")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
