"""Every table of figures as a download: Excel (.xlsx) for people, CSV for other programs.

A page that offers a download describes its table once, as a ``Table`` of ``Column``s and rows
of plain values (the same figures the page shows), and answers ``export_response(request,
table)``. The column's *kind* decides how a value is written:

======== ===================================== ======================== =====================
kind     value given                           Excel cell               CSV field
======== ===================================== ======================== =====================
text     anything (``str()`` of it)            text, never a formula    text, guarded
integer  int                                   number ``#,##0``         ``6323``
decimal2 Decimal / Fraction / int / float      number ``0.00``          ``91.25``
percent  a *ratio* 0..1 (Decimal / Fraction)   number ``0.00%``         ``98.36`` (header + " (%)")
date     date (an aware datetime: its local    date ``dd/mm/yyyy``      ``2025-03-31``
         date)
datetime aware datetime                        ``dd/mm/yyyy hh:mm``     ``2025-03-31 14:05:00``
======== ===================================== ======================== =====================

``None`` is an empty cell in both. Decisions worth knowing:

- Numbers are rounded half-up to what the page shows (2 decimals, or 0.01 % for a percentage)
  before they are written, so the file and the page never disagree in the last digit (Excel's
  own display rounding of a binary float can). Sums made in Excel therefore add shown values.
- CSV writes a percentage as *percent points* (98.36, with " (%)" added to the header unless the
  header already names a %): a ratio 0.9836 would look wrong to anyone opening the file in Excel,
  and "98.36%" would be read as text by other programs. Decimal point is ".", no thousands
  separator, dates ISO (YYYY-MM-DD), times in Vietnam's local time (YYYY-MM-DD HH:MM:SS).
- CSV is UTF-8 with a byte-order mark, comma separated, CRLF line ends: Excel then shows
  Vietnamese letters correctly. (Excel set to Vietnamese regional format expects ";" and "," for
  decimals; such users should take the .xlsx, which is offered first everywhere.)
- Text that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return)
  gets a leading apostrophe in CSV; in .xlsx every text cell is written with the string data type
  and the "quote prefix" style, so it is never evaluated, even after the cell is edited.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.cache import patch_cache_control
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from motcua.text import fold
from motcua.workdays import VIETNAM_TZ

__all__ = [
    "DATE",
    "DATETIME",
    "DECIMAL2",
    "INTEGER",
    "KINDS",
    "PERCENT",
    "TEXT",
    "Column",
    "ExportLink",
    "Table",
    "as_decimal",
    "csv_response",
    "export_links",
    "export_response",
    "xlsx_response",
]

TEXT = "text"
INTEGER = "integer"
DECIMAL2 = "decimal2"
PERCENT = "percent"
DATE = "date"
DATETIME = "datetime"
KINDS = (TEXT, INTEGER, DECIMAL2, PERCENT, DATE, DATETIME)
NUMERIC_KINDS = (INTEGER, DECIMAL2, PERCENT)

FORMATS = ("xlsx", "csv")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

EXCEL_NUMBER_FORMATS = {
    INTEGER: "#,##0",
    DECIMAL2: "0.00",
    PERCENT: "0.00%",
    DATE: "dd/mm/yyyy",
    DATETIME: "dd/mm/yyyy hh:mm",
}
CENT = Decimal("0.01")
PERCENT_RATIO_STEP = Decimal("0.0001")  # 0.01 % written as a ratio
# Characters that make a spreadsheet read a text cell as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column of an exported table: the row key it reads, its header (a lazy Vietnamese
    string, translated when the file is written) and the kind of its values (see the module
    docstring)."""

    key: str
    header: str | Promise
    kind: str = TEXT

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Column {self.key!r}: kind {self.kind!r} is not one of {KINDS}")


@dataclass
class Table:
    """A table as a page shows it: title (and e.g. "Xã Ba Vì · Tháng 3/2025" as subtitle),
    columns, and rows as dicts keyed by ``Column.key``. ``filename_stem`` names the file
    (Vietnamese allowed); by default the title does."""

    title: str | Promise
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]]
    subtitle: str | Promise = ""
    filename_stem: str = ""

    def values(self, row: Mapping[str, Any]) -> list[Any]:
        """The row's values in column order; a missing key is a programming error, not a gap."""
        try:
            return [row[column.key] for column in self.columns]
        except KeyError as missing:
            raise KeyError(f"Table {str(self.title)!r}: a row has no value for {missing}") from None


