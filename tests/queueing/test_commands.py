"""``motcua close_queue_days``: the end of the queue's past days, safe to run again and again."""

import io
from datetime import datetime, time

from django.core.management import call_command
from django.utils import timezone

from motcua.queueing import services
from motcua.queueing.models import Ticket, TicketPeriod
from motcua.queueing.slots import local_today
from motcua.queueing.workflow import State
from motcua.units.calendars import calendar_for_center
from motcua.workdays import VIETNAM_TZ
from tests.queueing.conftest import vn

MONDAY = vn(2025, 7, 7, 9)


def run() -> str:
    out = io.StringIO()
    call_command("close_queue_days", stdout=out)
    return out.getvalue()


def test_past_days_are_closed_once_and_a_coming_day_is_left_alone(q):
    officer = q.reception
    left_at_counter = services.issue_ticket(q.center, q.civil, at=MONDAY)
    still_waiting = services.issue_ticket(q.center, q.land, at=vn(2025, 7, 7, 9, 5))
    services.call_next(q.counter1, officer, at=vn(2025, 7, 7, 9, 10))
    never_came = services.book(q.resident, q.center, q.civil, vn(2025, 7, 7, 14), at=MONDAY)
    today = local_today(q.center, timezone.now())
    coming_day = calendar_for_center(q.center).next_working_day(today)
    coming = services.issue_ticket(
        q.center, q.civil, at=datetime.combine(coming_day, time(9), VIETNAM_TZ)
    )

    out = run()
    assert "hết hiệu lực: 1." in out and "đã kết thúc: 2." in out
    states = dict(Ticket.objects.values_list("pk", "state"))
    assert states[never_came.pk] == State.LAPSED
    assert states[left_at_counter.pk] == states[still_waiting.pk] == State.EXPIRED
    assert states[coming.pk] == State.WAITING
    # Their last periods end at Monday's closing time, not when the command ran: an unfinished
    # evening is not counted as a night of waiting.
    closing = vn(2025, 7, 7, 17)
    for ticket, last_state in ((left_at_counter, State.CALLED), (still_waiting, State.WAITING)):
        last = TicketPeriod.objects.filter(ticket=ticket).last()
        assert (last.state, last.ended_at, last.end_action) == (last_state, closing, "expire")
    assert not TicketPeriod.objects.filter(
        ticket__in=[left_at_counter, still_waiting], ended_at__isnull=True
    ).exists()
    # Yesterday's visitor no longer holds the counter.
    assert services.current_ticket(q.counter1) is None

    again = run()
    assert "hết hiệu lực: 0." in again and "đã kết thúc: 0." in again
    assert dict(Ticket.objects.values_list("pk", "state")) == states
