"""Downloads of a table: the .xlsx opens with Vietnamese headers and kept number formats, the CSV
reads back with the csv module, formulas never run, and an unknown format is refused clearly."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext_lazy

from motcua.insights.exports import (
    Column,
    Table,
    csv_response,
    export_links,
    export_response,
    xlsx_response,
)
from tests.world import vn


def monthly_report(**overrides) -> Table:
    fields = {
        "title": "Báo cáo tháng 3/2025",
        "subtitle": "Phường Ba Đình · Tháng 3/2025",
        "columns": [
            Column("commune", gettext_lazy("Xã, phường")),
            Column("received", gettext_lazy("Tiếp nhận"), "integer"),
            Column("points", gettext_lazy("Điểm"), "decimal2"),
            Column("on_time", gettext_lazy("Tỷ lệ đúng hạn"), "percent"),
            Column("day", gettext_lazy("Ngày"), "date"),
            Column("updated", gettext_lazy("Cập nhật lúc"), "datetime"),
        ],
        "rows": [
            {
                "commune": "Phường Ba Đình",
                "received": 6323,
                "points": Decimal("19.935"),  # half-up: 19.94
                "on_time": Fraction(4607, 4684),  # 98.3561… % → 98.36 %
                "day": date(2025, 3, 31),
                "updated": vn(2025, 3, 31, 17, 5),
            },
            {
                "commune": "Xã Đông Anh",
                "received": 0,
                "points": None,
                "on_time": None,
                "day": None,
                "updated": None,
            },
        ],
        "filename_stem": "Báo cáo tháng 03-2025",
    }
    fields.update(overrides)
    return Table(**fields)


def open_sheet(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return workbook.active


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- Excel ---------------------------------------------------------------------------------


def test_xlsx_has_title_subtitle_and_vietnamese_headers_with_frozen_pane_and_filter():
    sheet = open_sheet(xlsx_response(monthly_report()))

    assert sheet["A1"].value == "Báo cáo tháng 3/2025"
    assert sheet["A1"].font.bold
    assert sheet["A2"].value == "Phường Ba Đình · Tháng 3/2025"
    assert sheet["A3"].value is None
    assert [cell.value for cell in sheet[4]] == [
        "Xã, phường",
        "Tiếp nhận",
        "Điểm",
        "Tỷ lệ đúng hạn",
        "Ngày",
        "Cập nhật lúc",
    ]
    assert all(cell.font.bold for cell in sheet[4])
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:F6"


def test_xlsx_keeps_numbers_as_numbers_with_their_formats():
    sheet = open_sheet(xlsx_response(monthly_report()))
    commune, received, points, on_time, day, updated = sheet[5]

    assert commune.value == "Phường Ba Đình"
    assert (received.value, received.number_format) == (6323, "#,##0")
    assert (points.value, points.number_format) == (19.94, "0.00")
    assert (on_time.value, on_time.number_format) == (0.9836, "0.00%")
    assert (day.value, day.number_format) == (datetime(2025, 3, 31), "dd/mm/yyyy")
    # 17:05 in Hà Nội stays 17:05: Excel has no time zones, people read local time.
    assert (updated.value, updated.number_format) == (
        datetime(2025, 3, 31, 17, 5),
        "dd/mm/yyyy hh:mm",
    )


def test_xlsx_leaves_missing_figures_empty_and_keeps_a_zero():
    sheet = open_sheet(xlsx_response(monthly_report()))
    assert [cell.value for cell in sheet[6]][:4] == ["Xã Đông Anh", 0, None, None]


def test_xlsx_without_subtitle_puts_the_header_on_row_3():
    sheet = open_sheet(xlsx_response(monthly_report(subtitle="")))
    assert sheet["A3"].value == "Xã, phường"
    assert sheet.freeze_panes == "A4"


def test_xlsx_columns_are_wide_enough_for_their_content():
    long_name = "Xã Quảng Phú Cầu thuộc thành phố Hà Nội"
    table = monthly_report()
    table.rows[0]["commune"] = long_name
    sheet = open_sheet(xlsx_response(table))
    assert sheet.column_dimensions["A"].width >= len(long_name)
    assert sheet.column_dimensions["B"].width >= len("Tiếp nhận")


def test_xlsx_headers_follow_the_active_language():
    table = monthly_report(
        columns=[
            Column("commune", gettext_lazy("Thủ tục")),
            Column("received", gettext_lazy("Tiếp nhận"), "integer"),
        ]
    )
    with translation.override("en"):
        sheet = open_sheet(xlsx_response(table))
    assert [cell.value for cell in sheet[4]] == ["Procedure", "Received"]


def test_xlsx_is_an_attachment_named_in_ascii_and_in_vietnamese():
    response = xlsx_response(monthly_report())
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="bao-cao-thang-03-2025.xlsx"')
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20th%C3%A1ng%2003-2025.xlsx" in disposition
    disposition.encode("ascii")  # a header must stay ASCII
    assert "no-store" in response["Cache-Control"]


def test_xlsx_never_stores_text_as_a_formula():
    table = monthly_report()
    table.rows[0]["commune"] = '=HYPERLINK("http://evil.example","Bấm vào")'
    sheet = open_sheet(xlsx_response(table))
    cell = sheet["A5"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil.example","Bấm vào")'
    assert cell.quotePrefix


def test_a_row_without_a_column_key_is_a_clear_error():
    table = monthly_report(rows=[{"commune": "Xã A"}])
    with pytest.raises(KeyError, match="received"):
        xlsx_response(table)


def test_an_unknown_kind_is_refused_when_the_column_is_defined():
    with pytest.raises(ValueError, match="money"):
        Column("fee", "Lệ phí", "money")


# --- CSV -----------------------------------------------------------------------------------


def test_csv_starts_with_a_bom_and_reads_back():
    response = csv_response(monthly_report())
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="bao-cao-thang-03-2025.csv"'
    )

    header, first, second = read_csv(response)
    assert header == [
        "Xã, phường",
        "Tiếp nhận",
        "Điểm",
        "Tỷ lệ đúng hạn (%)",
        "Ngày",
        "Cập nhật lúc",
    ]
    assert first == [
        "Phường Ba Đình",
        "6323",
        "19.94",
        "98.36",
        "2025-03-31",
        "2025-03-31 17:05:00",
    ]
    assert second == ["Xã Đông Anh", "0", "", "", "", ""]


def test_csv_does_not_repeat_a_percent_sign_the_header_already_has():
    table = monthly_report(columns=[Column("on_time", "Đúng hạn (%)", "percent")])
    assert read_csv(csv_response(table))[0] == ["Đúng hạn (%)"]


@pytest.mark.parametrize("dangerous", ["=1+1", "+84912345678", "-2+3", "@SUM(A1)", "\t=1"])
def test_csv_makes_formulas_inert(dangerous):
    table = monthly_report()
    table.rows[0]["commune"] = dangerous
    rows = read_csv(csv_response(table))
    assert rows[1][0] == "'" + dangerous


def test_csv_leaves_ordinary_text_and_negative_numbers_alone():
    table = monthly_report(
        columns=[Column("commune", "Xã"), Column("received", "Thay đổi", "integer")],
        rows=[{"commune": "Xã A-B", "received": -3}],
    )
    assert read_csv(csv_response(table))[1] == ["Xã A-B", "-3"]


# --- Choosing the format -------------------------------------------------------------------


def test_export_response_picks_the_format_from_the_query():
    factory = RequestFactory()
    table = monthly_report()
    as_csv = export_response(factory.get("/thong-ke/", {"format": "csv"}), table)
    as_xlsx = export_response(factory.get("/thong-ke/", {"format": "xlsx"}), table)
    default = export_response(factory.get("/thong-ke/"), table)

    assert as_csv["Content-Type"].startswith("text/csv")
    assert as_xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert default["Content-Type"] == as_xlsx["Content-Type"]


def test_export_response_refuses_another_format_with_a_message():
    request = RequestFactory().get("/thong-ke/", {"format": "pdf"})
    response = export_response(request, monthly_report())
    assert response.status_code == 400
    text = response.content.decode()
    assert "pdf" in text
    assert "xlsx" in text and "csv" in text


def test_export_links_keep_the_page_filters():
    request = RequestFactory().get("/thong-ke/", {"period": "2025-03", "format": "csv"})
    links = export_links(request)
    assert [link.format for link in links] == ["xlsx", "csv"]
    assert links[0].href == "?period=2025-03&format=xlsx"
    assert links[1].href == "?period=2025-03&format=csv"


def test_the_export_links_include_offers_both_formats():
    request = RequestFactory().get("/thong-ke/", {"period": "2025-03"})
    html = render_to_string("insights/includes/export_links.html", {"links": export_links(request)})
    assert 'href="?period=2025-03&amp;format=xlsx"' in html
    assert 'href="?period=2025-03&amp;format=csv"' in html
    assert "Tải về Excel (.xlsx)" in html
