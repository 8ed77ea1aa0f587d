"""Charts drawn on the server as SVG: no JavaScript, nothing fetched from elsewhere.

Two builders, each returning a ``Chart`` (a ``SafeString`` of SVG markup that also carries the
numbers, so ``insights/includes/chart.html`` can put them in a table beside it):

- ``line_chart`` — one or more series over periods (received vs settled per month, on-time rate).
- ``bar_chart`` — horizontal bars, one per row (index total per commune); grows in height with
  the number of bars, so 126 communes stay legible, and can highlight the viewer's own commune.

Why two drawings per chart: SVG text scales with the picture, so one drawing cannot have readable
labels both on a 360 px phone and on a 1280 px screen. Each chart is drawn at a narrow (360) and a
wide (720) size with its own label thinning and truncation; the stylesheet shows one of them
(``.mc-chart__svg--narrow`` / ``--wide``), and the hidden one is ``display: none``, which also takes
it out of the accessibility tree. Neither is ever scaled up beyond about 1.3 times.

Accessibility: each drawing is ``role="img"`` named by its ``<title>`` and described by a
``<desc>`` summarising the data (first, last, highest and lowest values); lines differ by dash
pattern and marker shape as well as by colour; every label is escaped.

Values are numbers (int, Decimal, Fraction, float) or ``None`` for "no data" (a gap in a line, no
bar). Formats: ``integer``; ``decimal2`` (2 decimals, half-up); ``percent`` (the value is a ratio
0..1, shown as 98,36 %).
"""

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction

from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from motcua.insights.exports import as_decimal as _decimal
from motcua.insights.numbers import FORMATS
from motcua.insights.numbers import figure as format_figure

__all__ = [
    "FORMATS",
    "Chart",
    "DataCell",
    "DataRow",
    "Series",
    "bar_chart",
    "format_figure",
    "line_chart",
]

Number = int | float | Decimal | Fraction

# Colours of motcua.css: each has at least 3:1 contrast on white (lines and marks), text 4.5:1.
TEXT = "#0b0c0c"
MUTED = "#505a5f"
GRID = "#b1b4b6"
BAR = "#5694ca"
BAR_HIGHLIGHT = "#0c2340"  # 4.9:1 against BAR, so the viewer's own bar stands out without colour
BAND_HIGHLIGHT = "#fff7bf"
FONT_FAMILY = '"Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif'
# One look per series: colour, dash pattern and marker shape all differ.
SERIES_STYLES = (
    ("#1d70b8", "", "circle"),
    ("#00703c", "8 5", "square"),
    ("#4c2c92", "2 4", "triangle"),
    ("#9c5700", "12 4 3 4", "diamond"),
    ("#c2311a", "16 6", "cross"),
)


@dataclass(frozen=True)
class Series:
    """One line: its name (shown in the legend and as a column of the data table) and one value
    per label, ``None`` where there is no figure."""

    name: str | Promise
    values: Sequence[Number | None]


@dataclass(frozen=True)
class DataCell:
    header: str
    text: str


@dataclass(frozen=True)
class DataRow:
    label: str
    cells: list[DataCell]
    highlight: bool = False


class Chart(SafeString):
    """SVG markup that renders as-is in a template (``{{ chart }}``), carrying what the data table
    beside it needs: ``caption``, ``table_headers`` and ``table_rows`` (of ``DataRow``)."""

    caption: str
    table_headers: list[str]
    table_rows: list[DataRow]

    @classmethod
    def build(cls, markup: str, caption: str, headers: list[str], rows: list[DataRow]) -> "Chart":
        chart = cls(markup)
        chart.caption = caption
        chart.table_headers = headers
        chart.table_rows = rows
        return chart


@dataclass(frozen=True)
class _Layout:
    name: str  # "narrow" or "wide": the CSS class that shows it
    width: int
    font: int
    plot_height: int  # line charts
    row_height: int  # bar charts
    line_width: float


NARROW = _Layout("narrow", 360, 14, 200, 30, 2)
WIDE = _Layout("wide", 720, 15, 280, 32, 2.5)


# ---------------------------------------------------------------------------------------------
# Numbers


