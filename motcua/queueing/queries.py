"""What the queue pages and the API read: the display board, the counters, the statistics, the
path of one visit. Reads only; every figure is derived from tickets and their timed periods."""

import hashlib
import json
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from motcua.queueing.models import Ticket, TicketPeriod
from motcua.queueing.ordering import line_order
from motcua.queueing.slots import local_today
from motcua.queueing.workflow import AT_COUNTER_STATES, State
from motcua.units.models import Counter, ServiceCenter

RECENT_CALLS = 8
# How many of the next numbers in calling order the screen shows.
NEXT_NUMBERS = 6


# --------------------------------------------------------------------------- display board


def board(center: ServiceCenter, at: datetime) -> dict:
    """The waiting-room screen's data: who is called to which counter, the next numbers in
    calling order (``ordering``, the centre's whole line: each counter still takes only its own
    fields), and how many wait.

    ``version`` changes whenever anything a viewer would see changes (a recall included), so a
    screen can poll cheaply and redraw — and speak — only then.
    """
    day = local_today(center, at)
    today = Ticket.objects.filter(center=center, service_day=day)
    at_counters = {
        t.counter_id: t for t in today.filter(state__in=AT_COUNTER_STATES).select_related("field")
    }
    counters = [
        {
            "number": c.number,
            "name": c.name,
            "ticket": at_counters[c.pk].display_number if c.pk in at_counters else None,
            "state": at_counters[c.pk].state if c.pk in at_counters else None,
            "called_at": at_counters[c.pk].called_at.isoformat() if c.pk in at_counters else None,
            "recalls": at_counters[c.pk].recalls if c.pk in at_counters else 0,
        }
        for c in Counter.objects.filter(center=center, is_active=True).order_by("number")
    ]
    recent = [
        {
            "ticket": f"{number:04d}",
            "counter": counter_number,
            "called_at": called_at.isoformat(),
            "recalls": recalls,
        }
        for number, counter_number, called_at, recalls in today.exclude(called_at=None)
        .order_by("-called_at")
        .values_list("number", "counter__number", "called_at", "recalls")[:RECENT_CALLS]
    ]
    line = line_order(today.filter(state=State.WAITING)).values_list("number", flat=True)
    data = {
        "center": center.name,
        "counters": counters,
        "recent": recent,
        "next": [f"{number:04d}" for number in line[:NEXT_NUMBERS]],
        "waiting": line.count(),
    }
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
    return {**data, "version": digest}


# --------------------------------------------------------------------------- counters


def waiting_by_field(center: ServiceCenter, day: date) -> dict[int, int]:
    rows = (
        Ticket.objects.filter(center=center, service_day=day, state=State.WAITING)
        .values("field_id")
        .annotate(n=Count("id"))
    )
    return {row["field_id"]: row["n"] for row in rows}


def counters_overview(center: ServiceCenter, at: datetime) -> list[dict]:
    """Each counter with its fields, the ticket at it and how many wait for what it serves."""
    day = local_today(center, at)
    waiting = waiting_by_field(center, day)
    at_counters = {
        t.counter_id: t
        for t in Ticket.objects.filter(
            center=center, service_day=day, state__in=AT_COUNTER_STATES
        ).select_related("field")
    }
    rows = []
    for counter in center.counters.filter(is_active=True).prefetch_related("fields"):
        fields = list(counter.fields.all())
        rows.append(
            {
                "counter": counter,
                "fields": fields,
                "ticket": at_counters.get(counter.pk),
                "waiting": sum(waiting.get(f.pk, 0) for f in fields),
            }
        )
    return rows


# --------------------------------------------------------------------------- statistics


@dataclass
class Figures:
    """One row of the statistics: counts and measured times (minutes) for one group of tickets."""

    key: object
    label: str
    tickets: int = 0
    served: int = 0
    no_shows: int = 0
    not_used: int = 0  # cancelled, lapsed or expired
    priority: int = 0
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)

    @property
    def priority_share(self) -> float | None:
        return round(100 * self.priority / self.tickets, 1) if self.tickets else None

    @property
    def no_show_share(self) -> float | None:
        called = self.served + self.no_shows
        return round(100 * self.no_shows / called, 1) if called else None

    @property
    def median_wait(self) -> float | None:
        return round(statistics.median(self.waits), 1) if self.waits else None

    @property
    def mean_wait(self) -> float | None:
        return round(statistics.fmean(self.waits), 1) if self.waits else None

    @property
    def median_service(self) -> float | None:
        return round(statistics.median(self.services), 1) if self.services else None

    @property
    def mean_service(self) -> float | None:
        return round(statistics.fmean(self.services), 1) if self.services else None

    def as_dict(self) -> dict:
        return {
            "key": self.key if isinstance(self.key, int | str) else str(self.key),
            "label": self.label,
            "tickets": self.tickets,
            "served": self.served,
            "no_shows": self.no_shows,
            "not_used": self.not_used,
            "priority_share": self.priority_share,
            "no_show_share": self.no_show_share,
            "median_wait_minutes": self.median_wait,
            "mean_wait_minutes": self.mean_wait,
            "median_service_minutes": self.median_service,
            "mean_service_minutes": self.mean_service,
        }


GROUPINGS = ("day", "field", "counter", "center")
NOT_USED = {State.CANCELLED, State.LAPSED, State.EXPIRED}


