"""Reading and checking the data files the units commands import.

Everything here is read-only: a file is parsed and checked *completely* before any service writes a
row, so a bad file changes nothing and the operator gets every problem in one go, each as
``dòng N: what is wrong — what to do``. Writing is ``motcua.units.services``' job.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from motcua.text import fold, nfc, search_key
from motcua.units.models import (
    CommuneKind,
    DayOverrideKind,
    ProvinceKind,
    day_override_problem,
)

# The copies of the data files shipped inside the package (see motcua/data/README.md).
BUNDLED_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
UNITS_FILE = "vn_admin_units_2025.csv"
DAY_OVERRIDES_FILE = "vn_official_day_swaps.csv"

# Enough to fix a systematic mistake without drowning the terminal.
MAX_PROBLEMS_SHOWN = 50


class DataFileError(Exception):
    """A data file that cannot be imported; ``problems`` lists every reason found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        text = "\n".join(shown)
        hidden = len(self.problems) - len(shown)
        if hidden:
            text += "\n" + _("… và %(count)d lỗi khác.") % {"count": hidden}
        return text


@dataclass
class Tally:
    """What an idempotent import did to one kind of row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return _("%(created)d tạo mới, %(updated)d cập nhật, %(unchanged)d không đổi") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


def bundled(name: str) -> Path:
    return BUNDLED_DATA_DIR / name


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: dict[str, str]
    # Set when the row cannot be read at all (too few values); ``values`` is then empty.
    problem: str | None = None


def read_csv(path: Path, columns: tuple[str, ...]) -> Iterator[CsvRow]:
    """Yield each data row; raise DataFileError for a missing file or an unusable header.

    ``utf-8-sig`` accepts the byte-order mark spreadsheet programs add. Line numbers are those an
    editor shows (header = line 1), also for rows with quoted line breaks.
    """
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise DataFileError(
            [_("Không mở được tệp %(path)s: %(error)s") % {"path": path, "error": exc.strerror}]
        ) from exc
    with handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader, [])]
            missing = [c for c in columns if c not in header]
            if missing:
                raise DataFileError(
                    [
                        _("dòng 1: thiếu cột %(missing)s. Dòng tiêu đề cần có: %(expected)s.")
                        % {"missing": ", ".join(missing), "expected": ",".join(columns)}
                    ]
                )
            index = {c: header.index(c) for c in columns}
            for values in reader:
                line = reader.line_num
                if not any(v.strip() for v in values):
                    continue  # blank lines are harmless
                if len(values) < len(header):
                    problem = _(
                        "dòng %(line)d: có %(found)d giá trị nhưng tiêu đề có %(expected)d cột; "
                        "kiểm tra dấu phẩy và dấu ngoặc kép trên dòng này."
                    ) % {"line": line, "found": len(values), "expected": len(header)}
                    yield CsvRow(line, {}, problem)
                    continue
                yield CsvRow(line, {c: values[i].strip() for c, i in index.items()})
        except UnicodeDecodeError as exc:
            raise DataFileError(
                [
                    _("Tệp không phải UTF-8 (%(error)s); hãy lưu lại tệp với mã hóa UTF-8.")
                    % {"error": exc.reason}
                ]
            ) from exc
        except csv.Error as exc:
            raise DataFileError(
                [
                    _("dòng %(line)d: lỗi định dạng CSV (%(error)s).")
                    % {"line": reader.line_num, "error": exc}
                ]
            ) from exc


# Labels as the source file writes them (Vietnamese), whatever the interface language is.
_PROVINCE_LABELS = {ProvinceKind.THANH_PHO: "thành phố", ProvinceKind.TINH: "tỉnh"}
_COMMUNE_LABELS = {
    CommuneKind.XA: "xã",
    CommuneKind.PHUONG: "phường",
    CommuneKind.DAC_KHU: "đặc khu",
}


def _kind_from_label(value: str, labels: dict) -> str | None:
    key = fold(value).replace("_", " ")
    for choice_value, label in labels.items():
        if key in {fold(label), choice_value.replace("_", " ")}:
            return choice_value
    return None


@dataclass(frozen=True)
class UnitRow:
    line: int
    province_code: str
    province_name: str
    province_kind: str
    commune_code: str
    commune_name: str
    commune_kind: str


UNIT_COLUMNS = (
    "province_code",
    "province_name",
    "province_type",
    "commune_code",
    "commune_name",
    "commune_type",
)
_TWO_DIGITS = re.compile(r"^\d{2}$")
_FIVE_DIGITS = re.compile(r"^\d{5}$")


def read_units(path: Path) -> list[UnitRow]:
    """Parse and check the administrative-units CSV (columns in data/README.md)."""
    rows: list[UnitRow] = []
    problems: list[str] = []
    provinces: dict[str, tuple[int, str, str]] = {}  # code → (first line, name, kind)
    communes: dict[str, int] = {}  # code → line
    names: dict[tuple[str, str], int] = {}  # (province code, folded name) → line

    for row in read_csv(path, UNIT_COLUMNS):
        if row.problem:
            problems.append(row.problem)
            continue
        line, raw = row.line, row.values
        found: list[str] = []

        def problem(text: str, line=line, found=found) -> None:
            found.append(_("dòng %(line)d: %(text)s") % {"line": line, "text": text})

        pcode, ccode = raw["province_code"], raw["commune_code"]
        pname, cname = nfc(raw["province_name"]), nfc(raw["commune_name"])
        if not _TWO_DIGITS.match(pcode):
            problem(
                _(
                    "mã tỉnh “%(code)s” phải gồm đúng 2 chữ số (ví dụ 01); nếu mở tệp bằng bảng "
                    "tính, hãy định dạng cột là văn bản để giữ số 0 ở đầu."
                )
                % {"code": pcode}
            )
        if not _FIVE_DIGITS.match(ccode):
            problem(
                _(
                    "mã xã “%(code)s” phải gồm đúng 5 chữ số (ví dụ 00070); nếu mở tệp bằng bảng "
                    "tính, hãy định dạng cột là văn bản để giữ số 0 ở đầu."
                )
                % {"code": ccode}
            )
        if not pname:
            problem(_("thiếu tên tỉnh (province_name)."))
        if not cname:
            problem(_("thiếu tên xã (commune_name)."))
        pkind = _kind_from_label(raw["province_type"], _PROVINCE_LABELS)
        if pkind is None:
            problem(
                _("loại tỉnh “%(value)s” không hợp lệ; dùng “thành phố” hoặc “tỉnh”.")
                % {"value": raw["province_type"]}
            )
        ckind = _kind_from_label(raw["commune_type"], _COMMUNE_LABELS)
        if ckind is None:
            problem(
                _("loại xã “%(value)s” không hợp lệ; dùng “xã”, “phường” hoặc “đặc khu”.")
                % {"value": raw["commune_type"]}
            )
        elif cname and not search_key(cname).startswith(search_key(_COMMUNE_LABELS[ckind]) + " "):
            problem(
                _(
                    "tên “%(name)s” không bắt đầu bằng loại “%(kind)s”; sửa tên (tên đầy đủ có "
                    "tiền tố, ví dụ “Phường Hoàn Kiếm”) hoặc cột commune_type."
                )
                % {"name": cname, "kind": raw["commune_type"]}
            )

        if pcode in provinces and pkind is not None:
            first_line, first_name, first_kind = provinces[pcode]
            if (first_name, first_kind) != (pname, pkind):
                problem(
                    _(
                        "tỉnh mã %(code)s ở đây là “%(name)s” (%(kind)s) nhưng ở dòng %(first)d là "
                        "“%(first_name)s” (%(first_kind)s); mỗi mã tỉnh chỉ có một tên và loại."
                    )
                    % {
                        "code": pcode,
                        "name": pname,
                        "kind": raw["province_type"],
                        "first": first_line,
                        "first_name": first_name,
                        "first_kind": _PROVINCE_LABELS[first_kind],
                    }
                )
        elif pkind is not None and _TWO_DIGITS.match(pcode):
            provinces[pcode] = (line, pname, pkind)

        if ccode in communes:
            problem(
                _("mã xã %(code)s trùng với dòng %(first)d; mỗi mã xã chỉ được xuất hiện một lần.")
                % {"code": ccode, "first": communes[ccode]}
            )
        else:
            communes[ccode] = line
        # Compared with accents: "Xã Văn Lang" and "Xã Văn Lăng" are different communes of one
        # province, though they fold to the same text.
        name_key = (pcode, cname.casefold())
        if cname and name_key in names:
            problem(
                _("tên “%(name)s” trùng với dòng %(first)d trong cùng tỉnh; kiểm tra lại tên.")
                % {"name": cname, "first": names[name_key]}
            )
        else:
            names[name_key] = line

        if found:
            problems.extend(found)
        else:
            rows.append(UnitRow(line, pcode, pname, pkind, ccode, cname, ckind))

    if not rows and not problems:
        problems.append(_("Tệp không có dòng dữ liệu nào."))
    if problems:
        raise DataFileError(problems)
    return rows


@dataclass(frozen=True)
class DayOverrideRow:
    line: int
    date: datetime.date
    kind: str
    note: str
    status: str


DAY_OVERRIDE_COLUMNS = ("date", "kind", "note", "status")


def read_day_overrides(path: Path) -> list[DayOverrideRow]:
    """Parse and check the official day-swap CSV (``date,kind,note,status``)."""
    rows: list[DayOverrideRow] = []
    problems: list[str] = []
    seen: dict[datetime.date, int] = {}
    for row in read_csv(path, DAY_OVERRIDE_COLUMNS):
        if row.problem:
            problems.append(row.problem)
            continue
        line, raw = row.line, row.values
        found: list[str] = []
        try:
            day = datetime.date.fromisoformat(raw["date"])
        except ValueError:
            day = None
            found.append(
                _("ngày “%(value)s” không đúng dạng YYYY-MM-DD (ví dụ 2025-04-26).")
                % {"value": raw["date"]}
            )
        kind = raw["kind"]
        if kind not in DayOverrideKind.values:
            found.append(
                _(
                    "loại “%(value)s” không hợp lệ; dùng day_off (ngày nghỉ) hoặc working_day "
                    "(thứ Bảy làm bù)."
                )
                % {"value": kind}
            )
        elif day is not None:
            problem = day_override_problem(day, kind)
            if problem:
                found.append(problem)
        if day is not None and day in seen:
            found.append(
                _("ngày %(date)s trùng với dòng %(first)d; mỗi ngày chỉ một dòng.")
                % {"date": day.isoformat(), "first": seen[day]}
            )
        elif day is not None:
            seen[day] = line
        for field_name, limit in (("note", 300), ("status", 100)):
            if len(raw[field_name]) > limit:
                found.append(
                    _("cột %(column)s dài quá %(limit)d ký tự; hãy rút gọn.")
                    % {"column": field_name, "limit": limit}
                )
        if found:
            problems.extend(_("dòng %(line)d: %(text)s") % {"line": line, "text": t} for t in found)
        else:
            rows.append(DayOverrideRow(line, day, kind, nfc(raw["note"]), nfc(raw["status"])))
    if problems:
        raise DataFileError(problems)
    return rows
