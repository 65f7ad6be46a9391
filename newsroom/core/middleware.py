"""A database outage is answered with a 503 page, not a 500.

While PostgreSQL restarts, queries fail with OperationalError or
InterfaceError. Readers get a short "back in a moment" page with Retry-After,
and the site recovers by itself: CONN_HEALTH_CHECKS makes the next request
open a fresh connection instead of reusing the broken one.
"""

import logging
import re

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

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
        return database_unavailable()


def database_unavailable() -> HttpResponse:
    """The 503 page; renders without the database or any context processor.

    The broken connection is not closed here: CONN_HEALTH_CHECKS makes the
    next request test it and open a new one.
    """
    response = HttpResponse(render_to_string("503.html"), status=503)
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
        if request.path.startswith("/admin/") and not self._valid(request):
            return HttpResponseBadRequest("Invalid selection or date filter.", content_type="text/plain")
        return self.get_response(request)

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