def queue_statistics(
    centers, start: date, end: date, by: str = "day"
) -> tuple[list[Figures], Figures]:
    """Figures per day, field, counter or centre for tickets of ``centers`` from ``start`` to
    ``end`` (inclusive), and the total.

    A ticket's wait is the sum of its waiting periods (a transferred visitor waits twice); its
    service time the sum of its serving periods. A booked visitor's wait starts at check-in. A
    ticket counts for the counter that served it last.
    """
    if by not in GROUPINGS:
        raise ValueError(f"group by one of {GROUPINGS}, not {by!r}")
    tickets = list(
        Ticket.objects.filter(center__in=centers, service_day__range=(start, end)).values(
            "pk",
            "service_day",
            "state",
            "priority_group_id",
            "field_id",
            "field__name_vi",
            "counter_id",
            "counter__number",
            "center_id",
            "center__name",
        )
    )
    times: dict[int, dict[str, float]] = defaultdict(lambda: {"waiting": 0.0, "serving": 0.0})
    periods = TicketPeriod.objects.filter(
        ticket__center__in=centers,
        ticket__service_day__range=(start, end),
        state__in=[State.WAITING, State.SERVING],
        ended_at__isnull=False,
    ).values_list("ticket_id", "state", "started_at", "ended_at")
    for ticket_id, state, started, ended in periods:
        times[ticket_id][state] += (ended - started).total_seconds() / 60
    groups: dict[object, Figures] = {}
    total = Figures("total", "")
    for t in tickets:
        key, label = _group_of(t, by)
        row = groups.get(key) or groups.setdefault(key, Figures(key, label))
        for figures in (row, total):
            _count(figures, t, times.get(t["pk"]))
    return sorted(groups.values(), key=lambda f: (f.key is None, str(f.key))), total


def _group_of(t: dict, by: str) -> tuple[object, str]:
    if by == "day":
        return t["service_day"], t["service_day"].strftime("%d/%m/%Y")
    if by == "field":
        return t["field_id"], t["field__name_vi"]
    if by == "counter":
        number = t["counter__number"]
        return number, (_("Quầy %(number)s") % {"number": number} if number else _("Chưa đến quầy"))
    return t["center_id"], t["center__name"]


def _count(figures: Figures, t: dict, times: dict | None) -> None:
    figures.tickets += 1
    figures.priority += t["priority_group_id"] is not None
    figures.served += t["state"] == State.DONE
    figures.no_shows += t["state"] == State.NO_SHOW
    figures.not_used += t["state"] in NOT_USED
    # Waits are those of visitors who were called (served or not); a cancelled ticket's wait
    # ended by the visitor's choice, not the counter's.
    if times is not None and t["state"] in (State.DONE, State.NO_SHOW):
        figures.waits.append(times["waiting"])
    if times is not None and t["state"] == State.DONE and times["serving"]:
        figures.services.append(times["serving"])


# --------------------------------------------------------------------------- one visit


def visit_path(ticket: Ticket) -> dict:
    """A visit's whole path: the ticket's periods, the dossiers it produced and their ratings."""
    from motcua.feedback.models import Rating

    periods = list(ticket.periods.select_related("counter", "field", "officer"))
    links = list(ticket.dossier_links.select_related("dossier__procedure"))
    ratings = {
        r.dossier_id: r
        for r in Rating.objects.filter(dossier__in=[link.dossier_id for link in links])
    }
    # A missing reverse one-to-one raises an AttributeError subclass, so getattr's default works.
    visit_rating = getattr(ticket, "rating", None)
    return {
        "ticket": ticket,
        "periods": periods,
        "dossiers": [(link.dossier, ratings.get(link.dossier_id)) for link in links],
        "visit_rating": visit_rating,
    }


def ticket_of_dossier(dossier) -> Ticket | None:
    link = getattr(dossier, "visit_link", None)
    return link.ticket if link else None


def open_tickets_of(resident) -> list[Ticket]:
    return list(
        Ticket.objects.filter(resident=resident)
        .filter(Q(state__in=[State.BOOKED, State.WAITING, State.CALLED, State.SERVING]))
        .select_related("center", "field")
        .order_by("service_day", "slot_start")
    )


def line_of(center: ServiceCenter, day: date) -> list[Ticket]:
    """Today's waiting line of the whole centre, in calling order."""
    return list(
        line_order(
            Ticket.objects.filter(center=center, service_day=day, state=State.WAITING)
        ).select_related("field", "priority_group", "target_counter")
    )


def line_for_counter(counter: Counter, at: datetime):
    """The waiting tickets this counter may call, in calling order."""
    field_ids = list(counter.fields.values_list("id", flat=True))
    return line_order(
        Ticket.objects.filter(
            center_id=counter.center_id,
            service_day=local_today(counter.center, at),
            state=State.WAITING,
            field_id__in=field_ids,
        ).filter(Q(target_counter__isnull=True) | Q(target_counter=counter))
    ).select_related("field", "priority_group")


def waited_minutes(ticket: Ticket) -> int:
    """Minutes the visitor has spent waiting so far (all waiting periods, transfers included)."""
    total = 0.0
    for period in ticket.periods.filter(state=State.WAITING):
        end = period.ended_at or ticket.called_at or period.started_at
        total += (end - period.started_at).total_seconds() / 60
    return round(total)
