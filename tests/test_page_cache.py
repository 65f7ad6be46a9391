"""The anonymous page cache: hits cost no query, changes show at once,
scheduled stories appear on time, editors always see fresh pages, and a dead
cache server never takes the site down."""

import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.core.signals import request_started
from django.test import RequestFactory, override_settings
from django.utils import timezone

from newsroom.editorial import services
from newsroom.pagecache import pages as page_cache
from tests.factories import ArticleFactory, editor

# Transactional so that on-commit invalidation really runs; serialized_rollback
# keeps the seeded countries and groups that a flush would remove.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

cached = override_settings(PAGE_CACHE_ENABLED=True)


@cached
def test_second_anonymous_request_is_served_from_cache_without_queries(client, django_assert_num_queries):
    ArticleFactory(public=True, headline="Cached story")
    first = client.get("/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second["X-Page-Cache"] == "hit"
    assert "Cached story" in second.content.decode()
    assert "s-maxage" in second["Cache-Control"]


@cached
def test_one_stored_copy_serves_every_browser_language(client):
    """The address decides the edition, so Accept-Language is not part of
    the stored page's key: a reader whose browser prefers English gets the
    copy a Spanish browser filled, in Spanish, and no second render."""
    ArticleFactory(public=True, language="es", headline="Noticia guardada")
    first = client.get("/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
    assert first["X-Page-Cache"] == "miss"
    other = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert other["X-Page-Cache"] == "hit"
    assert other["Content-Language"] == "es" and "Noticia guardada" in other.content.decode()
    assert client.get("/en/", HTTP_ACCEPT_LANGUAGE="es-ES")["X-Page-Cache"] == "miss"


@cached
def test_publishing_shows_on_the_cached_home_page_at_once(client):
    client.get("/")
    article = ArticleFactory(headline="Fresh news")
    assert "Fresh news" not in client.get("/").content.decode()
    services.publish(article=article, user=editor())
    assert "Fresh news" in client.get("/").content.decode()


@cached
def test_an_edit_invalidates_the_cached_article_page(client):
    article = ArticleFactory(public=True, headline="Old headline")
    assert "Old headline" in client.get(article.get_absolute_url()).content.decode()
    article.headline = "New headline"
    article.save()
    assert "New headline" in client.get(article.get_absolute_url()).content.decode()


@cached
def test_unpublishing_removes_the_article_from_cached_pages(client):
    article = ArticleFactory(public=True, headline="Pulled story")
    assert client.get(article.get_absolute_url()).status_code == 200
    assert "Pulled story" in client.get("/").content.decode()
    services.unpublish(article=article, user=editor())
    assert client.get(article.get_absolute_url()).status_code == 404

    assert "Pulled story" not in client.get("/").content.decode()


@cached
def test_scheduled_article_appears_on_a_cached_page_when_its_time_comes(client):
    ArticleFactory(public=True, headline="Already out")
    ArticleFactory(status="published", published_at=timezone.now() + timedelta(seconds=2), headline="Right on time")
    assert "Right on time" not in client.get("/").content.decode()
    time.sleep(2.2)
    assert "Right on time" in client.get("/").content.decode()


@cached
def test_logged_in_editors_bypass_the_cache(client):
    ArticleFactory(public=True)
    client.get("/")
    client.force_login(editor())
    response = client.get("/")
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]


@cached
def test_unchanged_page_answers_304_to_a_conditional_request(client):
    ArticleFactory(public=True)
    etag = client.get("/")["ETag"]
    assert client.get("/", headers={"if-none-match": etag}).status_code == 304


@cached
def test_a_cached_page_keeps_its_security_headers(client):
    """A hit is answered with the headers stored with the page, those of the
    middleware inside the page cache (policy, framing) among them."""
    ArticleFactory(public=True)
    first = client.get("/")
    second = client.get("/")
    assert second["X-Page-Cache"] == "hit"
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert second[header] == first[header]
    assert "frame-ancestors 'none'" in second["Content-Security-Policy"]


@cached
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=3600)
def test_a_hit_over_https_keeps_hsts_and_plain_http_still_redirects(client):
    """The cache answers before SecurityMiddleware runs: the page stored over
    HTTPS carries its HSTS header, and the same address over plain HTTP finds
    nothing stored and is redirected as before."""
    ArticleFactory(public=True)
    assert client.get("/", secure=True)["X-Page-Cache"] == "miss"
    hit = client.get("/", secure=True)
    assert hit["X-Page-Cache"] == "hit"
    assert hit["Strict-Transport-Security"].startswith("max-age=3600")
    plain = client.get("/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/"


@cached
def test_a_conditional_request_that_misses_is_answered_and_the_page_then_cached(client):
    ArticleFactory(public=True)
    etag = client.get("/")["ETag"]
    page_cache.invalidate_pages()
    assert client.get("/", headers={"if-none-match": etag}).status_code == 304
    assert client.get("/")["X-Page-Cache"] in {"miss", "hit"}
    assert client.get("/")["X-Page-Cache"] == "hit"


@cached
def test_a_cached_feed_is_sent_in_one_piece(client):
    """The feed generator writes its response in hundreds of pieces; stored
    that way, every hit sent each one separately (a tenth of the speed of a
    page hit)."""
    for i in range(5):
        ArticleFactory(public=True, headline=f"Story {i}")
    # English stories: the English edition's feed lists them.
    client.get("/en/feed/")
    hit = client.get("/en/feed/")
    assert hit["X-Page-Cache"] == "hit"
    assert len(list(hit)) == 1
    assert b"Story 4" in hit.content


@cached
def test_an_entry_in_another_format_is_a_miss_not_an_error(client, rf):
    """An entry stored in a shape this version does not write (an older
    release's tuple of parts) is rendered again, never served or fatal."""
    ArticleFactory(public=True, headline="Fresh story")
    key = page_cache._page_key(rf.get("/"))
    page_cache.store().set(key, (1, ("all",), 200, [("Content-Type", "text/html")], b"old"), timeout=60)
    response = client.get("/")
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "miss"
    assert "Fresh story" in response.content.decode()


@cached
def test_static_files_pass_the_page_cache_untouched(client):
    response = client.get("/static/does-not-exist.css")
    assert "X-Page-Cache" not in response
    assert "Surrogate-Key" not in response


def redis_caches(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_pages_are_cached_in_a_real_redis(client, live_redis):
    with override_settings(PAGE_CACHE_ENABLED=True, CACHES=redis_caches(live_redis)):
        article = ArticleFactory(public=True, headline="Kept in Redis")
        assert client.get("/")["X-Page-Cache"] == "miss"
        hit = client.get("/")
        assert hit["X-Page-Cache"] == "hit"
        assert "Kept in Redis" in hit.content.decode()
        article.headline = "Changed in Redis"
        article.save()
        fresh = client.get("/")
        assert fresh["X-Page-Cache"] == "miss"
        assert "Changed in Redis" in fresh.content.decode()


def test_the_redis_backend_keeps_the_cache_api_promises(live_redis):
    """What the page cache relies on (add only when absent, expiry,
    counters, many keys at once, versions) holds on the Redis backend the
    site configures, with a real Redis."""
    from django.core.cache.backends.redis import RedisCache

    backend = RedisCache(live_redis, {"KEY_PREFIX": "api-test", "TIMEOUT": 60})
    backend.clear()
    assert backend.get("missing", "fallback") == "fallback"
    assert backend.add("k", {"a": 1}) is True
    assert backend.add("k", "other") is False
    assert backend.get("k") == {"a": 1}
    backend.set("n", 5)
    assert backend.incr("n", 3) == 8
    with pytest.raises(ValueError):
        backend.incr("absent")
    backend.set_many({"x": "ex", "y": ("why",)})
    assert backend.get_many(["x", "y", "nope"]) == {"x": "ex", "y": ("why",)}
    backend.set("gone", 1, timeout=0)
    assert backend.has_key("gone") is False
    backend.set("short", 1, timeout=0.05)
    time.sleep(0.1)
    assert backend.get("short") is None
    backend.set("forever", 1, timeout=None)
    server = redis.Redis.from_url(live_redis)
    assert server.pttl(backend.make_key("forever")) == -1
    assert backend.touch("forever", 30) is True
    assert 0 < server.pttl(backend.make_key("forever")) <= 30_000
    backend.set("v", "one", version=1)
    assert backend.get("v", version=2) is None
    assert backend.delete("v", version=1) is True
    backend.delete_many(["x", "y"])
    assert backend.get_many(["x", "y"]) == {}


DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Nothing listens on port 1: every cache call fails at once.
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@override_settings(PAGE_CACHE_ENABLED=True, CACHES=DEAD_REDIS)
def test_pages_and_saves_work_while_redis_is_down(client):
    article = ArticleFactory(public=True, headline="Still readable")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Still readable" in response.content.decode()
    article.headline = "Still editable"
    article.save()
    services.unpublish(article=article, user=editor())
    assert client.get(article.get_absolute_url()).status_code == 404


class _DownCache:
    """A cache whose every call fails, counting the calls."""

    def __init__(self):
        self.calls = 0

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            self.calls += 1
            raise ConnectionError("Redis is down")

        return fail


@override_settings(PAGE_CACHE_ENABLED=True)
def redis_down(monkeypatch, down) -> None:
    """The page cache and the header's counts find the cache down."""
    from newsroom.site import selectors

    for module in (page_cache, selectors):
        monkeypatch.setattr(module, "store", lambda: down)


def test_a_redis_that_is_down_is_left_alone_for_a_few_seconds(client, monkeypatch):
    ArticleFactory(public=True, headline="Still readable")
    down = _DownCache()
    redis_down(monkeypatch, down)
    assert "Still readable" in client.get("/").content.decode()
    assert down.calls == 1  # the first call failed; the rest of the page did not ask
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert down.calls == 1

    monkeypatch.setattr(page_cache, "_unavailable_until", 0.0)  # the few seconds have passed
    assert client.get("/").status_code == 200
    assert down.calls == 2


@override_settings(PAGE_CACHE_ENABLED=True)
def test_with_redis_down_the_header_counts_are_not_recounted_on_every_page(
    client, monkeypatch, django_assert_max_num_queries
):
    from newsroom.site import selectors

    ArticleFactory(public=True, topics=["oil"])
    redis_down(monkeypatch, _DownCache())
    monkeypatch.setattr(selectors, "_nav_fallback", (0.0, None))
    counted = []
    real = selectors.topics_with_counts
    monkeypatch.setattr(selectors, "topics_with_counts", lambda: counted.append(1) or real())
    for _ in range(3):
        assert "oil" in client.get("/").content.decode()
    assert len(counted) == 1


def test_a_worker_keeps_the_header_counts_it_read_for_their_minute_and_no_longer(monkeypatch):
    from django.core.cache import cache

    from newsroom.site import selectors

    ArticleFactory(public=True, topics=["oil"])
    clock = [time.time()]
    monkeypatch.setattr(selectors, "_now", lambda: clock[0])
    first = selectors.active_sections()
    # Another worker's entry, read from the shared cache: kept in this one.
    selectors._nav_memo = None
    assert selectors.active_sections() == first
    ArticleFactory(public=True, topics=["gas"], published_at=timezone.now() - timedelta(days=1))
    cache.delete(selectors.NAV_CACHE_KEY)  # gone from Redis: this worker still has it
    assert [link.name for link in selectors.active_sections()["topics"]] == ["Oil"]

    clock[0] += selectors.NAV_CACHE_SECONDS + 1  # its minute is up: counted again
    assert {link.name for link in selectors.active_sections()["topics"]} == {"Oil", "Gas"}


def test_once_the_header_counts_are_due_one_worker_counts_again_and_the_rest_serve_the_last(monkeypatch):
    from django.core.cache import cache

    from newsroom.site import selectors

    ArticleFactory(public=True, topics=["oil"])
    counted = []
    real = selectors.topics_with_counts
    monkeypatch.setattr(selectors, "topics_with_counts", lambda: counted.append(1) or real())
    clock = [time.time()]
    monkeypatch.setattr(selectors, "_now", lambda: clock[0])

    first = selectors.active_sections()
    assert [link.name for link in first["topics"]] == ["Oil"]
    assert len(counted) == 1
    selectors.active_sections()
    assert len(counted) == 1  # fresh: served from the cache

    clock[0] += selectors.NAV_CACHE_SECONDS + 1  # due
    recount = f"{selectors.NAV_CACHE_KEY}:recount"
    assert cache.add(recount, 1, 30)  # another worker is counting right now
    assert selectors.active_sections() == first
    assert len(counted) == 1  # this one served the last count instead of counting too

    cache.delete(recount)  # that worker died before writing
    ArticleFactory(public=True, topics=["gas"], published_at=timezone.now() - timedelta(days=1))
    recounted = selectors.active_sections()
    assert len(counted) == 2  # this one counted again
    assert {link.name for link in recounted["topics"]} == {"Oil", "Gas"}
    assert cache.get(recount) is None  # and let go


def test_a_save_outside_a_transaction_moves_the_cache_on_only_after_the_stored_copies(monkeypatch):
    """Outside a transaction the on-commit hook runs inside the save itself,
    so the tags must be marked after the listing copies and the country
    overviews are written: a page read in between would otherwise be
    cached, as current, from the old copies."""
    from alliances.models import CountryOverview
    from newsroom.models import TaggedTopic
    from tests.factories import AgreementFactory, country

    story = ArticleFactory(public=True, topics=["oil"])
    pact = AgreementFactory(title="Old title", party_codes=["CU", "IR"])
    seen = []

    def mark(tags, *, held):
        seen.append(
            (
                list(TaggedTopic.objects.filter(content_object_id=story.pk).values_list("article_status", flat=True)),
                [row["title"] for row in CountryOverview.objects.get(country=country("CU")).data["latest"]],
            )
        )

    monkeypatch.setattr(page_cache, "_mark", mark)
    story.status = "draft"
    story.save()
    assert seen[0][0] == ["draft"]
    pact.title = "New title"
    pact.save()
    assert "New title" in seen[-1][1]


def test_the_page_cache_store_reads_and_writes_as_djangos_backend(live_redis):
    """The page cache's own Redis client (newsroom.core.cachestore) keeps the
    same promises, and the entries it writes are the backend's entries."""
    from django.core.cache import cache

    from newsroom.core.cachestore import RedisStore, store

    with override_settings(CACHES=redis_caches(live_redis)):
        kept = store()
        assert isinstance(kept, RedisStore) and store() is kept
        cache.clear()
        assert kept.get("missing", "fallback") == "fallback"
        assert kept.add("k", {"a": 1}, timeout=None) is True
        assert kept.add("k", "other", timeout=None) is False
        assert cache.get("k") == {"a": 1}
        cache.set("n", 5)
        assert kept.incr("n") == 6 and cache.get("n") == 6
        with pytest.raises(ValueError):
            kept.incr("absent")
        kept.set_many({"x": "ex", "y": ("why",)}, timeout=30)
        assert cache.get_many(["x", "y"]) == kept.get_many(["x", "y", "nope"]) == {"x": "ex", "y": ("why",)}
        server = redis.Redis.from_url(live_redis)
        assert 0 < server.pttl(cache.make_key("x")) <= 30_000
        kept.set("forever", (1, "page"), timeout=None)
        assert server.pttl(cache.make_key("forever")) == -1 and cache.get("forever") == (1, "page")
        kept.set("gone", 1, timeout=0)
        assert cache.get("gone") is None
        assert kept.delete("forever") is True and cache.get("forever") is None
        # Timeouts read as Django reads them: its default, floats, 0 in add.
        kept.set("default", 1)
        assert 0 < server.pttl(cache.make_key("default")) <= 300_000
        kept.set("float", 1, timeout=2.5)
        assert 0 < server.pttl(cache.make_key("float")) <= 2_000
        assert kept.add("instant", 1, timeout=0) is True and cache.get("instant") is None
        assert kept.set_many({}, timeout=None) == []
    custom = redis_caches(live_redis)
    custom["default"]["OPTIONS"]["serializer"] = "django.core.cache.backends.redis.RedisSerializer"
    with override_settings(CACHES=custom):
        assert store() is cache  # a custom client setting is left to Django's backend


def test_a_redis_hit_builds_no_client(client, live_redis, monkeypatch):
    """Django's backend makes a redis.Redis per call, a quarter of a hit's
    time; the page cache keeps one per process."""
    with override_settings(PAGE_CACHE_ENABLED=True, CACHES=redis_caches(live_redis)):
        ArticleFactory(public=True)
        client.get("/")
        built = []
        original = redis.Redis.__init__

        def counting(self, *args, **kwargs):
            built.append(1)
            original(self, *args, **kwargs)

        monkeypatch.setattr(redis.Redis, "__init__", counting)
        assert client.get("/")["X-Page-Cache"] == "hit"
        assert built == []


# -- hits answered in front of Django (newsroom.wsgi) ---------------------------


class Served:
    """One call of the site's WSGI application, as gunicorn makes it."""

    def __init__(self, path: str, method: str = "get", **headers):
        from newsroom.wsgi import application

        self.started = []
        request_started.connect(self._started)
        try:
            environ = dict(getattr(RequestFactory(), method)(path, **headers).environ)
            body = application(environ, self._start_response)
            self.body = b"".join(body)
            if hasattr(body, "close"):
                body.close()
        finally:
            request_started.disconnect(self._started)

    def _started(self, **kwargs):
        self.started.append(True)

    def _start_response(self, status, headers, exc_info=None):
        self.status = int(status.split()[0])
        self.headers = dict(headers)

    @property
    def through_django(self) -> bool:
        return bool(self.started)


@cached
def test_a_hit_is_answered_before_django_with_the_headers_the_page_was_stored_with(client):
    ArticleFactory(public=True, language="es", headline="Servida delante")
    stored = client.get("/")
    assert stored["X-Page-Cache"] == "miss"
    hit = Served("/")
    assert hit.status == 200 and not hit.through_django
    assert hit.headers["X-Page-Cache"] == "hit"
    assert hit.body == stored.content
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "ETag", "Cache-Control", "Surrogate-Key"):
        assert hit.headers[header] == stored[header], header
    # A reader whose copy is current gets a 304, still in front of Django.
    again = Served("/", HTTP_IF_NONE_MATCH=stored["ETag"])
    assert again.status == 304 and again.body == b"" and not again.through_django
    head = Served("/", method="head")
    assert head.status == 200 and not head.through_django and head.headers["ETag"] == stored["ETag"]


@cached
def test_a_miss_asks_the_cache_once_and_is_stored_for_the_next_reader(monkeypatch):
    ArticleFactory(public=True, language="es", headline="Primera vez")
    lookups = []
    real = page_cache._lookup

    def counted(request):
        lookups.append(request.path)
        return real(request)

    monkeypatch.setattr(page_cache, "_lookup", counted)
    first = Served("/")
    assert first.through_django and first.headers["X-Page-Cache"] == "miss"
    assert lookups == ["/"]
    second = Served("/")
    assert not second.through_django and second.headers["X-Page-Cache"] == "hit"


@cached
def test_editors_and_excluded_paths_go_through_django(editor_client):
    ArticleFactory(public=True, language="es", headline="Para todos")
    assert Served("/").headers["X-Page-Cache"] == "miss"
    assert Served("/").headers["X-Page-Cache"] == "hit"
    logged_in = Served("/", HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={editor_client.session.session_key}")
    assert logged_in.through_django and "X-Page-Cache" not in logged_in.headers
    assert "private" in logged_in.headers["Cache-Control"]
    assert Served("/health/").through_django


@cached
def test_a_fault_in_front_of_django_serves_the_page_from_django(monkeypatch):
    ArticleFactory(public=True, language="es", headline="Aun así")
    Served("/")

    def broken(environ):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(page_cache, "WSGIRequest", broken)
    served = Served("/")
    assert served.status == 200 and served.through_django
    assert "Aun así" in served.body.decode()
