"""Server-drawn SVG charts: well-formed, every label escaped, one mark per figure, an axis that
holds the data, gaps that break a line, and the same numbers in the table beside the chart."""

import xml.etree.ElementTree as ET
from decimal import Decimal
from fractions import Fraction

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from motcua.insights.charts import Series, bar_chart, format_figure, line_chart

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["01/2025", "02/2025", "03/2025", "04/2025", "05/2025", "06/2025"]


def drawings(chart) -> list[ET.Element]:
    """The chart's SVG elements (a narrow and a wide drawing), parsed as XML."""
    root = ET.fromstring(f"<div>{chart}</div>")
    svgs = root.findall(f"{SVG}svg")
    assert [svg.get("class").split()[-1] for svg in svgs] == [
        "mc-chart__svg--narrow",
        "mc-chart__svg--wide",
    ]
    return svgs


def with_class(svg: ET.Element, css_class: str) -> list[ET.Element]:
    return [el for el in svg.iter() if css_class in (el.get("class") or "").split()]


def texts(svg: ET.Element) -> list[str]:
    return [el.text for el in svg.iter(f"{SVG}text")]


def received_and_settled(**kwargs):
    return line_chart(
        MONTHS,
        [
            Series("Tiếp nhận", [512, 640, 700, None, 480, 6323]),
            Series("Đã giải quyết", [500, 600, 690, 650, 470, 6050]),
        ],
        title="Hồ sơ theo tháng",
        **kwargs,
    )


# --- Line chart ----------------------------------------------------------------------------


def test_line_chart_is_safe_well_formed_svg_with_an_accessible_name_and_description():
    chart = received_and_settled()
    assert isinstance(chart, SafeString)
    for svg in drawings(chart):
        assert svg.get("role") == "img"
        title_id, desc_id = svg.get("aria-labelledby").split()
        title = svg.find(f"{SVG}title")
        desc = svg.find(f"{SVG}desc")
        assert (title.get("id"), title.text) == (title_id, "Hồ sơ theo tháng")
        assert desc.get("id") == desc_id
        # The description summarises the data for people who cannot see the picture.
        assert "6.323 (06/2025)" in desc.text
        assert "thấp nhất 480 (05/2025)" in desc.text


def test_line_chart_ids_differ_between_its_two_drawings():
    narrow, wide = drawings(received_and_settled())
    assert narrow.get("aria-labelledby") != wide.get("aria-labelledby")


def test_line_chart_draws_one_marker_per_figure():
    for svg in drawings(received_and_settled()):
        assert len(with_class(svg, "mc-chart__point")) == 5 + 6
        assert len(with_class(svg, "mc-chart__line")) == 2


def test_a_missing_figure_breaks_the_line():
    for svg in drawings(received_and_settled()):
        received, settled = with_class(svg, "mc-chart__line")
        assert received.get("d").count("M") == 2
        assert settled.get("d").count("M") == 1


def test_lines_differ_by_dash_pattern_as_well_as_colour():
    received, settled = with_class(drawings(received_and_settled())[1], "mc-chart__line")
    assert received.get("stroke") != settled.get("stroke")
    assert received.get("stroke-dasharray") != settled.get("stroke-dasharray")


def gridlines(svg) -> list[float]:
    return sorted(float(line.get("y1")) for line in with_class(svg, "mc-chart__grid"))


def marker_tops(svg) -> list[float]:
    tops = []
    for el in with_class(svg, "mc-chart__point"):
        if el.tag == f"{SVG}circle":
            tops.append(float(el.get("cy")))
        elif el.tag == f"{SVG}rect":
            tops.append(float(el.get("y")) + float(el.get("height")) / 2)
    return tops


def test_the_y_axis_reaches_above_the_largest_figure_with_4_to_6_gridlines():
    for svg in drawings(received_and_settled()):
        lines = gridlines(svg)
        assert 4 <= len(lines) <= 6
        # SVG's y grows downwards: the top gridline is the smallest y, above every point.
        assert min(lines) <= min(marker_tops(svg))
        assert "8.000" in texts(svg)  # 6,323 rounds up to a top of 8,000


def test_a_rate_chart_runs_from_0_to_100_percent_when_asked():
    chart = line_chart(
        MONTHS[:3],
        [Series("Đúng hạn", [Fraction(4607, 4684), Decimal("0.9"), None])],
        title="Tỷ lệ đúng hạn",
        y_format="percent",
        y_max=1,
    )
    for svg in drawings(chart):
        labels = texts(svg)
        assert "100%" in labels and "0%" in labels
    assert chart.table_rows[0].cells[0].text == "98,36%"
    assert chart.table_rows[2].cells[0].text == "—"


def test_y_max_below_the_data_does_not_cut_the_data_off():
    chart = line_chart(["a", "b"], [Series("x", [10, 130])], title="t", y_max=100)
    for svg in drawings(chart):
        assert min(gridlines(svg)) <= min(marker_tops(svg))


def test_line_chart_escapes_every_label():
    chart = line_chart(
        ["<script>alert(1)</script>", "b&c"],
        [Series('Tiếp "nhận" <b>', [1, 2])],
        title="<img src=x onerror=alert(1)>",
    )
    assert "<script>" not in chart and "<img" not in chart and "<b>" not in chart
    assert "&lt;script&gt;" in chart
    svg = drawings(chart)[1]
    assert svg.find(f"{SVG}title").text == "<img src=x onerror=alert(1)>"
    assert "<script>alert(1)</script>" in texts(svg)
    assert 'Tiếp "nhận" <b>' in texts(svg)


