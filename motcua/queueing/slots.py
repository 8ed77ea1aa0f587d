"""When a centre receives visitors, and the booking slots that follow from it.

A centre is open on its working days (the deadline calendar: weekends, holidays and official
swaps) during its office hours, and on Saturday mornings if it receives on Saturdays. Slots cut
each office period into ``slot_minutes`` pieces; a slot holds ``bookings_per_counter_slot`` for
each active counter serving the field, the rest of the counter time is left to walk-ins.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _

from motcua.queueing.models import QueueSettings, SlotUsage
from motcua.units.calendars import calendar_for_center
from motcua.units.models import ServiceCenter

NOON = time(12, 0)
SATURDAY = 5


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


def local_today(center: ServiceCenter, at: datetime) -> date:
    return calendar_for_center(center).to_local(at).date()


def opening_periods(center: ServiceCenter, day: date) -> list[tuple[datetime, datetime]]:
    """The centre's reception periods on ``day`` as aware datetimes; [] on a closed day."""
    calendar = calendar_for_center(center)
    periods = calendar.office_hours.periods
    if not calendar.is_working_day(day):
        saturday_open = (
            center.saturday_reception
            and day.weekday() == SATURDAY
            and not calendar.is_holiday(day)
            and day not in calendar.extra_days_off
        )
        if not saturday_open:
            return []
        periods = [(start, min(end, NOON)) for start, end in periods if start < NOON]
    return [(calendar.at(day, start), calendar.at(day, end)) for start, end in periods]


def closed_day_message(center: ServiceCenter, day: date) -> str:
    calendar = calendar_for_center(center)
    holiday = calendar.holiday_name(day)
    if holiday:
        return _("Ngày %(day)s là ngày nghỉ lễ (%(holiday)s), trung tâm không tiếp dân.") % {
            "day": day.strftime("%d/%m/%Y"),
            "holiday": holiday,
        }
    return _("Trung tâm không làm việc ngày %(day)s. Xin chọn một ngày làm việc khác.") % {
        "day": day.strftime("%d/%m/%Y")
    }


def slot_capacity(center: ServiceCenter, field_id: int, settings: QueueSettings) -> int:
    counters = center.counters.filter(is_active=True, fields__id=field_id).count()
    return counters * settings.bookings_per_counter_slot


def slots_for(
    center: ServiceCenter, field_id: int, day: date, settings: QueueSettings, *, at: datetime
) -> list[Slot]:
    """The bookable slots of ``day`` that have not ended yet at ``at``, with their usage."""
    capacity = slot_capacity(center, field_id, settings)
    length = timedelta(minutes=settings.slot_minutes)
    starts: list[tuple[datetime, datetime]] = []
    for period_start, period_end in opening_periods(center, day):
        start = period_start
        while start < period_end:
            end = min(start + length, period_end)
            if end > at:
                starts.append((start, end))
            start += length
    booked = dict(
        SlotUsage.objects.filter(
            center=center, field_id=field_id, slot_start__in=[s for s, _e in starts]
        ).values_list("slot_start", "booked")
    )
    return [Slot(s, e, capacity, booked.get(s, 0)) for s, e in starts]