def _nice_ticks(highest: Decimal, fmt: str) -> list[Decimal]:
    """Gridline values from 0 to a round top ≥ ``highest``, 3 to 6 of them, steps of 1, 2, 2.5 or 5
    times a power of ten (no 2.5 for whole counts)."""
    if highest <= 0:
        highest = Decimal(4) if fmt == "integer" else Decimal(1)
    raw = highest / 4
    power = Decimal(1).scaleb(raw.adjusted())  # the power of ten at or just below raw
    multipliers = (1, 2, 5, 10) if fmt == "integer" else (1, 2, Decimal("2.5"), 5, 10)
    step = next(m * power for m in multipliers if m * power >= raw)
    if fmt == "integer":
        step = max(step, Decimal(1))
    count = int((highest / step).to_integral_value(rounding=ROUND_CEILING))
    return [step * i for i in range(count + 1)]


def _tick_label(value: Decimal, step: Decimal, fmt: str) -> str:
    """Axis labels carry only the decimals the step needs: 25%, 2,5%, 5.000."""
    if fmt == "integer":
        return format_figure(value, "integer")
    scaled_step = step * 100 if fmt == "percent" else step
    decimals = max(0, -scaled_step.normalize().as_tuple().exponent)
    return format_figure(value, fmt, decimals=min(decimals, 2))


# ---------------------------------------------------------------------------------------------
# Text and SVG helpers


def _text_width(text: str, font: float) -> float:
    """A generous estimate of a label's width in user units for a sans-serif font (Vietnamese
    marks sit above and below letters and add no width)."""
    wide = sum(1 for ch in text if ch.isupper() or ch in "mwMW%")
    return font * (0.56 * (len(text) - wide) + 0.8 * wide)


def _fit(text: str, width: float, font: float) -> str:
    """The label cut with "…" so that it fits ``width``; the full text stays in the table and in
    the bar's tooltip."""
    if _text_width(text, font) <= width:
        return text
    while text and _text_width(text + "…", font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, content: str, *, anchor="start", fill=TEXT, weight="", size=None):
    extra = f' font-weight="{weight}"' if weight else ""
    extra += f' font-size="{_num(size)}"' if size else ""
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{escape(content)}</text>"
    )


def _points(*corners: tuple[float, float]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in corners)


def _marker(shape: str, x: float, y: float, size: float, colour: str, tooltip: str = "") -> str:
    tip = f"<title>{escape(tooltip)}</title>" if tooltip else ""
    common = f'class="mc-chart__point" fill="{colour}" stroke="#fff" stroke-width="1"'
    s = size
    if shape == "circle":
        return f'<circle {common} cx="{_num(x)}" cy="{_num(y)}" r="{_num(s)}">{tip}</circle>'
    if shape == "square":
        return (
            f'<rect {common} x="{_num(x - s)}" y="{_num(y - s)}" width="{_num(2 * s)}" '
            f'height="{_num(2 * s)}">{tip}</rect>'
        )
    if shape == "triangle":
        h = s * 1.25
        points = _points((x, y - h), (x + h, y + h * 0.8), (x - h, y + h * 0.8))
        return f'<polygon {common} points="{points}">{tip}</polygon>'
    if shape == "diamond":
        h = s * 1.3
        points = _points((x, y - h), (x + h, y), (x, y + h), (x - h, y))
        return f'<polygon {common} points="{points}">{tip}</polygon>'
    # cross: two strokes, drawn as one path so it counts as one point
    d = (
        f"M{_num(x - s)},{_num(y - s)}L{_num(x + s)},{_num(y + s)}"
        f"M{_num(x - s)},{_num(y + s)}L{_num(x + s)},{_num(y - s)}"
    )
    return (
        f'<path class="mc-chart__point" d="{d}" stroke="{colour}" stroke-width="2.5" '
        f'fill="none">{tip}</path>'
    )


def _svg(layout: _Layout, height: float, ids: str, title: str, desc: str, body: list[str]) -> str:
    """The outer element: natural size = viewBox size (CSS lets it shrink, never stretch much)."""
    size = f'width="{layout.width}" height="{_num(height)}"'
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'class="mc-chart__svg mc-chart__svg--{layout.name}" '
        f'viewBox="0 0 {layout.width} {_num(height)}" {size} '
        f'role="img" aria-labelledby="{ids}-title {ids}-desc" font-size="{layout.font}" '
        f"font-family='{FONT_FAMILY}'>"
        f'<title id="{ids}-title">{escape(title)}</title>'
        f'<desc id="{ids}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _chart_id(kind: str, *parts) -> str:
    """Stable ids for aria-labelledby: the same chart drawn twice on a page gets the same ids,
    which then name identical text."""
    digest = hashlib.sha1(repr((kind, *parts)).encode()).hexdigest()[:10]
    return f"mc-chart-{digest}"


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {FORMATS}")


