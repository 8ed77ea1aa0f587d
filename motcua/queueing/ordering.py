"""The one rule that decides who is called next. Every caller goes through ``line_order``.

The rule
    Each waiting ticket has a key: the moment it joined the line (``queued_at``) minus the head
    start of its priority group (0 for everyone else). The ticket with the smallest key is called
    first; equal keys go by number. A booked visitor who checks in joins at the start of their
    slot, so an appointment keeps its place however early they came.

The bound (why nobody is starved)
    Let H be the largest head start among a centre's groups (at most 240 minutes, enforced by the
    model). A ticket that joined the line at time t has key ≥ t − H, and an ordinary ticket A that
    joined at t_A has key t_A. So a ticket that joined more than H after A always has a larger key
    and is called after A: **an ordinary ticket is passed only by priority tickets that joined at
    most H minutes after it.** However many priority visitors keep arriving, A's place in line can
    only fall behind a bounded window of arrivals, never indefinitely. A transfer keeps
    ``queued_at``, so moving to another counter costs no place in the line.

Reserved counters
    A counter reserved for priority (Decree 118 Art. 13(2)(b)) takes the first *priority* ticket
    in this same order, as long as its key is less than H after the key of the head of the line;
    otherwise, or when no priority ticket waits, it takes the head of the line like any counter.
    A ticket it takes ahead of an ordinary ticket A has key < key_A + H, so it joined less than
    2H after A. **With reserved counters the bound is 2H; at the other counters it stays H.** The
    limit matters where a reserved counter is the only one serving a field (the standard layout
    of a small commune): without it, ordinary visitors there could wait for ever.
"""

from datetime import datetime, timedelta

from django.db.models import QuerySet

# The ordering of the waiting line, as the database sorts it (the partial index matches it).
LINE_ORDER = ("order_key", "number")


def order_key(queued_at: datetime, head_start_minutes: int) -> datetime:
    """The sort key of a ticket that joined the line at ``queued_at`` with this head start."""
    return queued_at - timedelta(minutes=head_start_minutes)


def line_order(waiting: QuerySet) -> QuerySet:
    """Waiting tickets in the order they will be called."""
    return waiting.order_by(*LINE_ORDER)


def candidates_for(
    waiting: QuerySet, *, reserved_for_priority: bool, horizon_minutes: int
) -> list[QuerySet]:
    """The querysets a counter takes its next ticket from, tried in turn (see module doc).

    ``horizon_minutes`` is H, the largest head start of the centre's active groups.
    """
    if not reserved_for_priority:
        return [line_order(waiting)]
    head_key = line_order(waiting).values_list("order_key", flat=True).first()
    if head_key is None:
        return []
    preferred = waiting.filter(
        priority_group__isnull=False, order_key__lt=head_key + timedelta(minutes=horizon_minutes)
    )
    return [line_order(preferred), line_order(waiting)]


def horizon(center) -> int:
    """H for ``center``: the largest head start among its active priority groups (0 if none)."""
    from django.db.models import Max

    found = center.priority_groups.filter(is_active=True).aggregate(h=Max("head_start_minutes"))
    return found["h"] or 0
