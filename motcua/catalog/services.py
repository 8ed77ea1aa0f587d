"""Every change to the catalogue goes through these functions, each in one transaction.

The list of procedures a commune handles decides what it may receive, so its changes take an
``actor`` and write an audit row (``motcua.audit``): one row per change of the list, with the list
before and after.

Also home of the *default internal process*: the table that splits a procedure's legal time between
reception, specialist, leader and return when the source gives no steps of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from motcua.audit.models import Kind
from motcua.audit.services import Scope, record_change
from motcua.batching import BATCH_SIZE, ProgressCallback, chunks, no_progress
from motcua.catalog.importers import UNKNOWN_FIELD_NOTE, ProcedureRecord, StepRecord
from motcua.catalog.models import (
    HOURS_PER_WORKING_DAY,
    UNCLASSIFIED_FIELD,
    CatalogueSource,
    CommuneProcedure,
    Field,
    Procedure,
    ProcedureLevel,
    ProcessStep,
    StepRole,
    TimeUnit,
)
from motcua.text import fold
from motcua.units import services as units_services
from motcua.units.importers import Tally
from motcua.units.models import Commune, Province

# ---------------------------------------------------------------------------------------------
# The default internal process


@dataclass(frozen=True)
class DefaultStep:
    role: str
    name_vi: str
    name_en: str
    share: Decimal


# Shares of the working-hour budget when the source gives no steps. Return is not counted in the
# legal time (the result is ready when the leader signs), hence 0.
DEFAULT_STEPS = (
    DefaultStep(
        StepRole.RECEPTION,
        "Tiếp nhận, kiểm tra hồ sơ",
        "Receive and check the dossier",
        Decimal("0.10"),
    ),
    DefaultStep(
        StepRole.SPECIALIST,
        "Thẩm định, xử lý hồ sơ",
        "Appraise and process the dossier",
        Decimal("0.60"),
    ),
    DefaultStep(
        StepRole.LEADER, "Phê duyệt, ký kết quả", "Approve and sign the result", Decimal("0.30")
    ),
    DefaultStep(StepRole.RETURN, "Trả kết quả", "Return the result", Decimal("0")),
)

# Working hours per unit of legal time, for step budgets only (the dossier's own due date is
# computed by motcua.workdays from the unit itself).
# - calendar_day: 5 of every 7 calendar days are working days. An approximation, good enough to
#   split a 30- or 45-day land dispute between officers.
HOURS_PER_UNIT = {
    TimeUnit.WORKING_DAY: HOURS_PER_WORKING_DAY,
    TimeUnit.HOUR: Decimal(1),
    TimeUnit.CALENDAR_DAY: HOURS_PER_WORKING_DAY * 5 / 7,
}
# same_day: the result is due at the close of the day of receipt, and paper dossiers are accepted
# for the same day until 15:00 (Decree 118 Art. 18(2)). With the default hours (closing 17:00) the
# last dossier accepted for the day has 2 working hours left, so the steps share 2 hours: then every
# step deadline falls within the legal deadline whenever in the day the dossier arrived. (An 8-hour
# split would make steps of an afternoon dossier "late" while the dossier itself is on time.)
SAME_DAY_BUDGET_HOURS = Decimal(2)
# No known legal time: budget one working day and flag the procedure for review.
UNKNOWN_TIME_BUDGET_HOURS = HOURS_PER_WORKING_DAY

QUARTER = Decimal("0.25")


def total_budget_hours(amount: Decimal | None, unit: str) -> Decimal:
    """The working hours the internal steps share, rounded to a quarter hour."""
    if unit == TimeUnit.SAME_DAY:
        hours = SAME_DAY_BUDGET_HOURS
    elif amount is None or unit not in HOURS_PER_UNIT:
        hours = UNKNOWN_TIME_BUDGET_HOURS
    else:
        hours = Decimal(amount) * HOURS_PER_UNIT[unit]
    return (hours / QUARTER).quantize(Decimal(1), rounding=ROUND_HALF_UP) * QUARTER


def split_budget(total: Decimal) -> list[Decimal]:
    """Split ``total`` hours between DEFAULT_STEPS by their shares.

    Budgets are whole quarter hours; every counted step gets at least one quarter (so its due time
    is after its start); the parts add up exactly to the total (largest-remainder rounding). A total
    too small to give each counted step a quarter is raised to that minimum.
    """
    counted = [i for i, step in enumerate(DEFAULT_STEPS) if step.share > 0]
    quarters = max(int(total / QUARTER), len(counted))
    exact = {i: quarters * DEFAULT_STEPS[i].share for i in counted}
    parts = {i: int(exact[i]) for i in counted}
    leftover = quarters - sum(parts.values())
    for i in sorted(counted, key=lambda i: exact[i] - parts[i], reverse=True)[:leftover]:
        parts[i] += 1
    for i in counted:
        while parts[i] < 1:
            donor = max(counted, key=lambda j: parts[j])
            parts[donor] -= 1
            parts[i] += 1
    return [parts.get(i, 0) * QUARTER for i in range(len(DEFAULT_STEPS))]


def default_steps(amount: Decimal | None, unit: str) -> list[StepRecord]:
    budgets = split_budget(total_budget_hours(amount, unit))
    return [
        StepRecord(step.role, step.name_vi, step.name_en, budget)
        for step, budget in zip(DEFAULT_STEPS, budgets, strict=True)
    ]


# ---------------------------------------------------------------------------------------------
# Fields

# The fields of commune-level procedures as the national catalogue names them.
STANDARD_FIELDS = {
    "Hộ tịch": "Civil status registration",
    "Chứng thực": "Certification (copies, signatures, contracts)",
    "Đăng ký, quản lý cư trú": "Residence registration",
    "Hoạt động xây dựng": "Construction",
    "Đất đai": "Land",
    "Bảo trợ xã hội": "Social protection",
    "Thành lập và hoạt động của hộ kinh doanh": "Household business registration",
}


def field_code(name_vi: str) -> str:
    """Slug of the folded Vietnamese name: "Đất đai" → "dat-dai". Folding first matters: slugify
    alone drops đ instead of turning it into d."""
    return slugify(fold(name_vi))[:100]


@transaction.atomic
def ensure_fields(names: Iterable[str]) -> dict[str, Field]:
    """The Field rows for these Vietnamese names, creating the missing ones (names of existing
    rows are left as staff set them). Returns {name: Field}."""
    wanted = {name: field_code(name) for name in names}
    existing = Field.objects.in_bulk(list(wanted.values()), field_name="code")
    missing = {
        code: Field(code=code, name_vi=name, name_en=STANDARD_FIELDS.get(name, ""))
        for name, code in wanted.items()
        if code not in existing
    }
    Field.objects.bulk_create(missing.values())
    existing = Field.objects.in_bulk(list(wanted.values()), field_name="code")
    return {name: existing[code] for name, code in wanted.items()}


def ensure_service_centers_serving_fields(
    province_codes: Iterable[str] = ("01", "46"),
    *,
    on_progress: ProgressCallback = no_progress,
    demo_contacts: bool = False,
) -> dict:
    """The standard service centres of ``units.services.ensure_service_centers``, whose counters
    serve the catalogue fields of ``STANDARD_COUNTER_FIELDS`` (created here if missing)."""
    fields = ensure_fields(units_services.STANDARD_COUNTER_FIELDS)
    field_ids = {name: field.id for name, field in fields.items()}
    return units_services.ensure_service_centers(
        province_codes, field_ids=field_ids, on_progress=on_progress, demo_contacts=demo_contacts
    )


def _upsert_fields(records: Sequence[ProcedureRecord]) -> tuple[dict[str, Field], Tally]:
    # The first English name the file gives for a field wins.
    wanted: dict[str, tuple[str, str]] = {}
    unclassified = False
    for r in records:
        if r.field_vi is None:
            unclassified = True
            continue
        code = field_code(r.field_vi)
        name_vi, name_en = wanted.get(code, (r.field_vi, ""))
        wanted[code] = (name_vi, name_en or r.field_en)
    placeholder_created = False
    if unclassified:
        # Created if missing; never renamed by an import.
        _field, placeholder_created = Field.objects.get_or_create(
            code=UNCLASSIFIED_FIELD["code"],
            defaults={k: v for k, v in UNCLASSIFIED_FIELD.items() if k != "code"},
        )
    existing = Field.objects.in_bulk(list(wanted), field_name="code")
    to_create, to_update = [], []
    for code, (name_vi, name_en) in wanted.items():
        current = existing.get(code)
        if current is None:
            to_create.append(Field(code=code, name_vi=name_vi, name_en=name_en))
        elif (current.name_vi, current.name_en) != (name_vi, name_en or current.name_en):
            current.name_vi, current.name_en = name_vi, name_en or current.name_en
            to_update.append(current)
    Field.objects.bulk_create(to_create)
    Field.objects.bulk_update(to_update, ["name_vi", "name_en"])
    tally = Tally(len(to_create), len(to_update), len(wanted) - len(to_create) - len(to_update))
    if unclassified:
        tally.created += placeholder_created
        tally.unchanged += not placeholder_created
    codes = [*wanted, UNCLASSIFIED_FIELD["code"]] if unclassified else list(wanted)
    return Field.objects.in_bulk(codes, field_name="code"), tally


# ---------------------------------------------------------------------------------------------
# Importing procedures

_COPIED = (
    "name_vi",
    "name_en",
    "level",
    "executing_agency",
    "processing_amount",
    "processing_unit",
    "processing_note",
    "fee_vnd",
    "fee_note",
    "online_level",
    "documents",
    "documents_note",
    "source",
    "source_url",
)
# The portal's structure (motcua.catalog.portal); the project's JSON has none and empties it.
STRUCTURE = {
    "document_groups": list,
    "document_notes": list,
    "channels": list,
    "processing_cases": list,
    "legal_basis": list,
    "results": list,
    "subject_types": list,
    "official_steps": list,
    "requirements": str,
}
# What the name list says about a procedure, and what a name-list line may still set on an entry
# whose content came from a full portal record.
_NAME_FIELDS = ("name_vi", "field", "level", "executing_agency")
_LIST_FIELDS = (*_NAME_FIELDS, "subject_types", "promulgating_agency", "portal_type", "province")
_LIST_OVER_RECORD = ("portal_type", "province")
_WRITTEN = (
    *_COPIED,
    *STRUCTURE,
    "field",
    "promulgating_agency",
    "portal_type",
    "province",
    "has_full_record",
    "catalogue_source",
)
_COMPARED = (
    *_COPIED,
    *STRUCTURE,
    "field_id",
    "promulgating_agency",
    "portal_type",
    "province_id",
    "has_full_record",
    "catalogue_source",
    "search_name",
    "search_text",
    "needs_review",
    "review_notes",
)


def _step_tuples(steps) -> list[tuple]:
    return [(s.role, s.name_vi, s.name_en, Decimal(s.budget_hours)) for s in steps]


def _budget_note(steps: list[tuple], total: Decimal) -> str | None:
    counted = sum((budget for _r, _n, _e, budget in steps), Decimal(0))
    if counted != total:
        return (
            f"Tổng thời gian các bước ({counted.normalize():f} giờ) khác thời hạn giải quyết "
            f"quy ra giờ làm việc ({total.normalize():f} giờ); điều chỉnh các bước."
        )
    return None


def _record_values(record: ProcedureRecord, field: Field, province_id: int | None) -> dict:
    """Every Procedure field the record would set on a new entry."""
    values = {name: getattr(record, name) for name in _COPIED}
    values["field"] = field
    if record.kind == CatalogueSource.PROJECT:
        values.update({name: kind() for name, kind in STRUCTURE.items()})
        values["has_full_record"] = True
    else:
        del values["name_en"]  # the portal has no English names: keep the ones staff gave
        values.update(record.extra)
        values["province"] = province_id
    values["catalogue_source"] = record.kind
    return values


def _fields_to_write(record: ProcedureRecord, procedure: Procedure | None) -> tuple | None:
    """Which fields a record writes on an existing entry (ADR 0026); None: all it has.

    A full portal record writes everything. A name-list line writes what the list knows over the
    project's JSON (the portal's wording of the name), only the kind and province over a full
    record. The project's JSON writes nothing over a full record, and leaves what the name list
    said (name, field, level, bodies, who may file) over a name-list entry."""
    if procedure is None or record.kind == CatalogueSource.PORTAL_RECORD:
        return None
    current = procedure.catalogue_source
    if record.kind == CatalogueSource.PORTAL_LIST:
        if current == CatalogueSource.PORTAL_RECORD:
            return _LIST_OVER_RECORD
        if current == CatalogueSource.PROJECT:
            return _LIST_FIELDS
        return None
    if current == CatalogueSource.PORTAL_RECORD:
        return ()
    if procedure.portal_type:  # the name list has been here: its fields stay
        return tuple(n for n in _WRITTEN if n not in _LIST_FIELDS)
    return None


def _province_ids() -> dict[str, int]:
    """Provinces in force by folded short name ("lam dong", "hue")."""
    return {fold(p.name): p.id for p in Province.objects.current()}


@transaction.atomic
def import_procedures(
    records: Sequence[ProcedureRecord], *, on_progress: ProgressCallback = no_progress
) -> dict:
    """Create or update procedures by code (records already checked by ``importers`` or read by
    ``portal``).

    - What a record may overwrite depends on where it and the entry come from
      (``_fields_to_write``): importing the project's sample and then the portal leaves the
      portal's wording in force, and importing either again changes nothing.
    - Steps: the file's steps replace the existing ones; without steps in the file, a new
      procedure gets the default split, and an existing one keeps the steps staff may have edited
      (default steps of the old legal time follow a new legal time).
    - ``needs_review``: set when the checks find something to review. Once staff clear it, the same
      notes on a later import leave it cleared; different notes set it again. Name-only entries
      carry a note but are not put on the review list.
    - ``is_active`` is the commune's business: new procedures are active, existing ones keep theirs.
    """
    fields, field_tally = _upsert_fields(records)
    provinces = _province_ids() if any(r.province_key for r in records) else {}
    tally, steps_written, flagged = Tally(), 0, 0
    unclassified = fields.get(UNCLASSIFIED_FIELD["code"])

    for chunk in chunks(records, BATCH_SIZE):
        existing = Procedure.objects.select_related("field").in_bulk(
            [r.code for r in chunk], field_name="code"
        )
        current_steps: dict[int, list[tuple]] = {}
        for step in ProcessStep.objects.filter(
            procedure_id__in=[p.id for p in existing.values()]
        ).order_by("procedure_id", "position"):
            current_steps.setdefault(step.procedure_id, []).append(_step_tuples([step])[0])

        to_create, to_update = [], []
        new_steps: dict[str, list[tuple]] = {}  # code → steps to write
        for record in chunk:
            field = fields[
                field_code(record.field_vi) if record.field_vi else UNCLASSIFIED_FIELD["code"]
            ]
            procedure = existing.get(record.code)
            is_new = procedure is None
            notes = list(record.review_notes)
            if is_new:
                procedure = Procedure(code=record.code)
            elif field == unclassified and procedure.field_id != getattr(unclassified, "id", None):
                # A full record without a field keeps the one the name list gave.
                field = procedure.field
                notes = [n for n in notes if n != UNKNOWN_FIELD_NOTE]
            before = {name: getattr(procedure, name) for name in _COMPARED}
            old_time = (procedure.processing_amount, procedure.processing_unit)

            values = _record_values(record, field, provinces.get(record.province_key or ""))
            written = _fields_to_write(record, None if is_new else procedure)
            if written is not None:
                values = {name: value for name, value in values.items() if name in written}
            for name, value in values.items():
                setattr(procedure, f"{name}_id" if name == "province" else name, value)
            procedure.fill_search(procedure.field)

            details = "processing_amount" in values
            if details:
                amount, unit = procedure.processing_amount, procedure.processing_unit
                total = total_budget_hours(amount, unit)
                had = current_steps.get(procedure.id) if not is_new else None
                if record.steps is not None:
                    steps = _step_tuples(record.steps)
                elif not had or had == _step_tuples(default_steps(*old_time)):
                    steps = _step_tuples(default_steps(amount, unit))
                else:
                    steps = had
                budget_note = _budget_note(steps, total)
                if budget_note:
                    notes.append(budget_note)
                notes_text = "\n".join(notes)
                procedure.needs_review = (
                    bool(notes)
                    and record.flag_review
                    and (is_new or notes_text != before["review_notes"] or before["needs_review"])
                )
                procedure.review_notes = notes_text
                steps_changed = steps != current_steps.get(procedure.id, [])
                if steps_changed:
                    new_steps[record.code] = steps
            else:
                steps_changed = False

            flagged += procedure.needs_review
            if is_new:
                to_create.append(procedure)
            else:
                changed = [n for n in _COMPARED if getattr(procedure, n) != before[n]]
                if changed or steps_changed:
                    to_update.append((procedure, changed))

        Procedure.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        # One UPDATE of the changed columns per row: bulk_update's CASE over thirty columns costs
        # seconds for a few hundred rows, these cost a fraction of a millisecond each.
        for procedure, changed in to_update:
            if changed:
                Procedure.objects.filter(pk=procedure.pk).update(
                    **{name: getattr(procedure, name) for name in changed}
                )
        ids = dict(Procedure.objects.filter(code__in=list(new_steps)).values_list("code", "id"))
        ProcessStep.objects.filter(procedure_id__in=list(ids.values())).delete()
        ProcessStep.objects.bulk_create(
            [
                ProcessStep(
                    procedure_id=ids[code],
                    position=position,
                    role=role,
                    name_vi=name_vi,
                    name_en=name_en,
                    budget_hours=budget,
                )
                for code, steps in new_steps.items()
                for position, (role, name_vi, name_en, budget) in enumerate(steps, start=1)
            ],
            batch_size=BATCH_SIZE,
        )
        steps_written += sum(len(s) for s in new_steps.values())
        tally.created += len(to_create)
        tally.updated += len(to_update)
        tally.unchanged += len(chunk) - len(to_create) - len(to_update)
        on_progress(len(chunk))

    return {
        "procedures": tally,
        "fields": field_tally,
        "steps_written": steps_written,
        "flagged": flagged,
    }


@transaction.atomic
def rename_field(field: Field, *, name_vi: str, name_en: str) -> Field:
    """Rename a field and refresh the search text of its procedures (they match field names)."""
    field.name_vi, field.name_en = name_vi, name_en
    field.full_clean()
    field.save()
    refresh_search_text(field.procedures.all())
    return field


@transaction.atomic
def refresh_search_text(procedures) -> int:
    """Recompute the folded search columns, e.g. after a field was renamed."""
    changed = []
    for procedure in procedures.select_related("field"):
        before = (procedure.search_name, procedure.search_text)
        procedure.fill_search()
        if (procedure.search_name, procedure.search_text) != before:
            changed.append(procedure)
    Procedure.objects.bulk_update(changed, ["search_name", "search_text"], batch_size=BATCH_SIZE)
    return len(changed)


# ---------------------------------------------------------------------------------------------
# Which procedures a commune handles


STANDARDIZE_ALL = "standardize_all_commune_level"


def _locked_commune(commune_id: int) -> Commune:
    """The commune row, locked: changes of one commune's list are recorded one after the other,
    each with the list it really changed."""
    return Commune.objects.select_for_update().get(pk=commune_id)


def _list_state(commune: Commune) -> dict:
    """What the audit trail keeps of a commune's list: the codes it handles. An empty list means
    the commune has not standardised yet and handles every active procedure."""
    codes = sorted(
        CommuneProcedure.objects.filter(commune=commune, is_active=True).values_list(
            "procedure__code", flat=True
        )
    )
    return {"standardized": bool(codes), "procedures": codes}


def _record_list(commune: Commune, before: dict, *, actor, reason: str = "", source: str = ""):
    record_change(
        Kind.COMMUNE_PROCEDURES,
        commune,
        before=before,
        after=_list_state(commune),
        actor=actor,
        scope=Scope(commune.pk, commune.province_id),
        reason=reason,
        source=source,
    )


def _standardize(commune, procedure_ids: set[int], *, actor, reason: str, source: str) -> Tally:
    commune = _locked_commune(commune.pk)
    before = _list_state(commune)
    links = {link.procedure_id: link for link in CommuneProcedure.objects.filter(commune=commune)}
    to_create = [
        CommuneProcedure(commune=commune, procedure_id=pid)
        for pid in procedure_ids
        if pid not in links
    ]
    activate = [pid for pid, link in links.items() if pid in procedure_ids and not link.is_active]
    deactivate = [pid for pid, link in links.items() if pid not in procedure_ids and link.is_active]
    CommuneProcedure.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    CommuneProcedure.objects.filter(commune=commune, procedure_id__in=activate).update(
        is_active=True
    )
    CommuneProcedure.objects.filter(commune=commune, procedure_id__in=deactivate).update(
        is_active=False
    )
    _record_list(commune, before, actor=actor, reason=reason, source=source)
    changed = len(activate) + len(deactivate)
    return Tally(len(to_create), changed, len(links) - changed)


def _default_procedure_ids() -> set[int]:
    """Active commune-level procedures with a full record: a name alone (the portal's list) says
    nothing a counter could receive a dossier by."""
    return set(
        Procedure.objects.filter(
            level=ProcedureLevel.COMMUNE, is_active=True, has_full_record=True
        ).values_list("id", flat=True)
    )


@transaction.atomic
def standardize_procedures(
    commune, procedures: Iterable[Procedure] | None = None, *, actor, reason: str = ""
) -> Tally:
    """Make ``procedures`` the list the commune handles: add or re-enable those, disable the rest
    (links are kept, not deleted, so the history of what a commune offered survives). ``actor``
    is the commune admin who decided it.

    ``None`` means every active commune-level procedure with a full record, the default for demo
    communes.
    """
    ids = _default_procedure_ids() if procedures is None else {p.id for p in procedures}
    return _standardize(commune, ids, actor=actor, reason=reason, source="")


@transaction.atomic
def standardize_all_commune_level(communes: Iterable) -> Tally:
    """Give each commune every active commune-level procedure (demo data, first installs); the
    audit rows name this function as their source."""
    ids = _default_procedure_ids()
    total = Tally()
    for commune in communes:
        t = _standardize(commune, ids, actor=None, reason="", source=STANDARDIZE_ALL)
        total.created += t.created
        total.updated += t.updated
        total.unchanged += t.unchanged
    return total


@transaction.atomic
def save_commune_procedure(link: CommuneProcedure, *, actor, reason: str = "") -> CommuneProcedure:
    """Add one procedure to a commune's list, or switch it on or off (the admin's form). A link
    stays with its commune and procedure; to change those, add another link."""
    if link.pk is not None:
        stored = CommuneProcedure.objects.filter(pk=link.pk).values("commune_id", "procedure_id")
        if stored and stored[0] != {
            "commune_id": link.commune_id,
            "procedure_id": link.procedure_id,
        }:
            raise ValidationError(
                _(
                    "Không đổi xã hoặc thủ tục của một dòng đã có; hãy thêm dòng mới và tắt "
                    "“đang áp dụng” ở dòng cũ."
                )
            )
    commune = _locked_commune(link.commune_id)
    before = _list_state(commune)
    link.full_clean()
    link.save()
    _record_list(commune, before, actor=actor, reason=reason)
    return link


@transaction.atomic
def delete_commune_procedure(link: CommuneProcedure, *, actor, reason: str = "") -> None:
    commune = _locked_commune(link.commune_id)
    before = _list_state(commune)
    link.delete()
    _record_list(commune, before, actor=actor, reason=reason)
