"""Staff and admin sign-in: back-off, then a lock, per account and per address.

django-axes wires the checks into Django's sign-in: its backend (first in
``AUTHENTICATION_BACKENDS``) asks ``is_allowed`` before any password is compared, Django's
``user_login_failed`` and ``user_logged_in`` signals reach the handler below, and its middleware
turns a refused try into ``locked_out``'s page. This module is the policy, and it counts in
``motcua.ratelimit`` like every other limit (shared by all web processes, atomic, the account and
address only as HMACs) instead of axes's own tables, which keep both in clear.

For the account (the username as typed, case-folded) and for the address, separately:

- failures are counted, and forgotten ``AXES_COOLOFF_TIME`` after the last one;
- from ``backoff_after`` failures on, the next try waits ``MOTCUA_SIGNIN_BACKOFF`` after the last
  failure (the back-off);
- at ``lock_after`` failures no try is taken until ``AXES_COOLOFF_TIME`` after the last failure
  (the lock); then the count starts again from zero.

A try refused during a back-off or a lock is not counted and compares no password. A successful
sign-in clears the account's failures but not the address's: otherwise an attacker could wipe the
count of the address they try many accounts from by signing in to an account of their own.
"""

import logging
import math
from dataclasses import dataclass
from datetime import datetime

from axes.backends import AxesStandaloneBackend
from axes.handlers.base import AbstractAxesHandler, AxesBaseHandler
from axes.helpers import get_client_username
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua import ratelimit

log = logging.getLogger(__name__)

ACCOUNT = "signin-account"
ADDRESS = "signin-address"


@dataclass(frozen=True)
class Policy:
    scope: str
    backoff_after: int
    lock_after: int


def policies() -> list[Policy]:
    return [
        Policy(ACCOUNT, settings.MOTCUA_SIGNIN_BACKOFF_AFTER, settings.AXES_FAILURE_LIMIT),
        Policy(
            ADDRESS,
            settings.MOTCUA_SIGNIN_ADDRESS_BACKOFF_AFTER,
            settings.MOTCUA_SIGNIN_ADDRESS_LOCK_AFTER,
        ),
    ]


@dataclass(frozen=True)
class Wait:
    """How long the next try must wait; ``locked`` for the lock, else a back-off."""

    seconds: int
    locked: bool

    @property
    def message(self) -> str:
        wait = ratelimit.wait_text(self.seconds)
        if self.locked:
            return _(
                "Đăng nhập tạm bị khóa vì nhập sai quá nhiều lần. Vui lòng thử lại sau %(wait)s, "
                "hoặc liên hệ quản trị viên của xã, phường."
            ) % {"wait": wait}
        return _(
            "Bạn đã nhập sai nhiều lần. Để bảo vệ tài khoản, vui lòng thử lại sau %(wait)s."
        ) % {"wait": wait}


def _account(username: str | None) -> str:
    return (username or "").strip().casefold()


def _counted(username: str | None, address: str | None) -> list[tuple[Policy, str]]:
    account_policy, address_policy = policies()
    pairs = [(account_policy, _account(username)), (address_policy, address or "")]
    return [(policy, who) for policy, who in pairs if who]


def wait_for(username: str | None, address: str | None, *, at: datetime) -> Wait | None:
    """The wait before ``username`` may try again from ``address`` at ``at``; None: try now."""
    waits = []
    for policy, who in _counted(username, address):
        count = ratelimit.peek(policy.scope, who, at=at)
        if count is None or count.value < policy.backoff_after:
            continue
        locked = count.value >= policy.lock_after
        last_failure = count.expires_at - settings.AXES_COOLOFF_TIME
        until = count.expires_at if locked else last_failure + settings.MOTCUA_SIGNIN_BACKOFF
        if until > at:
            waits.append(Wait(math.ceil((until - at).total_seconds()), locked))
    return max(waits, key=lambda w: (w.locked, w.seconds), default=None)


def failures(username: str | None, address: str | None, *, at: datetime) -> int:
    """The larger failure count of the account and the address."""
    counts = [ratelimit.peek(p.scope, who, at=at) for p, who in _counted(username, address)]
    return max((c.value for c in counts if c), default=0)


def record_failure(username: str | None, address: str | None, *, at: datetime) -> None:
    for policy, who in _counted(username, address):
        ratelimit.record(policy.scope, who, window=settings.AXES_COOLOFF_TIME, at=at)


# --------------------------------------------------------------------------- axes


class SignInLimitBackend(AxesStandaloneBackend):
    """axes's guard. A call without a request (the test client's ``login()``, a shell) is no web
    sign-in and has no address to count: it passes on to the next backend instead of failing.
    Every web sign-in (the staff login page, /admin/login/) passes its request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class SignInLimitHandler(AbstractAxesHandler, AxesBaseHandler):
    """axes's handler (``AXES_HANDLER``), counting in ``motcua.ratelimit``."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        username = get_client_username(request, credentials)
        wait = wait_for(username, request.axes_ip_address, at=request.axes_attempt_time)
        request.motcua_signin_wait = wait
        return wait is not None

    def get_failures(self, request, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        return failures(username, request.axes_ip_address, at=request.axes_attempt_time)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            return
        request.axes_credentials = credentials
        if request.axes_locked_out:  # refused by the backend: no password was compared
            return
        username = get_client_username(request, credentials)
        record_failure(username, request.axes_ip_address, at=request.axes_attempt_time)
        if self.is_locked(request, credentials):  # this failure starts a back-off or the lock
            request.axes_locked_out = True
            wait = request.motcua_signin_wait
            log.warning(
                "staff sign-in %s for %s s after repeated failures (account key %s)",
                "locked" if wait.locked else "backed off",
                wait.seconds,
                ratelimit.key(ACCOUNT, _account(username)).split(":")[1][:12],
            )
            user_locked_out.send(
                "axes", request=request, username=username, ip_address=request.axes_ip_address
            )

    def user_logged_in(self, sender, request, user, **kwargs):
        if settings.AXES_RESET_ON_SUCCESS:
            ratelimit.reset(ACCOUNT, _account(user.get_username()))

    def user_logged_out(self, sender, request, user, **kwargs):
        """Nothing to count."""

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False) -> int:
        """For ``motcua axes_reset`` / ``axes_reset_username`` / ``axes_reset_ip``: forget the
        failures of the account and/or the address named, or all of them."""
        if ip_address is None and username is None:
            ratelimit.reset(ACCOUNT)
            ratelimit.reset(ADDRESS)
            return 2
        if username is not None:
            ratelimit.reset(ACCOUNT, _account(username))
        if ip_address is not None:
            ratelimit.reset(ADDRESS, ip_address)
        return int(username is not None) + int(ip_address is not None)


def locked_out(request, original_response=None, credentials=None):
    """The sign-in page again, saying how long to wait (429, with ``Retry-After``)."""
    wait = getattr(request, "motcua_signin_wait", None) or wait_for(
        get_client_username(request, credentials),
        getattr(request, "axes_ip_address", None) or ratelimit.client_address(request),
        at=timezone.now(),
    )
    seconds = wait.seconds if wait else 1
    message = wait.message if wait else Wait(seconds, locked=False).message
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    response = render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "locked_message": message, "next": next_url},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
