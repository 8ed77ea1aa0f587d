"""What keeps the public report form from being flooded: a honeypot and limits per sender.

- **Honeypot.** The form has one more text box, ``HONEYPOT``, hidden by a CSS class (not shown,
  not in the accessibility tree, not filled by browsers' autofill: ``autocomplete="off"``). People
  never fill it; form-filling robots fill every box. A post with it filled gets the ordinary
  "received" page (so the robot learns nothing) and nothing is stored or sent.
- **Limits** (``motcua.ratelimit``, shared by every web process): per network address
  (``MOTCUA_PETITIONS_PER_ADDRESS_PER_HOUR``, default 5) and per phone number
  (``MOTCUA_PETITIONS_PER_PHONE_PER_HOUR``, default 3). What is counted is a report about to be
  stored: a form sent back with mistakes costs nothing, so a resident correcting a typo is never
  locked out, and a refused post counts against neither limit. Signed-in residents are counted
  by their phone too. The kiosk at the centre is counted by phone only: every visitor of the
  centre shares its address.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.ratelimit import Limit, hit

__all__ = ["HONEYPOT", "count_report", "is_bot", "per_address", "per_phone"]

HONEYPOT = "trang_web"
WINDOW = timedelta(hours=1)
_MESSAGE = _(
    "Đã có quá nhiều phản ánh gửi từ đây trong một giờ. Xin thử lại sau %(wait)s, hoặc gọi đường "
    "dây nóng của xã, phường."
)


def per_address() -> Limit:
    calls = settings.MOTCUA_PETITIONS_PER_ADDRESS_PER_HOUR
    return Limit("petition-address", calls, WINDOW, _MESSAGE)


def per_phone() -> Limit:
    calls = settings.MOTCUA_PETITIONS_PER_PHONE_PER_HOUR
    return Limit("petition-phone", calls, WINDOW, _MESSAGE)


def is_bot(data) -> bool:
    """The hidden box was filled: a robot (``data`` is the POST)."""
    return bool((data.get(HONEYPOT) or "").strip())


def count_report(*, address: str, phone: str, at: datetime | None = None) -> None:
    """Count one report against the sender's limits, all or nothing; raises
    ``motcua.ratelimit.Refused`` (nothing counted) when one is used up."""
    limits = []
    if address:
        limits.append((per_address(), address))
    if phone:
        limits.append((per_phone(), phone))
    if limits:
        hit(*limits, at=at)
