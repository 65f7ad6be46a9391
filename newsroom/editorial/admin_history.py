"""Admin mixins so that editors never lose work.

- ``HistoryAdminMixin``: every save from the admin is one version
  (django-reversion) with who and a comment, taken once the inlines and tags
  are written; the History page lists versions, compares two of them and
  restores one with a click; deletions keep a last version, and deleted
  records can be recovered. Restoring goes through
  ``restore.restore_version``.
- ``EditLockAdminMixin``: the change form carries the version it loaded
  (``loaded_version``, the record's ``lock_version``); a save on a stale
  version is refused with a form error (forms.EditLockFormMixin), also when
  two saves race (services.claim_edit).
- ``PreviewLinksAdminMixin``: the article's shareable preview links, made,
  listed and revoked from a page of their own.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from reversion.models import Version

from newsroom.editorial import history, restore, services
from newsroom.models import Article, EditorialEvent, PreviewLink
from newsroom.stored import followups

HISTORY_ROWS = 200
RECOVER_ROWS = 100


def _error_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You are not allowed to do that.")


def _positive_int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19 else None


class HistoryAdminMixin:
    """For a ModelAdmin of a model registered with django-reversion."""

    #: Whether the change list offers a "Recover deleted" page.
    recoverable = False

    # -- one version per save, taken at the end of the save

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        # One save writes the record, its inlines and tags, perhaps a status
        # change, each announced by its own signals: their follow-up work is
        # queued once per kind, in the save's transaction.
        with history.one_version_per_save(user=request.user), followups.collect():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        history.record_version(obj, user=request.user, comment=entry.get_change_message() or _("Created."))
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        history.record_version(obj, user=request.user, comment=entry.get_change_message() or _("Saved unchanged."))
        return entry

    def delete_model(self, request, obj):
        restore.delete_with_history(instance=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            restore.delete_with_history(instance=obj, user=request.user)

    # -- pages

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        urls = [
            path(
                "<path:object_id>/history/compare/",
                view(self.history_compare_view),
                name=f"{prefix}_history_compare",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                view(self.history_restore_view),
                name=f"{prefix}_history_restore",
            ),
        ]
        if self.recoverable:
            urls += [
                path("recover/", view(self.recover_list_view), name=f"{prefix}_recover_list"),
                path("recover/<int:version_id>/", view(self.recover_view), name=f"{prefix}_recover"),
            ]
        return urls + super().get_urls()

    def _object_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such record, or not one you can open."))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _context(self, request, obj=None, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "app_label": self.opts.app_label,
            **extra,
        }

    def _url(self, name: str, *args) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)

    def history_view(self, request, object_id, extra_context=None):
        """The versions of one record (who, when, what), newest first, with
        a form to compare two and a button to restore each; then the audit
        trail of workflow events on it."""
        obj = self._object_or_404(request, object_id)
        versions = list(history.versions_of(obj)[:HISTORY_ROWS])
        if isinstance(obj, Article):
            events = EditorialEvent.objects.filter(article=obj)
        else:
            events = EditorialEvent.objects.filter(
                content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
            )
        context = self._context(
            request,
            obj,
            title=_("History of “%(name)s”") % {"name": obj},
            versions=versions,
            events=list(events.select_related("user")[:50]),
            can_restore=restore.may_restore(request.user, type(obj), obj),
            compare_url=self._url("history_compare", quote(obj.pk)),
            change_url=self._url("change", quote(obj.pk)),
            object_id=quote(obj.pk),
        )
        return TemplateResponse(request, "admin/newsroom/history.html", {**context, **(extra_context or {})})

    def history_compare_view(self, request, object_id):
        """Two versions side by side: what changed, field by field, line by
        line (the older one's lines struck out, the newer one's added).
        ``?a=`` and ``?b=`` name the versions; without them, the latest
        version against the one before."""
        obj = self._object_or_404(request, object_id)
        versions = history.versions_of(obj)
        chosen = [_positive_int(request.GET.get(key)) for key in ("a", "b")]
        if all(chosen):
            picked = list(versions.filter(pk__in=chosen))
            if len(picked) != len(set(chosen)):
                raise Http404(_("No such version of this record."))
        else:
            picked = list(versions[:2])
        if len(picked) == 1:
            picked = picked * 2
        if len(picked) < 2:
            raise Http404(_("This record has no versions to compare yet."))
        older, newer = sorted(picked, key=lambda v: (v.revision.date_created, v.pk))
        reader = request.user
        changes = history.compare(history.snapshot(older, reader=reader), history.snapshot(newer, reader=reader))
        context = self._context(
            request,
            obj,
            title=_("Compare versions of “%(name)s”") % {"name": obj},
            older=older,
            newer=newer,
            changes=changes,
            history_url=self._url("history", quote(obj.pk)),
            can_restore=restore.may_restore(request.user, type(obj), obj),
            object_id=quote(obj.pk),
        )
        return TemplateResponse(request, "admin/newsroom/history_compare.html", context)

    def history_restore_view(self, request, object_id, version_id):
        """POST: bring the version back through ``restore.restore_version``.
        Someone who may open the record but not restore it is refused at
        the door, before any version is looked up."""
        obj = self._object_or_404(request, object_id)
        if not restore.may_restore(request.user, type(obj), obj):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = history.versions_of(obj).filter(pk=version_id).first()
        if version is None:
            raise Http404(_("No such version of this record."))
        try:
            result = restore.restore_version(version=version, user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(
                request, _("The version was not restored: %(reason)s") % {"reason": _error_text(exc)}, messages.ERROR
            )
            return HttpResponseRedirect(self._url("history", quote(obj.pk)))
        self._report_restore(request, result, _("Restored the version of %(when)s."))
        return HttpResponseRedirect(self._url("change", quote(obj.pk)))

    def recover_list_view(self, request):
        """Deleted records of this model, each with its last version."""
        if not restore.may_restore(request.user, self.model, None):
            raise PermissionDenied
        deleted = (
            Version.objects.get_deleted(self.model)
            .select_related("revision__user")
            .order_by("-revision__date_created", "-pk")[:RECOVER_ROWS]
        )
        context = self._context(
            request,
            title=_("Recover deleted %(things)s") % {"things": self.opts.verbose_name_plural},
            deleted=list(deleted),
            changelist_url=self._url("changelist"),
        )
        return TemplateResponse(request, "admin/newsroom/recover_list.html", context)

    def recover_view(self, request, version_id):
        """POST: recreate a deleted record from its last version. Whoever may
        not recover is refused before the version is looked up: the same
        answer for every id."""
        if not restore.may_restore(request.user, self.model, None):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = Version.objects.get_deleted(self.model).filter(pk=version_id).first()
        if version is None:
            raise Http404(_("No such deleted record."))
        try:
            result = restore.restore_version(version=version, user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(
                request, _("It was not recovered: %(reason)s") % {"reason": _error_text(exc)}, messages.ERROR
            )
            return HttpResponseRedirect(self._url("recover_list"))
        self._report_restore(request, result, _("Recovered from the version of %(when)s."))
        return HttpResponseRedirect(self._url("change", quote(result.obj.pk)))

    def _report_restore(self, request, result, text: str) -> None:
        from django.utils import timezone

        when = timezone.localtime(result.version.revision.date_created).strftime("%Y-%m-%d %H:%M")
        message = text % {"when": when}
        if isinstance(result.obj, Article) and result.obj.status != Article.Status.DRAFT and not result.recovered:
            message += " " + _("Its status (%(status)s) did not change.") % {"status": result.obj.get_status_display()}
        elif isinstance(result.obj, Article) and result.recovered:
            message += " " + _("It is a draft: publish it again when it is ready.")
        for note in result.notes:
            message += " " + note
        self.message_user(request, message, messages.SUCCESS)


class EditLockAdminMixin:
    """For a ModelAdmin whose form mixes in ``forms.EditLockFormMixin`` and
    whose model has ``lock_version`` and ``last_edited_by``."""

    def get_fieldsets(self, request, obj=None):
        # The hidden version travels in the first fieldset: fieldsets are
        # laid out elsewhere, and the admin renders only listed fields.
        fieldsets = [(name, dict(options)) for name, options in super().get_fieldsets(request, obj)]
        if fieldsets and obj is not None:
            name, options = fieldsets[0]
            options["fields"] = [*options["fields"], "loaded_version"]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if getattr(request, "newsroom_edit_conflict", False):
            form = type(form.__name__, (form,), {"known_conflict": True})
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.EditConflict:
            # Someone's save won the race after this form passed its check;
            # the transaction rolled back. Show the form again, with the
            # editor's text and the conflict error.
            request.newsroom_edit_conflict = True
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            services.claim_edit(instance=obj, expected_version=form.cleaned_data["loaded_version"], user=request.user)
        else:
            obj.last_edited_by = request.user
        super().save_model(request, obj, form, change)


class PreviewLinksAdminMixin:
    """The article's shareable preview links: /admin/.../<id>/preview-links/."""

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/preview-links/",
                self.admin_site.admin_view(self.preview_links_view),
                name="newsroom_article_preview_links",
            ),
        ]
        return urls + super().get_urls()

    def preview_links_view(self, request, object_id):
        """GET: the links made for this article (active ones first). POST
        ``create`` (with ``days``) makes one; POST ``revoke`` (a link id)
        stops one. Everything goes through the services."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("No such article, or not one you can open."))
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        here = reverse("admin:newsroom_article_preview_links", args=[quote(article.pk)])
        if request.method == "POST":
            try:
                if "revoke" in request.POST:
                    link = PreviewLink.objects.filter(article=article, pk=_positive_int(request.POST["revoke"])).first()
                    if link is None:
                        raise Http404(_("No such preview link."))
                    services.revoke_preview_link(link=link, user=request.user)
                    self.message_user(request, _("The preview link was revoked; it no longer opens."), messages.SUCCESS)
                else:
                    days = _positive_int(request.POST.get("days", "7"))
                    if days is None:
                        raise ValidationError(_("Give the number of days the link should last."))
                    services.create_preview_link(article=article, user=request.user, days=days)
                    self.message_user(
                        request, _("A preview link was made. Copy it from the list below."), messages.SUCCESS
                    )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, _error_text(exc), messages.ERROR)
            return HttpResponseRedirect(here)
        links = list(article.preview_links.select_related("created_by"))
        links.sort(key=lambda link: (not link.is_active, -link.created_at.timestamp()))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": article,
            "app_label": self.opts.app_label,
            "title": _("Preview links for “%(headline)s”") % {"headline": article},
            "links": [(link, request.build_absolute_uri(link.get_absolute_url())) for link in links],
            "is_public": article.is_public,
            "change_url": reverse("admin:newsroom_article_change", args=[quote(article.pk)]),
        }
        return TemplateResponse(request, "admin/newsroom/article/preview_links.html", context)
