"""Keeping ``CommuneMonth`` rollups current, so province-wide pages read rows, not dossiers.

How a row stays right:

- a dossier change marks its commune-month dirty in the change's own transaction
  (``mark_dirty``, from ``receivers``), and a report change the months it counts in
  (``mark_petition_dirty``);
- a page or the background task recomputes a province-month's dirty or missing rows in a few
  grouped queries (``refresh_province_month``), whatever the number of dossiers behind them;
- rows of months that are not over yet, or whose snapshot is not frozen yet, are also recomputed
  when older than ``STALE_AFTER``: with no event at all, an open dossier becomes overdue as time
  passes, and ratings and portal syncs do not pass through dossier events.

Frozen months never change again (``snapshots``); their rollups may, and stay available as the
"live" values.

A dossier change committed while a refresh of its month runs may be overwritten by that refresh's
"not dirty"; the staleness rule recomputes such a month within ``STALE_AFTER`` anyway, so the live
figures are at most that late (a frozen month's official values are its snapshot).
"""

import logging
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from motcua.insights import figures, index_inputs
from motcua.insights.index.scoring import score
from motcua.insights.models import CommuneMonth, IndexSnapshot, ProvinceIndexSettings
from motcua.insights.periods import Period, month_of
from motcua.units.models import Commune
from motcua.workdays import VIETNAM_TZ

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=10)
# The dashboard's counts kept in a rollup (the index inputs are kept beside them).
ROLLUP_FIGURES = (
    "received",
    "settled",
    "early",
    "on_time",
    "late",
    "settled_in_time",
    "in_progress",
    "overdue",
    "online",
    "digitized",
)


def month_start(moment: datetime) -> date:
    return timezone.localtime(moment, VIETNAM_TZ).date().replace(day=1)


def mark_dirty(dossier) -> None:
    """Mark the commune-month a dossier counts in (its deciding commune, its receive month) as
    needing a recompute. One upsert; nothing for a dossier not received yet."""
    if dossier.received_at is None:
        return
    CommuneMonth.objects.bulk_create(
        [
            CommuneMonth(
                commune_id=dossier.competent_commune_id,
                month=month_start(dossier.received_at),
                dirty=True,
            )
        ],
        update_conflicts=True,
        unique_fields=["commune", "month"],
        update_fields=["dirty"],
    )


def mark_petition_dirty(petition) -> None:
    """Mark the commune-months a report counts in: its commune's months of receipt, handling,
    publication and rating (criteria 5.2, 5.3), the month of the report it repeats, and the
    receive month of a dossier it is linked to (criterion 5.4 counts that dossier as flagged).
    One upsert."""
    moments = (
        petition.received_at,
        petition.answered_at,
        petition.closed_at,
        petition.published_at,
        petition.rated_at,
    )
    pairs = {(petition.commune_id, month_start(m)) for m in moments if m is not None}
    if petition.repeat_of_id:
        first = (
            type(petition)
            .objects.filter(pk=petition.repeat_of_id)
            .values_list("commune_id", "received_at")
            .first()
        )
        if first:
            pairs.add((first[0], month_start(first[1])))
    if petition.dossier_id:
        from motcua.dossiers.models import Dossier

        dossier = (
            Dossier.objects.filter(pk=petition.dossier_id)
            .values_list("competent_commune_id", "received_at")
            .first()
        )
        if dossier and dossier[1] is not None:
            pairs.add((dossier[0], month_start(dossier[1])))
    if not pairs:
        return
    CommuneMonth.objects.bulk_create(
        [CommuneMonth(commune_id=c, month=m, dirty=True) for c, m in sorted(pairs)],
        update_conflicts=True,
        unique_fields=["commune", "month"],
        update_fields=["dirty"],
    )


def province_communes(province_id: int, period: Period):
    """The communes of a province in force during the month (the rows a ranking lists)."""
    return Commune.objects.current(period.last).filter(province_id=province_id)


def settings_for(province_id: int) -> ProvinceIndexSettings:
    found = ProvinceIndexSettings.objects.filter(province_id=province_id).first()
    return found or ProvinceIndexSettings(province_id=province_id)


def never_computed(province_id: int, period: Period) -> list[int]:
    """The communes of the province with no computed row for the month yet: a read recomputes
    these before it answers (cheap: a month nobody has read yet is a new one, or an old one with
    few changes)."""
    communes = list(province_communes(province_id, period).values_list("pk", flat=True))
    computed = CommuneMonth.objects.filter(
        commune_id__in=communes, month=period.first, computed_at__isnull=False
    ).values_list("commune_id", flat=True)
    done = set(computed)
    return [c for c in communes if c not in done]


def has_dirty(province_id: int, period: Period) -> bool:
    return CommuneMonth.objects.filter(
        commune__in=province_communes(province_id, period), month=period.first, dirty=True
    ).exists()


