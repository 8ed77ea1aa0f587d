"""The working-day calendar of a service centre: which days are worked, and office hours.

Pure Python (no Django): the deadline rules must be testable on their own and usable by any
process. Holidays come from the maintained ``holidays`` package (Tết and Hùng Kings day follow the
lunar calendar; never hand-write one). Official yearly swaps — a weekday given off, a Saturday
worked in exchange — come from the overrides table that staff edit, passed in as two sets.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SATURDAY = 5


@lru_cache(maxsize=64)
def _vietnam_holidays(year: int) -> dict[date, str]:
    """Public holidays of one year (Labour Code 2019 Art. 112), cached per process."""
    try:
        table = holidays.country_holidays("VN", years=year, language="vi")
    except (NotImplementedError, TypeError, ValueError):
        table = holidays.country_holidays("VN", years=year)
    return dict(table)


def _parse_clock(text: str) -> time:
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a time of day; write it as HH:MM, e.g. 08:00") from exc


@dataclass(frozen=True)
class OfficeHours:
    """Opening periods of a working day, in local time: sorted, not overlapping."""

    periods: tuple[tuple[time, time], ...]

    def __post_init__(self):
        if not self.periods:
            raise ValueError("office hours need at least one period, e.g. 08:00-12:00")
        previous_end = None
        for start, end in self.periods:
            if end <= start:
                raise ValueError(f"office period {start:%H:%M}-{end:%H:%M} ends before it starts")
            if previous_end is not None and start < previous_end:
                raise ValueError("office periods must be in order and must not overlap")
            previous_end = end

    @classmethod
    def parse(cls, text: str) -> "OfficeHours":
        """``"08:00-12:00,13:00-17:00"`` → OfficeHours."""
        periods = []
        for chunk in (text or "").split(","):
            if not chunk.strip():
                continue
            if "-" not in chunk:
                raise ValueError(
                    f"'{chunk.strip()}' is not a period; write periods as 08:00-12:00,13:00-17:00"
                )
            start, end = chunk.split("-", 1)
            periods.append((_parse_clock(start), _parse_clock(end)))
        return cls(tuple(periods))

    def __str__(self) -> str:
        return ",".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in self.periods)

    @property
    def opening(self) -> time:
        return self.periods[0][0]

    @property
    def closing(self) -> time:
        return self.periods[-1][1]


DEFAULT_OFFICE_HOURS = OfficeHours(((time(8), time(12)), (time(13), time(17))))


@dataclass(frozen=True)
class WorkCalendar:
    office_hours: OfficeHours = DEFAULT_OFFICE_HOURS
    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)
    same_day_cutoff: time = time(15, 0)
    tz: ZoneInfo = VIETNAM_TZ

    # ------------------------------------------------------------------ days

    def is_holiday(self, d: date) -> bool:
        return d in _vietnam_holidays(d.year)

    def holiday_name(self, d: date) -> str | None:
        return _vietnam_holidays(d.year).get(d)

    def is_working_day(self, d: date) -> bool:
        # A make-up Saturday (official swap) is worked and counts for deadlines; it wins over
        # everything else.
        if d in self.extra_working_days:
            return True
        if d.weekday() >= SATURDAY or d in self.extra_days_off:
            return False
        return not self.is_holiday(d)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self.working_day_on_or_after(d + timedelta(days=1))

    def working_day_on_or_after(self, d: date) -> date:
        for _ in range(400):  # Tết plus weekends is about ten days; a year is a safe bound
            if self.is_working_day(d):
                return d
            d += timedelta(days=1)
        raise ValueError(f"no working day within a year after {d}; check the day overrides")

    # ------------------------------------------------------------------ moments

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("naive datetime: give a time zone (times are stored in UTC)")
        return moment.astimezone(self.tz)

    def _at(self, d: date, t: time) -> datetime:
        return datetime.combine(d, t, self.tz)

    def closing_of(self, d: date) -> datetime:
        return self._at(d, self.office_hours.closing)

    def is_open(self, moment: datetime) -> bool:
        local = self._local(moment)
        if not self.is_working_day(local.date()):
            return False
        return any(s <= local.time() < e for s, e in self.office_hours.periods)

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` itself if the office is open then, else the start of the next period."""
        local = self._local(moment)
        if self.is_working_day(local.date()):
            for start, end in self.office_hours.periods:
                if local.time() < start:
                    return self._at(local.date(), start)
                if local.time() < end:
                    return local
        return self._at(self.next_working_day(local.date()), self.office_hours.opening)

    def _periods_from(self, moment: datetime):
        """Office periods (start, end) as aware datetimes, from ``moment`` onward."""
        current = self.next_opening(moment)
        d = current.date()
        while True:
            if self.is_working_day(d):
                for start, end in self.office_hours.periods:
                    period_start, period_end = self._at(d, start), self._at(d, end)
                    if period_end <= current:
                        continue
                    yield max(period_start, current), period_end
            d = self.working_day_on_or_after(d + timedelta(days=1))

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The moment ``amount`` of office time after ``start``, skipping breaks, weekends,
        holidays and days off. Counting begins at the next opening if the office is closed.
        An amount ending exactly at a period's end returns that end (12:00, not 13:00)."""
        if amount < timedelta(0):
            raise ValueError("cannot add a negative amount of working time")
        remaining = amount
        for period_start, period_end in self._periods_from(start):
            available = period_end - period_start
            if remaining <= available:
                return period_start + remaining
            remaining -= available
        raise AssertionError("unreachable: the period generator never ends")

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Office time on working days between ``a`` and ``b`` (zero unless ``b`` is later)."""
        if b <= a:
            return timedelta(0)
        b = self._local(b)
        total = timedelta(0)
        for period_start, period_end in self._periods_from(a):
            if period_start >= b:
                break
            total += min(period_end, b) - period_start
        return total