# ---------------------------------------------------------------------------------------------
# Line chart


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str | Promise,
    y_format: str = "integer",
    y_max: Number | None = None,
    label_header: str | Promise | None = None,
) -> Chart:
    """Lines over ``labels`` (e.g. months "01/2025"), one per series, on a y axis from 0 to a round
    value ≥ both ``y_max`` (e.g. 1 for a rate, so 100 % is the top) and the largest value.
    ``label_header`` heads the label column of the data table (default "Kỳ")."""
    _check_format(y_format)
    labels = [str(label) for label in labels]
    if not series:
        raise ValueError("line_chart needs at least one series")
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(
                f"series {str(one.name)!r} has {len(one.values)} values for {len(labels)} labels"
            )
    if len(series) > len(SERIES_STYLES):
        raise ValueError(f"line_chart draws at most {len(SERIES_STYLES)} series")

    title = str(title)
    names = [str(one.name) for one in series]
    present = [_decimal(v) for one in series for v in one.values if v is not None]
    highest = max([*present, _decimal(y_max) if y_max is not None else Decimal(0)])
    ticks = _nice_ticks(highest, y_format)
    ids = _chart_id("line", title, labels, names, [list(one.values) for one in series])
    desc = _line_description(labels, series, y_format)

    markup = "".join(
        _line_svg(
            layout, f"{ids}-{layout.name}", title, desc, labels, series, names, ticks, y_format
        )
        for layout in (NARROW, WIDE)
    )
    headers = [str(label_header or _("Kỳ")), *names]
    rows = [
        DataRow(
            label=label,
            cells=[
                DataCell(name, format_figure(one.values[index], y_format))
                for name, one in zip(names, series, strict=True)
            ],
        )
        for index, label in enumerate(labels)
    ]
    return Chart.build(markup, title, headers, rows)


def _line_svg(layout, ids, title, desc, labels, series, names, ticks, fmt) -> str:
    font = layout.font
    step = ticks[1] - ticks[0]
    top_value = float(ticks[-1])
    tick_texts = [_tick_label(tick, step, fmt) for tick in ticks]

    legend, legend_height = _legend(layout, names)
    left = max(_text_width(text, font) for text in tick_texts) + 10
    right = 12
    plot_top = legend_height + font * 0.8
    plot_bottom = plot_top + layout.plot_height
    plot_width = layout.width - left - right
    height = plot_bottom + font * 2.2

    def y_of(value) -> float:
        return plot_bottom - float(value) / top_value * layout.plot_height

    body = [legend]
    for tick, text in zip(ticks, tick_texts, strict=True):
        y = y_of(tick)
        colour = TEXT if tick == 0 else GRID
        body.append(
            f'<line class="mc-chart__grid" x1="{_num(left)}" x2="{_num(layout.width - right)}" '
            f'y1="{_num(y)}" y2="{_num(y)}" stroke="{colour}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + font * 0.35, text, anchor="end", fill=MUTED))

    count = len(labels)
    band = plot_width / max(count, 1)
    xs = [left + band * (index + 0.5) for index in range(count)]

    # Thin the labels so they never touch; the latest period is always labelled.
    widest = max((_text_width(label, font) for label in labels), default=0)
    every = max(1, math.ceil((widest + font) / band))
    for index, (x, label) in enumerate(zip(xs, labels, strict=True)):
        if (count - 1 - index) % every == 0:
            # Kept inside the drawing: the first and last labels may be wider than their band.
            half = _text_width(label, font) / 2
            x = min(max(x, half), layout.width - half)
            body.append(_text(x, plot_bottom + font * 1.5, label, anchor="middle", fill=MUTED))

    marker_size = max(2.0, min(font * 0.35, band * 0.3))
    for number, (one, name) in enumerate(zip(series, names, strict=True)):
        colour, dash, shape = SERIES_STYLES[number]
        points = [
            (xs[i], y_of(_decimal(v)), labels[i], v)
            for i, v in enumerate(one.values)
            if v is not None
        ]
        body.append(_line_path(one.values, xs, y_of, colour, dash, number, layout.line_width))
        for x, y, label, value in points:
            tooltip = f"{label} · {name}: {format_figure(value, fmt)}"
            body.append(_marker(shape, x, y, marker_size, colour, tooltip))
    return _svg(layout, height, ids, title, desc, body)


def _line_path(values, xs, y_of, colour, dash, number, width) -> str:
    """One path per series; each run of figures between gaps starts with its own "M", so a month
    without a figure breaks the line instead of bridging it."""
    commands = []
    previous_missing = True
    for x, value in zip(xs, values, strict=True):
        if value is None:
            previous_missing = True
            continue
        commands.append(
            f"{'M' if previous_missing else 'L'}{_num(x)},{_num(y_of(_decimal(value)))}"
        )
        previous_missing = False
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<path class="mc-chart__line" data-series="{number}" d="{"".join(commands)}" '
        f'fill="none" stroke="{colour}" stroke-width="{width}" stroke-linejoin="round" '
        f'stroke-linecap="round"{dash_attr}/>'
    )