def is_stale(province_id: int, period: Period, *, now: datetime | None = None) -> bool:
    """Rows of a month that can still change, computed more than ``STALE_AFTER`` ago."""
    now = now or timezone.now()
    if not _may_still_change(province_id, period, now):
        return False
    return CommuneMonth.objects.filter(
        commune__in=province_communes(province_id, period),
        month=period.first,
        computed_at__lt=now - STALE_AFTER,
    ).exists()


def _may_still_change(province_id: int, period: Period, now: datetime) -> bool:
    if period.is_current(now):
        return True
    frozen = IndexSnapshot.objects.filter(
        commune__province_id=province_id, month=period.first
    ).exists()
    return not frozen


def refresh_province_month(
    province_id: int, period: Period, *, now: datetime | None = None, commune_ids=None
) -> int:
    """Recompute the commune-month rows of a province for ``period`` (a month): every commune,
    or only ``commune_ids``. Returns the number of rows written. Three grouped queries for the
    figures and inputs, whatever the number of communes, then one upsert."""
    now = now or timezone.now()
    communes = list(province_communes(province_id, period).values_list("pk", flat=True))
    if commune_ids is not None:
        communes = [c for c in communes if c in set(commune_ids)]
    measured = index_inputs.measured_inputs(communes, period, now=now)
    counted = _figures_by_commune(communes, period, now)
    province = index_inputs.province_inputs(province_id, period.first)
    entered = index_inputs.entered_for(communes, period.first)
    portal_compatible = settings_for(province_id).portal_compatible
    rows = []
    for commune_id in communes:
        inputs, result, problem = _scored(
            measured[commune_id], province, entered.get(commune_id), period, portal_compatible
        )
        has_data = inputs["commune"]["dossiers_received"] > 0
        rows.append(
            CommuneMonth(
                commune_id=commune_id,
                month=period.first,
                figures=counted.get(commune_id, dict.fromkeys(ROLLUP_FIGURES, 0)),
                inputs=inputs,
                scores=result.as_dict() | {"scheme": result.scheme, "entry_problem": problem},
                total=result.total if has_data else None,
                computed_at=now,
                dirty=False,
            )
        )
    with transaction.atomic():
        CommuneMonth.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["commune", "month"],
            update_fields=["figures", "inputs", "scores", "total", "computed_at", "dirty"],
        )
    return len(rows)


def _scored(measured, province, entered, period: Period, portal_compatible: bool):
    """The scoring input and result of one commune. A monitor's entry that no longer fits the
    measured values (say, more procedures with online payment than the commune now applies) must
    not stop the province's ranking: the commune is scored on measured values alone and the
    problem is kept for its page to show. Returns (inputs, result, problem or "")."""
    inputs = index_inputs.combine(measured, province, entered)
    try:
        return inputs, score(inputs, on=period.first, portal_compatible=portal_compatible), ""
    except ValidationError as error:
        problem = "; ".join(m for messages in error.message_dict.values() for m in messages)
        logger.warning("insights: entered inputs of commune %s ignored: %s", entered, problem)
        inputs = index_inputs.combine(measured, province, None)
        return inputs, score(inputs, on=period.first, portal_compatible=portal_compatible), problem


def _figures_by_commune(commune_ids, period: Period, now: datetime) -> dict[int, dict]:
    from motcua.dossiers.models import Dossier

    dossiers = Dossier.objects.filter(competent_commune_id__in=commune_ids)
    rows = figures.breakdown(dossiers, period, "competent_commune_id", now=now, keys=ROLLUP_FIGURES)
    return {row.pop("group"): row for row in rows}


def ensure_fresh(province_id: int, period: Period, *, now: datetime | None = None) -> int:
    """Make a province-month readable without making the reader wait for a recompute of busy
    communes: rows never computed are computed now; dirty rows (dossiers changed) and stale
    rows are handed to the background worker (``tasks.refresh_later``, at most once a minute),
    and the page says when its figures were computed. In a working day every commune is dirty
    within minutes, and recomputing a whole province-month takes seconds at Hà Nội's scale
    (docs/performance.md). Returns the number of rows computed now."""
    written = 0
    missing = never_computed(province_id, period)
    if missing:
        written = refresh_province_month(province_id, period, now=now, commune_ids=missing)
    if has_dirty(province_id, period) or is_stale(province_id, period, now=now):
        from motcua.insights import tasks

        tasks.refresh_later(province_id, period)
    return written


def dirty_province_months() -> list[tuple[int, date]]:
    pairs = (
        CommuneMonth.objects.filter(dirty=True)
        .values_list("commune__province_id", "month")
        .distinct()
    )
    return sorted(set(pairs))


def refresh_dirty(*, now: datetime | None = None, progress=None) -> int:
    """Recompute every province-month that has a dirty row (``motcua refresh_insights``)."""
    pairs = dirty_province_months()
    written = 0
    for i, (province_id, month) in enumerate(pairs, start=1):
        written += refresh_province_month(province_id, month_of(month), now=now)
        if progress:
            progress(i, len(pairs))
    return written
