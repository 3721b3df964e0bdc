"""A Redis cache that keeps the site up while Redis is down.

Django's Redis backend raises on a connection error, which would turn every page that
touches the cache into a 500. This backend treats Redis being unreachable as an empty
cache that keeps nothing, logs once per outage, and then leaves Redis alone for a few
seconds (so a dead server costs each request no more than one short connection attempt).

What each use of the cache does while Redis is down:

- reads miss and writes are dropped, so what pages cache (readiness, the cycle page's and
  the organisation home's panels, the dashboards and trust indicators, the public "you
  said, we did" page) is computed on every request;
- `add()` answers False ("already there"). Every once-only check built on it fails safe:
  allauth's rate-limit lock is never taken, so sign-in, sign-up and password-reset forms
  are refused as rate-limited, and a TOTP code is refused as already used. Members who
  are signed in keep working (sessions are `cached_db`: a miss reads the database). A
  sign-out while Redis is unreachable but still running deletes the session row, not
  its cached copy, which then lasts until the session would have expired;
- `incr()` raises ValueError, as for a missing key.

Errors other than a lost connection or a timeout (a bad command, a bad value) still raise.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        # Seconds to leave Redis alone after a failure before trying it again.
        self.retry_after = float(params.get("RETRY_AFTER", 5))
        self._down_until = 0.0

    def _available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, exc: Exception) -> None:
        if self._down_until == 0.0:
            log.error("Cache unavailable, carrying on without it: %r", exc)
        self._down_until = time.monotonic() + self.retry_after

    def _recovered(self) -> None:
        if self._down_until:
            log.warning("Cache available again")
            self._down_until = 0.0

    def _call(self, method, fallback, *args, **kwargs):
        if not self._available():
            return fallback
        try:
            result = method(*args, **kwargs)
        except UNAVAILABLE as exc:
            self._failed(exc)
            return fallback
        self._recovered()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._call(super().incr, missing, key, delta, version)
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        failed = self._call(super().set_many, None, data, timeout, version)
        return list(data) if failed is None else failed

    def delete_many(self, keys, version=None):
        self._call(super().delete_many, None, keys, version)

    def clear(self):
        return self._call(super().clear, False)
