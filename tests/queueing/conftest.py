"""A centre with counters for queue tests: commune a's centre serves civil status (hộ tịch) at
counters 1 and 2 and land (đất đai) at counter 2; counter 3 is reserved for priority and serves
civil status. Monday 7 July 2025 is a working day."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from motcua.catalog.models import Field
from motcua.queueing.models import PriorityGroup
from motcua.queueing.slots import local_today
from motcua.residents.models import Resident
from motcua.units import calendars
from motcua.units.calendars import calendar_for_center
from motcua.units.models import Counter, DayOverride, DayOverrideKind
from tests.world import World, vn  # noqa: F401  (vn re-exported for the tests)


class QueueWorld(World):
    def __init__(self):
        super().__init__()
        self.center = self.a.centers.get()
        self.civil = Field.objects.get(code="ho-tich")
        self.land = Field.objects.create(code="dat-dai", name_vi="Đất đai", name_en="Land")
        self.counter1 = self._counter(1, [self.civil])
        self.counter2 = self._counter(2, [self.civil, self.land])
        self.counter3 = self._counter(3, [self.civil], reserved=True)
        self.elderly = PriorityGroup.objects.get(center=self.center, code="elderly")
        self.resident = Resident.objects.create(phone="0912345678", full_name="Lê Văn Tám")

    def _counter(self, number, fields, reserved=False):
        counter = Counter.objects.create(
            center=self.center, number=number, reserved_for_priority=reserved
        )
        counter.fields.set(fields)
        return counter


@pytest.fixture
def q(db):
    return QueueWorld()


class Clock:
    """Stands in for ``django.utils.timezone.now``; tests move it with ``at`` or ``advance``."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at += timedelta(**delta)


def pin_clock(monkeypatch, at: datetime) -> Clock:
    """Pin the time for the whole process, so a live server's thread reads the same clock."""
    clock = Clock(at)
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def open_all_day(center) -> date:
    """Make today a working day at ``center``, open at every hour, so numbers are issued now
    whenever the tests run; returns today's local date."""
    center.office_hours = "00:00-23:59"
    center.save(update_fields=["office_hours"])
    day = local_today(center, timezone.now())
    if not calendar_for_center(center).is_working_day(day):
        DayOverride.objects.create(date=day, kind=DayOverrideKind.WORKING_DAY)
    calendars.invalidate_overrides()
    return day


@pytest.fixture
def today(q) -> date:
    return open_all_day(q.center)


@pytest.fixture
def booking_day(q) -> date:
    """The centre's first working day after today: every slot of it is still ahead."""
    today = local_today(q.center, timezone.now())
    return calendar_for_center(q.center).next_working_day(today)
