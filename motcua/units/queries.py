"""Reads about places: where a resident goes for a procedure."""

from dataclasses import dataclass

from django.db.models import F, Prefetch, prefetch_related_objects

from motcua.text import fold, search_key
from motcua.units.models import Commune, Counter, Province, ServiceCenter


@dataclass(frozen=True)
class Where:
    """A service centre and the counters there that serve a procedure's field."""

    center: ServiceCenter
    counters: list[Counter]


def communes_with_centers() -> list[Commune]:
    """Communes that have an active centre, by province, then in Vietnamese alphabetical order
    of the name without its unit type ("Xã Đa Phúc" among the D's, not after "Xã Yên", and next
    to "Phường Đống Đa"): the database's binary order is not that, and people look a commune up
    by its name, not by "Phường" or "Xã"."""
    communes = (
        Commune.objects.current()
        .filter(centers__is_active=True)
        .select_related("province")
        .distinct()
    )
    return sorted(communes, key=lambda c: (c.province.code, fold(c.short_name), c.kind))


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


# --------------------------------------------------------------------------- the centres directory


def provinces_with_centers() -> list[Province]:
    """Provinces (in force) with at least one active centre, by name."""
    return list(
        Province.objects.current()
        .filter(communes__centers__is_active=True)
        .distinct()
        .order_by("name")
    )


def _counters_prefetch() -> Prefetch:
    counters = Counter.objects.filter(is_active=True).prefetch_related("fields").order_by("number")
    return Prefetch("counters", queryset=counters, to_attr="active_counters")


def with_counters(centers: list[ServiceCenter]) -> list[ServiceCenter]:
    """Give each centre ``active_counters``, each counter its fields (for one page of a list)."""
    prefetch_related_objects(centers, _counters_prefetch())
    return centers


def centers_directory(*, province: str = "", commune: str = "", q: str = "") -> list[ServiceCenter]:
    """Active centres of communes in force, by province, then commune in Vietnamese alphabetical
    order of the name without its unit type, main centre before its branches. Counters are not
    loaded: ``with_counters`` does it for the page shown.

    ``province`` and ``commune`` are codes; every word of ``q`` must appear, diacritics or not,
    in the commune's name, the centre's name or its address ("hoan kiem" and "Hoàn Kiếm" both
    find Phường Hoàn Kiếm). The words are matched here rather than in the database: there are at
    most a few thousand centres, and addresses have no folded column."""
    centers = ServiceCenter.objects.filter(
        is_active=True, commune__in=Commune.objects.current()
    ).select_related("commune__province")
    if province:
        centers = centers.filter(commune__province__code=province)
    if commune:
        centers = centers.filter(commune__code=commune)
    found = list(centers)
    words = search_key(q).split()
    if words:
        found = [c for c in found if all(w in _searchable(c) for w in words)]
    return sorted(found, key=_directory_order)


def _searchable(center: ServiceCenter) -> str:
    return search_key(f"{center.commune.name} {center.name} {center.address}")


def _directory_order(center: ServiceCenter):
    return (
        center.commune.province.code,
        fold(center.commune.short_name),
        center.parent_id is not None,
        center.pk,
    )


def center_page(pk: int) -> ServiceCenter | None:
    """One active centre of a commune in force, with its counters, or None."""
    return (
        ServiceCenter.objects.filter(pk=pk, is_active=True, commune__in=Commune.objects.current())
        .select_related("commune__province", "parent")
        .prefetch_related(
            _counters_prefetch(),
            Prefetch(
                "branches",
                queryset=ServiceCenter.objects.filter(is_active=True).order_by("id"),
                to_attr="active_branches",
            ),
        )
        .first()
    )


def main_center(commune: Commune) -> ServiceCenter | None:
    """The commune's active main centre (the first one, should there be several), else its first
    active branch."""
    return (
        commune.centers.filter(is_active=True)
        .select_related("commune__province")
        .order_by(F("parent_id").asc(nulls_first=True), "id")
        .first()
    )
