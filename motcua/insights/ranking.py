"""The monthly ranking of a province's communes by the service index (service_index.md §5.6).

Competition ranking: rank = 1 + the number of communes with a strictly higher total; ties share a
rank and are listed by name. A commune with no dossier received in the month has no rank ("no
data"), as the portal never ranks a commune on an empty denominator.

The ranking reads rollups (``CommuneMonth``: live) or snapshots (``IndexSnapshot``: frozen on the
province's cut-off day), never the dossier table; ``rollups.ensure_fresh`` brings the live rows
up to date first.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from motcua.insights import rollups
from motcua.insights.models import CommuneMonth, IndexSnapshot
from motcua.insights.periods import Period
from motcua.text import fold


@dataclass
class RankRow:
    commune_id: int
    commune_code: str
    commune_name: str
    total: Decimal | None
    groups: dict = field(default_factory=dict)
    rank: int | None = None
    previous_total: Decimal | None = None
    previous_rank: int | None = None

    @property
    def change(self) -> Decimal | None:
        """Month-on-month change of the total, in points."""
        if self.total is None or self.previous_total is None:
            return None
        return self.total - self.previous_total

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous month (positive = moved up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


def competition_ranks(totals: dict[int, Decimal | None]) -> dict[int, int | None]:
    """rank = 1 + number of strictly higher totals; None for a commune without a total."""
    descending = sorted((t for t in totals.values() if t is not None), reverse=True)
    first_place = {}
    for place, total in enumerate(descending, start=1):
        first_place.setdefault(total, place)  # ties keep the place of the first of them
    return {key: first_place.get(total) for key, total in totals.items()}


def _rank_rows(stored) -> list[RankRow]:
    """Rows of ``CommuneMonth`` (live) or ``IndexSnapshot`` (frozen); both keep the scores and
    total, and rollups also the dashboard figures."""
    return [
        RankRow(
            commune_id=r.commune_id,
            commune_code=r.commune.code,
            commune_name=r.commune.name,
            total=r.total,
            groups=r.scores.get("groups", {}),
        )
        # A ranking shows totals and groups: the inputs and figures stay unread (JSON per row).
        for r in stored.select_related("commune").only(
            "commune__code", "commune__name", "commune_id", "total", "scores"
        )
    ]


def _rows_from_rollups(province_id: int, period: Period) -> list[RankRow]:
    communes = rollups.province_communes(province_id, period)
    return _rank_rows(CommuneMonth.objects.filter(commune__in=communes, month=period.first))


def _rows_from_snapshots(province_id: int, period: Period) -> list[RankRow]:
    return _rank_rows(
        IndexSnapshot.objects.filter(commune__province_id=province_id, month=period.first)
    )


def is_frozen(province_id: int, period: Period) -> bool:
    return IndexSnapshot.objects.filter(
        commune__province_id=province_id, month=period.first
    ).exists()


def ranking(
    province_id: int, period: Period, *, frozen: bool = False, now: datetime | None = None
) -> list[RankRow]:
    """The communes of a province for a month, ranked, with the previous month's totals and ranks
    (from the same source) for the change columns. ``frozen`` reads the snapshot (empty if the
    month is not frozen yet); otherwise live rollups, refreshed if needed."""
    current = _ranked(province_id, period, frozen=frozen, now=now)
    previous = {
        r.commune_id: r for r in _ranked(province_id, period.previous(), frozen=frozen, now=now)
    }
    for row in current:
        before = previous.get(row.commune_id)
        if before is not None:
            row.previous_total, row.previous_rank = before.total, before.rank
    return current


def _ranked(province_id, period, *, frozen, now) -> list[RankRow]:
    if frozen:
        rows = _rows_from_snapshots(province_id, period)
    else:
        rollups.ensure_fresh(province_id, period, now=now)
        rows = _rows_from_rollups(province_id, period)
    ranks = competition_ranks({r.commune_id: r.total for r in rows})
    for row in rows:
        row.rank = ranks[row.commune_id]
    return sorted(rows, key=_order)


def _order(row: RankRow):
    # Ranked communes first by rank, ties and unranked by name.
    return (row.rank is None, row.rank or 0, fold(row.commune_name))
