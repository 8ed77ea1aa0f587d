"""Shared helpers of the workdays tests: local moments and the official swaps of 2025–2026."""

from datetime import date, datetime

from motcua.workdays import VIETNAM_TZ, WorkCalendar


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment on the Vietnamese clock."""
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM_TZ)


# The official swaps as the override table holds them (motcua/data/vn_official_day_swaps.csv):
# the holidays package knows some days off (2025-05-02, 2026-08-31) but no worked Saturday.
OFFICIAL_DAYS_OFF = frozenset({date(2025, 5, 2), date(2026, 1, 2), date(2026, 8, 31)})
OFFICIAL_WORKING_DAYS = frozenset({date(2025, 4, 26), date(2026, 1, 10), date(2026, 8, 22)})

PLAIN = WorkCalendar()
WITH_SWAPS = WorkCalendar(
    extra_days_off=OFFICIAL_DAYS_OFF, extra_working_days=OFFICIAL_WORKING_DAYS
)
