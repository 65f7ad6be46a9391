"""The article screens: the story form with its inlines, the list with its
filters and bulk actions. State changes go through
``newsroom.editorial.services``; which articles a writer may open is
``Article.objects.viewable_by``, and which they may change
``editable_by`` plus ``services.can_edit`` (the others open read only)."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from alliances.models import ArticleAgreement
from newsroom.core.converters import slug_path
from newsroom.core.formats import zoned_lazy
from newsroom.editorial import desk, restore, services
from newsroom.editorial.admin.helpers import (
    HTTPS_URLS,
    SafeAutocompleteMixin,
    SafeAutocompleteSelectMultiple,
    count_of,
    error_text,
    is_changelist,
)
from newsroom.editorial.admin.translations import TranslationAdminMixin, TranslationListFilter
from newsroom.editorial.admin_history import EditLockAdminMixin, HistoryAdminMixin, PreviewLinksAdminMixin
from newsroom.editorial.forms import (
    ArticleAdminForm,
    OwnRowsInlineFormSet,
)
from newsroom.editorial.uploads import IMAGE_UPLOADS
from newsroom.models import (
    Article,
    Author,
    Byline,
    Correction,
    RelatedVideo,
    Source,
    TaggedTopic,
    Topic,
)

# -- Article -----------------------------------------------------------------


class BylineFormSet(OwnRowsInlineFormSet):
    """The bylines of a story. A new story starts with the byline of the
    person writing it (ArticleAdmin.get_formset_kwargs); that row counts as
    chosen while it names an author, although the writer did not touch it
    (Django would otherwise take an untouched extra row for an empty one and
    drop it)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.initial_extra and i >= self.initial_form_count():
            form.has_changed = lambda: bool(form["author"].value())
        return form


class BylineInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Byline
    formset = BylineFormSet
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
        # an editor, a writer's own stories for a writer.
        only = None
        if not services.can_publish(request.user):
            only = Q(content_object__in=Article.objects.viewable_by(request.user).values("pk"))
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
    TranslationAdminMixin,
    EditLockAdminMixin,
    HistoryAdminMixin,
    PreviewLinksAdminMixin,
    SafeAutocompleteMixin,
    admin.ModelAdmin,
):
    form = ArticleAdminForm
    formfield_overrides = IMAGE_UPLOADS
    recoverable = True
    # The headline carries the byline and the topics on a second line
    # (get_list_display): four columns of names left the headline about
    # 60 px at 1280 px; now it has at least 40% of the screen.
    list_display = ["headline", "status_label", "published_time", "language"]
    list_filter = [
        "status",
        ("authors", admin.RelatedOnlyFieldListFilter),
        TopicListFilter,
        SchedulingFilter,
        TranslationListFilter,
        "language",
        "published_at",
    ]
    search_fields = ["headline", "dek", "slug"]
    search_help_text = _("Searches headline, dek and slug.")
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["people", "organizations"]
    # Picked as one field each, although their links have models of their
    # own (newsroom.models.ArticlePerson: the copies of the article's state
    # that list a person's stories). Django's admin leaves such a field out
    # of the form, and its checks refuse it (admin.E013), because a link
    # model may need more than the pair; these need nothing else, as the
    # copies are filled in on save (newsroom.stored.listings).
    picked_through_links = ("people", "organizations")
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

    def check(self, **kwargs):
        return [
            error
            for error in super().check(**kwargs)
            if not (error.id == "admin.E013" and any(f"'{name}'" in error.msg for name in self.picked_through_links))
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name not in self.picked_through_links:
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        using = kwargs.get("using")
        kwargs.setdefault("widget", SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=using))
        queryset = self.get_field_queryset(using, db_field, request)
        if queryset is not None:
            kwargs.setdefault("queryset", queryset)
        return db_field.formfield(**kwargs)

    # -- who sees and changes what

    def get_queryset(self, request):
        qs = super().get_queryset(request).viewable_by(request.user)
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

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, BylineInline) and (obj is None or obj.pk is None):
            own = Author.objects.filter(user=request.user).first()
            if own is not None:
                kwargs["initial"] = [{"author": own.pk, "position": 0}]
        return kwargs

    def has_publish_permission(self, request) -> bool:
        return services.can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["updated_at"]
        if not services.can_publish(request.user):
            # Writers never set the workflow fields; "Save and submit for
            # review" is their one step, and it goes through the service.
            readonly += ["status", "published_at"]
        return readonly

    @staticmethod
    def _read_only_reason(article: Article) -> str:
        """Why a writer sees their own story read-only, and who can change it."""
        if article.status == Article.Status.ARCHIVED:
            why = _("This story is archived.")
        elif article.is_scheduled:
            why = _("This story is approved and scheduled.")
        elif article.status == Article.Status.PUBLISHED:
            why = _("This story is published.")
        else:  # someone whose role lets them read stories, not change them
            why = _("You may read this story but not change it.")
        names = [user.get_full_name() for user in services.editors()[:5]]
        if not names:
            return _("%(why)s Only an editor can change it now.") % {"why": why}
        return _("%(why)s Only an editor can change it now: %(editors)s.") % {"why": why, "editors": ", ".join(names)}

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
            # The headlines need the width (admin.css, "The article list").
            "is_nav_sidebar_enabled": False,
            "scheduling": {
                "upcoming": list(
                    mine.scheduled().order_by("published_at", "pk").only("pk", "headline", "published_at")[:3]
                ),
                "missed": mine.missed_time().count(),
                "scheduled_url": f"{changelist}?{SchedulingFilter.parameter_name}=scheduled",
                "missed_url": f"{changelist}?{SchedulingFilter.parameter_name}=missed",
            },
        }
        if restore.may_restore(request.user, Article, None):
            extra["recover_url"] = reverse("admin:newsroom_article_recover_list")
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            # Read only, the body is shown as readers see it, not as markup.
            fieldsets = [
                (name, {**options, "fields": ["body_as_read" if f == "body" else f for f in options["fields"]]})
                for name, options in fieldsets
            ]
        if obj is not None and obj.status == Article.Status.PUBLISHED and fieldsets:
            # "Substantive update" means something only for a published
            # story; it sits with the publishing fields (the last fieldset).
            name, options = fieldsets[-1]
            fieldsets[-1] = (name, {**options, "fields": [*options["fields"], "substantive_update"]})
        return fieldsets

    def get_list_display(self, request):
        preserved = self.get_preserved_filters(request)
        opts = self.opts

        def story(obj: Article):
            url = reverse("admin:newsroom_article_change", args=[obj.pk])
            url = add_preserved_filters({"preserved_filters": preserved, "opts": opts}, url)
            return format_html(
                '<a href="{}">{}</a><span class="article-list-meta">'
                '<span class="article-list-byline">{}</span> <span class="article-list-topics">{}</span></span>',
                url,
                obj.headline,
                self.author_names(obj),
                self.topic_names(obj),
            )

        story.short_description = _("headline")
        story.admin_order_field = "headline"
        return [story, *self.list_display[1:]]

    def get_list_display_links(self, request, list_display):
        # The story column makes its own link (the headline alone, not the
        # names under it).
        return None

    @admin.display(description=zoned_lazy(_("publication time")), ordering="published_at")
    def published_time(self, obj: Article):
        # The column's heading names the zone the times are in.
        return obj.published_at

    @admin.display(description=_("body"))
    def body_as_read(self, obj: Article):
        # Stored sanitised (the field's sanitize=True): safe to show as HTML.
        return mark_safe(obj.body)  # noqa: S308

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
        if obj is not None and obj.pk and not self.has_change_permission(request, obj):
            context["read_only_reason"] = self._read_only_reason(obj)
        context["show_submit_for_review"] = (
            not services.can_publish(request.user)
            and (obj is None or obj.status == Article.Status.DRAFT)
            and (obj is None or self.has_change_permission(request, obj))
        )
        context["form_sections"] = desk.arrange_form(
            context["adminform"], context["inline_admin_formsets"], self.inline_after
        )
        # The address the story will have: in its language's edition, not
        # the admin's (article-form.js follows the language field).
        patterns = {
            code: settings.SITE_URL + slug_path("newsroom:article-detail", "SLUG", code) for code in Article.Language
        }
        language = obj.language if obj is not None else Article._meta.get_field("language").default
        context["article_url"] = patterns[language]
        context["article_urls"] = json.dumps(patterns)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # The staff preview (admin:newsroom_article_preview) renders the reader
    # page, so it belongs to the site layer: newsroom.urls mounts
    # newsroom.site.views.staff_preview among the admin's addresses.
