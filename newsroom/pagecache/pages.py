"""Whole-page caching for anonymous readers, invalidated by what each page shows.

Every page is stored with the tags of what it prints (newsroom.pagecache.tags:
``article-12``, ``topic-3``, ``latest``...), and every change marks the tags
it touches. Publishing a story about Cuba so makes stale the pages that show
that story or list Cuba's stories, and leaves the Iran agreement pages and
most of the archive cached.

How a tag is marked, and what may never lag:

* A clock (one integer in the cache) counts changes. Each tag keeps the
  clock value of its last change; a page is stored with the clock value read
  *before* it was rendered, and is current while every tag it carries is no
  newer than that. A page rendered while a change commits read the clock
  before the change, so the change's tags are newer: it is never stored as
  current, nor served.
* While a transaction that touches a tag is open, the tag is *held* (counted
  in one cache entry of held tags, taken inside the transaction when the row
  is written, let go after the commit): no page carrying it is served from
  the cache or stored. So a request that starts after the commit never gets
  the pre-save page, even in the instant between the commit and the clock's
  move; and a page rendered from rows a rolled-back transaction wrote is
  never kept. A transaction that rolls back leaves its hold to expire
  (``HOLD_SECONDS``): those pages go uncached for that long, nothing worse.
* A scheduled story appears by itself at its time (the visibility rule reads
  the clock). A page that shows a tag of a story scheduled before its entry
  would expire (its topics, countries, agreements, authors, ``latest``) is
  stored only until that time; so is the home page before a change of lead
  an editor scheduled (``front``).
* Allowed to lag: the header's most covered topics and countries (counted
  once a minute, newsroom.site.selectors.active_sections, which marks ``nav``
  when the list changes), and related lists, which the stored copies re-rank
  after the commit.
* Readers with a session cookie (editors who logged in) bypass the cache both
  ways and get ``Cache-Control: private``. Anonymous readers carry no cookie,
  so the cache is consulted before the session and auth middleware run and a
  hit costs one round trip to the cache (the page, the clock, the held tags
  and the marks of the page's tags together) and no database query.
* Hits are answered in front of Django (``CachedPagesApplication``, which
  newsroom.wsgi wraps around the Django application): before its request
  object, its request signals (which close database connections a hit
  never opened) and its middleware chain, which cost a hit about a third of
  its time. A miss goes on to Django with the lookup's result, so the
  middleware stores the page without asking the cache again. The middleware
  answers hits itself wherever the wrapper is not in front (the test
  client, an application server pointed at Django's own handler).
* A hit is answered with the headers the page was stored with, the
  Content-Security-Policy among them (its middleware runs inside this one).
  So no cached page may carry a per-request CSP nonce: none does, the reader
  templates run no inline script; a page that needed one would have to mark
  its response private.
* A cache that is down must not take the site with it: every cache call here
  is wrapped, so pages are served uncached and saves still succeed. A change
  whose tags could not be marked is made up for when the cache answers again:
  that process marks ``all``, so nothing cached before the outage is served.

The tags also go out as ``Surrogate-Key`` and ``Cache-Tag`` headers for a CDN
(README, "Page cache and CDN").
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from datetime import timedelta
from hashlib import blake2b

import django
from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver
from django.http import HttpResponse
from django.test.signals import setting_changed
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import parse_http_date_safe

from newsroom.core.cachestore import store
from newsroom.models import Article
from newsroom.pagecache import tags as page_tags
from newsroom.pagecache.tags import ALL, ANY, FRONT, LATEST, NAV
from newsroom.stored import front

logger = logging.getLogger(__name__)

CLOCK_KEY = "pages:clock"
# Short keys: Django checks every character of every key it sends, and a hit
# sends one per tag of the page.
TAG_KEY = "pt:{}"
HELD_KEY = "pages:held"
HELD_LOCK_KEY = "pages:held:lock"
SCHEDULE_KEY = "pages:schedule"
# Longer than any save's transaction; a rolled-back hold lasts this long.
HOLD_SECONDS = 60
# The scheduled stories are looked up again at least this often.
SCHEDULE_REFRESH_SECONDS = 60
WATCHED_APPS = {"newsroom", "alliances", "taggit"}
# Pages are stored as pickled HttpResponse objects: a deploy with another
# Django version reads none stored by the last one (their attributes may
# differ), rather than failing on them.
PAGE_FORMAT = "{}.{}".format(*django.VERSION[:2])

# Sent after tags are marked (tests, a CDN purge hook: README).
tags_marked = Signal()

# After a failure the cache is left alone for a few seconds (per process):
# the Redis client retries each call with a back-off, and a page makes a few
# calls, so a Redis that is down would otherwise add most of a second to
# every page.
RETRY_AFTER_SECONDS = 5.0
_unavailable_until = 0.0
_missed_marks = False


def reset_availability() -> None:
    """Forget an earlier failure (tests; a changed CACHES setting)."""
    global _unavailable_until, _missed_marks
    _unavailable_until = 0.0
    _missed_marks = False


@receiver(setting_changed)
def _caches_changed(*, setting, **kwargs):
    if setting == "CACHES":
        reset_availability()


class _Failed:
    pass


FAILED = _Failed()


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


# -- marking changes ---------------------------------------------------------------


def _clock() -> int | _Failed:
    """The change clock, started at 1 the first time."""
    value = safely(lambda: store().get(CLOCK_KEY), FAILED)
    if value is None:
        safely(lambda: store().add(CLOCK_KEY, 1, timeout=None))
        value = safely(lambda: store().get(CLOCK_KEY), FAILED)
    return FAILED if value is None else value


def _tick() -> int | _Failed:
    def incr():
        try:
            return store().incr(CLOCK_KEY)
        except ValueError:  # no clock yet (a new or emptied cache)
            store().add(CLOCK_KEY, 1, timeout=None)
            return store().incr(CLOCK_KEY)

    return safely(incr, FAILED)


@contextlib.contextmanager
def _held_lock():
    """The held tags are one entry (a hit reads it with the page), changed by
    saves only: a short lock in the cache keeps two saves from losing each
    other's change. A lock that cannot be had within a second (its holder
    died) is taken anyway; it expires by itself in two."""
    deadline = time.monotonic() + 1.0
    while not safely(lambda: store().add(HELD_LOCK_KEY, 1, timeout=2), True) and time.monotonic() < deadline:
        time.sleep(0.002)
    try:
        yield
    finally:
        safely(lambda: store().delete(HELD_LOCK_KEY))


def _change_holds(tags: set[str], step: int) -> None:
    """Add ``step`` (1: hold, -1: let go) to each tag's count of open changes.
    Each hold lasts at most ``HOLD_SECONDS``: a transaction that rolled back
    never lets go of its tags."""
    now = time.time()
    with _held_lock():
        held = safely(lambda: store().get(HELD_KEY), FAILED)
        if held is FAILED:
            return
        held = {tag: entry for tag, entry in (held or {}).items() if entry[1] > now}
        for tag in tags:
            count = held.get(tag, (0, 0.0))[0] + step
            if count > 0:
                held[tag] = (count, now + HOLD_SECONDS)
            else:
                held.pop(tag, None)
        safely(lambda: store().set(HELD_KEY, held, timeout=None))


def _hold(tags: set[str]) -> None:
    _change_holds(tags, 1)


def _release(tags: set[str]) -> None:
    _change_holds(tags, -1)


def _mark(tags: set[str], *, held: bool) -> None:
    """Move the tags to a new clock value; then let go of their hold."""
    global _missed_marks
    clock = _tick()
    marked = clock is not FAILED and safely(
        lambda: store().set_many({TAG_KEY.format(tag): clock for tag in tags}, timeout=None) == [], False
    )
    if LATEST in tags or FRONT in tags:
        # The schedule of stories and of changes of lead is looked up again.
        safely(lambda: store().delete(SCHEDULE_KEY))
    if held:
        _release(tags)
    if not marked:
        _missed_marks = True
        logger.warning("page cache: could not mark %s; everything is marked once the cache answers", sorted(tags))
    tags_marked.send(sender=None, tags=frozenset(tags))


def invalidate(tags: Iterable[str]) -> None:
    """Make stale every cached page that carries one of ``tags`` (and every
    untagged page): held at once if a transaction is open, marked when it
    commits (at once outside a transaction, whose write is committed)."""
    tags = set(tags) | {ANY}
    if transaction.get_connection().in_atomic_block:
        _hold(tags)
        transaction.on_commit(lambda: _mark(tags, held=True))
    else:
        _mark(tags, held=False)


def invalidate_pages() -> None:
    """Make every cached page stale (a bulk rewrite that sends no signal)."""
    invalidate({ALL})


def _made_up() -> None:
    """Marks lost while the cache was down are made up once it answers."""
    global _missed_marks
    if _missed_marks and time.monotonic() >= _unavailable_until:
        _missed_marks = False
        _mark({ALL, ANY}, held=False)


# -- which changes mark which tags ----------------------------------------------


def _on_save(sender, instance, created=False, raw=False, **kwargs):
    if sender._meta.app_label in WATCHED_APPS and not raw:
        invalidate(page_tags.tags_for_change(instance, created=created))


def _on_delete(sender, instance, **kwargs):
    if sender._meta.app_label in WATCHED_APPS:
        invalidate(page_tags.tags_for_change(instance))


def _on_links(sender, instance, action, pk_set, **kwargs):
    if sender._meta.app_label not in WATCHED_APPS:
        return
    if action in ("post_add", "post_remove"):
        invalidate(page_tags.tags_for_links(sender, instance, pk_set))
    elif action == "pre_clear":
        # The rows are still there to say what the clear touches.
        side = next((f for f in sender._meta.fields if f.is_relation and isinstance(instance, f.related_model)), None)
        other = next((f for f in sender._meta.fields if f.is_relation and f is not side), None)
        if side is None or other is None:
            invalidate({ALL})
        else:
            rows = sender.objects.filter(**{side.attname: instance.pk}).values_list(other.attname, flat=True)
            invalidate(page_tags.tags_for_links(sender, instance, list(rows)))


def _on_rows_rewritten(sender, model: str, ids, **kwargs):
    invalidate(page_tags.tags_for_rows(model, ids))


def connect_signals() -> None:
    from newsroom.stored.refresh import rows_rewritten

    post_save.connect(_on_save, dispatch_uid="page-cache-save")
    post_delete.connect(_on_delete, dispatch_uid="page-cache-delete")
    m2m_changed.connect(_on_links, dispatch_uid="page-cache-m2m")
    rows_rewritten.connect(_on_rows_rewritten, dispatch_uid="page-cache-rows-rewritten")


# -- what a page shows --------------------------------------------------------------


def depends_on(request, *tags: str | Iterable[str]) -> None:
    """Record that the page being rendered for ``request`` shows ``tags``
    (strings, or iterables of them). A page that records none is made stale
    by every change."""
    found = request.__dict__.setdefault("page_tags", set())
    for tag in tags:
        if isinstance(tag, str):
            found.add(tag)
        else:
            found.update(tag)


def tags_of_page(request) -> set[str]:
    return set(request.__dict__.get("page_tags") or {ANY}) | {ALL, NAV}


def _tag_keys(tags: Iterable[str]) -> list[str]:
    return [HELD_KEY, *(TAG_KEY.format(tag) for tag in tags)]


def _current(tags: Iterable[str], clock: int, found: dict) -> bool:
    """Given the tag keys ``found`` in the cache: no tag changed after
    ``clock``, and none is held by an open change."""
    for tag in tags:
        if found.get(TAG_KEY.format(tag), 0) > clock:
            return False
    held = found.get(HELD_KEY) or {}
    if held:
        now = time.time()
        if any(held.get(tag, (0, 0.0))[1] > now for tag in tags):
            return False
    return True


def _unchanged_since(tags: Iterable[str], clock: int) -> bool:
    tags = list(tags)
    found = safely(lambda: store().get_many(_tag_keys(tags)))
    return found is not None and _current(tags, clock, found)


# The tags each page was last stored with, per process (most recent last), so
# that a hit reads the page and its tags' marks in one round trip.
_known_tags: OrderedDict[str, tuple[str, ...]] = OrderedDict()
_known_tags_lock = threading.Lock()
KNOWN_PAGES = 10_000


def _remember(key: str, tags: tuple[str, ...]) -> None:
    with _known_tags_lock:  # the development server runs threads
        _known_tags[key] = tags
        _known_tags.move_to_end(key)
        while len(_known_tags) > KNOWN_PAGES:
            _known_tags.popitem(last=False)


# -- scheduled stories ----------------------------------------------------------------


def _scheduled() -> list[tuple[float, frozenset[str]]]:
    """Each story scheduled to go public within the life of a page stored
    now, with the tags of the pages it will appear on; looked up again after
    any article changes and at least every ``SCHEDULE_REFRESH_SECONDS``."""
    now = timezone.now().timestamp()
    entry = safely(lambda: store().get(SCHEDULE_KEY))
    if entry is not None and entry[0] > now:
        return entry[1]
    horizon = settings.PAGE_CACHE_SECONDS + SCHEDULE_REFRESH_SECONDS
    upcoming = list(
        Article.objects.scheduled()
        .filter(published_at__lte=timezone.now() + timedelta(seconds=horizon))
        .order_by("published_at")
        .values_list("pk", "published_at")
    )
    links = page_tags.links_by_article(pk for pk, _ in upcoming)
    # A story's translation starts naming it when it goes public.
    translations = page_tags.translations_by_article(pk for pk, _ in upcoming)
    items = [
        (when.timestamp(), frozenset({page_tags.tag(Article, pk), LATEST} | links[pk] | translations[pk]))
        for pk, when in upcoming
    ]
    # A change of lead an editor scheduled ("from 18:00") shows by itself too.
    items += [(when, frozenset({FRONT})) for when in front.upcoming_leads(horizon)]
    safely(lambda: store().set(SCHEDULE_KEY, (now + SCHEDULE_REFRESH_SECONDS, items), SCHEDULE_REFRESH_SECONDS))
    return items


def lifetime(tags: set[str]) -> int:
    """Seconds a page with ``tags`` may be kept: until the first scheduled
    story that would appear on it goes public."""
    timeout = settings.PAGE_CACHE_SECONDS
    now = timezone.now().timestamp()
    for when, shows in _scheduled():
        if ANY in tags or shows & tags:
            timeout = min(timeout, int(when - now))
    return max(timeout, 0)


# -- the middleware -----------------------------------------------------------------


def _page_key(request) -> str:
    """The stored page's key: scheme, host and full path. No language: the
    address alone decides a reader page's edition (newsroom.core.editions),
    so one copy serves every browser. The scheme is there because a hit
    skips SecurityMiddleware: with SECURE_SSL_REDIRECT a plain-HTTP address
    is a redirect, never stored, so its key never finds a page. The host is
    the header as sent, unchecked: only a page rendered for an allowed host
    (``get_host()`` refuses the others with a 400) is ever stored, so another
    host's key finds nothing and its request goes on to that check."""
    host = request.META.get("HTTP_HOST") or "{SERVER_NAME}:{SERVER_PORT}".format_map(request.META)
    address = f"{request.scheme}|{host}|{request.get_full_path()}"
    return f"pg{PAGE_FORMAT}:{blake2b(address.encode(), digest_size=16).hexdigest()}"


