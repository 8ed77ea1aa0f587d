"""One limiter for every limit of the site, counting in one place that all web processes share.

A ``Limit`` says how many calls one caller (an address, a phone number, an account, or the whole
site) may make in a window: at most ``calls`` per ``window``, the window opening with the first
call. ``hit`` counts a call against one or several limits at once, all or nothing: when any is
used up it raises ``Refused`` (saying when to try again) and nothing is counted, so a refused call
changes nothing. ``record`` / ``peek`` / ``reset`` serve counters that only record (failed staff
sign-ins, ``accounts.signin_limits``).

The counters live in the database by default (nothing to install) and in Redis when
``MOTCUA_CACHE_URL`` names one (``stores``); either way each count is one atomic step, so four
gunicorn workers share a limit of 60 exactly instead of allowing 60 each. Keys are the limit's
scope and an HMAC of the caller (``key``): no phone number or address is stored in clear.

This module sits low in the layering (it imports no app of ours), so every app may use it.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.ratelimit.stores import NO_LIMIT, Count, DatabaseStore, redis_store

__all__ = [
    "Count",
    "Limit",
    "Refused",
    "client_address",
    "hit",
    "key",
    "limited_per_address",
    "peek",
    "record",
    "reset",
    "seconds_until",
    "too_many_requests",
    "used",
    "wait_text",
]

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@dataclass(frozen=True)
class Limit:
    """At most ``calls`` calls per ``window`` for each caller. ``message`` is shown on refusal;
    ``%(wait)s`` in it becomes how long to wait ("14 phút")."""

    scope: str
    calls: int
    window: timedelta
    message: str = ""


class Refused(Exception):
    """A limit was reached; nothing was counted. ``retry_after`` is in whole seconds (≥ 1)."""

    def __init__(self, limit: Limit, retry_after: int):
        self.limit = limit
        self.retry_after = retry_after
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = str(self.limit.message) or _(
            "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau %(wait)s."
        )
        return text % {"wait": wait_text(self.retry_after)}


def wait_text(seconds: int) -> str:
    """``45`` → "45 giây", ``841`` → "15 phút" (rounded up: never too early), ``7200`` → "2 giờ"."""
    if seconds < 60:
        n = max(1, seconds)
        return ngettext("%(n)s giây", "%(n)s giây", n) % {"n": n}
    minutes = math.ceil(seconds / 60)
    if minutes <= 90:
        return ngettext("%(n)s phút", "%(n)s phút", minutes) % {"n": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext("%(n)s giờ", "%(n)s giờ", hours) % {"n": hours}


def key(scope: str, who: str) -> str:
    """The counter's key: the scope in clear (to read the table), the caller only as an HMAC."""
    digest = salted_hmac("motcua.ratelimit", f"{scope}:{who}", algorithm="sha256").hexdigest()
    return f"{scope}:{digest}"


def hit(*counted: tuple[Limit, str], at: datetime | None = None) -> None:
    """Count one call against each ``(limit, who)``; raise ``Refused`` for the first limit that is
    used up, after giving back what this call had counted against the others."""
    store, now_ms = _store(), _ms(at)
    taken: list[tuple[str, Count]] = []
    for limit, who in counted:
        name = key(limit.scope, who)
        ok, count = store.increment(
            name, now_ms=now_ms, window_ms=_ms_of(limit.window), limit=limit.calls, sliding=False
        )
        if not ok:
            for earlier, earlier_count in taken:
                store.give_back(earlier, earlier_count)
            raise Refused(limit, _seconds_until(count.expires_ms, now_ms))
        taken.append((name, count))


def used(limit: Limit, who: str, at: datetime | None = None) -> int:
    """How many calls ``who`` has made against ``limit`` in its current window."""
    count = peek(limit.scope, who, at=at)
    return count.value if count else 0


def record(scope: str, who: str, *, window: timedelta, at: datetime | None = None) -> Count:
    """Count one event with no limit; the count is forgotten ``window`` after the LAST event."""
    _ok, count = _store().increment(
        key(scope, who), now_ms=_ms(at), window_ms=_ms_of(window), limit=NO_LIMIT, sliding=True
    )
    return count


def peek(scope: str, who: str, at: datetime | None = None) -> Count | None:
    """The current count of ``who`` in ``scope``, or None when there is none (or it is over)."""
    return _store().peek(key(scope, who), now_ms=_ms(at))


def reset(scope: str, who: str | None = None) -> None:
    """Forget ``who``'s count in ``scope``, or every count of the scope when ``who`` is None."""
    if who is None:
        _store().delete_scope(f"{scope}:")
    else:
        _store().delete([key(scope, who)])


def seconds_until(count: Count, at: datetime | None = None) -> int:
    """Whole seconds (≥ 1) from ``at`` to the end of ``count``'s window."""
    return _seconds_until(count.expires_ms, _ms(at))


def client_address(request) -> str:
    """The caller's address. Behind a proxy, set ``MOTCUA_TRUSTED_PROXY_HEADER`` (as Django names
    it, e.g. ``HTTP_X_REAL_IP``) so limits count visitors, not the proxy."""
    header = settings.MOTCUA_TRUSTED_PROXY_HEADER
    return (request.META.get(header) if header else None) or request.META.get("REMOTE_ADDR", "")


# --------------------------------------------------------------------------- pages


def too_many_requests(request, refused: Refused):
    """The 429 page: what happened and when to try again (also in ``Retry-After``)."""
    response = render(request, "429.html", {"message": refused.message}, status=429)
    response["Retry-After"] = str(refused.retry_after)
    return response


def limited_per_address(limit: Callable[[], Limit]):
    """A view decorator: each call counts against ``limit()`` (built at call time, so settings
    apply) for the caller's address; beyond it the view is not run and the 429 page answers."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                hit((limit(), client_address(request)))
            except Refused as refused:
                return too_many_requests(request, refused)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# --------------------------------------------------------------------------- internals


def _store():
    url = settings.MOTCUA_CACHE_URL
    return redis_store(url) if url.startswith(REDIS_SCHEMES) else DatabaseStore()


def _ms(at: datetime | None) -> int:
    return int((at or timezone.now()).timestamp() * 1000)


def _ms_of(window: timedelta) -> int:
    return int(window.total_seconds() * 1000)


def _seconds_until(expires_ms: int, now_ms: int) -> int:
    return max(1, math.ceil((expires_ms - now_ms) / 1000))
