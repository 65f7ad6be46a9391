"""A Django cache backend on Redis that keeps one Redis client per server.

Django's own Redis backend builds a new ``redis.Redis`` for every cache
call. The connections come from a pool either way, but building the client
sets up its table of reply handlers each time, a third of what a page-cache
hit cost in Python (README, "Benchmark"). Django offers no public hook to keep
the client, so this is a small backend of its own on Django's documented
``BaseCache`` and redis-py's public API.

A client is safe to share: it holds no connection of its own, only the pool
(which notices a fork and starts afresh). Django makes one cache object per
thread, so each thread still has its own clients and pools.

``LOCATION`` is one Redis URL, or several separated by commas: writes go to
the first, reads to one of the others picked at random (replicas), as with
Django's backend. ``OPTIONS`` are passed to ``redis.ConnectionPool``.
"""

from __future__ import annotations

import pickle  # noqa: S403 - the cache stores only what this site put there
import random

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache


def dumps(value) -> bytes | int:
    # Integers are stored as Redis integers, so that incr() works on them.
    if type(value) is int:
        return value
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def loads(data: bytes):
    try:
        return int(data)
    except ValueError:
        return pickle.loads(data)  # noqa: S301 - written by dumps() above


class RedisCache(BaseCache):
    def __init__(self, server, params):
        super().__init__(params)
        self.servers = [s.strip() for s in server.split(",") if s.strip()] if isinstance(server, str) else server
        self.options = params.get("OPTIONS", {})
        # One client per server index, each around that server's pool.
        self.clients: dict[int, redis.Redis] = {}

    def get_client(self, key=None, *, write: bool = False) -> redis.Redis:
        """The kept client of the server for this call: the first for
        writes (and when there is only one), a random replica for reads."""
        index = 0 if write or len(self.servers) == 1 else random.randint(1, len(self.servers) - 1)  # noqa: S311
        client = self.clients.get(index)
        if client is None:
            pool = redis.ConnectionPool.from_url(self.servers[index], **self.options)
            client = self.clients[index] = redis.Redis(connection_pool=pool)
        return client

    def _expiry(self, timeout) -> tuple[bool, int | None]:
        """(store it at all, milliseconds to live or None for ever), from a
        timeout in seconds as Django's cache API takes it."""
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        if timeout is None:
            return True, None
        milliseconds = int(timeout * 1000)
        return milliseconds > 0, milliseconds

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        keep, px = self._expiry(timeout)
        client = self.get_client(key, write=True)
        if not keep:
            # Stored and expired at once: it was added if nothing was there.
            return not client.exists(key)
        return bool(client.set(key, dumps(value), nx=True, px=px))

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        data = self.get_client(key).get(key)
        return default if data is None else loads(data)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        key = self.make_and_validate_key(key, version=version)
        keep, px = self._expiry(timeout)
        client = self.get_client(key, write=True)
        if keep:
            client.set(key, dumps(value), px=px)
        else:
            client.delete(key)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        keep, px = self._expiry(timeout)
        client = self.get_client(key, write=True)
        if not keep:
            return bool(client.delete(key))
        if px is None:
            return bool(client.persist(key)) or bool(client.exists(key))
        return bool(client.pexpire(key, px))

    def delete(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return bool(self.get_client(key, write=True).delete(key))

    def get_many(self, keys, version=None) -> dict:
        keys = list(keys)
        if not keys:
            return {}
        made = {self.make_and_validate_key(key, version=version): key for key in keys}
        values = self.get_client(None).mget(list(made))
        return {made[k]: loads(v) for k, v in zip(made, values, strict=True) if v is not None}

    def has_key(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return bool(self.get_client(key).exists(key))

    def incr(self, key, delta=1, version=None) -> int:
        key = self.make_and_validate_key(key, version=version)
        client = self.get_client(key, write=True)
        if not client.exists(key):
            raise ValueError(f"Key '{key}' not found.")
        return client.incrby(key, delta)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        if not data:
            return []
        keep, px = self._expiry(timeout)
        made = {self.make_and_validate_key(key, version=version): value for key, value in data.items()}
        client = self.get_client(None, write=True)
        if not keep:
            client.delete(*made)
            return []
        with client.pipeline() as pipe:
            pipe.mset({key: dumps(value) for key, value in made.items()})
            if px is not None:
                for key in made:
                    pipe.pexpire(key, px)
            pipe.execute()
        return []

    def delete_many(self, keys, version=None) -> None:
        keys = [self.make_and_validate_key(key, version=version) for key in keys]
        if keys:
            self.get_client(None, write=True).delete(*keys)

    def clear(self) -> bool:
        return bool(self.get_client(None, write=True).flushdb())
