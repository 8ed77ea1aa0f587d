"""The ordering rule's promise (see ``motcua.queueing.ordering``): an ordinary ticket is passed
only by tickets that joined less than H minutes after it at ordinary counters, and less than 2H
after it at counters reserved for priority, however many priority visitors keep coming."""

import contextlib
import random
from datetime import timedelta

import pytest

from motcua.queueing import services
from motcua.queueing.errors import QueueError
from motcua.queueing.models import PriorityGroup, Ticket
from motcua.queueing.workflow import Action, State
from tests.queueing.conftest import vn

START = vn(2025, 7, 7, 8)


def _serve_all(q, counters, at):
    """Each counter finishes whatever it has and calls the next ticket."""
    for counter in counters:
        try:
            services.counter_action(counter, Action.START, q.reception, at=at)
            services.counter_action(counter, Action.FINISH, q.reception, at=at)
        except QueueError:
            pass
        with contextlib.suppress(QueueError):
            services.call_next(counter, q.reception, at=at)


def _called_before(ticket, tickets):
    return [t for t in tickets if t.called_at and t.called_at < ticket.called_at]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_ordinary_ticket_is_passed_by_anyone_who_came_more_than_h_later(q, seed):
    rng = random.Random(seed)
    groups = list(PriorityGroup.objects.filter(center=q.center, is_active=True))
    horizon = max(g.head_start_minutes for g in groups)
    counters = [q.counter1, q.counter2, q.counter3]  # counter 3 is reserved for priority
    at = START
    for minute in range(180):
        at = START + timedelta(minutes=minute)
        for _ in range(rng.choice([0, 1, 1, 2])):  # busier than the counters can serve
            group = rng.choice(groups) if rng.random() < 0.4 else None
            services.issue_ticket(q.center, q.civil, priority_group=group, at=at)
        if minute % 3 == 0:
            _serve_all(q, counters, at)
    tickets = list(Ticket.objects.filter(center=q.center).exclude(called_at=None))
    ordinary = [t for t in tickets if t.priority_group_id is None]
    assert len(ordinary) > 30
    assert any(t.counter_id == q.counter3.pk and t.priority_group_id for t in tickets)
    for ticket in ordinary:
        for earlier in _called_before(ticket, tickets):
            bound = horizon * (2 if earlier.counter_id == q.counter3.pk else 1)
            assert earlier.queued_at <= ticket.queued_at + timedelta(minutes=bound), (
                f"{earlier.display_number} came {earlier.queued_at - ticket.queued_at} after "
                f"{ticket.display_number} and was called before it at {earlier.counter}"
            )


def test_a_stream_of_priority_visitors_does_not_starve_an_ordinary_one(q):
    """One counter; a priority visitor arrives every minute, forever. The ordinary visitor is
    still called, after no more than the H minutes of priority arrivals that followed them."""
    ordinary = services.issue_ticket(q.center, q.civil, at=START)
    for minute in range(1, 120):
        at = START + timedelta(minutes=minute)
        services.issue_ticket(q.center, q.civil, priority_group=q.elderly, at=at)
        _serve_all(q, [q.counter1], at)
    ordinary.refresh_from_db()
    assert ordinary.state in (State.CALLED, State.DONE)
    passed_by = Ticket.objects.filter(called_at__lt=ordinary.called_at).count()
    # Exactly those who came less than 30 minutes later; the one at 08:30 ties and the lower
    # number goes first.
    assert passed_by == q.elderly.head_start_minutes - 1


def test_a_reserved_counter_alone_in_its_field_still_serves_ordinary_visitors(q):
    """The standard layout: counter 1 is reserved and the only one for its fields."""
    q.counter1.fields.remove(q.civil)
    q.counter2.fields.remove(q.civil)
    ordinary = services.issue_ticket(q.center, q.civil, at=START)
    for minute in range(1, 120):
        at = START + timedelta(minutes=minute)
        services.issue_ticket(q.center, q.civil, priority_group=q.elderly, at=at)
        _serve_all(q, [q.counter3], at)
    ordinary.refresh_from_db()
    assert ordinary.called_at is not None
    latest_before = Ticket.objects.filter(called_at__lt=ordinary.called_at).order_by("-queued_at")
    assert latest_before.first().queued_at < ordinary.queued_at + timedelta(minutes=60)
