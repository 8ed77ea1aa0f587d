"""A fixed-window call counter in Django's cache, for open endpoints such as the scoring API.

A window opens with the first call of a key and lasts ``window_seconds``; within it at most
``limit`` calls are allowed, then the key is refused until the window has passed. Keys are an
HMAC of the caller's address (as in ``motcua.queueing.ratelimit``), so no address is stored in
clear. The counter lives in the ``default`` cache: with Django's per-process LocMemCache the
limit applies per server process; configure a shared cache (database, Redis, Memcached) in
``CACHES`` to make it one limit for the whole site.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache


def _cache_key(scope: str, address: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{address}".encode(), hashlib.sha256)
    return f"motcua:ratelimit:{scope}:{digest.hexdigest()}"


def allow_call(scope: str, address: str, *, limit: int, window_seconds: int) -> bool:
    """Count one call of ``address`` to ``scope``; False when it is beyond the ``limit`` calls
    the current window allows."""
    key = _cache_key(scope, address)
    # add() only writes when the key is absent, so the first call of a window sets its expiry
    # and later calls increment without extending it.
    if cache.add(key, 1, timeout=window_seconds):
        return True
    try:
        calls = cache.incr(key)
    except ValueError:  # the window expired between add() and incr(): this call opens a new one
        cache.add(key, 1, timeout=window_seconds)
        return True
    return calls <= limit
