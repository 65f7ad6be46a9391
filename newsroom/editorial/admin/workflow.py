"""Corrections, the editorial audit trail and redirects."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from newsroom.editorial import services
from newsroom.editorial.admin.helpers import (
    SafeAutocompleteMixin,
    known_articles,
)
from newsroom.models import (
    Correction,
    EditorialEvent,
    Redirect,
)


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
