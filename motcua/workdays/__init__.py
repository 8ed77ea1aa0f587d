"""Working days and deadlines of Vietnamese administrative procedures — pure Python, no Django.

    from motcua.workdays import WorkCalendar, due_at
    due_at(received_at, 5, "working_day", WorkCalendar())

The rules, from domain.md §8 "Counting the processing time":

- **Start.** Time runs from the moment a complete, valid dossier is accepted, as written on the
  receipt (Decree 118/2025 Art. 17(3)). A dossier accepted outside office hours starts counting
  at the next opening (07:00 → 08:00; 12:30, the lunch break → 13:00).
- **Working days.** Monday to Friday, the 40-hour week (Decision 188/1999/QĐ-TTg). Not worked:
  the public holidays of Labour Code 2019 Art. 112 — New Year 1 day, Tết 5 days, Hùng Kings day
  10/3 lunar, 30 April, 1 May, 2 September plus the day before or after — which come from the
  ``holidays`` package because Tết and Hùng Kings day follow the lunar calendar and the Prime
  Minister fixes the exact days each year. Official swaps (a weekday given off, a Saturday worked
  in exchange, e.g. Fri 2025-05-02 off for Sat 2025-04-26 worked) come from the caller's override
  table as ``extra_days_off`` / ``extra_working_days``; a worked Saturday counts for deadlines.
  Saturday-morning reception does not: Saturday is otherwise a day off for deadlines.
- **Office hours.** Only time inside a centre's office periods counts; the lunch break does not.
  **1 working day = 8 working hours**, whatever the centre's office hours, so ``working_day`` and
  ``hour`` amounts are both counted as working hours (0.5 day = 4 h) through office time.
- **Hours.** The same, in working hours (16:30 + 1 h → 08:30 the next working day).
- **Calendar days** (e.g. 45 days for land disputes). The period starts the day after receipt,
  so the last day is the receipt date + the number of days; a last day that is not worked moves
  to the next working day (Civil Code 2015 Arts. 147–148); due at closing time that day.
- **Same day** (birth, death, certified copies). Due at closing time the same day; received at or
  after 15:00 (the cut-off of Decree 118/2025 Art. 18(2) and the procedure texts) or on a day off,
  at closing of the next working day.
- A supplement restarts the clock (Art. 19(5)) and an extension is stored apart (Art. 19(6)):
  the caller does that by calling ``due_at`` again with the new start; this package only counts.

Times: pass aware datetimes in any zone (they are stored in UTC); results are aware, in the
calendar's zone (Asia/Ho_Chi_Minh, no daylight saving). A naive datetime is refused, not guessed.
"""

from motcua.workdays.calendar import VIETNAM_TZ, WorkCalendar
from motcua.workdays.deadlines import HOURS_PER_WORKING_DAY, TimeUnit, due_at, hours
from motcua.workdays.office_hours import DEFAULT_OFFICE_HOURS, OfficeHours

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
