"""Waiting estimates: a range from the centre's own measured service times, the configured default
until there are enough of them, divided among the counters at work (``queueing.estimates``)."""

from datetime import timedelta

from motcua.queueing import estimates, services
from motcua.queueing.workflow import Action
from tests.queueing.conftest import vn

MONDAY_8 = vn(2025, 7, 7, 8)


def minutes(n: float):
    return timedelta(minutes=n)


def serve(q, counter, *, called_at, serving_minutes: float) -> None:
    """Issue a number, call it at ``counter`` and serve it for ``serving_minutes``."""
    services.issue_ticket(q.center, q.civil, at=called_at - minutes(1))
    services.call_next(counter, q.reception, at=called_at)
    services.counter_action(counter, Action.START, q.reception, at=called_at)
    services.counter_action(
        counter, Action.FINISH, q.reception, at=called_at + minutes(serving_minutes)
    )


def test_without_enough_history_the_default_gives_a_wide_range_and_says_so(q):
    waiting = [services.issue_ticket(q.center, q.civil, at=MONDAY_8 + minutes(i)) for i in range(3)]
    third = estimates.estimate_for(waiting[2], MONDAY_8 + minutes(5))
    # Default 10 minutes ± 50 %: two ahead, one counter counted → 2 × 5 = 10 to 3 × 15 = 45.
    assert (third.position, third.ahead, third.counters) == (3, 2, 1)
    assert (third.low_minutes, third.high_minutes, third.measured) == (10, 45, False)
    first = estimates.estimate_for(waiting[0], MONDAY_8 + minutes(5))
    assert (first.position, first.low_minutes, first.high_minutes) == (1, 0, 15)


def test_measured_service_times_give_the_range_from_their_quartiles(q):
    # Six visits served at counter 1 for 6, 8, … 16 minutes: quartiles 8.5, 11 and 13.5.
    at = MONDAY_8
    for served in (6, 8, 10, 12, 14, 16):
        serve(q, q.counter1, called_at=at, serving_minutes=served)
        at += minutes(served + 1)
    assert estimates.service_minutes(q.center, q.civil.pk, at) == (8.5, 11.0, 13.5, True)

    waiting = [services.issue_ticket(q.center, q.civil, at=at + minutes(i)) for i in range(3)]
    third = estimates.estimate_for(waiting[2], at + minutes(5))
    # Two ahead, one counter at work: 2 × 8.5 = 17 → 15; 3 × 13.5 = 40.5 → 45 (outward to 5).
    assert (third.counters, third.low_minutes, third.high_minutes, third.measured) == (
        1,
        15,
        45,
        True,
    )


def test_more_counters_at_work_shorten_the_wait(q):
    waiting = [services.issue_ticket(q.center, q.civil, at=MONDAY_8 + minutes(i)) for i in range(6)]
    alone = estimates.estimate_for(waiting[5], MONDAY_8 + minutes(10))
    # Counters 1 and 3 call a number each: three counters serve civil status, two are at work.
    services.call_next(q.counter1, q.reception, at=MONDAY_8 + minutes(10))
    services.call_next(q.counter3, q.reception, at=MONDAY_8 + minutes(10))
    shared = estimates.estimate_for(waiting[5], MONDAY_8 + minutes(11))
    assert (alone.counters, shared.counters) == (1, 2)
    assert (alone.ahead, shared.ahead) == (5, 3)
    # Default 5–15 minutes: 5 × 5 = 25 to 6 × 15 = 90 alone; 3 ÷ 2 × 5 = 7.5 → 5 to 4 ÷ 2 × 15 = 30.
    assert (alone.low_minutes, alone.high_minutes) == (25, 90)
    assert (shared.low_minutes, shared.high_minutes) == (5, 30)
    # Half an hour without a call and no one at the counter: it no longer counts as at work.
    services.counter_action(q.counter3, Action.NO_SHOW, q.reception, at=MONDAY_8 + minutes(12))
    services.counter_action(q.counter1, Action.NO_SHOW, q.reception, at=MONDAY_8 + minutes(12))
    later = estimates.estimate_for(waiting[5], MONDAY_8 + minutes(45))
    assert later.counters == 1


def test_priority_visitors_ahead_count_and_those_behind_do_not(q):
    ordinary = services.issue_ticket(q.center, q.civil, at=MONDAY_8)
    elderly = services.issue_ticket(
        q.center, q.civil, priority_group=q.elderly, at=MONDAY_8 + minutes(5)
    )
    services.issue_ticket(q.center, q.land, at=MONDAY_8 + minutes(6))  # another field
    assert estimates.places_ahead(elderly) == 0
    assert estimates.places_ahead(ordinary) == 1


def test_only_a_waiting_number_has_an_estimate(q):
    ticket = services.issue_ticket(q.center, q.civil, at=MONDAY_8)
    services.call_next(q.counter1, q.reception, at=MONDAY_8 + minutes(1))
    ticket.refresh_from_db()
    assert estimates.estimate_for(ticket, MONDAY_8 + minutes(2)) is None