def _lookup(request) -> tuple[int | None, str, HttpResponse | None]:
    """The clock before rendering, the page's key and the cached page if it
    is current: one round trip when this process knows the page's tags, a
    second one otherwise."""
    _made_up()
    key = _page_key(request)
    known = _known_tags.get(key, ())
    found = safely(lambda: store().get_many([CLOCK_KEY, key, *_tag_keys(known)]))
    if found is None:
        return None, key, None
    clock = found.get(CLOCK_KEY)
    if clock is None:
        clock = _clock()
        return (None if clock is FAILED else clock), key, None
    entry = found.get(key)
    if not (isinstance(entry, tuple) and len(entry) == 3):  # none, or stored by another version
        return clock, key, None
    stamp, tags, response = entry
    current = _current(tags, stamp, found) if tags == known else _unchanged_since(tags, stamp)
    _remember(key, tags)
    if not current:
        return clock, key, None
    return clock, key, response


def _is_anonymous(request) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _cacheable(request) -> bool:
    return (
        settings.PAGE_CACHE_ENABLED
        and request.method in ("GET", "HEAD")
        and _is_anonymous(request)
        and not request.path.startswith(settings.PAGE_CACHE_EXCLUDE)
    )


def _answer(request, cached: HttpResponse) -> HttpResponse:
    """A stored page as the answer to ``request``: a 304 when the reader's
    copy is current (as ConditionalGetMiddleware would say)."""
    cached["X-Page-Cache"] = "hit"
    if request.method == "GET":
        last_modified = cached.get("Last-Modified")
        return get_conditional_response(
            request,
            etag=cached.get("ETag"),
            last_modified=last_modified and parse_http_date_safe(last_modified),
            response=cached,
        )
    return cached


