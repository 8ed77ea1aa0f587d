"""Limits on API calls (``motcua.ratelimit``) as django-ninja throttles.

``PerAddress(limit)`` counts the call against ``limit()`` for the caller's address before the body
is read, so malformed calls count too. The refusal, with its own wait, travels on the request to
``motcua.api.errors.on_throttled``, which answers 429 with ``Retry-After`` in the one error shape;
limits met deeper down (a service raising ``ratelimit.Refused``) answer the same way there.
"""

from collections.abc import Callable

from ninja.throttling import BaseThrottle

from motcua import ratelimit

REFUSED_ATTRIBUTE = "motcua_refused"


class PerAddress(BaseThrottle):
    def __init__(self, limit: Callable[[], ratelimit.Limit]):
        self.limit = limit

    def allow_request(self, request) -> bool:
        try:
            ratelimit.hit((self.limit(), ratelimit.client_address(request)))
        except ratelimit.Refused as refused:
            # One throttle object serves every request (and thread): the refusal, with its wait,
            # travels on the request to the handler rather than on ``self``.
            setattr(request, REFUSED_ATTRIBUTE, refused)
            return False
        return True

    def wait(self) -> None:
        """The wait is the refusal's (see ``errors.on_throttled``), not one number for all."""
        return None
