"""Step bottlenecks: where a commune's processing time goes, step by step and officer by officer.

A dossier passes through the internal steps of its procedure (reception → specialist → leader →
return), one ``DossierStep`` row per visit, each with a budget of working hours. These figures
compare the time each step really used with its budget, so a leader sees whether lateness comes
from slow reception, slow specialists or signatures waiting.

Conventions shared by every figure here:

- **Whose steps.** The steps of dossiers the commune decides (``competent_commune``), as every
  dossier figure counts (``figures``). A dossier received at another commune's centre counts for
  the commune that decides it, its reception step included.
- **Which steps count: hand-overs.** A step counts when it ended by passing the dossier on: the
  dossier's next step started at the very moment it finished (forward to the specialist, propose
  to the leader, approve or refuse, send back). A step cut short by a supplement request or a
  withdrawal is left out: its time says nothing about how long the step takes, and the legal
  clock restarts or stops anyway. The return step is not counted (domain.md §5.3), so the roles
  are reception, specialist and leader.
- **Which date decides the period.** The moment the step finished (``finished_at`` inside the
  period's bounds). A step still running is not in any period; it shows only in "running past
  due", judged at the moment the page is viewed.
- **Working hours.** The time a step used is the office time on working days between its start
  and its finish, on the calendar of the dossier's centre (``services.calendar_of``): the same
  calendar its due time was computed with, so a weekend or a lunch break never counts as slowness.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalog.models import StepRole
from motcua.dossiers.models import Dossier, DossierStep, Timeliness
from motcua.insights.figures import percent
from motcua.insights.periods import Period
from motcua.units.calendars import calendar_for_center
from motcua.units.models import Commune, ServiceCenter
from motcua.workdays import WorkCalendar

COUNTED_ROLES = (StepRole.RECEPTION, StepRole.SPECIALIST, StepRole.LEADER)
HUNDREDTH = Decimal("0.01")

# The figure keys the dossier list behind a number understands (``dossiers_behind``).
HANDOVERS, LATE, RUNNING_OVERDUE = "step_handovers", "step_late", "step_running_overdue"
FIGURE_KEYS = (HANDOVERS, LATE, RUNNING_OVERDUE)


# --------------------------------------------------------------------------- which steps count


def handed_over() -> Exists:
    """True for a step whose dossier's next step started the moment this one finished."""
    return Exists(
        DossierStep.objects.filter(
            dossier=OuterRef("dossier"),
            position=OuterRef("position") + 1,
            started_at=OuterRef("finished_at"),
        )
    )


def counted_steps(commune: Commune | int) -> QuerySet[DossierStep]:
    """Every step of the counted roles of dossiers ``commune`` decides, running or finished."""
    commune_id = commune if isinstance(commune, int) else commune.pk
    return DossierStep.objects.filter(
        dossier__competent_commune_id=commune_id, role__in=COUNTED_ROLES
    )


def handovers_between(commune: Commune | int, start: datetime, end: datetime) -> QuerySet:
    """The hand-overs (see the module docstring) of ``commune`` that finished in [start, end)."""
    return counted_steps(commune).filter(handed_over(), finished_at__gte=start, finished_at__lt=end)


def running_overdue(commune: Commune | int, now: datetime) -> QuerySet[DossierStep]:
    """Steps of ``commune`` still running at ``now`` whose own due time has passed."""
    return counted_steps(commune).filter(finished_at__isnull=True, due_at__lt=now)


# --------------------------------------------------------------------------- working time


def calendar_for_hours(office_hours: str | None) -> WorkCalendar:
    """The calendar of a centre with these office hours (None: a dossier without a centre).

    ``calendar_for_center`` reads nothing of the centre but its office hours, and shares one
    calendar per distinct hours; an unsaved centre carrying them saves a query per centre."""
    if office_hours is None:
        return calendar_for_center(None)
    return calendar_for_center(ServiceCenter(office_hours=office_hours))


