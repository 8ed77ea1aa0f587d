"""Office hours of a service centre: the periods of a working day when time counts.

Office hours are set locally (domain.md §8.1), e.g. 07:00–11:30 and 13:30–17:00, and are stored
as text such as ``"08:00-12:00,13:00-17:00"``. Only time inside a period counts towards a
deadline: the lunch break between two periods does not.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

_PERIOD_EXAMPLE = "08:00-12:00,13:00-17:00"
# HH:MM-HH:MM; an en dash is accepted because word processors turn "-" into "–".
_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


def _clock(hours: str, minutes: str, period: str) -> time:
    try:
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(
            f"“{period}” has a time of day that does not exist ({hours}:{minutes}); "
            "hours go from 00 to 23 and minutes from 00 to 59"
        ) from None


def _parse_period(text: str) -> tuple[time, time]:
    match = _PERIOD.match(text)
    if match is None:
        raise ValueError(
            f"“{text.strip()}” is not an office period; write periods as HH:MM-HH:MM separated "
            f"by commas, e.g. {_PERIOD_EXAMPLE}"
        )
    start_h, start_m, end_h, end_m = match.groups()
    return _clock(start_h, start_m, text.strip()), _clock(end_h, end_m, text.strip())


def _duration(start: time, end: time) -> timedelta:
    # Both are times of the same day; combine with any date to subtract them.
    day = datetime.min.date()
    return datetime.combine(day, end) - datetime.combine(day, start)


@dataclass(frozen=True)
class OfficeHours:
    """The opening periods of a working day, in local time: sorted and not overlapping.

    Two periods may touch (``08:00-12:00,12:00-17:00``); that is simply a day without a break.
    """

    periods: tuple[tuple[time, time], ...]

    def __post_init__(self):
        # Accept lists too, but store tuples so that the value stays hashable (calendars are
        # shared and used as cache keys).
        periods = tuple(tuple(period) for period in self.periods)
        object.__setattr__(self, "periods", periods)
        _check_periods(periods)

    @classmethod
    def parse(cls, text: str) -> "OfficeHours":
        """``"08:00-12:00,13:00-17:00"`` → OfficeHours; ValueError saying what is wrong."""
        if not isinstance(text, str):
            raise ValueError(f"office hours must be text like {_PERIOD_EXAMPLE}, not {text!r}")
        chunks = [chunk for chunk in text.split(",") if chunk.strip()]
        return cls(tuple(_parse_period(chunk) for chunk in chunks))

    def __str__(self) -> str:
        return ",".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in self.periods)

    @property
    def opening(self) -> time:
        """Start of the first period."""
        return self.periods[0][0]

    @property
    def closing(self) -> time:
        """End of the last period: a same-day result is due then."""
        return self.periods[-1][1]

    @property
    def working_time_per_day(self) -> timedelta:
        """Time that counts in one working day (8 h for the default hours)."""
        return sum((_duration(start, end) for start, end in self.periods), start=timedelta(0))

    @property
    def minutes_per_day(self) -> int:
        return int(self.working_time_per_day.total_seconds() // 60)

    def contains(self, t: time) -> bool:
        """Whether local time-of-day ``t`` is inside a period; a period's end is not."""
        return any(start <= t < end for start, end in self.periods)


def _check_periods(periods: tuple[tuple[time, ...], ...]) -> None:
    if not periods:
        raise ValueError(f"office hours need at least one period, e.g. {_PERIOD_EXAMPLE}")
    previous_end = None
    for period in periods:
        if len(period) != 2 or not all(isinstance(t, time) for t in period):
            raise ValueError(f"an office period is a (start, end) pair of times, not {period!r}")
        start, end = period
        if start.tzinfo is not None or end.tzinfo is not None:
            # Periods are local clock times; the calendar's time zone says where.
            raise ValueError("office periods are local clock times; give them without a time zone")
        if end <= start:
            raise ValueError(
                f"office period {start:%H:%M}-{end:%H:%M} does not end after it starts"
            )
        if previous_end is not None and start < previous_end:
            raise ValueError(
                f"office period {start:%H:%M}-{end:%H:%M} starts before the previous one ends "
                f"({previous_end:%H:%M}); periods must be in order and must not overlap"
            )
        previous_end = end


DEFAULT_OFFICE_HOURS = OfficeHours(((time(8), time(12)), (time(13), time(17))))
