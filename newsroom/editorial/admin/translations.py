"""The article form's translation tools, through
``newsroom.editorial.translations``:

- "Translate into English" / "Traducir al español" (``translate_view``, a
  POST): starts the translation as a linked draft and opens it; once a
  translation exists the form links to it instead.
- The translation page (``translation_view``): link an existing article as
  the translation (typed as its id, its slug or either of its addresses),
  or unlink it.
- A list filter: with a translation, without one, stale translations.

The doors are the article's own: the article is looked up among those the
user may open (``get_object``, ``Article.objects.viewable_by``) and must be
one they may change (``editable_by``); the other article of a link is looked up the same way,
so a writer can neither reach nor name a colleague's draft. Nothing here
answers 500 or saves half: the services raise ValidationError or
PermissionDenied, shown as a message.
"""

from __future__ import annotations

from urllib.parse import unquote as url_unquote
from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsroom.editorial import translations
from newsroom.editorial.admin.helpers import error_text
from newsroom.models import Article

# The button, in the language the story is translated into (as a language
# switcher names each language in its own words).
TRANSLATE_INTO = {
    "en": gettext_lazy("Translate into English"),
    "es": gettext_lazy("Translate into Spanish"),
}
TRANSLATION_IN = {
    "en": gettext_lazy("English translation"),
    "es": gettext_lazy("Spanish translation"),
}
# The longest address or slug worth looking up.
LOOKUP_MAX = 500


def find_article(user, text: str) -> Article | None:
    """The article ``text`` names, among those ``user`` may change: its id,
    its slug, its public address or its admin address. None otherwise,
    whether it does not exist or is not the user's to change."""
    text = (text or "").strip()
    if not text or len(text) > LOOKUP_MAX:
        return None
    articles = Article.objects.editable_by(user)
    if text.isascii() and text.isdigit():
        return articles.filter(pk=int(text)).first() if len(text) < 19 else None
    parts = [url_unquote(part) for part in urlsplit(text).path.split("/") if part]
    if not parts:
        return None
    if "admin" in parts and "article" in parts:
        # /admin/newsroom/article/<id>/change/
        after = parts[parts.index("article") + 1 :]
        pk = after[0] if after else ""
        return articles.filter(pk=int(pk)).first() if pk.isascii() and pk.isdigit() and len(pk) < 19 else None
    return articles.filter(slug=parts[-1].lower()).first()


def _language_text(texts: dict, language: str) -> str:
    with translation.override(language):
        return str(texts.get(language, translations.language_label(language)))


class TranslationListFilter(admin.SimpleListFilter):
    """Articles with a translation, without one, and translations whose
    source changed since they were revised (the desk's "Stale
    translations")."""

    title = gettext_lazy("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            ("linked", _("Has a translation")),
            ("none", _("No translation")),
            ("stale", _("Stale translations")),
        ]

    def queryset(self, request, queryset):
        paired = Exists(Article.objects.filter(translation_key=OuterRef("translation_key")).exclude(pk=OuterRef("pk")))
        if self.value() == "linked":
            return queryset.filter(paired)
        if self.value() == "none":
            return queryset.exclude(paired)
        if self.value() == "stale":
            stale = translations.stale_translations(Article.objects.editable_by(request.user))
            return queryset.filter(pk__in=[row.translation.pk for row in stale])
        return queryset


