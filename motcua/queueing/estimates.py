"""How long a visitor will wait, said honestly: a range, from what this centre actually did.

    wait ≈ position in line ÷ counters serving the field × recent service time

The service time is taken from the measured serving periods of the field at the centre over the
last 30 days (the latest 200): the median gives the middle of the range, the 25th and 75th
percentiles its ends. With fewer than ``MIN_SAMPLES`` the centre's configured default stands in,
with ±50 %. The ends are rounded outwards to 5 minutes so the page never promises a precision it
does not have.
"""

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from motcua.queueing.models import Ticket, TicketPeriod
from motcua.queueing.services import settings_for
from motcua.queueing.workflow import AT_COUNTER_STATES, State
from motcua.units.models import Counter

HISTORY = timedelta(days=30)
MAX_SAMPLES = 200
MIN_SAMPLES = 5
ACTIVE_WINDOW = timedelta(minutes=30)
ROUND_TO = 5


@dataclass(frozen=True)
class Estimate:
    position: int  # 1 = next to be called
    ahead: int
    low_minutes: int
    high_minutes: int
    counters: int
    measured: bool  # from this centre's own figures (not the default)


def service_minutes(center, field_id: int, at: datetime) -> tuple[float, float, float, bool]:
    """(p25, median, p75) of recent service times in minutes, and whether they were measured."""
    rows = (
        TicketPeriod.objects.filter(
            ticket__center=center,
            field_id=field_id,
            state=State.SERVING,
            ended_at__isnull=False,
            started_at__gte=at - HISTORY,
        )
        .order_by("-started_at")
        .values_list("started_at", "ended_at")[:MAX_SAMPLES]
    )
    samples = [(end - start).total_seconds() / 60 for start, end in rows]
    if len(samples) < MIN_SAMPLES:
        default = settings_for(center).default_service_minutes
        return default * 0.5, float(default), default * 1.5, False
    q1, median, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    return q1, median, q3, True


def counters_serving(center, field_id: int, at: datetime) -> int:
    """Counters of the field that are at work now (a ticket at the counter, or a call in the last
    half hour); at least 1, so a quiet morning does not divide by zero."""
    counters = Counter.objects.filter(center=center, is_active=True, fields__id=field_id)
    busy = counters.filter(
        Q(tickets__state__in=AT_COUNTER_STATES) | Q(tickets__called_at__gte=at - ACTIVE_WINDOW)
    ).distinct()
    return max(busy.count(), 1)


def places_ahead(ticket: Ticket) -> int:
    """Waiting tickets of the same field that the line puts before this one."""
    key = ticket.order_key
    return (
        Ticket.objects.filter(
            center_id=ticket.center_id,
            service_day=ticket.service_day,
            field_id=ticket.field_id,
            state=State.WAITING,
        )
        .filter(Q(order_key__lt=key) | Q(order_key=key, number__lt=ticket.number))
        .count()
    )


def estimate_for(ticket: Ticket, at: datetime) -> Estimate | None:
    """The estimate for a waiting ticket; None for any other state."""
    if ticket.state != State.WAITING:
        return None
    ahead = places_ahead(ticket)
    return estimate_from(ticket.center, ticket.field_id, ahead, at)


def estimate_from(center, field_id: int, ahead: int, at: datetime) -> Estimate:
    low, _median, high, measured = service_minutes(center, field_id, at)
    counters = counters_serving(center, field_id, at)
    # The visitor is called once the ``ahead`` people before them are served, plus whatever is
    # left of the services under way: with several counters working in parallel that is between
    # ahead ÷ counters and (ahead + 1) ÷ counters service times.
    return Estimate(
        position=ahead + 1,
        ahead=ahead,
        low_minutes=_round_down(ahead / counters * low),
        high_minutes=_round_up((ahead + 1) / counters * high),
        counters=counters,
        measured=measured,
    )


def _round_down(minutes: float) -> int:
    return int(math.floor(minutes / ROUND_TO) * ROUND_TO)


def _round_up(minutes: float) -> int:
    return int(math.ceil(minutes / ROUND_TO) * ROUND_TO)
