"""What a province monitor changes about the index: the province's inputs for criteria 1.1–1.3,
and per commune the certified-copy flag and values for inputs motcua does not measure.

Each save checks the whole scoring input it would produce (so a part can never exceed its whole),
writes in one transaction, and marks the affected commune-months dirty so the next read rescored
them. Nothing is saved when a value is wrong; the error names the field.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts import access
from motcua.accounts.models import User
from motcua.insights import index_inputs, rollups
from motcua.insights.index.inputs import COMMUNE, FLAG, fields_of, validate_inputs
from motcua.insights.models import (
    PROVINCE_INPUTS,
    CommuneMonth,
    CommuneMonthInput,
    ProvinceMonthInput,
)
from motcua.insights.periods import Period


def _require(user: User, province) -> None:
    """Index inputs are the province's: the access rule says who enters them (its monitors)."""
    if not access.permits(user, access.Kind.INDEX_INPUTS, access.Action.ENTER, province):
        raise PermissionDenied(_("Chỉ cán bộ giám sát của tỉnh được nhập số liệu chỉ số."))


def _check_counts(values: dict, names) -> dict:
    clean, errors = {}, {}
    for name in names:
        value = values.get(name)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[name] = _("Nhập một số nguyên không âm.")
        else:
            clean[name] = value
    if errors:
        raise ValidationError(errors)
    return clean


def save_province_inputs(
    user: User, province, period: Period, values: dict, *, rescore: bool = True
) -> ProvinceMonthInput:
    """Criteria 1.1–1.3 for the province and month (replacing what was entered before).
    ``rescore=False`` leaves the recompute to the caller (many saves, one recompute)."""
    _require(user, province)
    clean = _check_counts(values, PROVINCE_INPUTS)
    _check_whole(clean, None)
    with transaction.atomic():
        row, _created = ProvinceMonthInput.objects.update_or_create(
            province=province,
            month=period.first,
            defaults={**clean, "entered_by": user, "entered_at": timezone.now()},
        )
        CommuneMonth.objects.filter(commune__province=province, month=period.first).update(
            dirty=True
        )
    if rescore:
        _rescore_now(province.pk, period)
    return row


def save_commune_inputs(
    user: User,
    commune,
    period: Period,
    *,
    certified_copy: bool,
    overrides: dict,
    rescore: bool = True,
) -> CommuneMonthInput:
    """The certified-copy flag and entered values (blank = use the measured value) for a commune
    and month. Only the inputs of ``index_inputs.ENTERABLE`` can be entered."""
    _require(user, commune.province)
    unknown = set(overrides) - set(index_inputs.ENTERABLE)
    if unknown:
        raise ValidationError({name: _("Không nhập được số liệu này.") for name in unknown})
    given = {k: v for k, v in overrides.items() if v not in (None, "")}
    clean = _check_counts(given, given)
    measured = index_inputs.measured_inputs([commune.pk], period)[commune.pk]
    entry = CommuneMonthInput(
        commune=commune,
        month=period.first,
        certified_copy_e_service=certified_copy,
        overrides=clean,
    )
    province = index_inputs.province_inputs(commune.province_id, period.first)
    _check_whole(province, index_inputs.combine(measured, province, entry)["commune"])
    with transaction.atomic():
        row, _created = CommuneMonthInput.objects.update_or_create(
            commune=commune,
            month=period.first,
            defaults={
                "certified_copy_e_service": certified_copy,
                "overrides": clean,
                "entered_by": user,
                "entered_at": timezone.now(),
            },
        )
        CommuneMonth.objects.filter(commune=commune, month=period.first).update(dirty=True)
    if rescore:
        _rescore_now(commune.province_id, period)
    return row


def _rescore_now(province_id: int, period: Period) -> None:
    """The monitor has just changed an input and expects the ranking to show it: recompute the
    province-month now (a rare, deliberate action; seconds at the largest scale)."""
    rollups.refresh_province_month(province_id, period)


def _check_whole(province: dict | None, commune: dict | None) -> None:
    """Run the scoring input check on what would be stored; its errors name fields as
    ``commune.<name>``, which are turned back into the form's field names."""
    sample = {
        "province_level": province or dict.fromkeys(PROVINCE_INPUTS, 0),
        "commune": commune or _neutral_commune(),
    }
    try:
        validate_inputs(sample)
    except ValidationError as error:
        raise ValidationError(
            {key.split(".", 1)[-1]: messages for key, messages in error.message_dict.items()}
        ) from None


def _neutral_commune() -> dict:
    return {f.name: (False if f.kind == FLAG else 0) for f in fields_of(COMMUNE)}