class TranslationAdminMixin:
    """For ArticleAdmin: the translate button, the translation page and the
    change form's translation panel."""

    def get_urls(self):
        view = self.admin_site.admin_view
        urls = [
            path("<path:object_id>/translate/", view(self.translate_view), name="newsroom_article_translate"),
            path("<path:object_id>/translation/", view(self.translation_view), name="newsroom_article_translation"),
        ]
        return urls + super().get_urls()

    def _changeable(self, request, object_id) -> Article:
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("No such article, or not one you can open."))
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def translate_view(self, request, object_id):
        """POST: start the translation of the article (a linked draft in
        the other language) and open it."""
        # Who may not change the article learns that first (a writer opens
        # their published story, read only), whatever the method.
        article = self._changeable(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        change_url = reverse("admin:newsroom_article_change", args=[quote(article.pk)])
        try:
            draft = translations.start_translation(source=article, user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(
                request, _("No translation was started: %(reason)s") % {"reason": error_text(exc)}, messages.ERROR
            )
            return HttpResponseRedirect(change_url)
        self.message_user(
            request,
            _(
                "The %(language)s translation of “%(headline)s” is a draft with the original's text: translate it,"
                " then send it on like any story. It is not published until someone publishes it."
            )
            % {"language": translations.language_label(draft.language), "headline": article.headline},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:newsroom_article_change", args=[quote(draft.pk)]))

    def translation_view(self, request, object_id):
        """The article's translation: GET shows it (or that there is none)
        with a form to link an existing article; POST ``link`` (with
        ``article``: an id, slug or address) links one, POST ``unlink``
        parts them."""
        article = self._changeable(request, object_id)
        here = reverse("admin:newsroom_article_translation", args=[quote(article.pk)])
        if request.method == "POST":
            try:
                if "unlink" in request.POST:
                    translations.unlink(article=article, user=request.user)
                    self.message_user(
                        request,
                        _("“%(headline)s” is no longer linked to a translation.") % {"headline": article.headline},
                        messages.SUCCESS,
                    )
                else:
                    other = find_article(request.user, request.POST.get("article", ""))
                    if other is None:
                        raise ValidationError(_("No article you can change has that id or address."))
                    translations.link(article=article, translation=other, user=request.user)
                    self.message_user(
                        request,
                        _("“%(other)s” is now linked as the %(language)s translation of “%(headline)s”.")
                        % {
                            "other": other.headline,
                            "language": translations.language_label(other.language),
                            "headline": article.headline,
                        },
                        messages.SUCCESS,
                    )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, error_text(exc), messages.ERROR)
            return HttpResponseRedirect(here)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": article,
            "app_label": self.opts.app_label,
            "title": _("Translation of “%(headline)s”") % {"headline": article.headline},
            "panel": self.translation_panel(request, article),
            "change_url": reverse("admin:newsroom_article_change", args=[quote(article.pk)]),
        }
        return TemplateResponse(request, "admin/newsroom/article/translation.html", context)

    def translation_panel(self, request, article: Article) -> dict:
        """What the form says about the article's translation: the
        translation (named only to a user who may know of it), or the
        button that starts one."""
        language = translations.other_language(article.language)
        partner = translations.translation_of(article)
        # The page that links and unlinks translations is only for who may
        # change the article (a writer reading their published story may not).
        manage_url = None
        if self.has_change_permission(request, article):
            manage_url = reverse("admin:newsroom_article_translation", args=[quote(article.pk)])
        panel = {
            "language": language,
            "none_yet": _("No translation in %(language)s yet.") % {"language": translations.language_label(language)},
            "manage_url": manage_url,
            "translation": None,
            "hidden": False,
        }
        if partner is None:
            if self.has_add_permission(request) and self.has_change_permission(request, article):
                panel["translate_url"] = reverse("admin:newsroom_article_translate", args=[quote(article.pk)])
                panel["translate_label"] = _language_text(TRANSLATE_INTO, language)
            return panel
        panel["label"] = str(TRANSLATION_IN.get(partner.language, translations.language_label(partner.language)))
        if not Article.objects.known_to(request.user).filter(pk=partner.pk).exists():
            # A colleague's draft, paired by an editor: it exists, and that
            # is all this user learns.
            panel["hidden"] = True
            return panel
        panel["translation"] = partner
        panel["status"] = partner.get_status_display()
        if Article.objects.viewable_by(request.user).filter(pk=partner.pk).exists():
            panel["url"] = reverse("admin:newsroom_article_change", args=[quote(partner.pk)])
        elif partner.is_visible():
            panel["url"] = partner.get_absolute_url()
        panel["can_unlink"] = self.has_change_permission(request, partner) if "url" in panel else False
        return panel

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and change:
            context["translation_panel"] = self.translation_panel(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)