def _legend(layout: _Layout, names: list[str]) -> tuple[str, float]:
    """The legend above the plot: a sample of each line (dash and marker) and its name, flowing
    onto as many rows as the width needs."""
    font = layout.font
    row_height = font * 1.7
    sample = 30
    x, row = 0.0, 0
    parts = []
    for number, name in enumerate(names):
        colour, dash, shape = SERIES_STYLES[number]
        shown = _fit(name, layout.width - sample - 8, font)
        item_width = sample + 8 + _text_width(shown, font) + font * 1.5
        if x > 0 and x + item_width > layout.width:
            x, row = 0.0, row + 1
        y = row * row_height + row_height / 2
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<g class="mc-chart__legend-item"><line x1="{_num(x)}" x2="{_num(x + sample)}" '
            f'y1="{_num(y)}" y2="{_num(y)}" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            + _marker(shape, x + sample / 2, y, font * 0.33, colour).replace(
                'class="mc-chart__point"', 'class="mc-chart__legend-marker"'
            )
            + _text(x + sample + 8, y + font * 0.35, shown)
            + "</g>"
        )
        x += item_width
    return "".join(parts), (row + 1) * row_height


def _line_description(labels, series, fmt) -> str:
    if not labels:
        return _("Không có số liệu.")
    sentences = [
        _("Biểu đồ đường, %(count)d kỳ, từ %(first)s đến %(last)s.")
        % {"count": len(labels), "first": labels[0], "last": labels[-1]}
    ]
    for one in series:
        known = [(label, v) for label, v in zip(labels, one.values, strict=True) if v is not None]
        if not known:
            sentences.append(_("%(name)s: không có số liệu.") % {"name": one.name})
            continue
        high = max(known, key=lambda pair: _decimal(pair[1]))
        low = min(known, key=lambda pair: _decimal(pair[1]))
        sentences.append(
            _(
                "%(name)s: %(first)s (%(first_label)s), %(last)s (%(last_label)s); "
                "cao nhất %(high)s (%(high_label)s), thấp nhất %(low)s (%(low_label)s)."
            )
            % {
                "name": one.name,
                "first": format_figure(known[0][1], fmt),
                "first_label": known[0][0],
                "last": format_figure(known[-1][1], fmt),
                "last_label": known[-1][0],
                "high": format_figure(high[1], fmt),
                "high_label": high[0],
                "low": format_figure(low[1], fmt),
                "low_label": low[0],
            }
        )
    return " ".join(sentences)


# ---------------------------------------------------------------------------------------------
# Bar chart


