"""Properties of the deadline arithmetic on random moments in 2025–2027, random amounts, random
office hours and random official swaps (hypothesis).

Moments are drawn both anywhere (microseconds, any zone) and on round minutes near the edges
that matter (opening, noon, 15:00, closing), where off-by-one mistakes live.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.workdays import VIETNAM_TZ, OfficeHours, TimeUnit, WorkCalendar, due_at

FAST = settings(max_examples=100, deadline=None)
ORACLE = settings(max_examples=50, deadline=None)

FIRST_DAY, LAST_DAY = date(2025, 1, 1), date(2027, 12, 31)

OFFICE_HOURS = [
    OfficeHours.parse("08:00-12:00,13:00-17:00"),
    OfficeHours.parse("07:00-11:30,13:30-17:00"),
    OfficeHours.parse("07:30-11:30,13:00-16:30"),
    OfficeHours.parse("08:00-12:00,12:00-16:00"),  # touching periods
    OfficeHours.parse("07:15-09:45,10:00-11:40,13:05-17:20"),
    OfficeHours.parse("08:00-12:00"),
]

days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
saturdays = days.map(lambda d: d + timedelta(days=(5 - d.weekday()) % 7))

calendars = st.builds(
    WorkCalendar,
    office_hours=st.sampled_from(OFFICE_HOURS),
    extra_days_off=st.frozensets(days, max_size=6),
    extra_working_days=st.frozensets(saturdays, max_size=4),
    same_day_cutoff=st.sampled_from([time(15), time(14), time(16, 30)]),
)

# Round minutes, with the edges of the default and sample office hours over-represented.
EDGES = [time(h, m) for h, m in [(0, 0), (7, 0), (8, 0), (11, 30), (12, 0), (13, 0), (15, 0)]]
EDGES += [time(16, 30), time(17, 0), time(17, 20), time(23, 59)]
clock_times = st.one_of(
    st.sampled_from(EDGES),
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59])),
)
local_round_moments = st.builds(lambda d, t: datetime.combine(d, t, VIETNAM_TZ), days, clock_times)
any_moments = st.datetimes(
    min_value=datetime.combine(FIRST_DAY, time()),
    max_value=datetime.combine(LAST_DAY, time(23, 59)),
    timezones=st.sampled_from([VIETNAM_TZ, UTC, ZoneInfo("Europe/Paris")]),
    allow_imaginary=False,
)
moments = st.one_of(local_round_moments, any_moments)

# Working time: half hours (so that sums often end exactly at a period's end) or anything.
working_times = st.one_of(
    st.integers(0, 90 * 2).map(lambda n: timedelta(minutes=30 * n)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=400)),
)
day_amounts = st.integers(0, 60)


def is_period_end(calendar: WorkCalendar, moment: datetime) -> bool:
    local = moment.astimezone(calendar.tz)
    ends = {end for _start, end in calendar.office_hours.periods}
    return calendar.is_working_day(local.date()) and local.timetz().replace(tzinfo=None) in ends


def counts_from(calendar: WorkCalendar, moment: datetime) -> datetime:
    """Where counting really starts."""
    return calendar.next_opening(moment)


# --------------------------------------------------------------------------- add_working_time


@FAST
@given(calendars, moments, working_times)
def test_the_result_is_in_office_hours_or_at_a_period_end_and_not_before_the_start(
    calendar, start, amount
):
    due = calendar.add_working_time(start, amount)
    assert due >= start
    assert due.tzinfo is calendar.tz
    assert calendar.is_open(due) or (amount > timedelta(0) and is_period_end(calendar, due))


@FAST
@given(calendars, moments, working_times)
def test_working_time_between_is_the_exact_inverse(calendar, start, amount):
    # Holds from any start, since both count from the next opening; the brief's "start moved to
    # the next opening first" is the same thing.
    due = calendar.add_working_time(start, amount)
    assert calendar.working_time_between(start, due) == amount
    assert calendar.working_time_between(counts_from(calendar, start), due) == amount


@FAST
@given(calendars, moments, working_times, working_times)
def test_adding_in_two_steps(calendar, start, first, second):
    # add(add(s, a), b) == add(s, a + b) except in one case: a ends exactly at a period's end
    # (say 12:00) and b is zero. Then add(s, a) is 12:00, and adding nothing to a closed moment
    # gives the next opening (13:00). With any b > 0 both sides count b from 13:00 and agree.
    middle = calendar.add_working_time(start, first)
    in_two_steps = calendar.add_working_time(middle, second)
    if second > timedelta(0) or calendar.is_open(middle):
        assert in_two_steps == calendar.add_working_time(start, first + second)
    else:
        assert middle == calendar.add_working_time(start, first + second)
        assert in_two_steps == calendar.next_opening(middle)


@FAST
@given(calendars, moments, moments, working_times)
def test_a_later_start_is_never_due_earlier(calendar, one, other, amount):
    early, late = sorted([one, other])
    assert calendar.add_working_time(early, amount) <= calendar.add_working_time(late, amount)


@FAST
@given(calendars, moments, working_times, working_times)
def test_more_time_is_never_due_earlier(calendar, start, one, other):
    less, more = sorted([one, other])
    assert calendar.add_working_time(start, less) <= calendar.add_working_time(start, more)


# --------------------------------------------------------------------------- working_time_between


@FAST
@given(calendars, moments, moments, moments)
def test_working_time_between_adds_up_and_never_exceeds_the_clock(calendar, a, b, c):
    a, b, c = sorted([a, b, c])
    between = calendar.working_time_between
    assert between(a, c) == between(a, b) + between(b, c)
    assert timedelta(0) <= between(a, c) <= c - a
    assert between(c, a) == timedelta(0)


@FAST
@given(calendars, moments)
def test_next_opening_is_open_and_nothing_counts_before_it(calendar, moment):
    opening = calendar.next_opening(moment)
    assert opening >= moment
    assert calendar.is_open(opening)
    assert calendar.working_time_between(moment, opening) == timedelta(0)
    assert (opening == moment) == calendar.is_open(moment)


# --------------------------------------------------------------------------- against a model


def minute_by_minute(calendar: WorkCalendar, start: datetime, amount: timedelta) -> datetime:
    """The obvious, slow way: walk the clock one minute at a time (for round-minute inputs)."""
    local = start.astimezone(calendar.tz)
    day, minute = local.date(), local.hour * 60 + local.minute
    remaining = int(amount.total_seconds()) // 60
    open_minutes = {
        m
        for s, e in calendar.office_hours.periods
        for m in range(s.hour * 60 + s.minute, e.hour * 60 + e.minute)
    }
    while True:
        if calendar.is_working_day(day):
            for m in range(minute, 24 * 60):
                if m in open_minutes:
                    if remaining == 0:
                        return datetime.combine(day, time(m // 60, m % 60), calendar.tz)
                    remaining -= 1
                    if remaining == 0:
                        return datetime.combine(day, time(), calendar.tz) + timedelta(minutes=m + 1)
        day, minute = day + timedelta(days=1), 0


@ORACLE
@given(calendars, local_round_moments, st.integers(0, 24 * 60 // 15).map(lambda n: 15 * n))
def test_add_working_time_agrees_with_walking_minute_by_minute(calendar, start, minutes):
    amount = timedelta(minutes=minutes)
    assert calendar.add_working_time(start, amount) == minute_by_minute(calendar, start, amount)


# --------------------------------------------------------------------------- due_at


@FAST
@given(calendars, moments, day_amounts, st.sampled_from(list(TimeUnit)))
def test_due_is_never_before_receipt_and_falls_when_the_office_can_hand_out(
    calendar, received, amount, unit
):
    due = due_at(received, amount, unit, calendar)
    assert due >= received
    assert calendar.is_working_day(due.date())
    assert calendar.is_open(due) or is_period_end(calendar, due)


@FAST
@given(calendars, moments, moments, day_amounts, st.sampled_from(list(TimeUnit)))
def test_a_later_receipt_is_never_due_earlier(calendar, one, other, amount, unit):
    early, late = sorted([one, other])
    assert due_at(early, amount, unit, calendar) <= due_at(late, amount, unit, calendar)


@FAST
@given(calendars, moments)
def test_same_day_is_due_at_a_closing_time_today_or_on_the_next_working_day(calendar, received):
    due = due_at(received, None, TimeUnit.SAME_DAY, calendar)
    day = received.astimezone(calendar.tz).date()
    assert due == calendar.closing_of(due.date())
    assert due.date() in {day, calendar.next_working_day(day)}
    assert calendar.is_working_day(due.date())


@FAST
@given(calendars, moments, day_amounts)
def test_calendar_days_are_due_at_closing_of_the_first_working_day_from_the_last_day(
    calendar, received, amount
):
    due = due_at(received, amount, TimeUnit.CALENDAR_DAY, calendar)
    last_day = received.astimezone(calendar.tz).date() + timedelta(days=amount)
    assert due == calendar.closing_of(due.date())
    assert calendar.is_working_day(due.date())
    assert due.date() >= last_day
    # Every day skipped between the last day and the due day is a day the office is shut
    # (or, for 0 days received after closing, the receipt day itself).
    skipped = [last_day + timedelta(days=n) for n in range((due.date() - last_day).days)]
    assert all(not calendar.is_working_day(d) for d in skipped) or amount == 0


@FAST
@given(calendars, moments, st.integers(0, 40))
def test_a_working_day_is_eight_working_hours(calendar, received, amount):
    assert due_at(received, amount, TimeUnit.WORKING_DAY, calendar) == due_at(
        received, amount * 8, TimeUnit.HOUR, calendar
    )
