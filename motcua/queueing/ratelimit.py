"""How often one phone or one network address may try to book (the issue's "rate limit").

Attempts are counted whether or not the booking succeeds: that is what stops someone probing slots
or flooding a stranger's phone. The counting is ``motcua.ratelimit``'s, shared by every web
process; a refused attempt counts against neither limit.
"""

from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from motcua.queueing import errors
from motcua.queueing.errors import QueueError
from motcua.ratelimit import Limit, Refused, client_address, hit

__all__ = ["PER_ADDRESS", "PER_PHONE", "client_address", "count_booking_attempt"]

WINDOW = timedelta(hours=1)
PER_PHONE = 10
PER_ADDRESS = 20
_MESSAGE = _(
    "Bạn đã thử đặt số quá nhiều lần trong một giờ. Xin thử lại sau %(wait)s, hoặc lấy số tại máy "
    "ở trung tâm."
)
BOOKINGS_PER_PHONE = Limit("booking-phone", PER_PHONE, WINDOW, _MESSAGE)
BOOKINGS_PER_ADDRESS = Limit("booking-address", PER_ADDRESS, WINDOW, _MESSAGE)


def count_booking_attempt(*, phone: str, address: str, at: datetime) -> None:
    """Count one attempt; raise ``rate_limited`` (and count nothing) when a limit is reached."""
    limits = [(BOOKINGS_PER_PHONE, phone)] if phone else []
    if address:
        limits.append((BOOKINGS_PER_ADDRESS, address))
    try:
        hit(*limits, at=at)
    except Refused as refused:
        raise QueueError(
            refused.message, errors.RATE_LIMITED, retry_after=refused.retry_after
        ) from None
