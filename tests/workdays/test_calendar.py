"""The calendar's own building blocks: opening, closing, open or not, time between two moments."""

from datetime import UTC, date, datetime, time, timedelta

from motcua.workdays import DEFAULT_OFFICE_HOURS, VIETNAM_TZ, OfficeHours, WorkCalendar

from .support import PLAIN, WITH_SWAPS, vn


def test_defaults():
    assert PLAIN.office_hours == DEFAULT_OFFICE_HOURS
    assert str(PLAIN.office_hours) == "08:00-12:00,13:00-17:00"
    assert PLAIN.same_day_cutoff == time(15)
    assert PLAIN.tz == VIETNAM_TZ


def test_next_working_day_is_strictly_after():
    assert PLAIN.next_working_day(date(2025, 7, 7)) == date(2025, 7, 8)
    assert PLAIN.next_working_day(date(2025, 7, 11)) == date(2025, 7, 14)  # Friday → Monday
    assert PLAIN.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)  # over Tết


def test_working_day_on_or_after_keeps_a_working_day():
    assert PLAIN.working_day_on_or_after(date(2025, 7, 7)) == date(2025, 7, 7)
    assert PLAIN.working_day_on_or_after(date(2025, 7, 12)) == date(2025, 7, 14)
    assert WITH_SWAPS.working_day_on_or_after(date(2025, 4, 26)) == date(2025, 4, 26)


def test_is_open_only_inside_periods_of_working_days():
    assert PLAIN.is_open(vn(2025, 7, 7, 8))
    assert PLAIN.is_open(vn(2025, 7, 7, 11, 59))
    assert not PLAIN.is_open(vn(2025, 7, 7, 12))  # a period's end is already closed
    assert not PLAIN.is_open(vn(2025, 7, 7, 7, 59))
    assert not PLAIN.is_open(vn(2025, 7, 12, 9))  # Saturday
    assert WITH_SWAPS.is_open(vn(2025, 4, 26, 9))  # the worked Saturday
    assert PLAIN.is_open(datetime(2025, 7, 7, 2, tzinfo=UTC))  # 09:00 in Vietnam


def test_next_opening():
    assert PLAIN.next_opening(vn(2025, 7, 7, 9, 30)) == vn(2025, 7, 7, 9, 30)
    assert PLAIN.next_opening(vn(2025, 7, 7, 6)) == vn(2025, 7, 7, 8)
    assert PLAIN.next_opening(vn(2025, 7, 7, 12)) == vn(2025, 7, 7, 13)
    assert PLAIN.next_opening(vn(2025, 7, 7, 17)) == vn(2025, 7, 8, 8)
    assert PLAIN.next_opening(vn(2025, 7, 11, 17)) == vn(2025, 7, 14, 8)
    assert PLAIN.next_opening(vn(2026, 2, 13, 17)) == vn(2026, 2, 23, 8)


def test_closing_of_any_day():
    assert PLAIN.closing_of(date(2025, 7, 7)) == vn(2025, 7, 7, 17)
    assert PLAIN.closing_of(date(2025, 7, 12)) == vn(2025, 7, 12, 17)


def test_working_time_between():
    # Monday 10:00 to Tuesday 09:30: 2 h + 4 h on Monday, 1.5 h on Tuesday.
    assert PLAIN.working_time_between(vn(2025, 7, 7, 10), vn(2025, 7, 8, 9, 30)) == timedelta(
        hours=7, minutes=30
    )
    # Friday evening to Monday morning: nothing.
    assert PLAIN.working_time_between(vn(2025, 7, 11, 17), vn(2025, 7, 14, 8)) == timedelta(0)
    # The wrong way round: nothing.
    assert PLAIN.working_time_between(vn(2025, 7, 8), vn(2025, 7, 7)) == timedelta(0)
    # A whole week of Tết 2026 (Mon 16 – Sun 22 Feb) counts nothing.
    assert PLAIN.working_time_between(vn(2026, 2, 16), vn(2026, 2, 23)) == timedelta(0)


def test_adding_working_time_ends_at_a_period_end_rather_than_the_next_opening():
    assert PLAIN.add_working_time(vn(2025, 7, 7, 8), timedelta(hours=4)) == vn(2025, 7, 7, 12)
    assert PLAIN.add_working_time(vn(2025, 7, 11, 13), timedelta(hours=4)) == vn(2025, 7, 11, 17)


def test_adding_nothing_gives_the_first_moment_counting_could_begin():
    assert PLAIN.add_working_time(vn(2025, 7, 7, 9, 1), timedelta(0)) == vn(2025, 7, 7, 9, 1)
    assert PLAIN.add_working_time(vn(2025, 7, 7, 12), timedelta(0)) == vn(2025, 7, 7, 13)


def test_adding_microseconds_is_exact():
    step = timedelta(microseconds=1)
    assert PLAIN.add_working_time(vn(2025, 7, 7, 12), step) == vn(2025, 7, 7, 13) + step
    just_before_noon = vn(2025, 7, 7, 12) - step
    assert PLAIN.add_working_time(just_before_noon, step) == vn(2025, 7, 7, 12)
    assert PLAIN.add_working_time(just_before_noon, 2 * step) == vn(2025, 7, 7, 13) + step


def test_long_amounts_are_counted_day_by_day_not_minute_by_minute():
    # 45 × 8 working hours from one day before Tết 2026: quick, and exactly invertible.
    start = vn(2026, 2, 12, 9)
    amount = timedelta(hours=45 * 8)
    due = PLAIN.add_working_time(start, amount)
    assert PLAIN.working_time_between(start, due) == amount


def test_results_are_in_the_calendar_time_zone():
    due = PLAIN.add_working_time(datetime(2025, 7, 7, 2, tzinfo=UTC), timedelta(hours=1))
    assert due.tzinfo == VIETNAM_TZ
    assert due == vn(2025, 7, 7, 10)


def test_sets_are_frozen_and_strings_parsed():
    calendar = WorkCalendar(
        office_hours="07:00-11:30,13:30-17:00",  # type: ignore[arg-type]
        extra_days_off={date(2026, 1, 2)},  # type: ignore[arg-type]
    )
    assert calendar.office_hours == OfficeHours.parse("07:00-11:30,13:30-17:00")
    assert calendar.extra_days_off == frozenset({date(2026, 1, 2)})
    assert hash(calendar) == hash(calendar)
