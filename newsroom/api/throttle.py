"""Per-client rate limits for the API: a fixed window counted in the shared
cache (Redis in production), one INCR a request.

DRF's own SimpleRateThrottle keeps every request's time of the window in a
list it reads, rewrites and pickles on each request; at a generous limit
that list is long and each request pays for it. A counter costs the same at
any limit, so the benchmark can run with the limit on and still never meet
it (API_RATE_LIMIT in its server's environment).

A client is its address as the site sees it: REMOTE_ADDR, or behind
AXES_PROXY_COUNT proxies the address the nearest one put in
X-Forwarded-For (settings.REST_FRAMEWORK's NUM_PROXIES; with none, a
client's own X-Forwarded-For is ignored, or anyone could name a new
address with each request). An IPv6 client is counted by its /64, the
block one subscriber is given; an IPv4 address written as IPv6 counts as
itself. The limit is checked in the view
before anything is read, and the API is never served from the page cache,
so no answer, fresh or conditional (304), gets past it. If the cache is
down, requests pass: the limit protects the database, and refusing every
reader while Redis restarts would be worse than an hour without limits.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from newsroom.core import cachestore

logger = logging.getLogger(__name__)

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """ "120/minute" as (120, 60); None or "off" as no limit. Raises
    ValueError for anything else, so a bad setting stops the start."""
    if rate is None or rate.strip().lower() in ("", "off", "none"):
        return None
    count, _slash, period = rate.strip().partition("/")
    if not count.isdigit() or int(count) < 1 or period not in PERIODS:
        raise ValueError(f"API_RATE_LIMIT: {rate!r} is not a rate such as 120/minute (second, minute, hour, day).")
    return int(count), PERIODS[period]


class FixedWindow(BaseThrottle):
    """``settings.API_RATE_LIMIT`` requests per window per client."""

    def __init__(self):
        self.rate = parse_rate(settings.API_RATE_LIMIT)
        self.wait_seconds = None

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        limit, period = self.rate
        now = time.time()
        window = int(now // period)
        key = f"api-rate:{period}:{window}:{self.get_ident(request)}"
        try:
            used = cachestore.count_up(key, period + 1)
        except Exception:  # noqa: BLE001 - any cache failure: let the request through
            logger.warning("API rate limit not checked: the cache did not answer", exc_info=True)
            return True
        if used <= limit:
            return True
        self.wait_seconds = max(1, math.ceil((window + 1) * period - now))
        return False

    def wait(self) -> float | None:
        return self.wait_seconds

    def get_ident(self, request) -> str:
        address = super().get_ident(request)
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:  # not an address (a misconfigured proxy count): as given, bounded
            return address[:64]
        if ip.version == 6 and ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        if ip.version == 6:
            return str(ipaddress.ip_network(f"{ip}/64", strict=False))
        return str(ip)


def check_rate(app_configs=None, **kwargs):
    """A system check (newsroom.apps): a bad API_RATE_LIMIT stops the start
    (and ``manage.py check``) instead of failing every API request."""
    from django.core.checks import Error

    try:
        parse_rate(settings.API_RATE_LIMIT)
    except ValueError as bad:
        return [Error(str(bad), id="newsroom.E101")]
    return []
