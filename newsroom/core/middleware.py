"""A database outage is answered with a 503 page, not a 500.

While PostgreSQL restarts, queries fail with OperationalError or
InterfaceError. Readers get a short "back in a moment" page with Retry-After,
and the site recovers by itself: CONN_HEALTH_CHECKS makes the next request
open a fresh connection instead of reusing the broken one.
"""

import logging
import re

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, QueryDict
from django.template.loader import render_to_string
from django.utils import translation

from newsroom.core.editions import default_language, split_path
from newsroom.core.text import UNWANTED_CONTROLS, without_controls

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("database unavailable: %s", exception)
        return database_unavailable(request)


def database_unavailable(request=None) -> HttpResponse:
    """The 503 page; renders without the database or any context processor.

    The broken connection is not closed here: CONN_HEALTH_CHECKS makes the
    next request test it and open a new one.
    """
    # In the language of the address (an outage may come before the edition
    # middleware has run); the admin's in the site's default language.
    language = split_path(request.path_info)[0] if request is not None else default_language()
    with translation.override(language):
        response = HttpResponse(render_to_string("503.html", {"ui_lang": language}), status=503)
    response["Content-Language"] = language
    response["Retry-After"] = "10"
    response["Cache-Control"] = "no-store"
    return response


_ID = re.compile(r"[0-9]{1,18}")
_MAX_ID = 2**63 - 1
_DATE_PART_RANGES = {"__year": (1, 9998), "__month": (1, 12), "__day": (1, 31)}


class AdminInputGuardMiddleware:
    """Answers 400 to two kinds of hand-made admin requests that Django's own
    admin code turns into a 500: a changelist action whose selected ids are
    not ids (``_selected_action=abc``), and a date filter outside the range a
    date can hold (``?created_at__year=0``), and a query-string number too big
    for any database integer. Every primary key here is an integer, so an id
    is 1 to 18 ASCII digits."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/"):
            if not self._valid(request):
                return HttpResponseBadRequest("Invalid selection or date filter.", content_type="text/plain")
            if request.method == "POST":
                request.POST = self._without_controls(request.POST)
        return self.get_response(request)

    @staticmethod
    def _without_controls(data: QueryDict) -> QueryDict:
        """What an editor typed or pasted, without the control characters no
        field should hold (newsroom.core.text): dropped, not refused, so a
        paste from a PDF saves as it reads. (Django's forms refuse a NUL
        with an error.) Passwords are left exactly as typed."""
        if not any(UNWANTED_CONTROLS.search(value) for value in data.values()):
            return data
        cleaned = data.copy()
        for key, values in data.lists():
            if "password" not in key:
                cleaned.setlist(key, [without_controls(value) for value in values])
        return cleaned

    @staticmethod
    def _valid(request) -> bool:
        selected = request.POST.getlist("_selected_action") if request.method == "POST" else []
        if not all(_ID.fullmatch(value) for value in selected):
            return False
        for key, values in request.GET.lists():
            # A number no database integer can hold (a hand-made prefill such
            # as ?article=99999999999999999999) overflows SQLite's driver.
            if any(value.isascii() and value.isdigit() and int(value) > _MAX_ID for value in values):
                return False
            for suffix, (low, high) in _DATE_PART_RANGES.items():
                if key.endswith(suffix):
                    for value in values:
                        if not (value.isascii() and value.isdigit() and len(value) <= 4 and low <= int(value) <= high):
                            return False
        return True
