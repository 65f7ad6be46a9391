"""The article screens: the story form with its inlines, the list with its
filters and bulk actions. State changes go through
``newsroom.editorial.services``; which articles a writer may open is
``Article.objects.viewable_by``, and which they may change
``editable_by`` plus ``services.can_edit`` (the others open read only)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from alliances.models import ArticleAgreement
from newsroom.core import formats
from newsroom.core.converters import slug_path
from newsroom.core.formats import zoned_lazy
from newsroom.editorial import autosave, desk, restore, services, suggestions
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
    WorkingCopy,
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
    save_on_top = True
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
        (_("Story"), {"fields": ["headline", "slug", "dek", "body", "suggestions_dismissed"]}),
        (_("Media"), {"fields": ["image", "image_alt", "image_caption", "image_credit"]}),
        (_("Topics and countries"), {"fields": ["tags", "new_topics", "countries"]}),
        (_("People and organisations"), {"fields": ["people", "organizations"]}),
        # No status menu: the state changes through the buttons of the
        # submit rows, top and bottom (story_actions, submit_line.html).
        (_("Publishing"), {"fields": ["published_at", "language", "updated_at"]}),
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
        # The form offers only the topics this user may know of, and checks
        # the button pressed against what the user may do (its clean()).
        form = super().get_form(request, obj, change=change, **kwargs)
        attrs = {"user": request.user, "action": self._action(request)}
        if request.method == "GET" and request.GET.get("restore") == "1":
            # "Restore it" on the autosave notice: the form opens with the
            # kept words, and the version they were written against.
            attrs["restored"] = autosave.pending(user=request.user, article=obj)
        return type(form.__name__, (form,), attrs)

    @staticmethod
    def _action(request) -> str | None:
        """The button pressed: one of services.ACTIONS, "save" for a form
        posted some other way (Django's own save buttons, Enter in a field),
        None on a GET."""
        if request.method != "POST":
            return None
        return request.POST.get("_action") or "save"

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
        if not services.can_publish(request.user) or (obj is not None and obj.status == Article.Status.ARCHIVED):
            # Writers never set the time; "Send to review" is their one step.
            # An archived story keeps the time it was published at.
            readonly += ["published_at"]
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

        def story(obj: Article):
            url = self._form_url(obj.pk, preserved)
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
            if "slug" in form.changed_data and not self._stays_public(form, obj):
                # Renamed and taken off the site in one save: the new address
                # was never public, and a redirect would hand it (and so the
                # new headline) to anyone at the old one.
                obj.forget_address()
        else:
            obj.status, obj.published_at = Article.Status.DRAFT, None
        super().save_model(request, obj, form, change)

    @staticmethod
    def _stays_public(form, article: Article) -> bool:
        """Whether the workflow part of this save (_apply_workflow) leaves
        the article public: published now, or public and only saved (at a
        time, if one was typed, that has come)."""
        if form.action == "publish":
            return True
        if form.action != "save" or not article.is_visible():
            return False
        at = form.cleaned_data.get("published_at") if "published_at" in form.changed_data else None
        return at is None or at <= timezone.now()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        # Saved: the autosaved copy of this form has nothing left to offer.
        autosave.settled(user=request.user, article=article if change else None)
        if not change and not services.can_publish(request.user):
            self._add_own_byline(request, article)
        try:
            self._apply_workflow(request, form, article)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(
                request,
                _("The article was saved, but its state did not change: %(reason)s") % {"reason": error_text(exc)},
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
        """Carry out the button pressed, through its service, once the
        content is saved. The form has already refused an action the user
        may not take (ArticleAdminForm.clean); the service checks again, and
        a refusal there (another editor changed the story meanwhile) is
        reported by save_related."""
        action = form.action or "save"
        Status = Article.Status
        user = request.user
        if action == "review" and article.status == Status.DRAFT:
            services.submit_for_review(article=article, user=user)
            if "published_at" in form.changed_data:
                # An editor's slot for it, typed with the hand-over.
                services.plan(article=article, user=user, at=form.cleaned_data["published_at"])
        elif action == "publish":
            # Now; an archived story goes back at the time it first had.
            at = article.published_at if article.status == Status.ARCHIVED else timezone.now()
            services.publish(article=article, user=user, at=at)
        elif action == "schedule":
            services.schedule(article=article, user=user, at=form.cleaned_data.get("published_at"))
        elif action == "unpublish":
            services.unpublish(article=article, user=user)
        elif action == "archive":
            services.archive(article=article, user=user)
        elif "published_at" in form.changed_data:
            # "Save" with a time typed: a draft's or review's planned slot
            # (services.plan), a published story's new time.
            services.change_status(
                article=article, user=user, status=article.status, published_at=form.cleaned_data["published_at"]
            )
        self.message_user(request, self._done_message(action, article), messages.SUCCESS)

    @staticmethod
    def _done_message(action: str, article: Article) -> str:
        if article.is_scheduled and action in ("schedule", "save", "publish"):
            return _("Scheduled: “%(headline)s” appears on %(time)s.") % {
                "headline": article.headline,
                "time": formats.moment(article.published_at),
            }
        return {
            "save": _("Saved: “%(headline)s”."),
            "review": _("Sent to review: “%(headline)s”."),
            "publish": _("Published: “%(headline)s”."),
            "unpublish": _("Unpublished, back to draft: “%(headline)s”."),
            "archive": _("Archived: “%(headline)s”."),
        }[action] % {"headline": article.headline}

    def response_add(self, request, obj, post_url_continue=None):
        if "_action" not in request.POST or IS_POPUP_VAR in request.POST:
            # In a popup (a story made from the front page's picker) Django's
            # answer closes it and hands the story to the field.
            return super().response_add(request, obj, post_url_continue)
        return self._stay_on_form(request, obj)

    def response_change(self, request, obj):
        if "_action" not in request.POST or IS_POPUP_VAR in request.POST:
            return super().response_change(request, obj)
        return self._stay_on_form(request, obj)

    def _stay_on_form(self, request, obj):
        """After a button of the story form: back to the same form, which now
        shows the story's new state and the buttons that go with it (the
        message was given by _apply_workflow)."""
        return HttpResponseRedirect(self._form_url(obj.pk, self.get_preserved_filters(request)))

    def _form_url(self, pk: int, preserved_filters: str) -> str:
        """A story's form, keeping the list's filters so that leaving the
        form returns to the same list."""
        url = reverse("admin:newsroom_article_change", args=[pk])
        return add_preserved_filters({"preserved_filters": preserved_filters, "opts": self.opts}, url)

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

    # -- suggestions while writing

    #: The longest text the suggestion panel reads (characters of the body's
    #: HTML): several times a long read; more is refused with a 400.
    SUGGEST_MAX = 400_000

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("suggest/", view(self.suggest_view), name="newsroom_article_suggest"),
            path("autosave/", view(self.autosave_view), name="newsroom_article_autosave"),
            path("autosave/discard/", view(self.autosave_discard_view), name="newsroom_article_autosave_discard"),
            *super().get_urls(),
        ]

    # -- autosave

    def _autosaved_story(self, request) -> Article | None:
        """The story an autosave request is about (POST "article": its id,
        empty for a new story), once the user is known to be allowed to
        change it; Http404 for one they cannot open."""
        article_id = request.POST.get("article", "")
        if not article_id:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        article = self.get_object(request, article_id)
        if article is None:
            raise Http404(_("No such article, or not one you can open."))
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def autosave_view(self, request):
        """POST from the story form every few seconds and when the page is
        left (article-form.js): with "keep", the form's words are kept as
        the user's working copy (newsroom.editorial.autosave); without, it
        only says the form is still open. Answers who else is in the story."""
        if request.method != "POST":
            return JsonResponse({"error": "POST the form's words, or nothing to say it is still open."}, status=405)
        article = self._autosaved_story(request)
        if "keep" in request.POST:
            fields = {name: request.POST.get(name, "") for name in WorkingCopy.FIELDS}
            if sum(len(value) for value in fields.values()) > autosave.MAX_CHARACTERS:
                return JsonResponse({"error": "The story is too long to keep."}, status=400)
            version = request.POST.get("loaded_version", "")
            if version and not re.fullmatch(r"[0-9]{1,9}", version):
                return JsonResponse({"error": "loaded_version must be a whole number."}, status=400)
            opened = request.POST.get("opened", "")
            if opened and not re.fullmatch(r"[0-9]{1,16}", opened):
                return JsonResponse({"error": "opened must be the form's opening time, in milliseconds."}, status=400)
            autosave.keep(
                user=request.user,
                article=article,
                fields=fields,
                base_version=int(version) if version else None,
                opened_at=datetime.fromtimestamp(int(opened) / 1000, tz=UTC) if opened else None,
            )
        else:
            autosave.still_here(user=request.user, article=article)
        return JsonResponse(
            {"kept": "keep" in request.POST, "others": autosave.others_in(article=article, user=request.user)}
        )

    def autosave_discard_view(self, request):
        """POST from the autosave notice: the kept copy is turned down."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._autosaved_story(request)
        autosave.discard(user=request.user, article=article)
        self.message_user(request, _("The copy kept automatically was discarded."), messages.SUCCESS)
        if article is None:
            return HttpResponseRedirect(reverse("admin:newsroom_article_add"))
        return HttpResponseRedirect(reverse("admin:newsroom_article_change", args=[article.pk]))

    def suggest_view(self, request):
        """POST headline, dek, body (HTML) and language: the records they
        name (newsroom.editorial.suggestions), as JSON for the panel beside
        the body. Only for who may write a story; it names countries,
        people, organisations and agreements, the reference records every
        member of staff reads (and picks from in the story form's own
        autocompletes), never a story."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        if request.method != "POST":
            return JsonResponse({"error": "POST the story's headline, dek, body and language."}, status=405)
        fields = {name: request.POST.get(name, "") for name in ("headline", "dek", "body")}
        if sum(len(value) for value in fields.values()) > self.SUGGEST_MAX:
            return JsonResponse({"error": "The text is too long to read for suggestions."}, status=400)
        language = request.POST.get("language", "")
        if language not in ("", *Article.Language.values):
            return JsonResponse({"error": "language must be one of: " + ", ".join(Article.Language.values)}, status=400)
        return JsonResponse(suggestions.suggest(**fields, language=language))

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
        context["story_actions"] = self._story_actions(request, obj)
        if context["story_actions"]:
            story = obj if obj is not None and obj.pk else None
            kept = autosave.pending(user=request.user, article=story)
            if kept is not None and not (request.method == "GET" and request.GET.get("restore") == "1"):
                when = formats.moment(kept.changed_at)
                context["working_copy"] = {
                    "differences": autosave.differences(kept, story),
                    "title": _("Words you typed were not saved"),
                    "text": (
                        _("The form kept a copy of this story at %(time)s that differs from the saved one:")
                        if story
                        else _("The form kept a copy of a story you were writing at %(time)s:")
                    )
                    % {"time": when},
                    "restore": _("Restore it"),
                    "discard": _("Discard it"),
                }
            others = autosave.others_in(article=story, user=request.user)
            context["presence"] = self._presence_text(others)

            context["autosave_url"] = reverse("admin:newsroom_article_autosave")
            # When this form was made, sent back with each copy (autosave.keep).
            context["autosave_opened"] = int(timezone.now().timestamp() * 1000)
            context["autosave_discard_url"] = reverse("admin:newsroom_article_autosave_discard")
        # The words of the buttons' row and of the "Schedule…" dialog
        # (article-form.js reads them from data attributes).
        context["story_words"] = {
            "status": _("Status:"),
            "schedule_title": _("Schedule the story"),
            "schedule_date": _("Day"),
            "schedule_time": formats.zoned(_("Time")),
            "schedule_confirm": _("Schedule"),
            "schedule_cancel": _("Cancel"),
            "schedule_missing": _("Choose the day and the time."),
            "new_topic": _("New topic: %s"),
            "counter_shown": _("%(length)s / %(soft)s characters shown by search engines"),
            "counter_over_headline": _(
                "%(length)s / %(soft)s characters: search engines will cut this headline after about "
                "%(soft)s characters"
            ),
            "counter_over_dek": _(
                "%(length)s / %(soft)s characters: search engines will cut this dek after about %(soft)s characters"
            ),
            "counter_max": _("(at most %(max)s)"),
            "address": _("Address:"),
            "presence": _("Also in this story now: %s. Whoever saves second is told, and nothing is overwritten."),
            "suggestions": _("Named in the text"),
            "suggestions_help": _("Records of the newsroom that the story names. Add each with one click."),
            "suggestions_none": _(
                "Nothing yet: countries, people, organisations and agreements appear here as you write."
            ),
            "suggestions_done": _("Everything the text names is added or dismissed."),
            "suggest_add": _("Add %s"),
            "suggest_dismiss": _("Dismiss %s"),
            "suggest_kinds": json.dumps(
                {
                    "countries": str(_("Countries")),
                    "people": str(_("People")),
                    "organizations": str(_("Organisations")),
                    "agreements": str(_("Agreements")),
                }
            ),
        }
        context["suggest_url"] = reverse("admin:newsroom_article_suggest")
        if obj is not None and obj.pk:
            context["story_state"] = self._state_line(obj)
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

    def _state_line(self, obj: Article) -> str:
        """The story's state above its buttons, with its time when it has
        one still to come ("Scheduled · 9 December 2026, 08:00 (Cuba time)")."""
        label = self.status_label(obj)
        if obj.published_at and (obj.is_scheduled or obj.status in (Article.Status.DRAFT, Article.Status.REVIEW)):
            return format_html("{} · {}", label, formats.moment(obj.published_at))
        return label

    @staticmethod
    def _presence_text(others: list[str]) -> str:
        if not others:
            return ""
        return _("Also in this story now: %s. Whoever saves second is told, and nothing is overwritten.") % ", ".join(
            others
        )

    def _story_actions(self, request, obj: Article | None) -> list[dict]:
        """The buttons of the submit rows: what services.available_actions
        lets this user do, labelled for the story's state. The first saves
        (a press of Enter in a field saves too); the one marked primary is
        the usual next step."""
        names = services.available_actions(request.user, obj)
        Status = Article.Status
        status = obj.status if obj is not None and obj.pk else Status.DRAFT
        labels = {
            "save": {Status.DRAFT: _("Save draft"), Status.REVIEW: _("Save")}.get(status, _("Save changes")),
            "review": _("Send to review"),
            "publish": _("Publish again") if status == Status.ARCHIVED else _("Publish now"),
            "schedule": _("Schedule…"),
            "unpublish": _("Unpublish"),
            "archive": _("Archive"),
        }
        primary = next((name for name in ("publish", "review") if name in names), "save")
        return [
            {
                "name": name,
                "label": labels[name],
                "primary": name == primary,
                "secondary": name in ("unpublish", "archive"),
            }
            for name in names
        ]

    # The staff preview (admin:newsroom_article_preview) renders the reader
    # page, so it belongs to the site layer: newsroom.urls mounts
    # newsroom.site.views.staff_preview among the admin's addresses.
