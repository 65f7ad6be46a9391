"""The cache calls on a reader's path, with one Redis client per process.

The site's cache is Django's own RedisCache (SPEC.md). That backend builds a
new ``redis.Redis`` object for every call, and with redis-py 7 building one
costs about 57 µs (it fills two tables of reply parsers), more than the
round trip to Redis itself. A page-cache hit is one call and takes about
240 µs in-process, so a quarter of every hit went on building a client that
was thrown away after one command.

``store()`` gives the page cache and the header's counts the calls they use
(get, get_many, add, set, set_many, delete, incr) with Django's semantics:

* With Django's RedisCache at one address, a :class:`RedisStore` sends them
  through one ``redis.Redis`` client kept for the process (redis-py's
  clients are thread-safe and its pools start afresh after a fork, so
  gunicorn's workers each get their own connections). Keys go through the
  backend's public ``make_key`` and values are encoded as Django's backend
  encodes them (integers as they are, anything else pickled), so either can
  read what the other wrote: tests, ``manage.py shell`` and any other code
  using ``django.core.cache.cache`` see the same entries.
* With any other backend (local memory in development and tests), several
  Redis addresses (Django then spreads reads over replicas) or a custom
  serializer, pool or parser class, the calls go to Django's cache unchanged.

Only redis-py's public client API and Django's documented cache settings are
used; nothing reaches into Django's backend.
"""

from __future__ import annotations

import pickle
import re
from functools import cache

import redis
from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.signals import setting_changed
from django.dispatch import receiver

DJANGO_REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"
# OPTIONS that change how Django's RedisCache talks to Redis: with any of
# them set, the calls go to Django's backend, which honours them.
CUSTOM_CLIENT_OPTIONS = {"pool_class", "parser_class", "serializer"}


class RedisStore:
    """Django's RedisCache calls, through one client."""

    def __init__(self, location: str, options: dict, make_key, default_timeout):
        self.client = redis.Redis.from_url(location, **options)
        self.make_key = make_key
        self.default_timeout = default_timeout

    def _timeout(self, timeout) -> int | None:
        """Seconds, as Django's backend reads them: its default for
        DEFAULT_TIMEOUT, None for ever, 0 or less for "gone at once"."""
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(0, int(timeout))

    @staticmethod
    def _dumps(value):
        return value if type(value) is int else pickle.dumps(value, pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def _loads(data):
        try:
            return int(data)
        except ValueError:
            return pickle.loads(data)  # noqa: S301 - entries this site wrote, as Django's backend reads them

    def get(self, key: str, default=None):
        data = self.client.get(self.make_key(key))
        return default if data is None else self._loads(data)

    def get_many(self, keys: list[str]) -> dict:
        found = self.client.mget([self.make_key(key) for key in keys])
        return {key: self._loads(data) for key, data in zip(keys, found, strict=True) if data is not None}

    def add(self, key: str, value, timeout=DEFAULT_TIMEOUT) -> bool:
        timeout = self._timeout(timeout)
        made, data = self.make_key(key), self._dumps(value)
        if timeout == 0:  # as Django: added only if absent, and gone at once
            added = bool(self.client.set(made, data, nx=True))
            if added:
                self.client.delete(made)
            return added
        return bool(self.client.set(made, data, ex=timeout, nx=True))

    def set(self, key: str, value, timeout=DEFAULT_TIMEOUT) -> None:
        timeout = self._timeout(timeout)
        if timeout == 0:  # as Django: gone at once
            self.delete(key)
            return
        self.client.set(self.make_key(key), self._dumps(value), ex=timeout)

    def set_many(self, mapping: dict, timeout=DEFAULT_TIMEOUT) -> list:
        if not mapping:
            return []
        timeout = self._timeout(timeout)
        made = {self.make_key(key): self._dumps(value) for key, value in mapping.items()}
        pipeline = self.client.pipeline()
        pipeline.mset(made)
        if timeout is not None:
            for key in made:
                pipeline.expire(key, timeout)
        pipeline.execute()
        return []

    def delete(self, key: str) -> bool:
        return bool(self.client.delete(self.make_key(key)))

    def incr(self, key: str, delta: int = 1) -> int:
        made = self.make_key(key)
        # As Django's backend: a missing key is a ValueError, not a new 1.
        if not self.client.exists(made):
            raise ValueError(f"Key '{key}' not found.")
        return self.client.incr(made, delta)


def count_up(key: str, timeout: int) -> int:
    """Add one to the counter at ``key`` and give its new value; a new
    counter lives ``timeout`` seconds. One round trip to Redis (INCR and
    EXPIRE NX in a pipeline); through Django's cache elsewhere."""
    backend = store()
    if isinstance(backend, RedisStore):
        made = backend.make_key(key)
        pipeline = backend.client.pipeline(transaction=False)
        pipeline.incr(made)
        pipeline.expire(made, timeout, nx=True)
        value, _expiry = pipeline.execute()
        return int(value)
    backend.add(key, 0, timeout=timeout)
    return backend.incr(key)


@cache
def store():
    """The store for the default cache (rebuilt when CACHES changes)."""
    config = settings.CACHES["default"]
    location = config.get("LOCATION", "")
    servers = location if isinstance(location, (list, tuple)) else re.split("[;,]", str(location))
    options = dict(config.get("OPTIONS", {}))
    if config["BACKEND"] == DJANGO_REDIS_BACKEND and len(servers) == 1 and not CUSTOM_CLIENT_OPTIONS & set(options):
        return RedisStore(servers[0].strip(), options, django_cache.make_key, django_cache.default_timeout)
    return django_cache


@receiver(setting_changed)
def _caches_changed(*, setting, **kwargs):
    if setting == "CACHES":
        store.cache_clear()
