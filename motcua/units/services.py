"""Every change to units, centres, counters and day overrides goes through these functions.

Each runs in one transaction. Imports are idempotent upserts: running one twice changes nothing and
reports every row as unchanged.

Day overrides and office hours decide deadlines, so their changes take an ``actor`` (the staff user,
or None with a named system source for imports and first installs) and write an audit row
(``motcua.audit``) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from motcua.audit.models import Kind
from motcua.audit.services import (
    Change,
    Scope,
    record_change,
    record_changes,
    snapshot,
    stored_snapshot,
)
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


# What the audit trail keeps of an override: all of it.
DAY_OVERRIDE_FIELDS = ("date", "kind", "note", "status")
IMPORT_DAY_OVERRIDES = "import_day_overrides"


def _override_state(override: DayOverride) -> dict:
    return snapshot(override, DAY_OVERRIDE_FIELDS)


@transaction.atomic
def import_day_overrides(
    rows: Sequence[DayOverrideRow],
    *,
    actor,
    source: str = IMPORT_DAY_OVERRIDES,
    on_progress: ProgressCallback = no_progress,
) -> Tally:
    """Upsert official day swaps by date. Rows staff added that are not in the file stay.

    ``actor`` is the user who imports, or None for the import command (``source`` names it); each
    created or changed override gets its audit row."""
    tally = Tally()
    existing = DayOverride.objects.select_for_update().in_bulk(
        [r.date for r in rows], field_name="date"
    )
    to_create, to_update, changes = [], [], []
    for row in rows:
        override = existing.get(row.date)
        values = {"kind": row.kind, "note": row.note, "status": row.status}
        if override is None:
            to_create.append(DayOverride(date=row.date, **values))
        elif any(getattr(override, k) != v for k, v in values.items()):
            before = _override_state(override)
            for k, v in values.items():
                setattr(override, k, v)
            to_update.append(override)
            changes.append(Change(override, before, _override_state(override)))
        on_progress(1)
    DayOverride.objects.bulk_create(to_create)
    DayOverride.objects.bulk_update(to_update, ["kind", "note", "status"])
    changes += [Change(override, None, _override_state(override)) for override in to_create]
    record_changes(Kind.DAY_OVERRIDE, changes, actor=actor, source=source)
    tally.created, tally.updated = len(to_create), len(to_update)
    tally.unchanged = len(rows) - tally.created - tally.updated
    # Bulk writes send no signals, so the cached calendar is dropped by hand.
    invalidate_overrides()
    transaction.on_commit(invalidate_overrides)
    return tally


@transaction.atomic
def save_day_override(override: DayOverride, *, actor, reason: str = "") -> DayOverride:
    """Create or change ``override`` as given (also its date), checked, with its audit row (the
    post_save signal refreshes calendars)."""
    before = stored_snapshot(DayOverride, override.pk, DAY_OVERRIDE_FIELDS)
    override.full_clean()
    override.save()
    record_change(
        Kind.DAY_OVERRIDE,
        override,
        before=before,
        after=_override_state(override),
        actor=actor,
        reason=reason,
    )
    return override


@transaction.atomic
def set_day_override(
    date, kind: str, *, actor, note: str = "", status: str = "", reason: str = ""
) -> DayOverride:
    """Create or change the override for ``date``."""
    override = DayOverride.objects.filter(date=date).first() or DayOverride(date=date)
    override.kind, override.note, override.status = kind, note, status
    return save_day_override(override, actor=actor, reason=reason)


@transaction.atomic
def delete_day_override(override: DayOverride, *, actor, reason: str = "") -> None:
    before = stored_snapshot(DayOverride, override.pk, DAY_OVERRIDE_FIELDS)
    if before is None:
        return  # already gone
    record_change(
        Kind.DAY_OVERRIDE, override, before=before, after=None, actor=actor, reason=reason
    )
    override.delete()


@transaction.atomic
def remove_day_override(date, *, actor, reason: str = "") -> None:
    for override in DayOverride.objects.filter(date=date):
        delete_day_override(override, actor=actor, reason=reason)


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


# What decides deadlines and opening times at a centre; its name or phone number does not.
OFFICE_HOURS_FIELDS = ("office_hours",)
ENSURE_SERVICE_CENTERS = "ensure_service_centers"


def _check_office_hours(value: str) -> None:
    problem = office_hours_problem(value)
    if problem:
        raise ValidationError({"office_hours": problem})


def center_scope(center: ServiceCenter) -> Scope:
    """The commune and province an audit row about ``center`` (or its queue) belongs to."""
    return Scope(center.commune_id, center.commune.province_id)


def _hours_state(center: ServiceCenter) -> dict:
    return snapshot(center, OFFICE_HOURS_FIELDS)


def _record_hours(center: ServiceCenter, before: dict | None, *, actor, reason: str) -> None:
    record_change(
        Kind.OFFICE_HOURS,
        center,
        before=before,
        after=_hours_state(center),
        actor=actor,
        scope=center_scope(center),
        reason=reason,
    )


@transaction.atomic
def create_service_center(
    commune: Commune,
    *,
    actor,
    name: str,
    address: str = "",
    phone: str = "",
    hotline: str = "",
    email: str = "",
    office_hours: str = DEFAULT_OFFICE_HOURS,
    saturday_reception: bool = False,
    free_services: list[str] | None = None,
    parent: ServiceCenter | None = None,
    reason: str = "",
) -> ServiceCenter:
    _check_office_hours(office_hours)
    center = ServiceCenter(
        commune=commune,
        parent=parent,
        name=name,
        address=address,
        phone=phone,
        hotline=hotline,
        email=email,
        office_hours=office_hours,
        saturday_reception=saturday_reception,
        free_services=list(free_services or []),
    )
    return save_service_center(center, actor=actor, reason=reason)


@transaction.atomic
def save_service_center(center: ServiceCenter, *, actor, reason: str = "") -> ServiceCenter:
    """Create or change ``center`` as given (the admin's form); a new centre or new office hours
    get an audit row."""
    if center.commune_id is None and center.parent_id is not None:
        center.commune_id = center.parent.commune_id  # a branch added under its main centre
    before = stored_snapshot(ServiceCenter, center.pk, OFFICE_HOURS_FIELDS)
    center.full_clean()
    center.save()
    _record_hours(center, before, actor=actor, reason=reason)
    return center


@transaction.atomic
def set_office_hours(
    center: ServiceCenter, office_hours: str, *, actor, reason: str = ""
) -> ServiceCenter:
    _check_office_hours(office_hours)
    before = stored_snapshot(ServiceCenter, center.pk, OFFICE_HOURS_FIELDS)
    center.office_hours = office_hours
    center.save(update_fields=["office_hours"])
    _record_hours(center, before, actor=actor, reason=reason)
    return center


@transaction.atomic
def delete_service_center(center: ServiceCenter, *, actor, reason: str = "") -> None:
    """Delete a centre that has served no one (tickets and branches protect it); its queue
    settings and priority groups go with it."""
    before = stored_snapshot(ServiceCenter, center.pk, OFFICE_HOURS_FIELDS)
    if before is None:
        return  # already gone
    record_change(
        Kind.OFFICE_HOURS,
        center,
        before=before,
        after=None,
        actor=actor,
        scope=center_scope(center),
        reason=reason,
    )
    center.delete()


def center_name_for(commune: Commune) -> str:
    # Inside a name the unit type is written in lower case: "… công phường Hoàn Kiếm".
    return f"Trung tâm Phục vụ hành chính công {commune.name[:1].lower()}{commune.name[1:]}"


# Demo phone numbers use each province's landline area code (Hà Nội 024, Huế 0234) and are
# derived from the commune code, so every demo centre has its own number, the same on every run.
DEMO_AREA_CODES = {"01": "024", "46": "0234"}


def demo_contact_numbers(commune: Commune) -> tuple[str, str]:
    """The (phone, hotline) a demo centre shows: ``024 38 00 0700`` style landlines made from
    the commune code. Only ``motcua demo`` uses them; real installs enter their own."""
    area = DEMO_AREA_CODES.get(commune.province.code, f"02{commune.province.code}")
    digits = 8 if len(area) == 3 else 7
    phone = ("38" + commune.code + "00")[:digits]
    hotline = ("39" + commune.code + "99")[:digits]

    def spaced(number: str) -> str:
        return f"{area} {' '.join(number[i : i + 4] for i in range(0, len(number), 4))}"

    return spaced(phone), spaced(hotline)


@transaction.atomic
def ensure_service_centers(
    province_codes: Iterable[str] = ("01", "46"),
    *,
    field_ids: Mapping[str, int],
    on_progress: ProgressCallback = no_progress,
    demo_contacts: bool = False,
) -> dict:
    """Give every current commune of these provinces (default Hà Nội 01, Huế 46) a main service
    centre with the standard counters, for demos and first installs.

    ``field_ids`` maps each name of ``STANDARD_COUNTER_FIELDS`` to its catalogue Field's id: the
    catalogue sits above units, so its caller (``catalog.services.ensure_service_centers_serving
    _fields``) looks them up. A commune that already has a main centre keeps it untouched (staff
    may have renamed it or changed its hours); a centre without counters gets the standard ones.
    Contact details are left blank rather than invented: residents would call a made-up number.
    Only the demo (``demo_contacts``) gives its centres phone and hotline numbers
    (``demo_contact_numbers``), and fills them in where a demo centre has none.
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
    if demo_contacts:
        for center in new_centers:
            center.phone, center.hotline = demo_contact_numbers(center.commune)
        without_numbers = list(
            ServiceCenter.objects.filter(
                commune__in=communes, parent__isnull=True, phone="", hotline=""
            ).select_related("commune__province")
        )
        for center in without_numbers:
            center.phone, center.hotline = demo_contact_numbers(center.commune)
        ServiceCenter.objects.bulk_update(without_numbers, ["phone", "hotline"])
    ServiceCenter.objects.bulk_create(new_centers, batch_size=BATCH_SIZE)
    record_changes(
        Kind.OFFICE_HOURS,
        [Change(c, None, _hours_state(c), center_scope(c)) for c in new_centers],
        actor=None,
        source=ENSURE_SERVICE_CENTERS,
    )
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
