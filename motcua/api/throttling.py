"""Limits on API calls (``motcua.ratelimit``) and their refusal: 429 with ``Retry-After``.

``PerAddress(limit)`` is a django-ninja throttle: it counts the call against ``limit()`` for the
caller's address before the body is read, so malformed calls count too. Limits met deeper down (a
service raising ``ratelimit.Refused``) answer the same way through the exception handler below.
"""

import math
from collections.abc import Callable

from django.utils.translation import gettext as _
from ninja.errors import Throttled
from ninja.throttling import BaseThrottle

from motcua import ratelimit
from motcua.api.router import api

REFUSED_ATTRIBUTE = "motcua_refused"


class PerAddress(BaseThrottle):
    def __init__(self, limit: Callable[[], ratelimit.Limit]):
        self.limit = limit

    def allow_request(self, request) -> bool:
        try:
            ratelimit.hit((self.limit(), ratelimit.client_address(request)))
        except ratelimit.Refused as refused:
            # One throttle object serves every request (and thread): the refusal, with its wait,
            # travels on the request to the handler below rather than on ``self``.
            setattr(request, REFUSED_ATTRIBUTE, refused)
            return False
        return True

    def wait(self) -> None:
        """The wait is the refusal's (see ``throttled``), not one number for every caller."""
        return None


def _too_many(request, message: str, retry_after: int):
    response = api.create_response(
        request, {"detail": message, "code": "rate_limited", "errors": {}}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(ratelimit.Refused)
def refused(request, exc: ratelimit.Refused):
    return _too_many(request, exc.message, exc.retry_after)


@api.exception_handler(Throttled)
def throttled(request, exc: Throttled):
    """Any throttled call of the API, in the project's error shape, with ``Retry-After``."""
    refusal = getattr(request, REFUSED_ATTRIBUTE, None)
    if refusal is not None:
        return refused(request, refusal)
    wait = math.ceil(exc.wait or 60)
    return _too_many(
        request,
        _("Bạn đã gọi quá nhiều lần trong thời gian ngắn. Xin thử lại sau %(wait)s.")
        % {"wait": ratelimit.wait_text(wait)},
        wait,
    )
