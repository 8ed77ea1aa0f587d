"""Due times of administrative procedures (domain.md §8.2).

- working days: each working day is 8 working hours (the national convention, whatever a
  centre's office hours), counted through office hours from the moment of receipt;
- hours: the same, in working hours;
- calendar days: the last day is the receipt date plus the number of days; a last day that is not
  worked moves to the next working day (Civil Code 2015 Art. 148), due at closing time;
- same day: due at closing the same day if received on a working day before the cut-off (15:00),
  otherwise at closing of the next working day, as procedure texts for birth registration and
  certified copies say;
- a dossier received outside office hours starts counting at the next opening.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from motcua.workdays.calendar import WorkCalendar

HOURS_PER_WORKING_DAY = 8


class TimeUnit(StrEnum):
    WORKING_DAY = "working_day"
    CALENDAR_DAY = "calendar_day"
    HOUR = "hour"
    SAME_DAY = "same_day"


def hours(amount: Decimal | int | float) -> timedelta:
    """An exact timedelta for a number of hours (Decimal arithmetic, microsecond precision)."""
    seconds = Decimal(str(amount)) * 3600
    return timedelta(microseconds=int((seconds * 1_000_000).to_integral_value()))


def due_at(
    received_at: datetime,
    amount: Decimal | int | float | None,
    unit: TimeUnit | str,
    calendar: WorkCalendar,
) -> datetime:
    if received_at.tzinfo is None:
        raise ValueError("received_at is a naive datetime; give it a time zone")
    try:
        unit = TimeUnit(unit)
    except ValueError:
        choices = ", ".join(u.value for u in TimeUnit)
        raise ValueError(f"unknown time unit {unit!r}; use one of: {choices}") from None
    local = received_at.astimezone(calendar.tz)
    if unit is TimeUnit.SAME_DAY:
        return _same_day(local, calendar)
    if amount is None or Decimal(str(amount)) < 0:
        raise ValueError(f"processing time must be a number ≥ 0, not {amount!r}")
    if unit is TimeUnit.WORKING_DAY:
        return calendar.add_working_time(local, hours(Decimal(str(amount)) * HOURS_PER_WORKING_DAY))
    if unit is TimeUnit.HOUR:
        return calendar.add_working_time(local, hours(amount))
    last_day = local.date() + timedelta(days=int(Decimal(str(amount)).to_integral_value()))
    return calendar.closing_of(calendar.working_day_on_or_after(last_day))


def _same_day(local: datetime, calendar: WorkCalendar) -> datetime:
    day = local.date()
    if calendar.is_working_day(day) and local.time() < calendar.same_day_cutoff:
        return calendar.closing_of(day)
    return calendar.closing_of(calendar.next_working_day(day))
