"""The overdue risk of open dossiers, so a leader acts before a dossier is late.

See ``risk_of`` for the rule. ``risks_for`` measures many dossiers at once with three queries in
all (never one per dossier); ``sort_by_risk`` orders them most at risk first for the inbox and
the dashboard.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from statistics import median

from django.db import models
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.workflow import STATES
from motcua.insights.steps import (
    COUNTED_ROLES,
    calendar_for_hours,
    center_calendars,
    handed_over,
    rounded,
    working_hours,
)
from motcua.workdays import WorkCalendar, hours

RECENT_DAYS = 90  # "recent" step durations: hand-overs finished in the last 90 days ...
RECENT_AT_MOST = 200  # ... at most the 200 latest of a role, so a busy commune weighs the present
MIN_SAMPLES = 5  # fewer than this and the budget is a better guess than the commune's history
# A running step that has already used more than its usual time is not taken to be nearly done:
# it still counts for at least this share of its usual time.
STILL_TO_DO_AT_LEAST = Decimal("0.25")
HIGH_ABOVE = Decimal(1)  # expected to need more than all the time left: expected to miss
MEDIUM_FROM = Decimal("0.7")  # expected to need 70 % of the time left or more: little to spare
SCORE_CAP = Decimal("99.99")  # no working time left (or overdue) scores this


class Level(models.TextChoices):
    OVERDUE = "overdue", _("Đã quá hạn")
    HIGH = "high", _("Nguy cơ trễ cao")
    MEDIUM = "medium", _("Cần chú ý")
    LOW = "low", _("Trong hạn")
    PAUSED = "paused", _("Tạm dừng (chờ bổ sung)")
    # No risk to measure: the clock has not started (online, not yet accepted) ...
    NOT_STARTED = "not_started", _("Chưa tính hạn")
    # ... or processing is over (result ready, waiting to be handed out; or closed).
    FINISHED = "finished", _("Đã xử lý xong")


# Most at risk first; within a level, ``sort_by_risk`` orders by score.
RANK = {
    Level.OVERDUE: 0,
    Level.HIGH: 1,
    Level.MEDIUM: 2,
    Level.LOW: 3,
    Level.NOT_STARTED: 4,
    Level.FINISHED: 5,
    Level.PAUSED: 6,
}
COLOUR = {
    Level.OVERDUE: "red",
    Level.HIGH: "red",
    Level.MEDIUM: "amber",
    Level.LOW: "green",
}


@dataclass(frozen=True)
class Risk:
    """The risk of one dossier at one moment (hours are working hours, 2 decimals).

    ``score`` = remaining work ÷ remaining time (None when not measured); ``remaining_hours`` is
    negative once the due time has passed; ``expected_finish`` is when the remaining work would
    be done, counted in working time from the moment of measuring."""

    level: str
    score: Decimal | None = None
    remaining_work_hours: Decimal | None = None
    remaining_hours: Decimal | None = None
    expected_finish: datetime | None = None

    @property
    def label(self) -> str:
        return Level(self.level).label

    @property
    def colour(self) -> str:
        return COLOUR.get(self.level, "grey")

    @property
    def is_measured(self) -> bool:
        return self.score is not None


Typical = dict[tuple[int, str], Decimal]


def risk_of(
    dossier: Dossier,
    running: DossierStep | None,
    now: datetime,
    *,
    typical: Typical,
    calendar: WorkCalendar,
) -> Risk:
    """The risk that ``dossier`` misses its due time, judged at ``now``.

    The rule, in working hours on the dossier's centre calendar:

    1. **Usual time of a step.** For each internal step role (reception, specialist, leader), the
       commune's usual time is the median working hours its recent hand-overs of that role took
       (``steps``: steps that passed the dossier on, finished in the last 90 days, at most the
       200 latest). With fewer than 5 such hand-overs the procedure's budget for the step is used
       instead.
    2. **Remaining work** = what is left of the running step — its usual time minus the time it
       has run so far, but never less than a quarter of its usual time (a step past its usual
       time is not assumed to be nearly done) — plus the usual time of every later step of the
       dossier's process. The return step is not counted: processing ends when the result is
       signed (domain.md §5.3).
    3. **Remaining time** = working hours from ``now`` to the due time (after any extension).
    4. **Score** = remaining work ÷ remaining time (99.99 when no working time is left). The
       level: *overdue* once the due time has passed; *high* above 1 (at the usual pace it will
       miss); *medium* from 0.7 (little time to spare: a dossier exactly on the budgets' plan
       scores 1, since the budgets add up to the legal time); otherwise *low*.

    Not measured: a dossier waiting for the applicant's supplement is *paused* (no step runs and
    the clock restarts on the answer); an online dossier not yet accepted has *not started*; one
    whose processing is over (result ready, refused, stopped) is *finished*.
    """
    info = STATES[dossier.state]
    if info.ends_processing or info.is_final:
        return Risk(Level.FINISHED)
    due = dossier.due_at
    if due is None:
        return Risk(Level.NOT_STARTED)
    if not info.step_role:
        return Risk(Level.PAUSED)
    role = running.role if running is not None else info.step_role
    started = running.started_at if running is not None else now
    work = _remaining_work(dossier, role, working_hours(calendar, started, now), typical)
    if now > due:
        left = -working_hours(calendar, due, now)
        level, score = Level.OVERDUE, SCORE_CAP
    else:
        left = working_hours(calendar, now, due)
        score = min(work / left, SCORE_CAP) if left > 0 else SCORE_CAP
        level = _level_of(score)
    return Risk(
        level=level,
        score=rounded(score),
        remaining_work_hours=rounded(work),
        remaining_hours=rounded(left),
        expected_finish=calendar.add_working_time(now, hours(work)),
    )


def _level_of(score: Decimal) -> str:
    if score > HIGH_ABOVE:
        return Level.HIGH
    if score >= MEDIUM_FROM:
        return Level.MEDIUM
    return Level.LOW


def _remaining_work(dossier: Dossier, role: str, elapsed: Decimal, typical: Typical) -> Decimal:
    budgets = _process_budgets(dossier)
    roles = list(budgets)
    later = roles[roles.index(role) + 1 :] if role in budgets else []
    commune = dossier.competent_commune_id

    def usual(r: str) -> Decimal:
        return typical.get((commune, r), budgets.get(r, Decimal(0)))

    current = usual(role)
    work = max(current - elapsed, current * STILL_TO_DO_AT_LEAST)
    return work + sum((usual(r) for r in later), Decimal(0))


def _process_budgets(dossier: Dossier) -> dict[str, Decimal]:
    """The counted roles of the dossier's process, in order, each with its whole budget (a
    procedure listing a role twice gives that role both shares, as ``services`` does)."""
    budgets: dict[str, Decimal] = {}
    for step in dossier.process or []:
        if step["role"] in COUNTED_ROLES:
            budgets[step["role"]] = budgets.get(step["role"], Decimal(0)) + Decimal(
                str(step["budget_hours"])
            )
    return budgets


def typical_step_hours(commune_ids: Iterable[int], now: datetime) -> Typical:
    """The usual working hours of each (commune, role) with enough recent hand-overs (rule 1 of
    ``risk_of``), from one query; pairs with fewer than ``MIN_SAMPLES`` are left out."""
    ids = sorted(set(commune_ids))
    if not ids:
        return {}
    latest_first = Window(
        RowNumber(),
        partition_by=[F("dossier__competent_commune_id"), F("role")],
        order_by=F("finished_at").desc(),
    )
    rows = (
        DossierStep.objects.filter(
            handed_over(),
            dossier__competent_commune_id__in=ids,
            role__in=COUNTED_ROLES,
            finished_at__gte=now - timedelta(days=RECENT_DAYS),
            finished_at__lte=now,
        )
        .annotate(recency=latest_first)
        .filter(recency__lte=RECENT_AT_MOST)
        .values_list(
            "dossier__competent_commune_id",
            "role",
            "started_at",
            "finished_at",
            "dossier__center__office_hours",
        )
    )
    calendars: dict[str | None, WorkCalendar] = {}
    samples: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
    for commune, role, started, finished, office_hours in rows:
        calendar = calendars.get(office_hours)
        if calendar is None:
            calendar = calendars[office_hours] = calendar_for_hours(office_hours)
        samples[(commune, role)].append(working_hours(calendar, started, finished))
    return {key: median(v) for key, v in samples.items() if len(v) >= MIN_SAMPLES}


def risks_for(dossiers: Sequence[Dossier], now: datetime) -> dict[int, Risk]:
    """The risk of each dossier (by primary key) at ``now``, in at most three queries in all:
    the usual step times of their communes, their running steps (skipped when the dossiers come
    from ``dossiers.queries.inbox``, which prefetches them) and their centres' office hours."""
    dossiers = list(dossiers)
    if not dossiers:
        return {}
    typical = typical_step_hours({d.competent_commune_id for d in dossiers}, now)
    running = _running_steps(dossiers)
    calendars = center_calendars(d.center_id for d in dossiers)
    return {
        d.pk: risk_of(d, running.get(d.pk), now, typical=typical, calendar=calendars[d.center_id])
        for d in dossiers
    }


