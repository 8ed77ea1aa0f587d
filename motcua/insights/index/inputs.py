"""The inputs of the service index (service_index.md Appendix A) and how a set of them is checked.

One commune and one period take exactly these inputs, in two parts: ``province_level`` (criteria
1.1–1.3, measured for the whole province and inherited by each of its communes) and ``commune``.
Every input is a count (a whole number ≥ 0) except ``certified_copy_e_service``, a yes/no flag.
The table below is the single definition: the scoring engine, the API schema (its field
descriptions) and the import of the portal's figures all read it.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PROVINCE_LEVEL = "province_level"
COMMUNE = "commune"
SECTIONS = (PROVINCE_LEVEL, COMMUNE)

COUNT = "count"
FLAG = "flag"


@dataclass(frozen=True)
class InputField:
    name: str
    section: str
    kind: str
    label: str  # Vietnamese, lazily translated: what a monitor reads next to the number
    description: str  # the Appendix A meaning, for the OpenAPI document


def _count(section: str, name: str, label: str, description: str) -> InputField:
    return InputField(name, section, COUNT, label, description)


FIELDS: tuple[InputField, ...] = (
    _count(
        PROVINCE_LEVEL,
        "tthc_published_on_time",
        gettext_lazy("TTHC công bố đúng hạn"),
        "1.1 procedures published (công bố) on time in the period",
    ),
    _count(
        PROVINCE_LEVEL,
        "tthc_published_total",
        gettext_lazy("TTHC công bố trong kỳ"),
        "1.1 procedures published in the period",
    ),
    _count(
        PROVINCE_LEVEL,
        "tthc_public_on_time",
        gettext_lazy("TTHC công khai đúng hạn"),
        "1.2 procedures made public on the national procedure database on time",
    ),
    _count(
        PROVINCE_LEVEL,
        "tthc_public_required",
        gettext_lazy("TTHC phải công khai trong kỳ"),
        "1.2 procedures that had to be made public in the period",
    ),
    _count(
        PROVINCE_LEVEL,
        "tthc_public_complete",
        gettext_lazy("TTHC công khai đầy đủ bộ phận"),
        "1.3 public procedures with all required parts (name, steps, channels, dossier "
        "components, time limit, applicant, agency)",
    ),
    _count(
        PROVINCE_LEVEL,
        "tthc_public_total",
        gettext_lazy("TTHC đang công khai"),
        "1.3 procedures public on the national database",
    ),
    _count(
        COMMUNE,
        "dossiers_received",
        gettext_lazy("Hồ sơ tiếp nhận trong kỳ"),
        "dossiers with a receive date in the period; denominator of 2.1, 3.3, 5.4 and the "
        "dossier-based digitisation criteria",
    ),
    _count(
        COMMUNE,
        "dossiers_on_time",
        gettext_lazy("Hồ sơ xử lý trước hạn, đúng hạn"),
        "of those, dossiers finished on or before the due date plus dossiers still open and not "
        "past due at period end",
    ),
    _count(
        COMMUNE,
        "dossiers_received_reported",
        gettext_lazy("Hồ sơ tiếp nhận theo Hệ thống báo cáo quốc gia"),
        "dossiers received in the period as reported to the national reporting system",
    ),
    _count(
        COMMUNE,
        "dossiers_synced",
        gettext_lazy("Hồ sơ đã đồng bộ lên Cổng DVCQG"),
        "dossiers with a receive date in the period whose status was synchronised to the "
        "National Public Service Portal",
    ),
    _count(
        COMMUNE,
        "procedures_under_authority",
        gettext_lazy("TTHC thuộc thẩm quyền của xã"),
        "3.1 procedures whose implementing level is the commune",
    ),
    _count(
        COMMUNE,
        "procedures_online_partial",
        gettext_lazy("TTHC cung cấp DVCTT một phần"),
        "3.1 of those, procedures offered as partial online public service",
    ),
    _count(
        COMMUNE,
        "procedures_online_full",
        gettext_lazy("TTHC cung cấp DVCTT toàn trình"),
        "3.1 of those, procedures offered as full online public service (each procedure counted "
        "once, at its highest level)",
    ),
    _count(
        COMMUNE,
        "online_services_total",
        gettext_lazy("Dịch vụ công trực tuyến của xã"),
        "3.2 online public services applicable to the commune",
    ),
    _count(
        COMMUNE,
        "online_services_with_online_dossier",
        gettext_lazy("DVCTT có phát sinh hồ sơ trực tuyến"),
        "3.2 of those, services that received at least one online dossier in the period",
    ),
    _count(
        COMMUNE,
        "dossiers_online_qualifying",
        gettext_lazy("Hồ sơ nộp trực tuyến"),
        "3.3 dossiers received online in the period that also carry an electronic result when "
        "the procedure requires a written result",
    ),
    _count(
        COMMUNE,
        "dossiers_with_fee",
        gettext_lazy("Hồ sơ của TTHC có phí, lệ phí"),
        "3.6 dossiers of fee-bearing procedures (excluding dossiers whose synced fees are all 0)",
    ),
    _count(
        COMMUNE,
        "dossiers_paid_online",
        gettext_lazy("Hồ sơ thanh toán trực tuyến"),
        "3.6 of those, dossiers paid online (DVCQG or provincial payment gateway)",
    ),
    _count(
        COMMUNE,
        "fee_procedures_total",
        gettext_lazy("TTHC có phí, lệ phí"),
        "fee-bearing procedures applicable to the commune; denominator of 3.5 and 3.5b",
    ),
    _count(
        COMMUNE,
        "fee_procedures_with_online_payment",
        gettext_lazy("TTHC có giao dịch thanh toán trực tuyến"),
        "3.5b fee-bearing procedures with at least one successful online payment in the period",
    ),
    _count(
        COMMUNE,
        "fee_procedures_integrated",
        gettext_lazy("TTHC tích hợp thanh toán trực tuyến trên Cổng DVCQG"),
        "3.5 fee-bearing procedures with at least one dossier in the period whose fee data was "
        "synced to the portal",
    ),
    _count(
        COMMUNE,
        "petitions_in_period",
        gettext_lazy("Phản ánh, kiến nghị trong kỳ"),
        "petitions addressed to the commune and received or handled in the period; denominator "
        "of 5.2 and 5.3",
    ),
    _count(
        COMMUNE,
        "petitions_handled_on_time",
        gettext_lazy("PAKN xử lý đúng hạn"),
        "5.2 petitions handled on time or still within their time limit",
    ),
    _count(
        COMMUNE,
        "petitions_negative",
        gettext_lazy("PAKN không hài lòng, lặp lại hoặc quá hạn"),
        "5.3 petitions rated unsatisfied, repeated about the result, or handled late",
    ),
    _count(
        COMMUNE,
        "dossiers_with_petition_or_dislike",
        gettext_lazy("Hồ sơ bị phản ánh hoặc đánh giá không hài lòng"),
        "5.4 dossiers of the period with a petition or a negative (dislike) rating",
    ),
    _count(
        COMMUNE,
        "dossiers_e_result",
        gettext_lazy("Hồ sơ có kết quả điện tử"),
        "4.1 dossiers with an electronic result file attached",
    ),
    _count(
        COMMUNE,
        "dossiers_digitized",
        gettext_lazy("Hồ sơ được số hóa"),
        "4.2 dossiers digitised (component files attached, and an electronic result where a "
        "written result is required)",
    ),
    InputField(
        "certified_copy_e_service",
        COMMUNE,
        FLAG,
        gettext_lazy("Xã cung cấp chứng thực bản sao điện tử từ bản chính"),
        "4.x the commune provides electronic certified copies from originals",
    ),
    _count(
        COMMUNE,
        "dossiers_reused_data",
        gettext_lazy("Hồ sơ sử dụng lại dữ liệu số hóa"),
        "4.3 dossiers with at least one component taken from already-digitised data",
    ),
    _count(
        COMMUNE,
        "dossiers_personal_store_linked",
        gettext_lazy("Hồ sơ kết nối kho dữ liệu cá nhân trên Cổng"),
        "4.4 dossiers with a component taken from the citizen's personal data store on the "
        "portal, or whose electronic result was pushed to it",
    ),
    _count(
        COMMUNE,
        "citizen_procedures_total",
        gettext_lazy("TTHC có đối tượng là công dân"),
        "4.5a procedures whose applicants are citizens",
    ),
    _count(
        COMMUNE,
        "citizen_procedures_population_connected",
        gettext_lazy("TTHC kết nối dữ liệu dân cư"),
        "4.5a of those, procedures with dossiers using the national population database",
    ),
    _count(
        COMMUNE,
        "dossiers_population_db",
        gettext_lazy("Hồ sơ sử dụng dữ liệu dân cư"),
        "4.5b dossiers using population-database data",
    ),
)

BY_NAME = {field.name: field for field in FIELDS}

# Counts that are parts of another count by definition ("of those" in Appendix A), so a part
# larger than its whole is a typing or export mistake. Pairs left out on purpose:
# dossiers_received_reported (another system's count), dossiers_with_fee (counted by start of
# processing, not receipt), fee_procedures_integrated vs fee_procedures_with_online_payment (the
# portal publishes the first above the second for three Hà Nội communes), and 5.4's flagged
# dossiers vs those on time (an overdue dossier may also be flagged; service_index.md §9 item 11).
PARTS_WITHIN_WHOLES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("tthc_published_on_time",), "tthc_published_total"),
    (("tthc_public_on_time",), "tthc_public_required"),
    (("tthc_public_complete",), "tthc_public_total"),
    (("dossiers_on_time",), "dossiers_received"),
    (("dossiers_synced",), "dossiers_received"),
    (("procedures_online_partial", "procedures_online_full"), "procedures_under_authority"),
    (("online_services_with_online_dossier",), "online_services_total"),
    (("dossiers_online_qualifying",), "dossiers_received"),
    (("dossiers_paid_online",), "dossiers_with_fee"),
    (("fee_procedures_with_online_payment",), "fee_procedures_total"),
    (("fee_procedures_integrated",), "fee_procedures_total"),
    (("petitions_handled_on_time",), "petitions_in_period"),
    (("petitions_negative",), "petitions_in_period"),
    (("dossiers_with_petition_or_dislike",), "dossiers_received"),
    (("dossiers_e_result",), "dossiers_received"),
    (("dossiers_digitized",), "dossiers_received"),
    (("dossiers_reused_data",), "dossiers_received"),
    (("dossiers_personal_store_linked",), "dossiers_received"),
    (("citizen_procedures_population_connected",), "citizen_procedures_total"),
    (("dossiers_population_db",), "dossiers_received"),
)


def fields_of(section: str) -> tuple[InputField, ...]:
    return tuple(field for field in FIELDS if field.section == section)


def path(name: str) -> str:
    """Where an input sits in the request, as errors name it: ``commune.dossiers_on_time``."""
    return f"{BY_NAME[name].section}.{name}"


def validate_inputs(raw) -> dict:
    """The inputs ``raw`` as ``{"province_level": {...}, "commune": {...}}`` with every Appendix A
    name once, counts as ``int`` and the flag as ``bool``.

    Raises ``ValidationError`` with one Vietnamese message per field (keys such as
    ``commune.dossiers_on_time``, or ``__all__`` when ``raw`` is not an object) for an unknown
    or missing name, a count that is not a whole number ≥ 0 (``true``/``false`` and ``5.0`` are
    refused), a flag that is not ``true``/``false``, and a part larger than its whole
    (``PARTS_WITHIN_WHOLES``).
    """
    if not isinstance(raw, dict):
        raise ValidationError({"__all__": _("Dữ liệu phải là một đối tượng JSON.")})
    errors = _section_errors(raw)
    if errors:
        raise ValidationError(errors)
    clean = {
        section: {f.name: raw[section][f.name] for f in fields_of(section)} for section in SECTIONS
    }
    errors = _bound_errors({**clean[PROVINCE_LEVEL], **clean[COMMUNE]})
    if errors:
        raise ValidationError(errors)
    return clean


def _section_errors(raw: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key in raw:
        if key not in SECTIONS:
            errors[str(key)] = _(
                "Không có phần “%(key)s”; chỉ có “province_level” và “commune”."
            ) % {"key": key}
    for section in SECTIONS:
        values = raw.get(section)
        if not isinstance(values, dict):
            errors[section] = _("Thiếu phần “%(section)s” (một đối tượng JSON).") % {
                "section": section
            }
            continue
        errors.update(_value_errors(section, values))
    return errors


def _value_errors(section: str, values: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    known = {field.name for field in fields_of(section)}
    for name in values:
        if name not in known:
            errors[f"{section}.{name}"] = _unknown_name_message(section, name)
    for field in fields_of(section):
        key = f"{section}.{field.name}"
        if field.name not in values:
            errors[key] = _("Thiếu số liệu “%(label)s”.") % {"label": field.label}
            continue
        problem = _value_problem(field, values[field.name])
        if problem:
            errors[key] = problem
    return errors


def _unknown_name_message(section: str, name: str) -> str:
    elsewhere = BY_NAME.get(name)
    if elsewhere is not None:
        return _("“%(name)s” thuộc phần “%(section)s”, không thuộc phần này.") % {
            "name": name,
            "section": elsewhere.section,
        }
    return _("Không có số liệu tên “%(name)s” trong bộ chỉ số (xem Phụ lục A).") % {"name": name}


def _value_problem(field: InputField, value) -> str | None:
    if field.kind == FLAG:
        if not isinstance(value, bool):
            return _("“%(label)s” phải là true hoặc false.") % {"label": field.label}
        return None
    # bool is a subclass of int in Python; true/false is not a count.
    if isinstance(value, bool) or not isinstance(value, int):
        return _("“%(label)s” phải là một số nguyên (không có phần thập phân).") % {
            "label": field.label
        }
    if value < 0:
        return _("“%(label)s” không được là số âm.") % {"label": field.label}
    return None


def _bound_errors(values: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    for parts, whole in PARTS_WITHIN_WHOLES:
        part_total = sum(values[name] for name in parts)
        if part_total > values[whole]:
            errors[path(parts[0])] = _part_message(parts, part_total, whole, values[whole])
    return errors


def _part_message(parts: tuple[str, ...], part_total: int, whole: str, whole_value: int) -> str:
    labels = " + ".join(f"“{BY_NAME[name].label}”" for name in parts)
    return _("%(parts)s (%(part)s) không được lớn hơn “%(whole)s” (%(value)s).") % {
        "parts": labels,
        "part": part_total,
        "whole": BY_NAME[whole].label,
        "value": whole_value,
    }
