"""Due times worked out by hand on real dates (domain.md §8.2), each with the reason it holds.

The default office hours are 08:00–12:00 and 13:00–17:00: 8 working hours a day.
"""

from datetime import UTC, datetime, time
from decimal import Decimal

import pytest

from motcua.workdays import VIETNAM_TZ, OfficeHours, TimeUnit, WorkCalendar, due_at

from .support import PLAIN, WITH_SWAPS, vn

WD, CD, HOUR, SAME = (
    TimeUnit.WORKING_DAY,
    TimeUnit.CALENDAR_DAY,
    TimeUnit.HOUR,
    TimeUnit.SAME_DAY,
)


# --------------------------------------------------------------------------- working days


def test_five_working_days_from_monday_morning_end_monday_next_week_same_time():
    # 5 × 8 h = Mon 09:00 → Fri 09:00 would be 4 days; the fifth ends Monday 09:00.
    assert due_at(vn(2025, 7, 7, 9), 5, WD, PLAIN) == vn(2025, 7, 14, 9)


def test_received_late_in_the_day_carries_the_rest_over():
    # 16:30 → 17:00 is half an hour; the other 7.5 h run Tuesday 08:00–12:00, 13:00–16:30.
    assert due_at(vn(2025, 7, 7, 16, 30), 1, WD, PLAIN) == vn(2025, 7, 8, 16, 30)


def test_received_before_opening_counts_from_opening():
    # Nothing counts before 08:00, so 8 h fill Monday exactly; ending at closing gives closing,
    # not Tuesday's opening.
    assert due_at(vn(2025, 7, 7, 7), 1, WD, PLAIN) == vn(2025, 7, 7, 17)


def test_received_in_the_lunch_break_counts_from_the_afternoon():
    # From 13:00: 4 h on Monday afternoon, 4 h on Tuesday morning, ending exactly at 12:00.
    assert due_at(vn(2025, 7, 7, 12, 30), 1, WD, PLAIN) == vn(2025, 7, 8, 12)


def test_received_friday_afternoon_skips_the_weekend():
    # 1 h on Friday, 7 h on Monday: Saturday and Sunday do not count.
    assert due_at(vn(2025, 7, 11, 16), 1, WD, PLAIN) == vn(2025, 7, 14, 16)


def test_received_after_closing_counts_from_the_next_opening():
    # 18:00 Monday: counting starts Tuesday 08:00 and 8 h end at Tuesday's closing.
    assert due_at(vn(2025, 7, 7, 18), 1, WD, PLAIN) == vn(2025, 7, 8, 17)


def test_half_a_working_day_is_four_working_hours():
    # 09:00–12:00 is 3 h, the fourth hour is 13:00–14:00; Decimal and float agree.
    assert due_at(vn(2025, 7, 7, 9), Decimal("0.5"), WD, PLAIN) == vn(2025, 7, 7, 14)
    assert due_at(vn(2025, 7, 7, 9), 0.5, WD, PLAIN) == vn(2025, 7, 7, 14)


def test_half_a_day_from_eight_ends_at_noon_not_at_one():
    # The work is done at 12:00; the lunch break does not postpone it.
    assert due_at(vn(2025, 7, 7, 8), Decimal("0.5"), WD, PLAIN) == vn(2025, 7, 7, 12)


def test_a_utc_receipt_time_is_counted_on_the_vietnamese_clock():
    # 02:00 UTC is 09:00 in Vietnam (UTC+7); the result comes back on the Vietnamese clock.
    due = due_at(datetime(2025, 7, 7, 2, tzinfo=UTC), 5, WD, PLAIN)
    assert due == vn(2025, 7, 14, 9)
    assert due.tzinfo == VIETNAM_TZ


def test_a_working_day_is_eight_hours_whatever_the_office_hours():
    # 07:00–11:30 and 13:30–17:00 is also 8 h, split 4.5 h + 3.5 h: from 09:00, 2.5 h in the
    # morning, 3.5 h in the afternoon, then 2 h on Tuesday morning.
    provincial = WorkCalendar(office_hours=OfficeHours.parse("07:00-11:30,13:30-17:00"))
    assert due_at(vn(2025, 7, 7, 9), 1, WD, provincial) == vn(2025, 7, 8, 9)
    # A centre open only 4 h a day needs two days for one working day (8 working hours).
    mornings = WorkCalendar(office_hours=OfficeHours.parse("08:00-12:00"))
    assert due_at(vn(2025, 7, 7, 8), 1, WD, mornings) == vn(2025, 7, 8, 12)


def test_45_working_days_cross_a_holiday():
    # Mon 2025-07-07 + 45 working days = 9 weeks of 5 days, but 1–2 September are holidays,
    # so the nine weeks end on Wednesday 2025-09-10 instead of Monday 2025-09-08.
    assert due_at(vn(2025, 7, 7, 9), 45, WD, PLAIN) == vn(2025, 9, 10, 9)


# --------------------------------------------------------------------------- holidays


