"""Reporting periods: a day, a month, a quarter, a year or any range of days, in Vietnam's time.

A period is a half-open interval of local days [first, last + 1 day). Every figure takes one, so
"which date decides the period" is always the same question: is that date inside ``bounds()``?
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.workdays import VIETNAM_TZ

KINDS = ("day", "month", "quarter", "year", "range")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class PeriodError(ValueError):
    """A period that cannot be read; the message says what to write instead."""


@dataclass(frozen=True)
class Period:
    kind: str
    first: date
    last: date  # inclusive

    def bounds(self) -> tuple[datetime, datetime]:
        """Aware datetimes [start, end): local midnight of ``first`` to that after ``last``."""
        start = datetime.combine(self.first, time.min, tzinfo=VIETNAM_TZ)
        end = datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=VIETNAM_TZ)
        return start, end

    @property
    def end(self) -> datetime:
        return self.bounds()[1]

    def measured_at(self, now: datetime | None = None) -> datetime:
        """When open dossiers are judged: the period's end, or now for a period not over yet
        (service_index.md §4.2: "the last day of the period, or today for the current period")."""
        now = now or timezone.now()
        return min(self.end, now)

    def is_current(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) < self.end

    @property
    def key(self) -> str:
        """The period written as in URLs and the API: 2026-10, 2026-Q4, 2026, 2026-10-07, or
        2026-10-01..2026-10-15."""
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == "year":
            return f"{self.first.year}"
        if self.kind == "day":
            return self.first.isoformat()
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("Tháng %(m)d/%(y)d") % {"m": self.first.month, "y": self.first.year}
        if self.kind == "quarter":
            return _("Quý %(q)d/%(y)d") % {
                "q": (self.first.month - 1) // 3 + 1,
                "y": self.first.year,
            }
        if self.kind == "year":
            return _("Năm %(y)d") % {"y": self.first.year}
        if self.kind == "day":
            return f"{self.first:%d/%m/%Y}"
        return f"{self.first:%d/%m/%Y} – {self.last:%d/%m/%Y}"

    def previous(self) -> "Period":
        """The period of the same kind just before (for month-on-month change)."""
        if self.kind == "month":
            return month_of(self.first - timedelta(days=1))
        if self.kind == "quarter":
            return quarter_of(self.first - timedelta(days=1))
        if self.kind == "year":
            return year_of(self.first.year - 1)
        length = self.last - self.first
        return Period(self.kind, self.first - length - timedelta(days=1), self.first - timedelta(1))

    def months(self) -> list["Period"]:
        """The calendar months this period touches, in order."""
        out, cursor = [], date(self.first.year, self.first.month, 1)
        while cursor <= self.last:
            out.append(month_of(cursor))
            cursor = out[-1].last + timedelta(days=1)
        return out

    def covers_whole_months(self) -> bool:
        months = self.months()
        return months[0].first == self.first and months[-1].last == self.last


def month_of(day: date) -> Period:
    first = date(day.year, day.month, 1)
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return Period("month", first, following - timedelta(days=1))


def quarter_of(day: date) -> Period:
    first_month = (day.month - 1) // 3 * 3 + 1
    first = date(day.year, first_month, 1)
    last = month_of(date(day.year, first_month + 2, 1)).last
    return Period("quarter", first, last)


def year_of(year: int) -> Period:
    return Period("year", date(year, 1, 1), date(year, 12, 31))


def day_of(day: date) -> Period:
    return Period("day", day, day)


def today(now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), VIETNAM_TZ).date()


def parse(text: str | None, *, default: Period | None = None) -> Period:
    """Read a period key (see ``Period.key``). Raises PeriodError naming the accepted forms."""
    text = (text or "").strip()
    if not text:
        if default is None:
            raise PeriodError(_("Chưa chọn kỳ báo cáo."))
        return default
    try:
        if m := _MONTH.match(text):
            return month_of(date(int(m[1]), int(m[2]), 1))
        if m := _QUARTER.match(text):
            return quarter_of(date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1))
        if m := _YEAR.match(text):
            return year_of(int(m[1]))
        if m := _DAY.match(text):
            return day_of(date(int(m[1]), int(m[2]), int(m[3])))
        if ".." in text:
            first, last = (date.fromisoformat(part.strip()) for part in text.split("..", 1))
            return range_of(first, last)
    except ValueError as exc:
        if isinstance(exc, PeriodError):
            raise
    raise PeriodError(
        _(
            "Kỳ báo cáo '%(text)s' không hợp lệ. Viết theo dạng 2026-10 (tháng), 2026-Q4 (quý), "
            "2026 (năm), 2026-10-07 (ngày) hoặc 2026-10-01..2026-10-15 (khoảng ngày)."
        )
        % {"text": text[:40]}
    )


MAX_RANGE_DAYS = 3 * 366


def range_of(first: date, last: date) -> Period:
    if last < first:
        raise PeriodError(_("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
    if (last - first).days > MAX_RANGE_DAYS:
        raise PeriodError(_("Khoảng thời gian dài nhất là 3 năm."))
    return Period("range", first, last)


def parse_month(text: str | None, *, default: Period | None = None) -> Period:
    """A month only (the index is ranked by month): 2026-10."""
    period = parse(text, default=default)
    if period.kind != "month":
        raise PeriodError(_("Chỉ số được xếp hạng theo tháng: viết tháng theo dạng 2026-10."))
    return period
