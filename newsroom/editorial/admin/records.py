"""Authors and topics (with their aliases)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from newsroom.core.text import topic_key
from newsroom.editorial import services
from newsroom.editorial.admin.helpers import (
    AccentInsensitiveSearchMixin,
    ListCountsMixin,
    count_of,
    error_text,
    known_articles,
)
from newsroom.editorial.forms import (
    OwnRowsInlineFormSet,
)
from newsroom.editorial.uploads import IMAGE_UPLOADS
from newsroom.models import (
    Author,
    Byline,
    TaggedTopic,
    Topic,
    TopicAlias,
)

# Article.tags uses newsroom.Topic; taggit's own Tag table stays empty, and
# its admin page would only confuse editors looking for topics.
if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)

# A URL typed without a scheme ("example.org/story") is taken as https, the
# behaviour Django 6 makes the default.

# -- People and taxonomy -------------------------------------------------------


@admin.register(Author)
class AuthorAdmin(AccentInsensitiveSearchMixin, ListCountsMixin, admin.ModelAdmin):
    formfield_overrides = IMAGE_UPLOADS
    list_display = ["name", "slug", "user", "article_count"]
    list_select_related = ["user"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "bio", "bio_en", "photo", "user"]

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
    # ``name`` is what editors type to tag a story; readers see name_es and
    # name_en, each in its edition.
    list_display = ["name", "name_es", "name_en", "slug", "article_count"]
    # Aliases too: an editor typing "EE.UU." in the article form's topic
    # picker is offered the topic it stands for.
    search_fields = ["name", "name_es", "name_en", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "name_es", "name_en", "description"]
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