def bar_chart(
    labels: Sequence[str],
    values: Sequence[Number | None],
    *,
    title: str | Promise,
    value_format: str = "integer",
    highlight: str | int | None = None,
    label_header: str | Promise | None = None,
    value_header: str | Promise | None = None,
) -> Chart:
    """Horizontal bars in the given order (sort before calling), the value written at each bar's
    end. ``highlight`` marks one bar — by its label, or by its position — with a darker bar, a
    pale band and a bold label (e.g. the viewer's own commune). Values must be ≥ 0; ``None``
    draws no bar and writes "—". ``label_header`` / ``value_header`` head the data table
    (defaults "Tên" and the title)."""
    _check_format(value_format)
    labels = [str(label) for label in labels]
    if len(values) != len(labels):
        raise ValueError(f"{len(values)} values for {len(labels)} labels")
    if any(v is not None and _decimal(v) < 0 for v in values):
        raise ValueError("bar_chart draws values ≥ 0 only")
    title = str(title)
    highlighted = _highlight_index(labels, highlight)
    texts = [format_figure(v, value_format) for v in values]
    ids = _chart_id("bar", title, labels, list(values), highlighted)
    desc = _bar_description(labels, values, texts, highlighted)

    markup = "".join(
        _bar_svg(layout, f"{ids}-{layout.name}", title, desc, labels, values, texts, highlighted)
        for layout in (NARROW, WIDE)
    )
    value_name = str(value_header or title)
    rows = [
        DataRow(label=label, cells=[DataCell(value_name, text)], highlight=index == highlighted)
        for index, (label, text) in enumerate(zip(labels, texts, strict=True))
    ]
    return Chart.build(markup, title, [str(label_header or _("Tên")), value_name], rows)


def _highlight_index(labels: list[str], highlight: str | int | None) -> int | None:
    if highlight is None:
        return None
    if isinstance(highlight, int):
        return highlight if 0 <= highlight < len(labels) else None
    try:
        return labels.index(str(highlight))
    except ValueError:
        return None


def _bar_svg(layout, ids, title, desc, labels, values, texts, highlighted) -> str:
    font = layout.font
    row = layout.row_height
    bar_height = row * 0.64
    top = font * 0.4
    label_width = min(
        max((_text_width(label, font) for label in labels), default=0),
        layout.width * 0.45,
    )
    x0 = label_width + 10
    value_room = max((_text_width(text, font) for text in texts), default=0) + 10
    bar_room = layout.width - x0 - value_room
    largest = max((float(_decimal(v)) for v in values if v is not None), default=0.0) or 1.0
    height = top * 2 + row * max(len(labels), 1)

    body = []
    for index, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        y = top + index * row
        middle = y + row / 2
        mark = index == highlighted
        if mark:
            body.append(
                f'<rect class="mc-chart__band" x="0" y="{_num(y)}" width="{layout.width}" '
                f'height="{_num(row)}" fill="{BAND_HIGHLIGHT}"/>'
            )
        weight = "700" if mark else ""
        body.append(
            _text(
                x0 - 8,
                middle + font * 0.35,
                _fit(label, label_width, font),
                anchor="end",
                weight=weight,
            )
        )
        length = 0.0 if value is None else float(_decimal(value)) / largest * bar_room
        if value is not None:
            body.append(
                f'<rect class="mc-chart__bar{" mc-chart__bar--highlight" if mark else ""}" '
                f'x="{_num(x0)}" y="{_num(middle - bar_height / 2)}" width="{_num(length)}" '
                f'height="{_num(bar_height)}" fill="{BAR_HIGHLIGHT if mark else BAR}">'
                f"<title>{escape(label)}: {escape(text)}</title></rect>"
            )
        body.append(_text(x0 + length + 6, middle + font * 0.35, text, weight=weight))
    body.append(
        f'<line x1="{_num(x0)}" x2="{_num(x0)}" y1="{_num(top)}" y2="{_num(height - top)}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
    )
    return _svg(layout, height, ids, title, desc, body)


def _bar_description(labels, values, texts, highlighted) -> str:
    known = [(i, _decimal(v)) for i, v in enumerate(values) if v is not None]
    sentences = [_("Biểu đồ thanh ngang, %(count)d mục.") % {"count": len(labels)}]
    if known:
        high = max(known, key=lambda pair: pair[1])[0]
        low = min(known, key=lambda pair: pair[1])[0]
        sentences.append(
            _("Cao nhất: %(high)s (%(high_value)s). Thấp nhất: %(low)s (%(low_value)s).")
            % {
                "high": labels[high],
                "high_value": texts[high],
                "low": labels[low],
                "low_value": texts[low],
            }
        )
    else:
        sentences.append(_("Không có số liệu."))
    if highlighted is not None:
        sentences.append(
            _("Được đánh dấu: %(label)s (%(value)s), thứ %(position)d trong %(count)d mục.")
            % {
                "label": labels[highlighted],
                "value": texts[highlighted],
                "position": highlighted + 1,
                "count": len(labels),
            }
        )
    return " ".join(sentences)