def test_many_periods_get_thinned_labels_but_always_the_last():
    labels = [f"{month:02d}/{year}" for year in (2023, 2024, 2025) for month in range(1, 13)]
    chart = line_chart(labels, [Series("Tiếp nhận", list(range(36)))], title="Ba năm")
    narrow, wide = drawings(chart)
    shown_narrow = [text for text in texts(narrow) if text in labels]
    shown_wide = [text for text in texts(wide) if text in labels]
    assert shown_narrow[-1] == shown_wide[-1] == "12/2025"
    assert 3 <= len(shown_narrow) < len(shown_wide) < 36


def test_series_and_labels_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="3 values for 2 labels"):
        line_chart(["a", "b"], [Series("x", [1, 2, 3])], title="t")


# --- Bar chart -----------------------------------------------------------------------------

COMMUNES = [f"Xã số {number}" for number in range(1, 127)]


def index_totals():
    return [Decimal("95.50") - Decimal(number) / 4 for number in range(126)]


def test_bar_chart_draws_a_bar_per_figure_and_grows_with_their_number():
    values = index_totals()
    values[5] = None
    chart = bar_chart(COMMUNES, values, title="Chỉ số 766", value_format="decimal2")
    for svg in drawings(chart):
        bars = with_class(svg, "mc-chart__bar")
        assert len(bars) == 125
        assert "95,50" in texts(svg)  # each bar has its value written at its end
        assert "—" in texts(svg)
        # Rows keep their height, so 126 communes stay legible: the drawing gets taller.
        assert float(svg.get("height")) >= 126 * 28
        assert min(float(bar.get("height")) for bar in bars) >= 18


def test_bar_lengths_follow_the_values():
    chart = bar_chart(["A", "B"], [100, 50], title="t")
    for svg in drawings(chart):
        long, short = (float(bar.get("width")) for bar in with_class(svg, "mc-chart__bar"))
        assert short == pytest.approx(long / 2, abs=0.1)


def test_bar_chart_highlights_the_viewers_commune():
    chart = bar_chart(COMMUNES, index_totals(), title="Chỉ số 766", highlight="Xã số 41")
    for svg in drawings(chart):
        highlighted = with_class(svg, "mc-chart__bar--highlight")
        assert len(highlighted) == 1
        assert highlighted[0].find(f"{SVG}title").text.startswith("Xã số 41:")
        assert "Xã số 41" in svg.find(f"{SVG}desc").text
    assert [row.label for row in chart.table_rows if row.highlight] == ["Xã số 41"]


def test_bar_chart_escapes_labels_and_cuts_long_ones_only_in_the_picture():
    long_name = "Phường <script>alert(1)</script> có một cái tên rất dài không vừa cột nhãn"
    chart = bar_chart([long_name, "Xã B"], [3, 1], title="t")
    assert "<script>" not in chart
    narrow = drawings(chart)[0]
    cut = [text for text in texts(narrow) if text.startswith("Phường")][0]
    assert cut.endswith("…") and len(cut) < len(long_name)
    # The full name stays in the bar's tooltip and in the data table.
    assert with_class(narrow, "mc-chart__bar")[0].find(f"{SVG}title").text == f"{long_name}: 3"
    assert chart.table_rows[0].label == long_name


def test_bar_chart_refuses_negative_values():
    with pytest.raises(ValueError, match="≥ 0"):
        bar_chart(["A"], [-1], title="t")


# --- The include with its data table -------------------------------------------------------


def test_the_include_shows_the_chart_and_its_numbers_in_a_table():
    html = render_to_string("insights/includes/chart.html", {"chart": received_and_settled()})
    assert html.count("<svg") == 2
    assert "Xem số liệu" in html
    assert "<figcaption" in html and "Hồ sơ theo tháng" in html
    table = ET.fromstring(html[html.index("<table") : html.index("</table>") + len("</table>")])
    header = [th.text for th in table.find("thead").iter("th")]
    assert header == ["Kỳ", "Tiếp nhận", "Đã giải quyết"]
    rows = [[cell.text.strip() for cell in row] for row in table.find("tbody").iter("tr")]
    assert rows[3] == ["04/2025", "—", "650"]
    assert rows[5] == ["06/2025", "6.323", "6.050"]


def test_the_include_marks_the_highlighted_row_and_escapes_labels():
    chart = bar_chart(["<b>Xã A</b>", "Xã B"], [2, 1], title="Chỉ số", highlight=1)
    html = render_to_string("insights/includes/chart.html", {"chart": chart, "no_caption": True})
    assert "<b>Xã A</b>" not in html
    assert "&lt;b&gt;Xã A&lt;/b&gt;" in html
    assert "<figcaption" not in html
    assert html.count('class="mc-chart__row--highlight"') == 1


def test_numbers_follow_the_active_language():
    assert format_figure(6323, "integer") == "6.323"
    assert format_figure(Fraction(38, 273), "percent") == "13,92%"
    with translation.override("en"):
        assert format_figure(6323, "integer") == "6,323"
        assert format_figure(Fraction(38, 273), "percent") == "13.92%"
        assert format_figure(Decimal("1.985"), "decimal2") == "1.99"
