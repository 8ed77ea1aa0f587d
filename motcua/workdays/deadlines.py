"""Due times of administrative procedures (domain.md §8.2); the rules are in the package docstring.

``due_at`` refuses what it cannot count (no amount, a negative amount, a naive time, an unknown
unit) with a ValueError saying so: the caller decides the fallback, e.g. one working day for a
procedure whose legal time the catalogue does not know yet.
"""

from datetime import datetime, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal, InvalidOperation
from enum import StrEnum

from motcua.workdays.calendar import MAX_SEARCH_YEARS, WorkCalendar

# 1 working day = 8 working hours, whatever a centre's office hours (domain.md §8.1): a centre
# open 07:00–11:30 and 13:30–17:00 and one open 08:00–12:00 and 13:00–17:00 give the same time.
HOURS_PER_WORKING_DAY = 8
_SECONDS_PER_HOUR = 3600
_MICROSECONDS_PER_SECOND = 1_000_000


class TimeUnit(StrEnum):
    WORKING_DAY = "working_day"
    CALENDAR_DAY = "calendar_day"
    HOUR = "hour"
    SAME_DAY = "same_day"


def hours(amount: Decimal | int | float) -> timedelta:
    """An exact timedelta for a number of hours (Decimal arithmetic, rounded to microseconds).

    Floats are read through their shortest decimal form, so ``hours(0.1)`` is exactly 6 minutes.
    """
    microseconds = _as_decimal(amount) * _SECONDS_PER_HOUR * _MICROSECONDS_PER_SECOND
    try:
        return timedelta(microseconds=int(microseconds.to_integral_value(ROUND_HALF_EVEN)))
    except OverflowError:
        raise ValueError(f"{amount} hours is too long to count") from None


def due_at(
    received_at: datetime,
    amount: Decimal | int | float | None,
    unit: TimeUnit | str,
    calendar: WorkCalendar,
) -> datetime:
    """When the result of a dossier received at ``received_at`` is due, in ``calendar.tz``.

    ``amount`` is the legal processing time in ``unit``; it is ignored for ``same_day``.
    """
    unit = _time_unit(unit)
    received = calendar.to_local(received_at)
    if unit is TimeUnit.SAME_DAY:
        return _same_day_due(received, calendar)
    quantity = _processing_amount(amount)
    if unit is TimeUnit.WORKING_DAY:
        return calendar.add_working_time(received, hours(quantity * HOURS_PER_WORKING_DAY))
    if unit is TimeUnit.HOUR:
        return calendar.add_working_time(received, hours(quantity))
    return _calendar_day_due(received, quantity, calendar)


# --------------------------------------------------------------------------- the units


def _same_day_due(received: datetime, calendar: WorkCalendar) -> datetime:
    """Closing time today, or of the next working day when received at or after the cut-off.

    The cut-off (15:00) is Decree 118/2025 Art. 18(2) and the same-day procedure texts (birth,
    death, certified copies): "if received after 15:00, the next working day". A dossier received
    on a day off is due at closing of the first working day after it. The closing-time check only
    matters for a centre closing before its cut-off: a result is never due before its receipt.
    """
    day = received.date()
    closing = calendar.closing_of(day)
    if (
        calendar.is_working_day(day)
        and received.time() < calendar.same_day_cutoff
        and received < closing
    ):
        return closing
    return calendar.closing_of(calendar.next_working_day(day))


def _calendar_day_due(received: datetime, days: Decimal, calendar: WorkCalendar) -> datetime:
    """Closing time of the last day, moved to the next working day when the office is shut.

    A period in days starts the day after the event, so its last day is the receipt date plus
    the number of days; a last day that is not worked moves to the next working day (Civil Code
    2015 Arts. 147–148). The result is due at closing time, when the office hands results out.
    A fraction of a day is rounded up: half a calendar day still needs that day.
    """
    whole_days = int(days.to_integral_value(ROUND_CEILING))
    if whole_days > MAX_SEARCH_YEARS * 366:
        raise ValueError(f"{days} calendar days is more than {MAX_SEARCH_YEARS} years")
    last_day = received.date() + timedelta(days=whole_days)
    due = calendar.closing_of(calendar.working_day_on_or_after(last_day))
    if due < received:
        # Only "0 calendar days" received after closing time: due the next working day.
        due = calendar.closing_of(calendar.next_working_day(received.date()))
    return due


# --------------------------------------------------------------------------- input checks


def _time_unit(unit: TimeUnit | str) -> TimeUnit:
    try:
        return TimeUnit(unit)
    except ValueError:
        choices = ", ".join(u.value for u in TimeUnit)
        raise ValueError(f"unknown time unit {unit!r}; use one of: {choices}") from None


def _processing_amount(amount: Decimal | int | float | None) -> Decimal:
    if amount is None:
        raise ValueError("no processing time given (amount is None); the caller must choose one")
    quantity = _as_decimal(amount)
    if quantity < 0:
        raise ValueError(f"processing time cannot be negative ({amount})")
    return quantity


def _as_decimal(amount: Decimal | int | float) -> Decimal:
    if isinstance(amount, bool):
        raise ValueError(f"processing time must be a number, not {amount!r}")
    try:
        # str() so that a float is read as the number it prints as (0.1, not 0.1000000000000000055).
        quantity = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError):
        raise ValueError(f"processing time must be a number, not {amount!r}") from None
    if not quantity.is_finite():
        raise ValueError(f"processing time must be a finite number, not {amount!r}")
    return quantity