def test_tet_2026_is_a_nine_day_break():
    # Tết 2026 takes Mon 16 – Fri 20 February; with the weekends either side nothing counts
    # from Saturday 14 to Sunday 22, so a working day from Friday 13 10:00 ends Monday 23 10:00.
    assert due_at(vn(2026, 2, 13, 10), 1, WD, PLAIN) == vn(2026, 2, 23, 10)


def test_three_working_days_across_tet_2026():
    # Thu 12: 7 h (09–12, 13–17); Fri 13: 8 h; Mon 23: 8 h; 1 h left on Tue 24 → 09:00.
    assert due_at(vn(2026, 2, 12, 9), 3, WD, PLAIN) == vn(2026, 2, 24, 9)


def test_hung_kings_day_2025_is_a_monday():
    # 10/3 lunar 2025 = Monday 7 April: Friday 09:00 + 1 working day → Tuesday 09:00.
    assert due_at(vn(2025, 4, 4, 9), 1, WD, PLAIN) == vn(2025, 4, 8, 9)


def test_hung_kings_day_2026_falls_on_sunday_and_monday_is_off_in_lieu():
    # 10/3 lunar 2026 = Sunday 26 April; Monday 27 is the day in lieu. Then Thu 30/4 and
    # Fri 1/5 are holidays, so only Tuesday 28 and Wednesday 29 work that week.
    assert due_at(vn(2026, 4, 24, 9), 1, WD, PLAIN) == vn(2026, 4, 28, 9)
    assert due_at(vn(2026, 4, 24, 9), 2, WD, PLAIN) == vn(2026, 4, 29, 9)
    assert due_at(vn(2026, 4, 24, 9), 3, WD, PLAIN) == vn(2026, 5, 4, 9)


def test_30_april_2025_with_the_official_swap():
    # 30/4 (Wed) and 1/5 (Thu) are holidays; Friday 2/5 is given off in exchange for Saturday
    # 26/4, which is worked and counts. Fri 25 09:00 + 1 day → Sat 26 09:00; 4 days → Mon 5/5.
    assert due_at(vn(2025, 4, 25, 9), 1, WD, WITH_SWAPS) == vn(2025, 4, 26, 9)
    assert due_at(vn(2025, 4, 25, 9), 4, WD, WITH_SWAPS) == vn(2025, 5, 5, 9)


def test_30_april_2025_without_the_worked_saturday():
    # Without the override table the Saturday is a day off, so everything is a day later.
    assert due_at(vn(2025, 4, 25, 9), 1, WD, PLAIN) == vn(2025, 4, 28, 9)
    assert due_at(vn(2025, 4, 25, 9), 4, WD, PLAIN) == vn(2025, 5, 6, 9)


def test_new_year_2026_swap_comes_only_from_the_override_table():
    # The holidays package knows 1 January only; the notice giving Friday 2 January off (worked
    # back on Saturday 10 January) reaches the calendar through extra_days_off/working_days.
    assert due_at(vn(2025, 12, 31, 9), 1, WD, PLAIN) == vn(2026, 1, 2, 9)
    assert due_at(vn(2025, 12, 31, 9), 1, WD, WITH_SWAPS) == vn(2026, 1, 5, 9)
    # Friday 9 January 09:00 + 1 day → the worked Saturday 10 January 09:00.
    assert due_at(vn(2026, 1, 9, 9), 1, WD, WITH_SWAPS) == vn(2026, 1, 10, 9)


# --------------------------------------------------------------------------- hours


def test_one_hour_at_half_past_four_ends_next_morning():
    # 30 minutes before closing, 30 minutes after Tuesday's opening.
    assert due_at(vn(2025, 7, 7, 16, 30), 1, HOUR, PLAIN) == vn(2025, 7, 8, 8, 30)


def test_hours_before_noon_end_at_noon():
    # 10:00 + 2 h = 12:00 exactly: the end of the morning period is returned as is.
    assert due_at(vn(2025, 7, 7, 10), 2, HOUR, PLAIN) == vn(2025, 7, 7, 12)


def test_zero_hours_is_the_next_opening():
    # Nothing to count: the first moment counting could begin.
    assert due_at(vn(2025, 7, 5, 10), 0, HOUR, PLAIN) == vn(2025, 7, 7, 8)
    assert due_at(vn(2025, 7, 7, 10, 15), 0, HOUR, PLAIN) == vn(2025, 7, 7, 10, 15)


# --------------------------------------------------------------------------- calendar days


def test_45_calendar_days_ending_on_a_sunday_move_to_monday_closing():
    # Thu 2025-07-10 + 45 days = Sun 2025-08-24; the office is shut, so Monday 25 at 17:00.
    assert due_at(vn(2025, 7, 10, 9), 45, CD, PLAIN) == vn(2025, 8, 25, 17)


def test_calendar_days_ending_on_a_working_day_are_due_at_its_closing():
    # Mon 2025-07-07 + 45 days = Thu 2025-08-21, a working day: due at its closing time.
    assert due_at(vn(2025, 7, 7, 9), 45, CD, PLAIN) == vn(2025, 8, 21, 17)


