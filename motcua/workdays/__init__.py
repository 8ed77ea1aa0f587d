"""Working days and deadlines for Vietnamese administrative procedures — pure Python, no Django.

    from motcua.workdays import WorkCalendar, due_at
    due_at(received_at, 5, "working_day", WorkCalendar())

The rules (domain.md §8; Decree 118/2025 Arts. 17–19; Labour Code 2019 Art. 112) are explained in
``deadlines``; the calendar (holidays, official swaps, office hours) in ``calendar``.
"""

from motcua.workdays.calendar import (
    DEFAULT_OFFICE_HOURS,
    VIETNAM_TZ,
    OfficeHours,
    WorkCalendar,
)
from motcua.workdays.deadlines import HOURS_PER_WORKING_DAY, TimeUnit, due_at, hours

__all__ = [
    "DEFAULT_OFFICE_HOURS",
    "HOURS_PER_WORKING_DAY",
    "VIETNAM_TZ",
    "OfficeHours",
    "TimeUnit",
    "WorkCalendar",
    "due_at",
    "hours",
]
