"""Reading and checking a procedure catalogue file (``{"meta": {...}, "procedures": [...]}``).

The whole file is checked before anything is written; every problem is reported as
``thủ tục #i (mã X): what is wrong — what to do``. Checking also produces the review notes:
conflicts in the source that an administrator should look at (domain.md §13). Those are not errors:
the import goes ahead and flags the procedure (``needs_review``).

The file is read whole with ``json.load``: the national catalogue is a few thousand procedures, a
few megabytes, and every entry must be checked before the first write anyway. Writing is done in
batches by ``motcua.catalog.services.import_procedures``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from motcua.catalog.models import (
    PROCEDURE_CODE_RE,
    OnlineLevel,
    ProcedureLevel,
    StepRole,
    TimeUnit,
)
from motcua.text import fold, nfc
from motcua.units.importers import DataFileError

PROCEDURES_FILE = "procedures_sample.json"

# Keys an entry must have (a value may still be null where the meaning allows: processing_days
# and fee_vnd null mean "unknown"). A missing key is a mistake; an explicit null is a statement.
REQUIRED_KEYS = (
    "code",
    "name_vi",
    "field",
    "level",
    "processing_days",
    "processing_unit",
    "fee_vnd",
    "online_level",
)
OPTIONAL_KEYS = (
    "name_en",
    "field_en",
    "executing_agency",
    "processing_note",
    "fee_note",
    "documents",
    "documents_note",
    "source",
    "source_url",
    "steps",
)
STEP_KEYS_REQUIRED = ("role", "name_vi", "budget_hours")
STEP_KEYS_OPTIONAL = ("name_en",)

# Values the source uses for "field not established".
_UNKNOWN_FIELD = {"", "unknown", "chua xac dinh", "khong ro"}

_TEXT_LIMITS = {
    "name_vi": 1500,
    "name_en": 500,
    "field": 200,
    "field_en": 200,
    "executing_agency": 2000,
    "source_url": 500,
}
_MAX_AMOUNT = Decimal("999999.99")  # DecimalField(8, 2)
_MAX_FEE = 2_147_483_647  # PositiveIntegerField on every database
_MAX_BUDGET = Decimal("99999.99")  # DecimalField(7, 2)


@dataclass
class StepRecord:
    role: str
    name_vi: str
    name_en: str
    budget_hours: Decimal


@dataclass
class ProcedureRecord:
    index: int  # 1-based position in the file, for messages
    code: str
    name_vi: str
    name_en: str
    field_vi: str | None
    field_en: str
    level: str
    executing_agency: str
    processing_amount: Decimal | None
    processing_unit: str
    processing_note: str
    fee_vnd: int | None
    fee_note: str
    online_level: str
    documents: list[str]
    documents_note: str
    source: str
    source_url: str
    steps: list[StepRecord] | None  # None: the file gives no steps
    review_notes: list[str] = field(default_factory=list)
    # Where the record comes from (a CatalogueSource value): decides what it may overwrite
    # (services.import_procedures, ADR 0026). The project's own JSON by default.
    kind: str = "project"
    # More Procedure fields the record sets (the portal's structure, kind, promulgating body).
    extra: dict = field(default_factory=dict)
    # Folded name of the province a specific procedure belongs to, matched on import.
    province_key: str | None = None
    # False: the notes are kept but the entry is not put on the review list (a name-only entry).
    flag_review: bool = True


@dataclass
class CatalogueFile:
    meta: dict
    records: list[ProcedureRecord]
    warnings: list[str]


def _number(value) -> Decimal | None:
    # bool is an int in Python; true/false in a number column is a mistake, not 1/0.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def read_procedures(path: Path) -> CatalogueFile:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise DataFileError(
            [_("Không mở được tệp %(path)s: %(error)s") % {"path": path, "error": exc.strerror}]
        ) from exc
    except UnicodeDecodeError as exc:
        raise DataFileError(
            [
                _("Tệp không phải UTF-8 (%(error)s); hãy lưu lại với mã hóa UTF-8.")
                % {"error": exc.reason}
            ]
        ) from exc
    except json.JSONDecodeError as exc:
        raise DataFileError(
            [
                _("JSON không hợp lệ ở dòng %(line)d, cột %(col)d: %(error)s.")
                % {"line": exc.lineno, "col": exc.colno, "error": exc.msg}
            ]
        ) from exc
    return parse_procedures(data)


def parse_procedures(data) -> CatalogueFile:
    if not isinstance(data, dict) or not isinstance(data.get("procedures"), list):
        raise DataFileError(
            [
                _(
                    'Tệp cần có dạng {"meta": {...}, "procedures": [...]}; '
                    'không tìm thấy danh sách "procedures".'
                )
            ]
        )
    meta = data.get("meta") or {}
    if not isinstance(meta, dict):
        raise DataFileError([_('"meta" phải là một đối tượng JSON.')])

    warnings = []
    documented = meta.get("fields") or {}
    if isinstance(documented, dict):
        unknown = sorted(set(documented) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
        if unknown:
            warnings.append(
                _("meta.fields mô tả trường mà motcua không nhập: %(keys)s (bỏ qua).")
                % {"keys": ", ".join(unknown)}
            )

    records: list[ProcedureRecord] = []
    problems: list[str] = []
    first_index: dict[str, int] = {}
    for index, entry in enumerate(data["procedures"], start=1):
        record, found = _parse_entry(index, entry)
        code = record.code if record else (entry.get("code") if isinstance(entry, dict) else None)
        if isinstance(code, str) and code in first_index:
            found.append(
                _("mã trùng với thủ tục #%(first)d; mỗi mã chỉ xuất hiện một lần.")
                % {"first": first_index[code]}
            )
        elif isinstance(code, str):
            first_index[code] = index
        if found:
            label = (
                _("thủ tục #%(i)d (mã %(code)s)") % {"i": index, "code": code}
                if isinstance(code, str) and code
                else _("thủ tục #%(i)d") % {"i": index}
            )
            problems.extend(f"{label}: {text}" for text in found)
        else:
            records.append(record)
    if problems:
        raise DataFileError(problems)
    return CatalogueFile(meta, records, warnings)


def _parse_entry(index: int, entry) -> tuple[ProcedureRecord | None, list[str]]:
    found: list[str] = []
    if not isinstance(entry, dict):
        return None, [_("mỗi thủ tục phải là một đối tượng JSON.")]

    missing = [k for k in REQUIRED_KEYS if k not in entry]
    if missing:
        found.append(
            _("thiếu trường %(keys)s (dùng null nếu chưa rõ giá trị).")
            % {"keys": ", ".join(missing)}
        )
    unknown = sorted(set(entry) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        found.append(
            _("trường không xác định %(keys)s; kiểm tra chính tả (các trường hợp lệ: %(known)s).")
            % {"keys": ", ".join(unknown), "known": ", ".join(REQUIRED_KEYS + OPTIONAL_KEYS)}
        )

    def text(key: str, *, required: bool = False) -> str:
        value = entry.get(key)
        if value is None:
            if required and key in entry:
                found.append(_("trường %(key)s không được để trống.") % {"key": key})
            return ""
        if not isinstance(value, str):
            found.append(_("trường %(key)s phải là chuỗi ký tự.") % {"key": key})
            return ""
        value = (
            nfc(value)
            if key not in {"processing_note", "fee_note", "documents_note"}
            else value.strip()
        )
        if required and not value:
            found.append(_("trường %(key)s không được để trống.") % {"key": key})
        limit = _TEXT_LIMITS.get(key)
        if limit and len(value) > limit:
            found.append(
                _("trường %(key)s dài %(length)d ký tự, tối đa %(limit)d.")
                % {"key": key, "length": len(value), "limit": limit}
            )
        return value

    code = text("code", required="code" in entry)
    if code and not PROCEDURE_CODE_RE.match(code):
        found.append(
            _(
                "mã “%(code)s” sai dạng; mã quốc gia có dạng N.NNNNNN với N là một chữ số "
                "(ví dụ 1.001193)."
            )
            % {"code": code}
        )
    name_vi = text("name_vi", required="name_vi" in entry)
    field_vi = text("field")
    field_vi = None if fold(field_vi) in _UNKNOWN_FIELD else field_vi

    level = entry.get("level")
    if "level" in entry and level not in ProcedureLevel.values:
        found.append(
            _("cấp thực hiện “%(value)s” không hợp lệ; dùng một trong: %(choices)s.")
            % {"value": level, "choices": ", ".join(ProcedureLevel.values)}
        )
    unit = entry.get("processing_unit")
    if "processing_unit" in entry and unit not in TimeUnit.values:
        found.append(
            _("đơn vị thời hạn “%(value)s” không hợp lệ; dùng một trong: %(choices)s.")
            % {"value": unit, "choices": ", ".join(TimeUnit.values)}
        )
    online = entry.get("online_level")
    if "online_level" in entry and online not in OnlineLevel.values:
        found.append(
            _("mức độ trực tuyến “%(value)s” không hợp lệ; dùng một trong: %(choices)s.")
            % {"value": online, "choices": ", ".join(OnlineLevel.values)}
        )

    amount = None
    raw_days = entry.get("processing_days")
    if raw_days is not None:
        amount = _number(raw_days)
        if amount is None:
            found.append(_("processing_days phải là một số hoặc null (chưa rõ)."))
        elif amount < 0:
            found.append(_("processing_days không được âm (%(value)s).") % {"value": raw_days})
        elif amount > _MAX_AMOUNT or _decimal_places(amount) > 2:
            found.append(
                _(
                    "processing_days %(value)s vượt quá giới hạn "
                    "(tối đa 999999.99, 2 chữ số thập phân)."
                )
                % {"value": raw_days}
            )

    fee = entry.get("fee_vnd")
    if fee is not None:
        if isinstance(fee, bool) or not isinstance(fee, int):
            if isinstance(fee, float) and fee.is_integer():
                fee = int(fee)
            else:
                found.append(
                    _("fee_vnd phải là số nguyên (đồng) hoặc null (chưa rõ/địa phương quy định).")
                )
                fee = None
        if fee is not None and fee < 0:
            found.append(_("fee_vnd không được âm (%(value)s).") % {"value": fee})
        elif fee is not None and fee > _MAX_FEE:
            found.append(_("fee_vnd %(value)s quá lớn.") % {"value": fee})

    documents = entry.get("documents", [])
    if documents is None:
        documents = []
    if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
        found.append(_("documents phải là danh sách các chuỗi ký tự."))
        documents = []
    documents = [nfc(d) for d in documents if d.strip()]

    source_url = text("source_url")
    if source_url:
        try:
            URLValidator()(source_url)
        except ValidationError:
            found.append(
                _("source_url “%(value)s” không phải địa chỉ web hợp lệ.") % {"value": source_url}
            )

    steps = None
    if "steps" in entry and entry["steps"] is not None:
        steps = _parse_steps(entry["steps"], found)

    record = ProcedureRecord(
        index=index,
        code=code,
        name_vi=name_vi,
        name_en=text("name_en"),
        field_vi=field_vi,
        field_en=text("field_en") if field_vi else "",
        level=level if level in ProcedureLevel.values else ProcedureLevel.COMMUNE,
        executing_agency=text("executing_agency"),
        processing_amount=amount,
        processing_unit=unit,
        processing_note=text("processing_note"),
        fee_vnd=fee if isinstance(fee, int) and not isinstance(fee, bool) and fee >= 0 else None,
        fee_note=text("fee_note"),
        online_level=online,
        documents=documents,
        documents_note=text("documents_note"),
        source=text("source"),
        source_url=source_url,
        steps=steps,
    )
    if not found:
        record.review_notes = review_notes(record)
    return record, found


def _parse_steps(raw, found: list[str]) -> list[StepRecord] | None:
    if not isinstance(raw, list) or not raw:
        found.append(_("steps phải là danh sách khác rỗng các bước {role, name_vi, budget_hours}."))
        return None
    steps = []
    for number, step in enumerate(raw, start=1):
        where = _("bước %(n)d") % {"n": number}
        if not isinstance(step, dict):
            found.append(_("%(where)s phải là một đối tượng JSON.") % {"where": where})
            continue
        missing = [k for k in STEP_KEYS_REQUIRED if k not in step]
        unknown = sorted(set(step) - set(STEP_KEYS_REQUIRED) - set(STEP_KEYS_OPTIONAL))
        if missing:
            found.append(
                _("%(where)s thiếu trường %(keys)s.") % {"where": where, "keys": ", ".join(missing)}
            )
        if unknown:
            found.append(
                _("%(where)s có trường không xác định %(keys)s.")
                % {"where": where, "keys": ", ".join(unknown)}
            )
        role = step.get("role")
        if "role" in step and role not in StepRole.values:
            found.append(
                _("%(where)s: vai trò “%(value)s” không hợp lệ; dùng một trong: %(choices)s.")
                % {"where": where, "value": role, "choices": ", ".join(StepRole.values)}
            )
        name_vi = step.get("name_vi")
        if "name_vi" in step and (not isinstance(name_vi, str) or not name_vi.strip()):
            found.append(_("%(where)s: name_vi phải là chuỗi khác rỗng.") % {"where": where})
            name_vi = ""
        name_en = step.get("name_en") or ""
        if not isinstance(name_en, str):
            found.append(_("%(where)s: name_en phải là chuỗi ký tự.") % {"where": where})
            name_en = ""
        budget = _number(step.get("budget_hours"))
        if "budget_hours" in step and (
            budget is None or budget < 0 or budget > _MAX_BUDGET or _decimal_places(budget) > 2
        ):
            found.append(
                _(
                    "%(where)s: budget_hours phải là số giờ từ 0 đến 99999.99 "
                    "(tối đa 2 chữ số thập phân)."
                )
                % {"where": where}
            )
        steps.append(StepRecord(role or "", nfc(name_vi or ""), nfc(name_en), budget or Decimal(0)))
    return steps


# ---------------------------------------------------------------------------------------------
# Review rules: conflicts in the source an administrator should resolve (domain.md §13). Each rule
# is (test, note); notes are stored with the procedure, in Vietnamese, as data.

_SAME_DAY_TEXT = re.compile(r"same (working )?day|15:00|trong ngày", re.IGNORECASE)
_CALENDAR_DAY_TEXT = re.compile(r"calendar day|ngày lịch", re.IGNORECASE)
_WORKING_DAY_TEXT = re.compile(r"working day|ngày làm việc", re.IGNORECASE)
_CONFLICT_TEXT = re.compile(
    r"ambiguous|case field|channel field|wrongly|conflict|mâu thuẫn|thống nhất|ghi nhầm"
    r"|mục cách thức thực hiện|mục trường hợp giải quyết",
    re.IGNORECASE,
)
_CHECK_SOURCE_TEXT = re.compile(
    r"should be checked|to be verified|verify|cần kiểm tra|cần đối chiếu", re.IGNORECASE
)
_LOCAL_FEE_TEXT = re.compile(r"HĐND|People's Council|set locally|địa phương", re.IGNORECASE)


UNKNOWN_FIELD_NOTE = "Chưa rõ lĩnh vực; chọn lĩnh vực để thủ tục được phân về đúng quầy."


def _rules():
    W, C, S, H = TimeUnit.WORKING_DAY, TimeUnit.CALENDAR_DAY, TimeUnit.SAME_DAY, TimeUnit.HOUR
    return (
        (
            lambda r: r.processing_amount is None and r.processing_unit != S,
            "Chưa rõ thời hạn giải quyết; các bước xử lý tạm tính theo 1 ngày làm việc.",
        ),
        (
            lambda r: r.processing_unit == S and r.processing_amount not in (None, 0),
            "Đơn vị là “trong ngày” nhưng số lượng khác 0; kiểm tra lại thời hạn.",
        ),
        (
            lambda r: r.processing_unit in (W, C, H) and r.processing_amount == 0,
            "Thời hạn bằng 0 với đơn vị không phải “trong ngày”; kiểm tra lại thời hạn.",
        ),
        (
            lambda r: r.processing_unit != S and _SAME_DAY_TEXT.search(r.processing_note),
            "Ghi chú mô tả trả kết quả trong ngày (quy tắc 15:00) nhưng đơn vị thời hạn không phải "
            "“trong ngày”; chọn đơn vị đúng.",
        ),
        (
            lambda r: r.processing_unit == W and _CALENDAR_DAY_TEXT.search(r.processing_note),
            "Ghi chú nhắc tới ngày lịch nhưng đơn vị là ngày làm việc; xác định đơn vị đúng.",
        ),
        (
            lambda r: r.processing_unit == C and _WORKING_DAY_TEXT.search(r.processing_note),
            "Ghi chú nhắc tới ngày làm việc nhưng đơn vị là ngày lịch; xác định đơn vị đúng.",
        ),
        (
            lambda r: _CONFLICT_TEXT.search(r.processing_note),
            "Nguồn có thông tin thời hạn không thống nhất (xem ghi chú về thời hạn); chọn giá trị "
            "áp dụng tại địa phương.",
        ),
        (
            lambda r: _CHECK_SOURCE_TEXT.search(r.processing_note),
            "Ghi chú của nguồn yêu cầu kiểm tra lại thông tin (xem ghi chú về thời hạn); đối chiếu "
            "với Cơ sở dữ liệu quốc gia về thủ tục hành chính.",
        ),
        (
            lambda r: r.fee_vnd is None,
            "Chưa có mức phí, lệ phí (do HĐND tỉnh quy định hoặc chưa rõ); nhập mức phí áp dụng.",
        ),
        (
            lambda r: r.fee_vnd == 0 and _LOCAL_FEE_TEXT.search(r.fee_note),
            "Phí ghi 0 nhưng ghi chú cho biết do địa phương quy định; nhập mức phí áp dụng.",
        ),
        (
            lambda r: r.field_vi is None,
            UNKNOWN_FIELD_NOTE,
        ),
        (
            lambda r: not r.documents,
            "Chưa có thành phần hồ sơ; bổ sung danh sách giấy tờ cần nộp.",
        ),
    )


def review_notes(record: ProcedureRecord) -> list[str]:
    return [note for test, note in _rules() if test(record)]
