"""Whole-page caching for anonymous readers, invalidated the moment content changes.

How it stays correct without purging keys one by one:

* Every cached page is stored with the *generation* number current when it
  was made; the number lives in the cache too, and a hit reads both in one
  round trip. Any write to a newsroom or alliances record bumps the
  generation (after the transaction commits), so every page cached before the
  change is never served again: it is replaced at the next request or ages
  out. One increment invalidates the whole site at once:
  a headline shows up on the home page, its topic, country, agreement and
  author pages, feeds and search, so per-page purging would be fragile.
* A scheduled article appears by itself at its time (the visibility rule
  reads the clock). So a page is never cached past the next scheduled
  publication time: the entry's timeout is cut to end at that moment.
* Readers with a session cookie (editors who logged in) bypass the cache both
  ways and get ``Cache-Control: private``. Anonymous readers carry no cookie,
  so the cache is consulted before the session and auth middleware run and a
  hit costs one round trip to the cache and no database query.
* A hit is answered with the headers the page was stored with, the
  Content-Security-Policy among them (its middleware runs inside this one).
  So no cached page may carry a per-request CSP nonce: none does, the reader
  templates run no inline script; a page that needed one would have to mark
  its response private.
* A cache that is down must not take the site with it: every cache call here
  is wrapped, so pages are served uncached and saves still succeed.
"""

from __future__ import annotations

import logging
import time
from hashlib import sha256

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.test.signals import setting_changed
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, set_response_etag

from newsroom.models import Article

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
NEXT_PUBLICATION_KEY = "pages:next-publication:{generation}"
WATCHED_APPS = {"newsroom", "alliances", "taggit"}


# After a failure the cache is left alone for a few seconds (per process):
# the Redis client retries each call with a back-off, and a page makes about
# ten calls, so a Redis that is down would otherwise add most of a second to
# every page.
RETRY_AFTER_SECONDS = 5.0
_unavailable_until = 0.0


def reset_availability() -> None:
    """Forget an earlier failure (tests; a changed CACHES setting)."""
    global _unavailable_until
    _unavailable_until = 0.0


@receiver(setting_changed)
def _caches_changed(*, setting, **kwargs):
    if setting == "CACHES":
        reset_availability()


def safely(call, default=None):
    """``call()``'s result, or ``default`` when the cache fails (and for a
    few seconds after): the site serves uncached rather than erring."""
    global _unavailable_until
    if time.monotonic() < _unavailable_until:
        return default
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - any cache failure means "no cache", never an error page
        _unavailable_until = time.monotonic() + RETRY_AFTER_SECONDS
        logger.warning("page cache unavailable for %ss: %s", RETRY_AFTER_SECONDS, exc)
        return default


def current_generation() -> int | None:
    generation = safely(lambda: cache.get(GENERATION_KEY))
    if generation is None:
        generation = safely(lambda: cache.add(GENERATION_KEY, 1, timeout=None) and 1)
        if generation is None:
            return None
        generation = safely(lambda: cache.get(GENERATION_KEY))
    return generation


def invalidate_pages() -> None:
    """Make every cached page stale. Called after any content change commits."""

    def bump():
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 2, timeout=None)

    safely(bump)


def _on_change(sender, **kwargs):
    if sender._meta.app_label in WATCHED_APPS:
        transaction.on_commit(invalidate_pages)


def _on_m2m_change(sender, action, **kwargs):
    if action.startswith("post_"):
        _on_change(sender, **kwargs)


def connect_signals() -> None:
    post_save.connect(_on_change, dispatch_uid="page-cache-save")
    post_delete.connect(_on_change, dispatch_uid="page-cache-delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="page-cache-m2m")


def seconds_until_next_publication(generation: int) -> float | None:
    """Seconds until the next scheduled article goes public (None if none is
    scheduled), remembered per generation so it costs one query per change,
    and looked up again once that time has come: until then a remembered
    time in the past cut every page's timeout to nothing, and pages went
    uncached for minutes after each scheduled story."""
    key = NEXT_PUBLICATION_KEY.format(generation=generation)
    stamp = safely(lambda: cache.get(key))
    if stamp is None or 0 < stamp <= timezone.now().timestamp():
        upcoming = Article.objects.scheduled().order_by("published_at").values_list("published_at", flat=True).first()
        stamp = upcoming.timestamp() if upcoming else 0
        safely(lambda: cache.set(key, stamp, timeout=settings.PAGE_CACHE_SECONDS))
    if not stamp:
        return None
    return stamp - timezone.now().timestamp()


def _page_key(request) -> str:
    # The language is part of the key because LocaleMiddleware may pick a
    # different one for the same URL from the Accept-Language header.
    language = translation.get_language_from_request(request)
    digest = sha256(f"{request.get_host()}|{language}|{request.get_full_path()}".encode()).hexdigest()
    return f"pages:{digest}"


def _lookup(request) -> tuple[int | None, str, HttpResponse | None]:
    """The current generation, the page's key and the cached page if it was
    stored under this generation: one round trip to Redis for a hit."""
    key = _page_key(request)
    found = safely(lambda: cache.get_many([GENERATION_KEY, key]), default=None)
    if found is None:
        return None, key, None
    generation = found.get(GENERATION_KEY)
    if generation is None:
        return current_generation(), key, None
    entry = found.get(key)
    if entry is None or entry[0] != generation:
        return generation, key, None
    _, status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response.headers[name] = value
    return generation, key, response


def _entry(generation: int, response) -> tuple:
    """What is stored: the generation it belongs to and the bare response
    (status, headers, body), cheaper to load than a pickled response."""
    return (generation, response.status_code, list(response.items()), response.content)


def _is_anonymous(request) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


class PageCacheMiddleware:
    """Serve and store whole public pages for anonymous GET requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cacheable = (
            settings.PAGE_CACHE_ENABLED
            and request.method in ("GET", "HEAD")
            and _is_anonymous(request)
            and not request.path.startswith(settings.PAGE_CACHE_EXCLUDE)
        )
        generation, key, cached = _lookup(request) if cacheable else (None, "", None)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached

        response = self.get_response(request)
        storable = generation is not None and self._storable(response)
        self._set_cache_control(request, response)

        if storable:
            timeout = settings.PAGE_CACHE_SECONDS
            until_next = seconds_until_next_publication(generation)
            if until_next is not None:
                timeout = min(timeout, max(int(until_next), 0))
            if timeout > 0:
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                # The ETag goes in with the page, so a hit does not hash the
                # body again (ConditionalGetMiddleware keeps an ETag it finds).
                set_response_etag(response)
                response["X-Page-Cache"] = "miss"
                entry = _entry(generation, response)
                safely(lambda: cache.set(key, entry, timeout=timeout))
        return response

    @staticmethod
    def _storable(response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _set_cache_control(request, response) -> None:
        if response.has_header("Cache-Control") or request.path.startswith(settings.PAGE_CACHE_EXCLUDE):
            return
        if _is_anonymous(request) and response.status_code in (200, 301, 404):
            patch_cache_control(
                response, public=True, max_age=settings.PAGE_BROWSER_SECONDS, s_maxage=settings.PAGE_CDN_SECONDS
            )
        else:
            patch_cache_control(response, private=True, no_cache=True)
