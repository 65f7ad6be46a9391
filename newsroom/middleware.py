"""A database outage is answered with a 503 page, not a 500.

While PostgreSQL restarts, queries fail with OperationalError or
InterfaceError. Readers get a short "back in a moment" page with Retry-After,
and the site recovers by itself: CONN_HEALTH_CHECKS makes the next request
open a fresh connection instead of reusing the broken one.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
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