@dataclass(frozen=True)
class ExportLink:
    label: str
    href: str
    format: str


# ---------------------------------------------------------------------------------------------
# Choosing the format


def export_response(request: HttpRequest, table: Table) -> HttpResponse:
    """The table in the format asked by ``?format=xlsx|csv`` (Excel when not given); any other
    format is answered 400 with a message naming the formats on offer."""
    wanted = request.GET.get("format", "xlsx").strip().lower()
    if wanted == "xlsx":
        return xlsx_response(table)
    if wanted == "csv":
        return csv_response(table)
    message = _("Không có định dạng tải về “%(format)s”. Hãy chọn xlsx (Excel) hoặc csv.") % {
        "format": wanted[:20]
    }
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def export_links(request: HttpRequest) -> list[ExportLink]:
    """Links to the current page's table as .xlsx and .csv: the page's own query string (its
    filters and period) with ``format`` set. Rendered by ``insights/includes/export_links.html``."""
    links = []
    for fmt, label in (("xlsx", _("Tải về Excel (.xlsx)")), ("csv", _("Tải về CSV"))):
        query = request.GET.copy()
        query["format"] = fmt
        links.append(ExportLink(label=label, href=f"?{query.urlencode()}", format=fmt))
    return links


# ---------------------------------------------------------------------------------------------
# Excel


def xlsx_response(table: Table) -> HttpResponse:
    """The table as one Excel sheet: title row, subtitle row (if any), an empty row, the bold
    header row (frozen, with an autofilter), then the data with number formats kept."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = str(table.title)
    workbook.properties.creator = "motcua"
    sheet = workbook.create_sheet(_sheet_title(str(table.title)))

    headers = [str(column.header) for column in table.columns]
    rows = [table.values(row) for row in table.rows]
    subtitle = str(table.subtitle)
    header_row = 4 if subtitle else 3
    # A write-only sheet writes its columns and panes before the first row: set them now.
    for index, width in enumerate(_column_widths(table.columns, headers, rows), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    last_column = get_column_letter(max(len(table.columns), 1))
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + max(len(rows), 1)}"

    sheet.append([_styled(sheet, str(table.title), font=Font(bold=True, size=14))])
    if subtitle:
        sheet.append([_styled(sheet, subtitle)])
    # The empty row keeps the title out of Excel's "current region", so sorting and Ctrl+A
    # take only the table.
    sheet.append([])
    sheet.append(
        [
            _header_cell(sheet, column, header)
            for column, header in zip(table.columns, headers, strict=True)
        ]
    )
    for values in rows:
        sheet.append(
            [
                _data_cell(sheet, column, value)
                for column, value in zip(table.columns, values, strict=True)
            ]
        )

    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(buffer.getvalue(), XLSX_CONTENT_TYPE, table, "xlsx")


def _styled(sheet, value: str, *, font: Font | None = None) -> Cell:
    cell = _text_cell(sheet, value)
    if font is not None:
        cell.font = font
    return cell


_HEADER_BORDER = Border(bottom=Side(style="medium", color="0B0C0C"))


def _header_cell(sheet, column: Column, header: str) -> Cell:
    cell = _text_cell(sheet, header)
    cell.font = Font(bold=True)
    cell.border = _HEADER_BORDER
    numeric = column.kind in NUMERIC_KINDS
    cell.alignment = Alignment(
        horizontal="right" if numeric else "left", vertical="bottom", wrap_text=True
    )
    return cell


def _text_cell(sheet, value: str) -> Cell:
    """A text cell that Excel never evaluates: openpyxl would store "=..." as a formula, so the
    data type is forced to string; the quote prefix keeps it text when someone edits the cell."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if value.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
    return cell


def _data_cell(sheet, column: Column, value: Any) -> Cell | None:
    if value is None:
        return None
    if column.kind == TEXT:
        return _text_cell(sheet, str(value))
    cell = WriteOnlyCell(sheet, value=_excel_value(column.kind, value))
    cell.number_format = EXCEL_NUMBER_FORMATS[column.kind]
    return cell


def _excel_value(kind: str, value: Any) -> Any:
    if kind == INTEGER:
        return int(value)
    if kind == DECIMAL2:
        return _rounded(value, CENT)
    if kind == PERCENT:
        return _rounded(value, PERCENT_RATIO_STEP)
    if kind == DATE:
        return _local_date(value)
    return _local_naive(value)


