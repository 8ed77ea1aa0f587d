"""Reading the National Public Service Portal's procedure data (dichvucong.gov.vn) into catalogue
records (ADR 0026).

Two shapes, both as the portal publishes them (``motcua/data/README.md``):

- the **name list** (``catalog.jsonl``): one JSON object a line with ``code``, ``name``,
  ``categories``, ``departments``, ``departmentPromulgate``, ``formalityTargetType``, ``type``;
- a **full record** (``procedures/<code>.json``): documents by case, channels with fees and times,
  times per case, legal basis, results, the official steps.

Pure Python, no database: the records are written by ``motcua.catalog.services``. Text is cleaned,
never reworded: whitespace runs collapse, lines are stripped, and the bullet a line starts with
("- ", "+ ", "* ") is dropped because the page draws its own list. Everything else is kept as
published, typos included.

Shapes kept on ``Procedure`` (JSON, shown on the procedure page and by the API):

- ``document_groups``: ``[{"case": str, "items": [{"name", "originals", "copies", "code",
  "has_eform", "kind"}]}]``; ``kind`` is ``document`` (a paper to hand in: at least one original or
  copy), ``heading`` (0 originals and 0 copies, ends with ":"), or ``condition`` (0 and 0
  otherwise: a sentence about when a paper is or is not needed).
- ``document_notes``: the items of the portal's "* Lưu ý" groups: notes, not papers.
- ``channels``: ``[{"method": "DIRECT"|"ONLINE"|"POSTAL", "fees": [{"kind", "amount_vnd",
  "text"}], "time": {"amount", "unit", "text"}, "note"}]``.
- ``processing_cases``: ``[{"case", "amount", "unit", "text"}]``; ``unit`` is the portal's
  (``WORKING_DAY``, ``DAY`` = calendar days, ``HOUR``, ``MONTH``, ``OTHER``).
- ``legal_basis``: ``[{"code", "name"}]``; ``official_steps``: ``[{"name", "text"}]``.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from motcua.catalog.importers import (
    ProcedureRecord,
    parse_procedures,
    read_procedures,
    review_notes,
)
from motcua.catalog.models import (
    PROCEDURE_CODE_RE,
    CatalogueSource,
    OnlineLevel,
    PortalType,
    ProcedureLevel,
    TimeUnit,
)
from motcua.text import fold, nfc
from motcua.units.importers import DataFileError

NAME_LIST_FILE = "catalog.jsonl"
PORTAL_BUNDLE = "national_portal.jsonl.gz"

PORTAL_TYPES = {
    "STANDARD": PortalType.STANDARD,
    "SPECIFIC": PortalType.SPECIFIC,
    "STANDARD_INTERNAL": PortalType.STANDARD_INTERNAL,
}
# The portal's time units that motcua can count a deadline in.
PORTAL_UNITS = {
    "WORKING_DAY": TimeUnit.WORKING_DAY,
    "DAY": TimeUnit.CALENDAR_DAY,
    "HOUR": TimeUnit.HOUR,
}
CHANNEL_ORDER = ("DIRECT", "ONLINE", "POSTAL")
_MAX_FEE = 2_147_483_647

_SPACES = re.compile(r"[ \t\f\v\u00a0\u200b\u200e\u200f\ufeff]+")
_BULLET = re.compile(r"^(?:[-+*•–]\s*)+")
_NOTE_GROUP = re.compile(r"^\W*luu y\b")
# A commune-level body: "Ủy ban nhân dân cấp xã", "Công an cấp Xã", "UBND xã X", "Phường Y".
_COMMUNE_BODY = re.compile(
    r"\bcap xa\b|\b(?:ubnd|uy ban nhan dan|cong an|chu tich ubnd) (?:xa|phuong|dac khu)\b"
    r"|^(?:xa|phuong|dac khu) "
)
_PROVINCE_BODY = re.compile(r"\bcap tinh\b|\bso \w|\btinh\b|\bthanh pho\b|\btp\b")
# "UBND tỉnh Lâm Đồng", "UBND Thành phố Huế", "Sở Xây dựng - tỉnh Quảng Ngãi", "TP.Đà Nẵng".
_PROVINCE_NAME = re.compile(r"(?:\btinh|\bthanh pho|\btp)\W+([\w ]+?)\s*$")


class RecordError(Exception):
    """One record that cannot be read; the import reports it with its code and goes on."""


def clean_line(text) -> str:
    """One-line text: NFC, whitespace runs collapsed, stripped."""
    return nfc(text) if isinstance(text, str) else ""


def clean_text(text) -> str:
    """Multi-line text: NFC, each line's whitespace collapsed and stripped, empty lines dropped.
    Line breaks are kept (the portal's lists are written one item a line)."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def clean_item(text) -> str:
    """A list item's text without the bullet it starts with."""
    return _BULLET.sub("", clean_line(text)).strip()


def _amount(value, limit: int = 1_000_000) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    try:
        amount = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and 0 <= amount < limit else None


def _json_number(amount: Decimal | None):
    if amount is None:
        return None
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _strings(value) -> list[str]:
    if not isinstance(value, list):
        return []
    out = [clean_line(v) for v in value if isinstance(v, str)]
    return [v for v in out if v]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def procedure_level(bodies: list[str], portal_type: str = "") -> str:
    """Commune when an executing body is commune-level, province when one is a province's (or the
    procedure is specific to a province), central otherwise."""
    folded = [fold(b) for b in bodies if b]
    if any(_COMMUNE_BODY.search(b) for b in folded):
        return ProcedureLevel.COMMUNE
    if portal_type == PortalType.SPECIFIC or any(_PROVINCE_BODY.search(b) for b in folded):
        return ProcedureLevel.PROVINCE
    return ProcedureLevel.CENTRAL


def province_key(text: str) -> str | None:
    """The folded province name a promulgating body names, e.g. "UBND tỉnh Lâm Đồng" →
    "lam dong"; None when it names none."""
    match = _PROVINCE_NAME.search(fold(text or "").replace(".", " "))
    return match.group(1).strip() if match else None


# ---------------------------------------------------------------------------------------------
# The name list


@dataclass
class PortalName:
    line: int
    code: str
    name_vi: str
    field_vi: str | None
    departments: list[str]
    promulgating_agency: str
    subject_types: list[str]
    portal_type: str
    level: str
    province_key: str | None


@dataclass
class Unreadable:
    code: str
    reason: str
    where: str = ""

    def __str__(self) -> str:
        where = f" ({self.where})" if self.where else ""
        return f"{self.code or '?'}{where}: {self.reason}"


def _code(data: dict) -> str:
    code = clean_line(data.get("code"))
    if not code:
        raise RecordError(_("thiếu mã thủ tục."))
    if not PROCEDURE_CODE_RE.match(code):
        raise RecordError(_("mã “%(code)s” không có dạng N.NNNNNN.") % {"code": code})
    return code


def _name(data: dict) -> str:
    name = clean_line(data.get("name"))
    if not name:
        raise RecordError(_("thiếu tên thủ tục."))
    if len(name) > 1500:
        raise RecordError(_("tên dài %(n)d ký tự, tối đa 1500.") % {"n": len(name)})
    return name


def parse_name(data, line: int = 0) -> PortalName:
    if not isinstance(data, dict):
        raise RecordError(_("mỗi dòng phải là một đối tượng JSON."))
    code, name = _code(data), _name(data)
    departments = _unique(_strings(data.get("departments")))
    portal_type = PORTAL_TYPES.get(clean_line(data.get("type")).upper(), "")
    promulgating = clean_line(data.get("departmentPromulgate"))[:300]
    categories = [c[:200] for c in _strings(data.get("categories"))]
    return PortalName(
        line=line,
        code=code,
        name_vi=name,
        field_vi=categories[0] if categories else None,
        departments=departments,
        promulgating_agency=promulgating,
        subject_types=_unique(_strings(data.get("formalityTargetType"))),
        portal_type=portal_type,
        level=procedure_level(departments, portal_type),
        province_key=province_key(promulgating) if portal_type == PortalType.SPECIFIC else None,
    )


# ---------------------------------------------------------------------------------------------
# Full records


NAME_ONLY_NOTE = (
    "Chỉ có tên trong danh mục của Cổng DVCQG; chưa có thành phần hồ sơ, thời hạn, phí, lệ phí."
)


def name_record(entry: PortalName) -> ProcedureRecord:
    """A name-list entry as a catalogue record: what the list knows, the rest unknown."""
    return ProcedureRecord(
        index=entry.line,
        code=entry.code,
        name_vi=entry.name_vi,
        name_en="",
        field_vi=entry.field_vi,
        field_en="",
        level=entry.level,
        executing_agency="; ".join(entry.departments)[:2000],
        processing_amount=None,
        processing_unit=TimeUnit.WORKING_DAY,
        processing_note="",
        fee_vnd=None,
        fee_note="",
        online_level=OnlineLevel.UNKNOWN,
        documents=[],
        documents_note="",
        source="Cổng Dịch vụ công quốc gia (danh mục thủ tục)",
        source_url="",
        steps=None,
        review_notes=[NAME_ONLY_NOTE],
        kind=CatalogueSource.PORTAL_LIST,
        extra={
            "subject_types": entry.subject_types,
            "promulgating_agency": entry.promulgating_agency,
            "portal_type": entry.portal_type,
            "has_full_record": False,
        },
        province_key=entry.province_key,
        flag_review=False,
    )


def read_portal_record(path: Path) -> ProcedureRecord:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(_("không đọc được tệp (%(error)s).") % {"error": exc}) from exc
    except json.JSONDecodeError as exc:
        raise RecordError(
            _("JSON không hợp lệ ở dòng %(line)d, cột %(col)d: %(error)s.")
            % {"line": exc.lineno, "col": exc.colno, "error": exc.msg}
        ) from exc
    return parse_portal_record(data)


def is_portal_record(data) -> bool:
    return isinstance(data, dict) and "checklist_raw" in data and "channels" in data


def _document_groups(raw) -> tuple[list[dict], list[str]]:
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        raise RecordError(_("checklist_raw phải là một danh sách nhóm giấy tờ."))
    groups, notes = [], []
    for number, group in enumerate(raw, start=1):
        if not isinstance(group, dict) or not isinstance(group.get("items") or [], list):
            raise RecordError(_("nhóm giấy tờ #%(n)d không đọc được.") % {"n": number})
        case = clean_item(group.get("group"))
        items = [item for item in group.get("items") or [] if isinstance(item, dict)]
        if _NOTE_GROUP.match(fold(case)):
            notes.extend(text for item in items if (text := clean_item(item.get("name"))))
            continue
        out = []
        for item in items:
            name = clean_item(item.get("name"))
            if not name:
                continue
            originals = _count(item.get("original_qty"))
            copies = _count(item.get("copy_qty"))
            if originals or copies:
                kind = "document"
            else:
                kind = "heading" if name.endswith(":") else "condition"
            out.append(
                {
                    "name": name,
                    "originals": originals,
                    "copies": copies,
                    "code": clean_line(item.get("code")),
                    "has_eform": bool(item.get("has_electronic_form")),
                    "kind": kind,
                }
            )
        if out:
            groups.append({"case": case, "items": out})
    return groups, notes


def _count(value) -> int:
    amount = _amount(value)
    return int(amount) if amount is not None and amount == amount.to_integral_value() else 0


# A dossier's document name holds 300 characters (dossiers.DossierDocument, docstore).
DOCUMENT_NAME_LIMIT = 300


def short_name(name: str, limit: int = DOCUMENT_NAME_LIMIT) -> str:
    """The name cut at a word boundary to fit ``limit`` characters, with "…" when cut."""
    if len(name) <= limit:
        return name
    cut = name[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def flat_documents(groups: list[dict]) -> list[str]:
    """The papers to hand in, in order, each once: the intake form's list. Headings and
    conditions are left out, unless a record gives no counts at all (then every non-heading item
    is taken rather than none). A name longer than a dossier's document name is cut (the whole
    wording stays in the groups)."""
    items = [item for group in groups for item in group["items"]]
    papers = [i["name"] for i in items if i["kind"] == "document"]
    if not papers:
        papers = [i["name"] for i in items if i["kind"] == "condition"]
    return _unique([short_name(name) for name in papers])


def papers_by_case(groups: list[dict]) -> dict[str, dict]:
    """For each paper of ``flat_documents`` (by its name there): the case it is listed under and
    its counts, so the counter's checklist can show the papers the way the portal groups them.
    A paper listed under two cases belongs to the first, as it does in the flat list."""
    found: dict[str, dict] = {}
    for group in groups:
        for item in group["items"]:
            if item["kind"] == "heading":
                continue
            found.setdefault(
                short_name(item["name"]),
                {
                    "case": group["case"],
                    "originals": item.get("originals") or 0,
                    "copies": item.get("copies") or 0,
                    "has_eform": bool(item.get("has_eform")),
                },
            )
    return found


def _time(raw) -> dict:
    raw = raw if isinstance(raw, dict) else {}
    unit = clean_line(raw.get("unit")).upper()
    qty = raw.get("qty")
    amount = _amount(qty)
    text = "" if amount is not None or qty is None else clean_text(str(qty))
    return {"amount": _json_number(amount), "unit": unit, "text": text}


def _channels(raw) -> list[dict]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise RecordError(_("channels phải là một danh sách."))
    out = []
    for channel in raw:
        if not isinstance(channel, dict):
            raise RecordError(_("một cách thức thực hiện không phải đối tượng JSON."))
        method = clean_line(channel.get("method")).upper()
        if method not in CHANNEL_ORDER:
            raise RecordError(
                _("cách thức “%(method)s” không rõ (DIRECT, ONLINE, POSTAL).") % {"method": method}
            )
        fees = []
        for fee in channel.get("fees") or []:
            if not isinstance(fee, dict):
                continue
            value = fee.get("value_vnd")
            amount = _amount(value, _MAX_FEE) if value is not None else None
            if value is not None and amount is None:
                raise RecordError(
                    _("mức phí “%(value)s” của kênh %(method)s không phải số đồng.")
                    % {"value": value, "method": method}
                )
            fees.append(
                {
                    "kind": clean_line(fee.get("type")).upper(),
                    "amount_vnd": int(amount) if amount is not None else None,
                    "text": clean_text(fee.get("text")),
                }
            )
        out.append(
            {
                "method": method,
                "fees": fees,
                "time": _time(channel.get("processing")),
                "note": clean_text(channel.get("note")),
            }
        )
    out.sort(key=lambda c: CHANNEL_ORDER.index(c["method"]))
    return out


def _cases(raw) -> list[dict]:
    if not isinstance(raw, list):
        return []
    out = []
    for case in raw:
        if isinstance(case, dict):
            out.append({"case": clean_line(case.get("case_code")), **_time(case)})
    out.sort(key=lambda c: c["case"])
    return out


def legal_time(cases: list[dict], channels: list[dict]) -> tuple[Decimal | None, str, str, list]:
    """(amount, unit, note, review notes): the legal time a dossier's deadline counts from.

    The times per case come first (they are the legal ones), else the direct channel's, else any
    channel's. When they differ the longest is taken and the procedure flagged; a time the portal
    gives only as text (``OTHER``, ``MONTH``) is kept as text and flagged."""
    notes: list[str] = []
    direct = [c["time"] for c in channels if c["method"] == "DIRECT"]
    for source in (cases, direct, [c["time"] for c in channels]):
        usable = [t for t in source if t["unit"] in PORTAL_UNITS and t["amount"] is not None]
        if usable:
            break
    else:
        texts = _unique(
            [
                t["text"] or f"{t['amount']} {t['unit']}".strip()
                for t in [*cases, *(c["time"] for c in channels)]
                if t["text"] or t["amount"] is not None
            ]
        )
        # The review rule "Chưa rõ thời hạn" (importers) flags it.
        return None, TimeUnit.WORKING_DAY, "\n".join(texts), notes
    units = {t["unit"] for t in usable}
    amounts = {t["amount"] for t in usable}
    if len(units) > 1:
        notes.append(
            "Thời hạn trên Cổng DVCQG dùng nhiều đơn vị khác nhau "
            f"({', '.join(sorted(units))}); chọn thời hạn áp dụng."
        )
    elif len(amounts) > 1:
        notes.append(
            "Thời hạn khác nhau theo trường hợp hoặc cách thức; hạn xử lý đang tính theo thời hạn "
            "dài nhất."
        )
    unit_rank = {"HOUR": 0, "WORKING_DAY": 1, "DAY": 2}
    longest = max(
        usable, key=lambda t: (unit_rank[t["unit"]], t["amount"]) if len(units) > 1 else t["amount"]
    )
    return Decimal(str(longest["amount"])), PORTAL_UNITS[longest["unit"]], "", notes


_LOCAL_FEE = re.compile(r"hoi dong nhan dan|hdnd")


def direct_fee(channels: list[dict]) -> tuple[int | None, str]:
    """(fee_vnd, fee note) from the direct channel: the sum of its amounts. A fee of
    0 whose text says the provincial People's Council sets it is "set locally" (None)."""
    direct = next((c for c in channels if c["method"] == "DIRECT"), None)
    if direct is None or not direct["fees"]:
        return None, ""  # flagged by the review rule "Chưa có mức phí"
    amounts = [f["amount_vnd"] for f in direct["fees"] if f["amount_vnd"] is not None]
    note = "\n".join(_unique([f["text"] for f in direct["fees"] if f["text"]]))
    total = sum(amounts) if amounts else None
    if total == 0 and _LOCAL_FEE.search(fold(note)):
        return None, note
    return total, note


def online_level(channels: list[dict], groups: list[dict]) -> str:
    """How far the procedure can be done online, from the portal's channels:

    - no ONLINE channel: ``none``;
    - an ONLINE channel, and no group of papers that must be shown in person ("xuất trình"):
      ``full`` (filed, followed and settled online);
    - an ONLINE channel, but papers to show in person: ``partial`` (one visit remains).
    """
    if not any(c["method"] == "ONLINE" for c in channels):
        return OnlineLevel.NONE
    shown_in_person = any("xuat trinh" in fold(g["case"]) for g in groups)
    return OnlineLevel.PARTIAL if shown_in_person else OnlineLevel.FULL


def _source_text(source: dict) -> str:
    updated = clean_line(source.get("updated_at"))[:10]
    return (
        f"Cổng Dịch vụ công quốc gia (cập nhật {updated})"
        if updated
        else "Cổng Dịch vụ công quốc gia"
    )


def parse_portal_record(data) -> ProcedureRecord:
    if not isinstance(data, dict):
        raise RecordError(_("hồ sơ thủ tục phải là một đối tượng JSON."))
    code, name = _code(data), _name(data)
    category = data.get("category")
    field_vi = clean_line(category.get("name"))[:200] if isinstance(category, dict) else ""
    groups, notes = _document_groups(data.get("checklist_raw"))
    channels = _channels(data.get("channels"))
    cases = _cases(data.get("processing_cases"))
    amount, unit, time_note, time_notes = legal_time(cases, channels)
    fee, fee_note = direct_fee(channels)
    executing = clean_line(data.get("executing_agency"))
    bodies = _unique([b.strip() for b in executing.split(";") if b.strip()])
    legal = []
    for item in data.get("legal_basis") or []:
        if isinstance(item, dict) and (
            clean_line(item.get("code")) or clean_line(item.get("name"))
        ):
            legal.append(
                {"code": clean_line(item.get("code")), "name": clean_line(item.get("name"))}
            )
    steps = []
    for step in data.get("steps_raw") or []:
        if isinstance(step, dict) and clean_text(step.get("text")):
            steps.append(
                {"name": clean_line(step.get("name")), "text": clean_text(step.get("text"))}
            )
    source = data.get("source") if isinstance(data.get("source"), dict) else {}
    url = clean_line(source.get("url"))
    if url and not url.startswith("https://"):
        url = ""
    promulgating = clean_line(data.get("promulgating_agency"))[:300]
    record = ProcedureRecord(
        index=0,
        code=code,
        name_vi=name,
        name_en="",
        field_vi=field_vi or None,
        field_en="",
        level=procedure_level(bodies),
        executing_agency="; ".join(bodies)[:2000],
        processing_amount=amount,
        processing_unit=unit,
        processing_note=time_note,
        fee_vnd=fee,
        fee_note=fee_note,
        online_level=online_level(channels, groups),
        documents=flat_documents(groups),
        documents_note="",
        source=_source_text(source),
        source_url=url,
        steps=None,
    )
    record.review_notes = [*review_notes(record), *time_notes]
    record.kind = CatalogueSource.PORTAL_RECORD
    record.province_key = province_key(promulgating)
    record.extra = {
        "promulgating_agency": promulgating,
        "document_groups": groups,
        "document_notes": notes,
        "channels": channels,
        "processing_cases": cases,
        "legal_basis": legal,
        "results": _unique(_strings(data.get("results"))),
        "subject_types": _unique(_strings(data.get("subject_types"))),
        "official_steps": steps,
        "requirements": clean_text(data.get("requirements")),
        "has_full_record": True,
    }
    return record


# ---------------------------------------------------------------------------------------------
# What one import reads: files and folders in the order that makes the portal win


@dataclass
class Catalogue:
    """Everything one ``import_procedures`` run writes, in writing order: the project's own
    entries, then the portal's name list, then its full records (ADR 0026)."""

    project: list[ProcedureRecord] = field(default_factory=list)
    names: list[ProcedureRecord] = field(default_factory=list)
    records: list[ProcedureRecord] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def stages(self) -> list[tuple[str, list[ProcedureRecord]]]:
        return [
            ("project", self.project),
            ("names", _last_per_code(self.names)),
            ("records", _last_per_code(self.records)),
        ]

    def __len__(self) -> int:
        return sum(len(records) for _stage, records in self.stages)


def _last_per_code(records: list[ProcedureRecord]) -> list[ProcedureRecord]:
    return list({r.code: r for r in records}.values())


def read_lines(path: Path) -> list[str]:
    """The lines of a JSONL file, gzip-compressed or not."""
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rt", encoding="utf-8-sig") as handle:
                return handle.read().split("\n")
        return path.read_text(encoding="utf-8-sig").split("\n")
    except OSError as exc:
        raise DataFileError(
            [_("Không mở được tệp %(path)s: %(error)s") % {"path": path, "error": exc}]
        ) from exc
    except UnicodeDecodeError as exc:
        raise DataFileError(
            [_("Tệp %(path)s không phải UTF-8 (%(error)s).") % {"path": path, "error": exc.reason}]
        ) from exc


def add_jsonl(catalogue: Catalogue, path: Path) -> None:
    """A name list (``catalog.jsonl``) or the shipped bundle: lines holding a full record (with
    ``checklist_raw``) are full records, the others name-list entries. A line that is not JSON
    refuses the whole file."""
    names, records = [], []
    for number, line in enumerate(read_lines(path), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataFileError(
                [
                    _("Tệp %(file)s, dòng %(line)d: JSON không hợp lệ (%(error)s).")
                    % {"file": path, "line": number, "error": exc.msg}
                ]
            ) from exc
        (records if is_portal_record(data) else names).append((number, data))
    seen: dict[str, int] = {}
    for number, data in names:
        where = _("%(file)s dòng %(line)d") % {"file": path.name, "line": number}
        try:
            entry = parse_name(data, number)
        except RecordError as exc:
            code = data.get("code") if isinstance(data, dict) else ""
            catalogue.unreadable.append(Unreadable(clean_line(code), str(exc), where))
            continue
        if entry.code in seen:
            catalogue.unreadable.append(
                Unreadable(
                    entry.code,
                    _("mã đã có ở dòng %(first)d; dòng này bị bỏ qua.")
                    % {"first": seen[entry.code]},
                    where,
                )
            )
            continue
        seen[entry.code] = number
        catalogue.names.append(name_record(entry))
    for number, data in records:
        where = _("%(file)s dòng %(line)d") % {"file": path.name, "line": number}
        _add_record(catalogue, data, where, data.get("code"))


def _add_record(catalogue: Catalogue, data, where: str, code) -> None:
    try:
        catalogue.records.append(parse_portal_record(data))
    except RecordError as exc:
        catalogue.unreadable.append(Unreadable(clean_line(code), str(exc), where))


def add_json(catalogue: Catalogue, path: Path) -> None:
    """A portal record (``<code>.json``) or the project's own JSON (``{"procedures": [...]}``).
    A portal record that cannot be read is reported with its code; the project's JSON is checked
    whole and refused whole (``importers.read_procedures``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        if path.stem and PROCEDURE_CODE_RE.match(path.stem):
            reason = _("không đọc được JSON (%(error)s).") % {"error": exc}
            catalogue.unreadable.append(Unreadable(path.stem, reason, path.name))
            return
        read_procedures(path)  # raises DataFileError with the line and column
        return
    if isinstance(data, dict) and "code" in data and "procedures" not in data:
        _add_record(catalogue, data, path.name, data.get("code") or path.stem)
        return
    try:
        parsed = parse_procedures(data)
    except DataFileError as error:
        raise DataFileError([f"{path.name}: {problem}" for problem in error.problems]) from error
    catalogue.project.extend(parsed.records)
    catalogue.warnings.extend(parsed.warnings)


def read_catalogue(paths: list[Path]) -> Catalogue:
    """Read files and folders (folders recursively: ``*.json``, ``*.jsonl``, ``*.jsonl.gz``)."""
    catalogue = Catalogue()
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _readable_name(p))
        elif path.exists():
            files = [path]
        else:
            raise DataFileError([_("Không tìm thấy %(path)s.") % {"path": path}])
        for file in files:
            if file.name.endswith((".jsonl", ".jsonl.gz")):
                add_jsonl(catalogue, file)
            else:
                add_json(catalogue, file)
    return catalogue


def _readable_name(path: Path) -> bool:
    return path.name.endswith((".json", ".jsonl", ".jsonl.gz")) and not path.name.startswith(".")


# ---------------------------------------------------------------------------------------------
# Words for the structure, for pages (the API gives the portal's own codes)

CHANNEL_LABELS = {
    "DIRECT": gettext_lazy("Nộp trực tiếp"),
    "ONLINE": gettext_lazy("Nộp trực tuyến"),
    "POSTAL": gettext_lazy("Nộp qua bưu chính"),
}
FEE_KIND_LABELS = {
    "FEE": gettext_lazy("Lệ phí"),
    "SERVICE_FEE": gettext_lazy("Phí"),
    "PRICE_LEVEL": gettext_lazy("Mức giá"),
}


def _unit_words(unit: str, count: int) -> str | None:
    # The same words as Procedure.legal_time_display, so both read alike in every language.
    if unit == "WORKING_DAY":
        return ngettext("%(n)s ngày làm việc", "%(n)s ngày làm việc", count)
    if unit == "DAY":
        return ngettext("%(n)s ngày", "%(n)s ngày", count)
    if unit == "HOUR":
        return ngettext("%(n)s giờ", "%(n)s giờ", count)
    if unit == "MONTH":
        return ngettext("%(n)s tháng", "%(n)s tháng", count)
    return None


def time_text(time: dict) -> str:
    """ "5 ngày làm việc", the portal's text, or "" when it says nothing usable."""
    if time.get("text"):
        return time["text"]
    amount, unit = time.get("amount"), time.get("unit")
    words = _unit_words(unit, 1 if amount == 1 else 2) if amount is not None else None
    return words % {"n": number_format(amount)} if words else ""
