"""The working-day calendar of a service centre: which days are worked, and which moments count.

A day is worked when it is Monday to Friday (Decision 188/1999/QĐ-TTg, the 40-hour week), not a
public holiday (Labour Code 2019 Art. 112, from the ``holidays`` package) and not made a day off
by an official notice; a Saturday an official notice makes worked in exchange counts as a working
day. Saturday-morning reception does not count (domain.md §8.1 treats Saturday as non-working for
deadlines until shown otherwise).

Inside a working day only the office periods count. All arithmetic is done on the local clock of
the calendar's time zone (Asia/Ho_Chi_Minh has no daylight saving), day by day and period by
period, with exact ``timedelta`` sums: never minute by minute and never with floats.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from motcua.workdays.office_hours import DEFAULT_OFFICE_HOURS, OfficeHours
from motcua.workdays.public_holidays import holidays_of_year

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SATURDAY = 5
ONE_DAY = timedelta(days=1)
# Bound on every search through the calendar. The longest legal time is months, and the longest
# run of days off (Tết plus weekends) is about ten days; a search that goes on for a century means
# a bad input (a huge amount, an override table that takes every day off) and must fail, not hang.
MAX_SEARCH_YEARS = 100


def _search_limit(start: date) -> int:
    """Last year a search from ``start`` may reach (and never the last year datetime knows)."""
    return min(start.year + MAX_SEARCH_YEARS, date.max.year - 1)


def _check_days(name: str, days) -> frozenset[date]:
    days = frozenset(days)
    for d in days:
        # datetime is a subclass of date but never equals one: it would silently never match.
        if isinstance(d, datetime) or not isinstance(d, date):
            raise ValueError(f"{name} must hold dates (datetime.date), not {d!r}")
    return days


@dataclass(frozen=True)
class WorkCalendar:
    """Working days and office hours of one service centre.

    ``extra_days_off`` and ``extra_working_days`` are the official swaps of the year (a weekday
    given off; a Saturday worked in exchange), loaded by the caller from the override table.
    """

    office_hours: OfficeHours = DEFAULT_OFFICE_HOURS
    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    same_day_cutoff: time = time(15, 0)
    tz: ZoneInfo = VIETNAM_TZ

    def __post_init__(self):
        if isinstance(self.office_hours, str):
            object.__setattr__(self, "office_hours", OfficeHours.parse(self.office_hours))
        if not isinstance(self.office_hours, OfficeHours):
            raise ValueError(f"office_hours must be OfficeHours, not {self.office_hours!r}")
        # Sets are accepted and frozen so the calendar stays hashable and cannot change under
        # a deadline computed from it.
        object.__setattr__(
            self, "extra_days_off", _check_days("extra_days_off", self.extra_days_off)
        )
        object.__setattr__(
            self, "extra_working_days", _check_days("extra_working_days", self.extra_working_days)
        )
        if not isinstance(self.same_day_cutoff, time) or self.same_day_cutoff.tzinfo is not None:
            raise ValueError(
                f"same_day_cutoff must be a local time of day, not {self.same_day_cutoff!r}"
            )
        if not isinstance(self.tz, tzinfo):
            raise ValueError(f"tz must be a time zone (ZoneInfo), not {self.tz!r}")

    # ------------------------------------------------------------------ days

    def is_holiday(self, d: date) -> bool:
        """A public holiday according to the ``holidays`` package (overrides not included)."""
        return d in holidays_of_year(d.year)

    def holiday_name(self, d: date) -> str | None:
        """The Vietnamese name of the public holiday on ``d``, or None."""
        return holidays_of_year(d.year).get(d)

    def is_working_day(self, d: date) -> bool:
        # An official notice saying a day is worked is the most specific rule: it wins over the
        # weekend, the holiday table and any day off.
        if d in self.extra_working_days:
            return True
        if d.weekday() >= SATURDAY or d in self.extra_days_off:
            return False
        return not self.is_holiday(d)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self.working_day_on_or_after(d + ONE_DAY)

    def working_day_on_or_after(self, d: date) -> date:
        limit = _search_limit(d)
        while not self.is_working_day(d):
            d += ONE_DAY
            if d.year > limit:
                raise ValueError(
                    f"no working day within {MAX_SEARCH_YEARS} years; check the days off"
                )
        return d

    # ------------------------------------------------------------------ moments

    def to_local(self, moment: datetime) -> datetime:
        """``moment`` on the calendar's clock; ValueError for a naive datetime (ambiguous)."""
        if not isinstance(moment, datetime):
            raise ValueError(f"expected a datetime, not {moment!r}")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(
                f"naive datetime {moment.isoformat()}: give it a time zone "
                "(times are stored in UTC and counted in Asia/Ho_Chi_Minh)"
            )
        return moment.astimezone(self.tz)

    def at(self, d: date, t: time) -> datetime:
        """Local clock time ``t`` on day ``d`` as an aware datetime."""
        return datetime.combine(d, t, self.tz)

    def closing_of(self, d: date) -> datetime:
        """End of the last office period on ``d`` (whether or not ``d`` is worked)."""
        return self.at(d, self.office_hours.closing)

    def is_open(self, moment: datetime) -> bool:
        """Inside an office period of a working day (a period's end is already closed)."""
        local = self.to_local(moment)
        return self.is_working_day(local.date()) and self.office_hours.contains(local.time())

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` itself if the office is open then, else the start of the next period."""
        start, _end = next(self._periods_from(moment))
        return start

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The moment ``amount`` of office time after ``start``.

        Counting begins at the next opening if the office is closed at ``start``, and skips
        breaks, weekends, holidays and days off. An amount that runs out exactly at the end of a
        period gives that end (12:00, not 13:00): the work is done by then.
        """
        if not isinstance(amount, timedelta):
            raise ValueError(f"amount must be a timedelta, not {amount!r}")
        if amount < timedelta(0):
            raise ValueError(f"cannot add a negative amount of working time ({amount})")
        remaining = amount
        for period_start, period_end in self._periods_from(start):
            available = period_end - period_start
            if remaining <= available:
                return period_start + remaining
            remaining -= available
        raise AssertionError("unreachable: _periods_from never ends without raising")

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Office time on working days between ``a`` and ``b``; zero unless ``b`` is later.

        The exact inverse of ``add_working_time``:
        ``working_time_between(s, add_working_time(s, x)) == x``.
        """
        a, b = self.to_local(a), self.to_local(b)
        total = timedelta(0)
        if b <= a:
            return total
        for period_start, period_end in self._periods_from(a):
            if period_start >= b:
                break
            total += min(period_end, b) - period_start
        return total

    def _periods_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The office periods still to come at ``moment``, as (start, end) aware datetimes.

        The first one starts at ``moment`` itself when the office is open then. Endless, except
        that it gives up (ValueError) after ``MAX_SEARCH_YEARS``.
        """
        local = self.to_local(moment)
        day = local.date()
        limit = _search_limit(day)
        while day.year <= limit:
            if self.is_working_day(day):
                for start, end in self.office_hours.periods:
                    period_end = self.at(day, end)
                    if period_end > local:
                        yield max(self.at(day, start), local), period_end
            day += ONE_DAY
        raise ValueError(
            f"the working time would run past {limit}: more than {MAX_SEARCH_YEARS} years from "
            f"{local:%Y-%m-%d}; check the amount and the days off"
        )