def center_calendars(center_ids: Iterable[int | None]) -> dict[int | None, WorkCalendar]:
    """The calendar of each centre, in one query (``None`` → the default calendar)."""
    ids = {i for i in center_ids if i is not None}
    hours = dict(ServiceCenter.objects.filter(pk__in=ids).values_list("pk", "office_hours"))
    calendars: dict[int | None, WorkCalendar] = {None: calendar_for_hours(None)}
    for pk in ids:
        calendars[pk] = calendar_for_hours(hours.get(pk))
    return calendars


def as_hours(duration: timedelta) -> Decimal:
    """A duration in hours, exactly (microseconds are whole numbers)."""
    micro = (duration.days * 86_400 + duration.seconds) * 1_000_000 + duration.microseconds
    return Decimal(micro) / Decimal(3_600_000_000)


def working_hours(calendar: WorkCalendar, start: datetime, end: datetime) -> Decimal:
    """Office time on working days between ``start`` and ``end``, in hours (0 unless end later)."""
    return as_hours(calendar.working_time_between(start, end))


def rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class StepFigures:
    """The figures of one step role (``officer_id`` None: the whole role) or of one officer in it.

    Hours are working hours, rounded half up to 2 decimals; None where nothing was handed over.
    """

    role: str
    officer_id: int | None
    officer_name: str
    # Hand-overs of this role (by this officer) that finished in the period.
    handovers: int
    # Median and mean of the working hours those hand-overs used, start to finish.
    median_hours: Decimal | None
    mean_hours: Decimal | None
    # Mean of their budgets: the working hours each was given (``DossierStep.budget_hours``: the
    # procedure's share for the step, or what was left of it on a second visit after a send-back).
    mean_budget_hours: Decimal | None
    # Working hours used ÷ budgeted, summed over those hand-overs (1.00 = exactly the budget;
    # 3.00 = three times it). None when the budgets sum to zero.
    used_to_budget: Decimal | None
    # Of those hand-overs, how many finished after the step's own due time (timeliness "late"),
    # and that as a percentage of the hand-overs (half up, 2 decimals).
    late: int
    late_share: Decimal | None
    # Steps of this role (held by this officer) still running when the page is viewed whose own
    # due time has passed; independent of the period.
    running_overdue: int

    @property
    def role_label(self) -> str:
        return StepRole(self.role).label


@dataclass(frozen=True)
class RoleBottleneck:
    """One role's figures, with the same figures per officer who handled its steps (slowest
    median first; officers with no hand-over in the period, only late running steps, last)."""

    total: StepFigures
    officers: list[StepFigures]

    @property
    def role(self) -> str:
        return self.total.role


@dataclass(frozen=True)
class _Used:
    """One hand-over, reduced to what the figures need."""

    officer_id: int | None
    hours: Decimal
    budget: Decimal
    late: bool


def step_bottlenecks(
    commune: Commune, period: Period, *, now: datetime | None = None
) -> list[RoleBottleneck]:
    """The step figures of ``commune`` for ``period``, one entry per counted role in process
    order (reception, specialist, leader), each with its officers. Three queries whatever the
    size: the hand-overs, the running steps past due (grouped), the officers' names."""
    now = now or timezone.now()
    start, end = period.bounds()
    used_by_role = _hand_overs_used(commune, start, end)
    overdue_counts = _running_overdue_counts(commune, now)
    officer_ids = {u.officer_id for rows in used_by_role.values() for u in rows}
    officer_ids |= {officer for (_role, officer) in overdue_counts}
    names = _officer_names(officer_ids)
    result = []
    for role in COUNTED_ROLES:
        rows = used_by_role.get(role, [])
        total = _figures(
            role,
            None,
            "",
            rows,
            sum(n for (r, _o), n in overdue_counts.items() if r == role),
        )
        per_officer = defaultdict(list)
        for used in rows:
            if used.officer_id is not None:
                per_officer[used.officer_id].append(used)
        officers = {o for (r, o) in overdue_counts if r == role and o is not None}
        officers |= set(per_officer)
        figures = [
            _figures(role, o, names.get(o, ""), per_officer[o], overdue_counts.get((role, o), 0))
            for o in officers
        ]
        figures.sort(key=_slowest_first)
        result.append(RoleBottleneck(total=total, officers=figures))
    return result


def _slowest_first(f: StepFigures):
    return (f.median_hours is None, -(f.median_hours or 0), f.officer_name)


