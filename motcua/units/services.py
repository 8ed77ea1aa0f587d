"""Every change to units, centres, counters and day overrides goes through these functions.

Each runs in one transaction. Imports are idempotent upserts: running one twice changes nothing and
reports every row as unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from motcua.batching import BATCH_SIZE, ProgressCallback, chunks, no_progress
from motcua.units.calendars import invalidate_overrides, office_hours_problem
from motcua.units.importers import DayOverrideRow, Tally, UnitRow
from motcua.units.models import (
    DEFAULT_OFFICE_HOURS,
    Commune,
    Counter,
    DayOverride,
    FreeService,
    Province,
    ServiceCenter,
)
from motcua.units.signals import centers_created

# ---------------------------------------------------------------------------------------------
# Administrative units


@transaction.atomic
def import_units(rows: Sequence[UnitRow], *, on_progress: ProgressCallback = no_progress) -> dict:
    """Create or update the open Province and Commune rows named in ``rows`` (already checked by
    ``importers.read_units``). Rows missing from the file are left alone: closing a unit is a
    reorganisation, done on purpose, not a side effect of an import."""
    province_tally, commune_tally = Tally(), Tally()

    wanted: dict[str, tuple[str, str]] = {}
    for row in rows:
        wanted.setdefault(row.province_code, (row.province_name, row.province_kind))
    existing = {p.code: p for p in Province.objects.filter(valid_to__isnull=True, code__in=wanted)}
    to_create, to_update = [], []
    for code, (name, kind) in wanted.items():
        province = existing.get(code)
        if province is None:
            to_create.append(Province(code=code, name=name, kind=kind))
        elif (province.name, province.kind) != (name, kind):
            province.name, province.kind = name, kind
            to_update.append(province)
    Province.objects.bulk_create(to_create)
    Province.objects.bulk_update(to_update, ["name", "kind"])
    province_tally.created = len(to_create)
    province_tally.updated = len(to_update)
    province_tally.unchanged = len(wanted) - len(to_create) - len(to_update)
    province_ids = dict(
        Province.objects.filter(valid_to__isnull=True, code__in=wanted).values_list("code", "id")
    )

    for chunk in chunks(rows, BATCH_SIZE):
        existing = {
            c.code: c
            for c in Commune.objects.filter(
                valid_to__isnull=True, code__in=[r.commune_code for r in chunk]
            )
        }
        to_create, to_update = [], []
        for row in chunk:
            incoming = Commune(
                code=row.commune_code,
                name=row.commune_name,
                kind=row.commune_kind,
                province_id=province_ids[row.province_code],
            )
            incoming.fill_derived()
            commune = existing.get(row.commune_code)
            if commune is None:
                to_create.append(incoming)
                continue
            fields = ("name", "kind", "province_id", "search_name")
            if any(getattr(commune, f) != getattr(incoming, f) for f in fields):
                for f in fields:
                    setattr(commune, f, getattr(incoming, f))
                to_update.append(commune)
        Commune.objects.bulk_create(to_create)
        Commune.objects.bulk_update(to_update, ["name", "kind", "province", "search_name"])
        commune_tally.created += len(to_create)
        commune_tally.updated += len(to_update)
        commune_tally.unchanged += len(chunk) - len(to_create) - len(to_update)
        on_progress(len(chunk))

    return {"provinces": province_tally, "communes": commune_tally}


# ---------------------------------------------------------------------------------------------
# Day overrides


@transaction.atomic
def import_day_overrides(
    rows: Sequence[DayOverrideRow], *, on_progress: ProgressCallback = no_progress
) -> Tally:
    """Upsert official day swaps by date. Rows staff added that are not in the file stay."""
    tally = Tally()
    existing = DayOverride.objects.in_bulk([r.date for r in rows], field_name="date")
    to_create, to_update = [], []
    for row in rows:
        override = existing.get(row.date)
        values = {"kind": row.kind, "note": row.note, "status": row.status}
        if override is None:
            to_create.append(DayOverride(date=row.date, **values))
        elif any(getattr(override, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(override, k, v)
            to_update.append(override)
        on_progress(1)
    DayOverride.objects.bulk_create(to_create)
    DayOverride.objects.bulk_update(to_update, ["kind", "note", "status"])
    tally.created, tally.updated = len(to_create), len(to_update)
    tally.unchanged = len(rows) - tally.created - tally.updated
    # Bulk writes send no signals, so the cached calendar is dropped by hand.
    invalidate_overrides()
    transaction.on_commit(invalidate_overrides)
    return tally


@transaction.atomic
def set_day_override(date, kind: str, *, note: str = "", status: str = "") -> DayOverride:
    """Create or change the override for ``date`` (the post_save signal refreshes calendars)."""
    override = DayOverride.objects.filter(date=date).first() or DayOverride(date=date)
    override.kind, override.note, override.status = kind, note, status
    override.full_clean()
    override.save()
    return override


@transaction.atomic
def remove_day_override(date) -> None:
    for override in DayOverride.objects.filter(date=date):
        override.delete()


# ---------------------------------------------------------------------------------------------
# Service centres and counters

STANDARD_FREE_SERVICES = [choice.value for choice in FreeService]

# The demo layout of a commune centre: (number, name, fields served by name_vi, priority counter).
# Field names are those of the national catalogue, so imported procedures land on these counters.
STANDARD_COUNTERS = (
    (1, "Hộ tịch, Chứng thực", ("Hộ tịch", "Chứng thực"), True),
    (2, "Cư trú", ("Đăng ký, quản lý cư trú",), False),
    (3, "Xây dựng, Đất đai", ("Hoạt động xây dựng", "Đất đai"), False),
    (
        4,
        "Bảo trợ xã hội, Hộ kinh doanh",
        ("Bảo trợ xã hội", "Thành lập và hoạt động của hộ kinh doanh"),
        False,
    ),
)
# The catalogue fields the standard counters serve, by Vietnamese name.
STANDARD_COUNTER_FIELDS = tuple(
    sorted({name for _n, _c, fields, _p in STANDARD_COUNTERS for name in fields})
)


def _check_office_hours(value: str) -> None:
    problem = office_hours_problem(value)
    if problem:
        raise ValidationError({"office_hours": problem})


@transaction.atomic
def create_service_center(
    commune: Commune,
    *,
    name: str,
    address: str = "",
    phone: str = "",
    email: str = "",
    office_hours: str = DEFAULT_OFFICE_HOURS,
    saturday_reception: bool = False,
    free_services: list[str] | None = None,
    parent: ServiceCenter | None = None,
) -> ServiceCenter:
    _check_office_hours(office_hours)
    center = ServiceCenter(
        commune=commune,
        parent=parent,
        name=name,
        address=address,
        phone=phone,
        email=email,
        office_hours=office_hours,
        saturday_reception=saturday_reception,
        free_services=list(free_services or []),
    )
    center.full_clean()
    center.save()
    return center


@transaction.atomic
def set_office_hours(center: ServiceCenter, office_hours: str) -> ServiceCenter:
    _check_office_hours(office_hours)
    center.office_hours = office_hours
    center.save(update_fields=["office_hours"])
    return center


def center_name_for(commune: Commune) -> str:
    # Inside a name the unit type is written in lower case: "… công phường Hoàn Kiếm".
    return f"Trung tâm Phục vụ hành chính công {commune.name[:1].lower()}{commune.name[1:]}"


@transaction.atomic
def ensure_service_centers(
    province_codes: Iterable[str] = ("01", "46"),
    *,
    field_ids: Mapping[str, int],
    on_progress: ProgressCallback = no_progress,
) -> dict:
    """Give every current commune of these provinces (default Hà Nội 01, Huế 46) a main service
    centre with the standard counters, for demos and first installs.

    ``field_ids`` maps each name of ``STANDARD_COUNTER_FIELDS`` to its catalogue Field's id: the
    catalogue sits above units, so its caller (``catalog.services.ensure_service_centers_serving
    _fields``) looks them up. A commune that already has a main centre keeps it untouched (staff
    may have renamed it or changed its hours); a centre without counters gets the standard ones.
    Contact details are left blank rather than invented: residents would call a made-up number.
    """

    communes = list(
        Commune.objects.current()
        .filter(province__code__in=list(province_codes), province__valid_to__isnull=True)
        .select_related("province")
        .order_by("code")
    )
    has_center = set(
        ServiceCenter.objects.filter(commune__in=communes, parent__isnull=True).values_list(
            "commune_id", flat=True
        )
    )
    new_centers = [
        ServiceCenter(
            commune=c,
            name=center_name_for(c),
            address=f"Trụ sở Ủy ban nhân dân {c.name}, {c.province.full_name}",
            office_hours=DEFAULT_OFFICE_HOURS,
            free_services=list(STANDARD_FREE_SERVICES),
        )
        for c in communes
        if c.id not in has_center
    ]
    ServiceCenter.objects.bulk_create(new_centers, batch_size=BATCH_SIZE)
    on_progress(len(communes) - len(new_centers))

    without_counters = list(
        ServiceCenter.objects.filter(
            commune__in=communes, parent__isnull=True, counters__isnull=True
        )
    )
    counters = [
        Counter(center=center, number=number, name=name, reserved_for_priority=priority)
        for center in without_counters
        for number, name, _fields, priority in STANDARD_COUNTERS
    ]
    Counter.objects.bulk_create(counters, batch_size=BATCH_SIZE)
    field_ids_by_number = {
        number: [field_ids[n] for n in field_names]
        for number, _name, field_names, _p in STANDARD_COUNTERS
    }
    Through = Counter.fields.through
    Through.objects.bulk_create(
        [
            Through(counter_id=counter.id, field_id=field_id)
            for counter in counters
            for field_id in field_ids_by_number[counter.number]
        ],
        batch_size=BATCH_SIZE,
    )
    # Bulk creation sends no post_save: tell the apps that keep per-centre data (the queue).
    centers_created.send(
        sender=ServiceCenter,
        centers=ServiceCenter.objects.filter(commune__in=communes, parent__isnull=True),
    )
    on_progress(len(new_centers))

    return {
        "centers": Tally(created=len(new_centers), unchanged=len(communes) - len(new_centers)),
        "counters": Tally(created=len(counters)),
    }
