"""How often one phone or one network address may try to book (the issue's "rate limit").

Each attempt is a row keyed by an HMAC of the phone number or IP address (so neither is stored in
clear); a limit is a count of rows in the last hour. Attempts are counted whether or not the
booking succeeds: that is what stops someone probing slots or flooding a stranger's phone.
Rows older than the window are deleted as new ones come in.
"""

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.queueing import errors
from motcua.queueing.errors import QueueError
from motcua.queueing.models import BookingAttempt

WINDOW = timedelta(hours=1)
PER_PHONE = 10
PER_ADDRESS = 20


def _key(kind: str, value: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256)
    return digest.hexdigest()


def count_booking_attempt(*, phone: str, address: str, at: datetime) -> None:
    """Record one attempt; raise ``rate_limited`` (and record nothing) when a limit is reached."""
    limits = [(_key("phone", phone), PER_PHONE)] if phone else []
    if address:
        limits.append((_key("ip", address), PER_ADDRESS))
    BookingAttempt.objects.filter(at__lt=at - WINDOW).delete()
    for key, limit in limits:
        if BookingAttempt.objects.filter(key=key, at__gte=at - WINDOW).count() >= limit:
            raise QueueError(
                _(
                    "Bạn đã thử đặt số quá nhiều lần trong một giờ. Xin thử lại sau, hoặc lấy số "
                    "tại máy ở trung tâm."
                ),
                errors.RATE_LIMITED,
            )
    BookingAttempt.objects.bulk_create([BookingAttempt(key=key, at=at) for key, _l in limits])


def client_address(request) -> str:
    """The caller's address. Behind a proxy, set ``MOTCUA_TRUSTED_PROXY_HEADER`` (e.g.
    ``HTTP_X_REAL_IP``) so the limit is per visitor, not per proxy."""
    header = settings.MOTCUA_TRUSTED_PROXY_HEADER
    return (request.META.get(header) if header else None) or request.META.get("REMOTE_ADDR", "")
