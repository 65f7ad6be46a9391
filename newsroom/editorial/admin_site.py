"""The newsroom's admin site: Django's AdminSite with the desk as its start
page, the desk's publish URL, and the doors Django leaves open closed.

Installed by ``newsroom.apps.NewsroomAdminConfig`` (``default_site``), so
``admin.site`` is this site everywhere and the ModelAdmins register on it
as usual.

- The desk (``newsroom.editorial.desk``): ``index`` receives the desk's sections.
- "View on site" (``/admin/r/<content type>/<id>/``): Django's shortcut
  redirects any staff member to the address of any object of any model,
  with no permission check. A preview link's address is a secret, and a
  draft's address gives away its headline, so here the shortcut only
  answers for a model registered in this admin, an object the user may open
  through its ModelAdmin (``get_object``, which applies the row rules of
  ``get_queryset``), and one that has a public address (a ModelAdmin's
  ``view_on_site`` may say it has none, as a draft article's). Everything
  else is the same 404.
- Object pages of any model (a record's form, history, deletion): Django
  looks the record up before it checks the model permission on some of
  them (the history page), so a user without any right on a model could
  tell the ids that exist (a 403) from those that do not (a redirect).
  Every ModelAdmin registered here checks the model permission first
  (``PermissionFirst``): the same 403 for every id.
- Hand-made query strings (``QueryStringGuard``, on every ModelAdmin too):
  Django filters a list on any column or relation named in the query
  string, which told what hidden stories are about (``?articles=8``) and
  spelled out columns nobody is shown (``?related__icontains=``); here a
  list is filtered only by the filters it offers (400 otherwise). A popup's
  ``_to_field`` naming a reverse relation, and a prefilled date and time,
  were 500s.
- The autocomplete endpoint answers a 500 when ``field_name`` names a reverse
  relation (it has no ``limit_choices_to``): refused like any field without
  autocomplete.
"""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpResponseRedirect
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from newsroom.editorial import desk, language


class GuardedAutocompleteView(AutocompleteJsonView):
    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if not hasattr(source_field, "get_limit_choices_to"):
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name


class PermissionFirst:
    """Mixed into every ModelAdmin this site registers: no object is looked
    up for a user who may neither view nor change the model at all."""

    def get_object(self, request, object_id, from_field=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().get_object(request, object_id, from_field)


class QueryStringGuard:
    """Mixed into every ModelAdmin this site registers: what a hand-made
    query string may do to its pages. A list is filtered only by the filters
    it offers; a popup refers to a record only by a real column; a prefilled
    add form gets a time it can show (each was a leak or a 500)."""

    def to_field_allowed(self, request, to_field):
        # Django's check reads .primary_key of whatever field the name
        # finds, a reverse relation too: ?_to_field=bylines was a 500.
        try:
            field = self.opts.get_field(to_field)
        except FieldDoesNotExist:
            return False
        return field.concrete and super().to_field_allowed(request, to_field)

    def get_changeform_initial_data(self, request):
        # A date and time prefilled from the query string reaches the split
        # date/time widget as text, which it cannot show (a 500): it is
        # read as a date and time in the site's zone, or left out.
        initial = super().get_changeform_initial_data(request)
        for field in self.opts.concrete_fields:
            value = initial.get(field.name)
            if isinstance(field, models.DateTimeField) and isinstance(value, str):
                moment = parse_datetime(value) or _midnight(parse_date(value))
                if moment is None:
                    del initial[field.name]
                else:
                    initial[field.name] = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
        return initial

    def lookup_allowed(self, lookup, value, request=None):
        # Django lets a list be filtered by the query string on any column or
        # relation of its model, shown or not: /admin/alliances/person/
        # ?articles=8 named the people of an embargoed story, and
        # ?related__icontains= on a writer's own drafts spelled out, digit by
        # digit, the stored related list (ids and embargo times of scheduled
        # stories). A list is filtered only by what it offers: its filters
        # and its date hierarchy.
        if lookup.split(LOOKUP_SEP, 1)[0] not in self._offered_filters(request):
            return False
        return super().lookup_allowed(lookup, value, request)

    def _offered_filters(self, request) -> set[str]:
        """The fields a list filters on (their first part), and the
        parameters of its own filters (SimpleListFilter)."""
        names = {self.date_hierarchy.split(LOOKUP_SEP, 1)[0]} if self.date_hierarchy else set()
        for entry in self.get_list_filter(request) if request is not None else self.list_filter:
            path = entry[0] if isinstance(entry, (list, tuple)) else entry
            if isinstance(path, str):
                names.add(path.split(LOOKUP_SEP, 1)[0])
            elif isinstance(path, type) and issubclass(path, admin.SimpleListFilter):
                names.add(path.parameter_name)
        return names


def _midnight(day):
    return datetime.combine(day, time()) if day is not None else None


class NewsroomAdminSite(admin.AdminSite):
    # Named for the newsroom rather than "Django administration".
    site_header = site_title = settings.SITE_NAME
    index_title = _("The desk")

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        bases = (PermissionFirst, QueryStringGuard, admin_class)
        guarded = type(admin_class.__name__, bases, {"__module__": admin_class.__module__})
        super().register(model_or_iterable, guarded, **options)

    def index(self, request, extra_context=None):
        context = {"desk": desk.desk_sections(request.user), "front": desk.front_summary(request.user)}
        return super().index(request, {**context, **(extra_context or {})})

    def autocomplete_view(self, request):
        return GuardedAutocompleteView.as_view(admin_site=self)(request)

    def get_urls(self):
        ours = [
            path("desk/<int:pk>/publish/", self.admin_view(desk.publish_view), name="desk_publish"),
            path("language/", self.admin_view(language.choose_view), name="language"),
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            ),
        ]
        return ours + [pattern for pattern in super().get_urls() if getattr(pattern, "name", None) != "view_on_site"]

    def view_on_site(self, request, content_type_id, object_id):
        """The public address of an object the user may open in this admin."""
        if not (content_type_id.isascii() and content_type_id.isdigit() and len(content_type_id) < 10):
            raise Http404
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except ContentType.DoesNotExist as exc:
            raise Http404 from exc
        try:
            model_admin = self.get_model_admin(model)
        except NotRegistered as exc:
            raise Http404 from exc
        if not model_admin.has_view_or_change_permission(request):
            raise Http404
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404
        if callable(model_admin.view_on_site):
            url = model_admin.view_on_site(obj)
        elif model_admin.view_on_site and hasattr(obj, "get_absolute_url"):
            url = obj.get_absolute_url()
        else:
            url = None
        if not url:
            raise Http404
        return HttpResponseRedirect(url)
