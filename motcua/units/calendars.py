"""The working calendar of a service centre: its office hours plus the official day swaps.

``motcua.workdays`` does the arithmetic and knows the holidays; this module feeds it what only the
database knows. The DayOverride table changes a few times a year but is read for every deadline, so
each process keeps a copy:

- saving or deleting an override through the ORM (admin, services) drops this process's copy at
  once, and again when the transaction commits;
- other processes (more web workers, the task worker) pick the change up within
  ``OVERRIDES_TTL_SECONDS``. A day swap is announced weeks ahead, so a minute of lag is harmless;
- bulk writes bypass signals, so the services that use them call ``invalidate_overrides()``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from motcua.units.models import DEFAULT_OFFICE_HOURS, DayOverride, DayOverrideKind

if TYPE_CHECKING:
    from motcua.units.models import ServiceCenter
    from motcua.workdays import WorkCalendar

OVERRIDES_TTL_SECONDS = 60.0


@dataclass(frozen=True)
class _Snapshot:
    loaded_at: float
    days_off: frozenset
    working_days: frozenset
    # One calendar per distinct office-hours string: most centres share the default hours, and a
    # calendar may memoise holiday years internally, so sharing it saves work.
    calendars: dict = field(default_factory=dict)


_lock = threading.Lock()
_snapshot: _Snapshot | None = None


def invalidate_overrides() -> None:
    """Forget this process's copy of the DayOverride table."""
    global _snapshot
    with _lock:
        _snapshot = None


def _current_snapshot() -> _Snapshot:
    global _snapshot
    now = time.monotonic()
    snap = _snapshot
    if snap is not None and now - snap.loaded_at < OVERRIDES_TTL_SECONDS:
        return snap
    days_off, working_days = set(), set()
    for day, kind in DayOverride.objects.values_list("date", "kind"):
        (working_days if kind == DayOverrideKind.WORKING_DAY else days_off).add(day)
    snap = _Snapshot(now, frozenset(days_off), frozenset(working_days))
    with _lock:
        _snapshot = snap
    return snap


def calendar_for_center(center: ServiceCenter | None) -> WorkCalendar:
    """The calendar deadlines at ``center`` are counted with; ``None`` gives the default hours."""
    from motcua.workdays import OfficeHours, WorkCalendar

    hours = center.office_hours if center is not None else DEFAULT_OFFICE_HOURS
    snap = _current_snapshot()
    calendar = snap.calendars.get(hours)
    if calendar is None:
        calendar = WorkCalendar(
            office_hours=OfficeHours.parse(hours),
            extra_days_off=snap.days_off,
            extra_working_days=snap.working_days,
        )
        snap.calendars[hours] = calendar
    return calendar


def office_hours_problem(value: str) -> str | None:
    """Why ``value`` is not a valid office-hours string, or None."""
    from motcua.workdays import OfficeHours

    try:
        OfficeHours.parse(value)
    except (ValueError, TypeError) as exc:
        return _(
            "Giờ làm việc “%(value)s” không hợp lệ (%(error)s). Viết các khoảng giờ tăng dần, "
            "cách nhau bởi dấu phẩy, ví dụ 08:00-12:00,13:00-17:00."
        ) % {"value": value, "error": exc}
    return None


@receiver(post_save, sender=DayOverride, dispatch_uid="units.day_override_saved")
@receiver(post_delete, sender=DayOverride, dispatch_uid="units.day_override_deleted")
def _day_override_changed(**kwargs) -> None:
    invalidate_overrides()
    # A request in this process could re-read the old rows before the writer commits.
    transaction.on_commit(invalidate_overrides)