# Where CachedPagesApplication leaves its lookup for the middleware (the
# WSGI environ is the request's META).
LOOKUP_KEY = "newsroom.page_cache_lookup"


class CachedPagesApplication:
    """The WSGI application ``application`` (Django's), with page-cache hits
    answered in front of it (module docstring). Anything else, and any
    error while looking, goes on to ``application`` unchanged: the cache
    can make a page faster, never fail it."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if settings.PAGE_CACHE_ENABLED:
            try:
                response = self._hit(environ)
            except Exception:  # noqa: BLE001 - a fault here must not cost the reader the page
                logger.exception("page cache lookup failed; passing the request on")
                environ.pop(LOOKUP_KEY, None)
                response = None
            if response is not None:
                headers = [*response.items()]
                headers += [("Set-Cookie", cookie.output(header="")) for cookie in response.cookies.values()]
                start_response(f"{response.status_code} {response.reason_phrase}", headers)
                return [response.content]
        return self.application(environ, start_response)

    @staticmethod
    def _hit(environ) -> HttpResponse | None:
        request = WSGIRequest(environ)
        if not _cacheable(request):
            return None
        clock, key, cached = _lookup(request)
        if cached is None:
            environ[LOOKUP_KEY] = (clock, key, None)
            return None
        return _answer(request, cached)


class PageCacheMiddleware:
    """Serve and store whole public pages for anonymous GET requests.

    First in MIDDLEWARE: a hit is answered before any other middleware runs
    (they cost a hit more than the cache's round trip), with the response
    stored as the others left it: security headers, the Content-Security-
    Policy, the ETag. So a hit answers conditional requests itself, as
    ConditionalGetMiddleware would; and the page's key holds the scheme
    (see _page_key)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cacheable = _cacheable(request)
        # The lookup CachedPagesApplication made in front of Django, if it did.
        looked_up = request.META.pop(LOOKUP_KEY, None)
        if not cacheable:
            looked_up = (None, "", None)
        clock, key, cached = looked_up or _lookup(request)
        if cached is not None:
            return _answer(request, cached)

        response = self.get_response(request)
        public = self._set_cache_control(request, response)
        tags = tags_of_page(request)
        if public:
            ordered = sorted(tags)
            response["Surrogate-Key"] = " ".join(ordered)
            response["Cache-Tag"] = ",".join(ordered)
        if clock is not None and self._storable(response):
            try:
                timeout = lifetime(tags)
            except DatabaseError:  # the page rendered, then the database went: serve it, keep nothing
                timeout = 0
            if timeout > 0 and _unchanged_since(tags, clock):
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                # One piece: a feed is written into its response in hundreds,
                # and a hit would send (and unpickle) each of them.
                response.content = response.content
                # The ETag goes in with the page, so a hit does not hash the body.
                set_response_etag(response)
                response["X-Page-Cache"] = "miss"
                # The response itself, pickled as Django's own cache middleware
                # stores it: unpickling it costs a hit less than setting its
                # headers one by one again.
                entry = (clock, tuple(sorted(tags)), response)
                safely(lambda: store().set(key, entry, timeout=timeout))
                _remember(key, entry[1])
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
    def _set_cache_control(request, response) -> bool:
        """Cache-Control for a page that has none; whether shared caches may keep it."""
        if request.path.startswith(settings.PAGE_CACHE_EXCLUDE):
            return False
        if not response.has_header("Cache-Control"):
            if _is_anonymous(request) and response.status_code in (200, 301, 404):
                patch_cache_control(
                    response, public=True, max_age=settings.PAGE_BROWSER_SECONDS, s_maxage=settings.PAGE_CDN_SECONDS
                )
            else:
                patch_cache_control(response, private=True, no_cache=True)
        control = response.get("Cache-Control", "")
        return "public" in control and "private" not in control and "no-store" not in control