def test_calendar_days_ending_on_30_april_move_past_the_holidays():
    # 31/3 + 30 days = Wed 30/4; 1/5 is a holiday, 2/5 an official day off, then the weekend.
    assert due_at(vn(2025, 3, 31, 9), 30, CD, WITH_SWAPS) == vn(2025, 5, 5, 17)


def test_calendar_days_ending_on_2_september():
    # 3/8 + 30 days = Tue 2/9; 1/9 and 2/9 are the National Day holidays: due Wed 3/9 closing.
    assert due_at(vn(2025, 8, 3, 9), 30, CD, PLAIN) == vn(2025, 9, 3, 17)


def test_calendar_days_start_the_day_after_receipt_whatever_the_hour():
    # Received late on Monday or early on Monday: the last day is the same Wednesday.
    assert due_at(vn(2025, 7, 7, 23, 59), 2, CD, PLAIN) == vn(2025, 7, 9, 17)
    assert due_at(vn(2025, 7, 7, 0, 1), 2, CD, PLAIN) == vn(2025, 7, 9, 17)


def test_a_fraction_of_a_calendar_day_counts_as_a_whole_day():
    assert due_at(vn(2025, 7, 7, 9), Decimal("1.5"), CD, PLAIN) == vn(2025, 7, 9, 17)


def test_zero_calendar_days_after_closing_is_due_the_next_working_day():
    # Never due before it was received.
    assert due_at(vn(2025, 7, 7, 9), 0, CD, PLAIN) == vn(2025, 7, 7, 17)
    assert due_at(vn(2025, 7, 11, 18), 0, CD, PLAIN) == vn(2025, 7, 14, 17)


# --------------------------------------------------------------------------- same day


@pytest.mark.parametrize("amount", [None, 0, 1])
def test_same_day_before_the_cut_off_is_due_at_closing(amount):
    # The amount is meaningless for same-day procedures and is ignored.
    assert due_at(vn(2025, 7, 7, 14, 59), amount, SAME, PLAIN) == vn(2025, 7, 7, 17)


def test_same_day_at_or_after_three_pm_is_due_next_working_day():
    # "If received after 15:00, the next working day" (15:00 itself already counts as after).
    assert due_at(vn(2025, 7, 7, 15), None, SAME, PLAIN) == vn(2025, 7, 8, 17)
    assert due_at(vn(2025, 7, 11, 15, 30), None, SAME, PLAIN) == vn(2025, 7, 14, 17)


def test_same_day_before_opening_is_due_that_evening():
    assert due_at(vn(2025, 7, 7, 7), None, SAME, PLAIN) == vn(2025, 7, 7, 17)


def test_same_day_received_at_the_weekend_is_due_monday_closing():
    # Saturday-morning reception does not make Saturday a working day for deadlines.
    assert due_at(vn(2025, 7, 12, 9), None, SAME, PLAIN) == vn(2025, 7, 14, 17)
    assert due_at(vn(2025, 7, 13, 9), None, SAME, PLAIN) == vn(2025, 7, 14, 17)


def test_same_day_on_a_worked_saturday_is_due_that_saturday():
    # Saturday 2025-04-26 was worked by official notice: it is a working day like any other.
    assert due_at(vn(2025, 4, 26, 10), None, SAME, WITH_SWAPS) == vn(2025, 4, 26, 17)


def test_same_day_after_three_before_a_holiday_waits_for_the_holidays_to_end():
    # Tue 29/4/2025 15:30: 30/4, 1/5, the swapped 2/5 and the weekend are off → Mon 5/5.
    assert due_at(vn(2025, 4, 29, 15, 30), None, SAME, WITH_SWAPS) == vn(2025, 5, 5, 17)


def test_same_day_follows_the_centre_closing_time_and_cut_off():
    # A centre closing at 16:30 with a 14:00 cut-off (both are per centre).
    calendar = WorkCalendar(
        office_hours=OfficeHours.parse("07:30-11:30,13:00-16:30"),
        same_day_cutoff=time(14),
    )
    assert due_at(vn(2025, 7, 7, 13, 59), None, SAME, calendar) == vn(2025, 7, 7, 16, 30)
    assert due_at(vn(2025, 7, 7, 14), None, SAME, calendar) == vn(2025, 7, 8, 16, 30)


def test_same_day_is_never_due_before_receipt_when_the_office_closes_before_the_cut_off():
    # A morning-only centre: received at 13:00 (before 15:00) but after closing → next day.
    mornings = WorkCalendar(office_hours=OfficeHours.parse("08:00-12:00"))
    assert due_at(vn(2025, 7, 7, 13), None, SAME, mornings) == vn(2025, 7, 8, 12)


def test_units_may_be_given_as_strings():
    assert due_at(vn(2025, 7, 7, 9), 5, "working_day", PLAIN) == vn(2025, 7, 14, 9)
    assert due_at(vn(2025, 7, 7, 9), None, "same_day", PLAIN) == vn(2025, 7, 7, 17)