def _hand_overs_used(commune: Commune, start: datetime, end: datetime) -> dict[str, list[_Used]]:
    rows = handovers_between(commune, start, end).values_list(
        "role",
        "handled_by_id",
        "started_at",
        "finished_at",
        "budget_hours",
        "timeliness",
        "dossier__center__office_hours",
    )
    calendars: dict[str | None, WorkCalendar] = {}
    used: dict[str, list[_Used]] = defaultdict(list)
    for role, officer, started, finished, budget, timeliness, office_hours in rows.iterator():
        calendar = calendars.get(office_hours)
        if calendar is None:
            calendar = calendars[office_hours] = calendar_for_hours(office_hours)
        used[role].append(
            _Used(
                officer_id=officer,
                hours=working_hours(calendar, started, finished),
                budget=budget,
                late=timeliness == Timeliness.LATE,
            )
        )
    return used


def _running_overdue_counts(commune: Commune, now: datetime) -> dict[tuple[str, int | None], int]:
    grouped = (
        running_overdue(commune, now)
        .order_by()
        .values("role", "handled_by_id")
        .annotate(n=Count("pk"))
    )
    return {(row["role"], row["handled_by_id"]): row["n"] for row in grouped}


def _officer_names(ids: set[int | None]) -> dict[int, str]:
    """Display names only: no contact or personal data leaves this function."""
    people = User.objects.filter(pk__in={i for i in ids if i is not None}).only(
        "username", "first_name", "last_name"
    )
    return {p.pk: p.get_full_name() or p.username for p in people}


def _figures(
    role: str, officer_id: int | None, name: str, rows: list[_Used], overdue: int
) -> StepFigures:
    hours = [u.hours for u in rows]
    used, budget = sum(hours, Decimal(0)), sum((u.budget for u in rows), Decimal(0))
    late = sum(1 for u in rows if u.late)
    return StepFigures(
        role=role,
        officer_id=officer_id,
        officer_name=name,
        handovers=len(rows),
        median_hours=rounded(median(hours)) if hours else None,
        mean_hours=rounded(used / len(rows)) if rows else None,
        mean_budget_hours=rounded(budget / len(rows)) if rows else None,
        used_to_budget=rounded(used / budget) if budget else None,
        late=late,
        late_share=percent(late, len(rows)),
        running_overdue=overdue,
    )


# --------------------------------------------------------------------------- the list behind


def dossiers_behind(
    commune: Commune,
    period: Period,
    figure: str,
    *,
    role: str | None = None,
    officer_id: int | None = None,
    now: datetime | None = None,
) -> QuerySet[Dossier]:
    """The dossiers behind a step figure, by the same conditions the figures count:

    - ``step_handovers``: dossiers with a hand-over finished in ``period``;
    - ``step_late``: those of them whose hand-over was late;
    - ``step_running_overdue``: dossiers whose running step is past its due at ``now``.

    ``role`` and ``officer_id`` narrow to one row of the table. KeyError for another figure.
    """
    now = now or timezone.now()
    start, end = period.bounds()
    steps = {
        HANDOVERS: lambda: handovers_between(commune, start, end),
        LATE: lambda: handovers_between(commune, start, end).filter(timeliness=Timeliness.LATE),
        RUNNING_OVERDUE: lambda: running_overdue(commune, now),
    }[figure]()
    if role:
        steps = steps.filter(role=role)
    if officer_id is not None:
        steps = steps.filter(handled_by_id=officer_id)
    return Dossier.objects.filter(pk__in=steps.values("dossier_id"))


def scale_of(bottlenecks: list[RoleBottleneck]) -> Decimal:
    """The longest of the median hours and budgets shown, so bars of one page share a scale."""
    values = [
        v
        for b in bottlenecks
        for f in [b.total, *b.officers]
        for v in (f.median_hours, f.mean_budget_hours)
        if v
    ]
    return max(values, default=Decimal(0))


def bar_percent(value: Decimal | None, scale: Decimal) -> int:
    """``value`` as a whole percentage of ``scale`` (for a bar's width), 0 when unknown."""
    if not value or not scale:
        return 0
    return int(min(Decimal(100), value * 100 / scale).to_integral_value(ROUND_HALF_UP))