def _running_steps(dossiers: list[Dossier]) -> dict[int, DossierStep]:
    if all(hasattr(d, "running_steps") for d in dossiers):
        return {d.pk: d.running_steps[0] for d in dossiers if d.running_steps}
    steps = DossierStep.objects.filter(
        dossier_id__in=[d.pk for d in dossiers], finished_at__isnull=True
    )
    return {s.dossier_id: s for s in steps}


def sort_key(dossier: Dossier, risk: Risk) -> tuple:
    """Most at risk first: by level (overdue, high, medium, low, not started, finished, paused),
    then the highest score, then the least time left (the most overdue first), then the
    earliest due time and the oldest submission."""
    far = datetime.max.replace(tzinfo=dossier.submitted_at.tzinfo)
    return (
        RANK[risk.level],
        -(risk.score if risk.score is not None else Decimal(0)),
        risk.remaining_hours if risk.remaining_hours is not None else Decimal("Infinity"),
        dossier.due_at or far,
        dossier.submitted_at,
        dossier.pk,
    )


def sort_by_risk(
    dossiers: Iterable[Dossier], now: datetime, *, risks: dict[int, Risk] | None = None
) -> list[Dossier]:
    """``dossiers`` ordered most at risk first (``sort_key``). Pass ``risks`` from ``risks_for``
    when you already have them, to measure only once."""
    dossiers = list(dossiers)
    risks = risks if risks is not None else risks_for(dossiers, now)
    return sorted(dossiers, key=lambda d: sort_key(d, risks[d.pk]))
