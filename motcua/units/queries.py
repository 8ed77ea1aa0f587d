"""Reads about places: where a resident goes for a procedure."""

from dataclasses import dataclass

from django.db.models import Prefetch

from motcua.text import fold
from motcua.units.models import Commune, Counter, ServiceCenter


@dataclass(frozen=True)
class Where:
    """A service centre and the counters there that serve a procedure's field."""

    center: ServiceCenter
    counters: list[Counter]


def communes_with_centers() -> list[Commune]:
    """Communes that have an active centre, by province, then in Vietnamese alphabetical order
    ("Xã Đa Phúc" among the D's, not after "Xã Yên"): the database's binary order is not that."""
    communes = (
        Commune.objects.current()
        .filter(centers__is_active=True)
        .select_related("province")
        .distinct()
    )
    return sorted(communes, key=lambda c: (c.province.code, fold(c.name)))


def where_to_go(commune: Commune, field_id: int) -> list[Where]:
    """The commune's active centres (main centre first, then branches) with the counters that
    serve ``field_id``; a centre with no counter for that field still receives the dossier."""
    counters = Counter.objects.filter(is_active=True, fields__id=field_id).order_by("number")
    centers = (
        commune.centers.filter(is_active=True)
        .prefetch_related(Prefetch("counters", queryset=counters, to_attr="field_counters"))
        .order_by("parent_id", "id")
    )
    return [Where(center=c, counters=c.field_counters) for c in centers]
