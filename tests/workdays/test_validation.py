"""What cannot be counted is refused with a ValueError that names the problem."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from motcua.workdays import OfficeHours, WorkCalendar, due_at, hours

from .support import PLAIN, vn

NAIVE = datetime(2025, 7, 7, 9)


# --------------------------------------------------------------------------- due_at


@pytest.mark.parametrize("unit", ["working_day", "calendar_day", "hour", "same_day"])
def test_a_naive_receipt_time_is_refused(unit):
    # Guessing the zone could shift a deadline by 7 hours; the caller must say.
    with pytest.raises(ValueError, match="naive datetime"):
        due_at(NAIVE, 1, unit, PLAIN)


@pytest.mark.parametrize("amount", [-1, Decimal("-0.5"), -0.01])
@pytest.mark.parametrize("unit", ["working_day", "calendar_day", "hour"])
def test_a_negative_amount_is_refused(amount, unit):
    with pytest.raises(ValueError, match="cannot be negative"):
        due_at(vn(2025, 7, 7, 9), amount, unit, PLAIN)


@pytest.mark.parametrize("unit", ["working_day", "calendar_day", "hour"])
def test_a_missing_amount_is_refused_so_the_caller_chooses_the_fallback(unit):
    with pytest.raises(ValueError, match="amount is None"):
        due_at(vn(2025, 7, 7, 9), None, unit, PLAIN)


@pytest.mark.parametrize("amount", ["five", float("nan"), float("inf"), Decimal("NaN"), True])
def test_an_amount_that_is_not_a_finite_number_is_refused(amount):
    with pytest.raises(ValueError, match="processing time must be a"):
        due_at(vn(2025, 7, 7, 9), amount, "working_day", PLAIN)


@pytest.mark.parametrize("unit", ["week", "", "Working_Day", None])
def test_an_unknown_unit_is_refused_listing_the_known_ones(unit):
    with pytest.raises(ValueError, match=r"unknown time unit .*working_day, calendar_day"):
        due_at(vn(2025, 7, 7, 9), 1, unit, PLAIN)


@pytest.mark.parametrize("unit", ["working_day", "calendar_day", "hour"])
def test_an_absurdly_long_time_is_refused_rather_than_counted_for_ever(unit):
    with pytest.raises(ValueError, match="100 years|too long"):
        due_at(vn(2025, 7, 7, 9), Decimal("1e9"), unit, PLAIN)


# --------------------------------------------------------------------------- the calendar


def test_calendar_methods_refuse_naive_datetimes():
    for call in (
        lambda: PLAIN.add_working_time(NAIVE, timedelta(hours=1)),
        lambda: PLAIN.working_time_between(NAIVE, vn(2025, 7, 8)),
        lambda: PLAIN.working_time_between(vn(2025, 7, 6), NAIVE),
        lambda: PLAIN.next_opening(NAIVE),
        lambda: PLAIN.is_open(NAIVE),
    ):
        with pytest.raises(ValueError, match="naive datetime"):
            call()


def test_adding_a_negative_or_non_timedelta_amount_is_refused():
    with pytest.raises(ValueError, match="negative amount of working time"):
        PLAIN.add_working_time(vn(2025, 7, 7, 9), timedelta(hours=-1))
    with pytest.raises(ValueError, match="must be a timedelta"):
        PLAIN.add_working_time(vn(2025, 7, 7, 9), 8)  # type: ignore[arg-type]


def test_a_calendar_without_any_working_day_fails_instead_of_hanging():
    every_day = frozenset(date(2025, 1, 1) + timedelta(days=n) for n in range(365 * 102))
    calendar = WorkCalendar(extra_days_off=every_day)
    with pytest.raises(ValueError, match="100 years"):
        calendar.next_working_day(date(2025, 1, 1))
    with pytest.raises(ValueError, match="100 years"):
        calendar.add_working_time(vn(2025, 1, 1), timedelta(hours=1))


def test_override_sets_must_hold_dates_not_datetimes():
    # A datetime never equals a date, so it would silently never match.
    with pytest.raises(ValueError, match="extra_days_off must hold dates"):
        WorkCalendar(extra_days_off=frozenset({NAIVE}))
    with pytest.raises(ValueError, match="extra_working_days must hold dates"):
        WorkCalendar(extra_working_days=frozenset({"2025-04-26"}))  # type: ignore[arg-type]


def test_the_cut_off_must_be_a_local_time_and_the_zone_a_zone():
    with pytest.raises(ValueError, match="same_day_cutoff"):
        WorkCalendar(same_day_cutoff="15:00")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tz must be a time zone"):
        WorkCalendar(tz="Asia/Ho_Chi_Minh")  # type: ignore[arg-type]


def test_hours_helper_is_exact():
    assert hours(Decimal("0.5")) == timedelta(minutes=30)
    assert hours(0.1) == timedelta(minutes=6)
    assert hours(Decimal(1) / 3) == timedelta(minutes=20)  # rounded to the microsecond
    assert hours(8) == timedelta(hours=8)


# --------------------------------------------------------------------------- office hours


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "at least one period"),
        (" , ", "at least one period"),
        ("08:00", r"“08:00” is not an office period"),
        ("8h-12h", r"“8h-12h” is not an office period"),
        ("08:00-12:00;13:00-17:00", "is not an office period"),
        ("08:00-12:00:00", "is not an office period"),
        ("25:00-26:00", "does not exist"),
        ("08:60-12:00", "does not exist"),
        ("12:00-08:00", "12:00-08:00 does not end after it starts"),
        ("08:00-08:00", "does not end after it starts"),
        ("13:00-17:00,08:00-12:00", "starts before the previous one ends"),
        ("08:00-12:30,12:00-17:00", "starts before the previous one ends"),
    ],
)
def test_bad_office_hours_say_what_is_wrong(text, problem):
    with pytest.raises(ValueError, match=problem):
        OfficeHours.parse(text)


def test_office_hours_must_be_text():
    with pytest.raises(ValueError, match="must be text"):
        OfficeHours.parse(None)  # type: ignore[arg-type]


def test_office_periods_must_be_pairs_of_naive_times():
    with pytest.raises(ValueError, match="pair of times"):
        OfficeHours((("08:00", "12:00"),))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="without a time zone"):
        OfficeHours(((time(8, tzinfo=PLAIN.tz), time(12)),))


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("08:00-12:00,13:00-17:00", "08:00-12:00,13:00-17:00"),
        ("7:00 - 11:30, 13:30-17:00", "07:00-11:30,13:30-17:00"),
        ("07:30–11:30", "07:30-11:30"),  # an en dash, as word processors write it
        ("08:00-12:00,12:00-16:00", "08:00-12:00,12:00-16:00"),  # touching periods: no break
    ],
)
def test_office_hours_parse_and_print_back(text, canonical):
    parsed = OfficeHours.parse(text)
    assert str(parsed) == canonical
    assert OfficeHours.parse(str(parsed)) == parsed


def test_office_hours_helpers():
    hours_ = OfficeHours.parse("07:00-11:30,13:30-17:00")
    assert hours_.opening == time(7)
    assert hours_.closing == time(17)
    assert hours_.working_time_per_day == timedelta(hours=8)
    assert hours_.minutes_per_day == 480
    assert hours_.contains(time(11, 29))
    assert not hours_.contains(time(11, 30))
    assert not hours_.contains(time(12))


def test_office_hours_from_lists_are_stored_as_tuples():
    hours_ = OfficeHours([[time(8), time(12)]])  # type: ignore[arg-type]
    assert hours_.periods == ((time(8), time(12)),)
    assert hash(hours_) == hash(OfficeHours(((time(8), time(12)),)))