def _sheet_title(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "Sheet1"
    return cleaned[:31]


def _column_widths(
    columns: Sequence[Column], headers: list[str], rows: list[list[Any]]
) -> list[float]:
    """Widths in Excel's units (about one digit each): the longest shown value, a header of up to
    24 characters (longer headers wrap onto two lines), kept between 8 and 60."""
    widths = []
    for index, (column, header) in enumerate(zip(columns, headers, strict=True)):
        longest = max((_shown_length(column.kind, row[index]) for row in rows), default=0)
        wanted = max(longest, min(len(header), 24)) + 2
        widths.append(float(min(max(wanted, 8), 60)))
    return widths


def _shown_length(kind: str, value: Any) -> int:
    if value is None:
        return 0
    if kind == INTEGER:
        return len(f"{int(value):,}")
    if kind == DECIMAL2:
        return len(f"{_rounded(value, CENT):,}")
    if kind == PERCENT:
        return len(f"{_rounded(value, PERCENT_RATIO_STEP) * 100:,.2f}%")
    if kind == DATE:
        return 10
    if kind == DATETIME:
        return 16
    return len(unicodedata.normalize("NFC", str(value)))


# ---------------------------------------------------------------------------------------------
# CSV


def csv_response(table: Table) -> HttpResponse:
    """The table as CSV: a header row, then one row per data row (no title rows, so programs can
    read it directly). See the module docstring for how each kind is written."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_guarded(_csv_header(column)) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                _csv_value(column.kind, value)
                for column, value in zip(table.columns, table.values(row), strict=True)
            ]
        )
    # The byte-order mark is what makes Excel read the file as UTF-8 rather than the PC's code page.
    content = "\ufeff" + out.getvalue()
    return _attachment(content.encode("utf-8"), CSV_CONTENT_TYPE, table, "csv")


def _csv_header(column: Column) -> str:
    header = str(column.header)
    if column.kind == PERCENT and "%" not in header:
        header = f"{header} (%)"
    return header


def _csv_value(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == TEXT:
        return _guarded(str(value))
    if kind == INTEGER:
        return str(int(value))
    if kind == DECIMAL2:
        return str(_rounded(value, CENT))
    if kind == PERCENT:
        return str((_rounded(value, PERCENT_RATIO_STEP) * 100).quantize(CENT))
    if kind == DATE:
        return _local_date(value).isoformat()
    return _local_naive(value).isoformat(sep=" ", timespec="seconds")


def _guarded(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert by a leading apostrophe."""
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


# ---------------------------------------------------------------------------------------------
# Shared helpers


def _rounded(value: Any, step: Decimal) -> Decimal:
    """Half-up rounding of an exact value (Fraction, Decimal, int; a float by its shortest repr)."""
    return as_decimal(value).quantize(step, rounding=ROUND_HALF_UP)


def as_decimal(value: Any) -> Decimal:
    """An exact Decimal of a figure: Fraction to 28 digits, a float by its shortest repr."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, Fraction):
        with localcontext() as context:
            context.prec = 28
            return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _local_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return _local_naive(value).date()
    return value


def _local_naive(value: datetime) -> datetime:
    """Excel has no time zones: an aware datetime becomes Vietnam's wall-clock time."""
    if value.tzinfo is not None:
        value = value.astimezone(VIETNAM_TZ).replace(tzinfo=None)
    return value


def _attachment(content: bytes, content_type: str, table: Table, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = _content_disposition(
        table.filename_stem or str(table.title), extension
    )
    # Exports may list people's dossiers: no shared cache may keep a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response


def _content_disposition(stem: str, extension: str) -> str:
    """``attachment`` with an ASCII file name for old clients and the Vietnamese one as RFC 5987
    ``filename*`` (every current browser prefers it)."""
    readable = re.sub(r'[\x00-\x1f\x7f/\\"]+', " ", unicodedata.normalize("NFC", stem)).strip()
    readable = re.sub(r"\s+", " ", readable) or "bang-so-lieu"
    ascii_name = slugify(fold(readable)) or "bang-so-lieu"
    return (
        f'attachment; filename="{ascii_name}.{extension}"; '
        f"filename*=UTF-8''{quote(f'{readable}.{extension}', safe='')}"
    )
