"""Freezing a month's index on the province's cut-off day (service_index.md §5.5).

The index of a month keeps changing while dossiers received in it are open. On the cut-off day
of the following month (``ProvinceIndexSettings.cutoff_day``, default the 5th) the month's values
are frozen: that is the official ranking of the month. Live values stay available.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from motcua.insights import ranking, rollups
from motcua.insights.models import CommuneMonth, IndexSnapshot
from motcua.insights.periods import Period, month_of, today
from motcua.units.models import Province


def freeze(province_id: int, period: Period, *, now: datetime | None = None) -> int:
    """Freeze a province's month from fresh rollups. Once only: a frozen month is left alone
    (returns 0). Returns the number of communes frozen."""
    now = now or timezone.now()
    if ranking.is_frozen(province_id, period):
        return 0
    rollups.refresh_province_month(province_id, period, now=now)
    rows = list(
        CommuneMonth.objects.filter(
            commune__in=rollups.province_communes(province_id, period), month=period.first
        )
    )
    ranks = ranking.competition_ranks({r.commune_id: r.total for r in rows})
    with transaction.atomic():
        IndexSnapshot.objects.bulk_create(
            [
                IndexSnapshot(
                    commune_id=r.commune_id,
                    month=period.first,
                    frozen_at=now,
                    scheme=r.scores.get("scheme", ""),
                    inputs=r.inputs,
                    scores=r.scores,
                    total=r.total,
                    rank=ranks[r.commune_id],
                )
                for r in rows
            ],
            ignore_conflicts=True,
        )
    return len(rows)


def due_month(province_id: int, now: datetime) -> Period | None:
    """The month a province should freeze now: the previous month, once today is on or after
    the cut-off day; None before it."""
    day = today(now)
    if day.day < rollups.settings_for(province_id).cutoff_day:
        return None
    return month_of(day.replace(day=1)).previous()


def freeze_due(*, now: datetime | None = None) -> dict[str, int]:
    """Freeze every province whose previous month is due and not frozen yet (run daily)."""
    now = now or timezone.now()
    frozen = {}
    for province in Province.objects.current().order_by("code"):
        period = due_month(province.pk, now)
        if period is not None and not ranking.is_frozen(province.pk, period):
            has_rows = CommuneMonth.objects.filter(
                commune__province=province, month=period.first
            ).exists()
            if has_rows:
                frozen[province.code] = freeze(province.pk, period, now=now)
    return frozen
