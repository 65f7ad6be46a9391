"""The front page's screen: the lead of each edition (and changes of lead
scheduled ahead), the featured stories, the topic blocks. Editors only: the
model rights are the Editor group's (migration 0017), and a writer who types
the address gets the admin's 403.

There is one front page (its row is made by migration 0017); the desk
links to it."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from newsroom.editorial.admin.helpers import SafeAutocompleteMixin
from newsroom.editorial.forms import OwnRowsInlineFormSet
from newsroom.models import FrontPage, FrontPageFeature, FrontPageLead, FrontPageTopic
from newsroom.models.front import FEATURED_SLOTS, TOPIC_BLOCKS


class FeaturesFormSet(OwnRowsInlineFormSet):
    def clean(self):
        super().clean()
        per_edition: dict[str, int] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            article = data.get("article")
            if article is None or data.get("DELETE"):
                continue
            per_edition[article.language] = per_edition.get(article.language, 0) + 1
        if any(count > FEATURED_SLOTS for count in per_edition.values()):
            raise forms.ValidationError(
                _("At most %(count)d featured stories per edition.") % {"count": FEATURED_SLOTS}
            )


class TopicsFormSet(OwnRowsInlineFormSet):
    def clean(self):
        super().clean()
        kept = [f for f in self.forms if (getattr(f, "cleaned_data", None) or {}).get("topic") is not None]
        if sum(1 for f in kept if not f.cleaned_data.get("DELETE")) > TOPIC_BLOCKS:
            raise forms.ValidationError(_("At most %(count)d topic blocks.") % {"count": TOPIC_BLOCKS})


class LeadInline(SafeAutocompleteMixin, admin.TabularInline):
    model = FrontPageLead
    formset = OwnRowsInlineFormSet
    autocomplete_fields = ["article"]
    fields = ["article", "starts_at"]
    extra = 1
    verbose_name_plural = _("Lead story (the newest pick that has started leads its story's edition)")


class FeatureInline(SafeAutocompleteMixin, admin.TabularInline):
    model = FrontPageFeature
    formset = FeaturesFormSet
    autocomplete_fields = ["article"]
    fields = ["article", "position"]
    extra = 1


class TopicInline(SafeAutocompleteMixin, admin.TabularInline):
    model = FrontPageTopic
    formset = TopicsFormSet
    autocomplete_fields = ["topic"]
    fields = ["topic", "position"]
    extra = 1


@admin.register(FrontPage)
class FrontPageAdmin(admin.ModelAdmin):
    inlines = [LeadInline, FeatureInline, TopicInline]
    fields = []
    list_display = ["__str__", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, FrontPageLead) and instance.created_by_id is None:
                instance.created_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()
