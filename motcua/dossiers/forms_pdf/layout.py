"""The shared parts of every Circular 03/2025 form: issuing body, national motto, place and date,
title, key–value rows, numbered lists, tables and signature blocks. Each form in ``forms.py`` is a
list of these pieces; none of them lays out text by itself."""

import io
from datetime import datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from django.utils import timezone
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    KeepInFrame,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from motcua.workdays import VIETNAM_TZ

FONT_DIR = Path(__file__).resolve().parent.parent.parent / "fonts"
MARGIN = 12 * mm


@cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont("DejaVu", FONT_DIR / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFont(TTFont("DejaVu-Oblique", FONT_DIR / "DejaVuSans-Oblique.ttf"))
    pdfmetrics.registerFontFamily(
        "DejaVu", normal="DejaVu", bold="DejaVu-Bold", italic="DejaVu-Oblique"
    )


def _style(name, size=8.5, bold=False, align=TA_LEFT, leading=None, italic=False):
    font = "DejaVu-Bold" if bold else "DejaVu-Oblique" if italic else "DejaVu"
    return ParagraphStyle(
        name, fontName=font, fontSize=size, leading=leading or size * 1.3, alignment=align
    )


BODY = _style("body")
SMALL = _style("small", size=7)
CENTER = _style("center", align=TA_CENTER)
CENTER_BOLD = _style("center-bold", bold=True, align=TA_CENTER)
CENTER_ITALIC = _style("center-italic", italic=True, align=TA_CENTER)
MOTTO = _style("motto", size=7.8, bold=True, align=TA_CENTER)
TITLE = _style("title", size=11, bold=True, align=TA_CENTER, leading=14)
CODE = _style("code", size=12, bold=True, align=TA_CENTER, leading=16)


def text(value) -> str:
    """Escape for ReportLab's mini-markup; empty for None so no form ever prints 'None'."""
    return escape("" if value is None else str(value))


def para(value, style=BODY) -> Paragraph:
    return Paragraph(value, style)


def local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment, VIETNAM_TZ) if moment else None


def clock_and_date(moment: datetime | None) -> str:
    """``14 giờ 05 phút, ngày 23/11/2026``, the way forms write appointment times."""
    m = local(moment)
    return f"{m:%H} giờ {m:%M} phút, ngày {m:%d/%m/%Y}" if m else "……"


def day_only(moment: datetime | None) -> str:
    m = local(moment)
    return f"{m:%d/%m/%Y}" if m else "……"


def header(issuer_upper: str, issuer: str, place: str, issued: datetime) -> Table:
    """Issuing body on the left, national motto on the right, place and date under the motto."""
    m = local(issued)
    left = [
        para(text(issuer_upper.upper()), CENTER),
        para(f"<u>{text(issuer.upper())}</u>", CENTER_BOLD),
    ]
    right = [
        para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", MOTTO),
        para("<u>Độc lập - Tự do - Hạnh phúc</u>", MOTTO),
        Spacer(1, 2 * mm),
        para(
            f"{text(place)}, ngày {m:%d} tháng {m:%m} năm {m:%Y}",
            CENTER_ITALIC,
        ),
    ]
    table = Table([[left, right]], colWidths=["40%", "60%"])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), _no_padding()]))
    return table


def title(value: str, subtitle: str = "") -> list:
    parts = [Spacer(1, 4 * mm), para(text(value), TITLE)]
    if subtitle:
        parts.append(para(subtitle, CENTER))
    parts.append(Spacer(1, 3 * mm))
    return parts


def rows(pairs: list[tuple[str, object]]) -> list:
    """Key–value lines: ``Họ và tên: Nguyễn Văn An``. Pairs with an empty value are left out."""
    return [
        para(f"<b>{text(label)}:</b> {text(value)}")
        for label, value in pairs
        if value not in (None, "")
    ]


def inline(pairs: list[tuple[str, object]]) -> Paragraph | Spacer:
    """Several key–value facts on one line (wrapping if long); empty values are left out."""
    shown = [
        f"<b>{text(label)}:</b> {text(value)}" for label, value in pairs if value not in (None, "")
    ]
    return para("&nbsp;&nbsp;&nbsp;".join(shown)) if shown else Spacer(0, 0)


def one_page(story: list, pagesize) -> KeepInFrame:
    """The story shrunk, if needed, to fit one page of ``pagesize`` inside the margins (the
    frame's own 6-point padding included)."""
    width, height = pagesize
    return KeepInFrame(width - 2 * MARGIN - 12, height - 2 * MARGIN - 12, story, mode="shrink")


def numbered(items: list[str]) -> list:
    return [para(f"{i}. {text(item)}") for i, item in enumerate(items, start=1)]


def table(head: list[str], body: list[list], widths: list, font_size=7.5) -> Table:
    style = _style("cell", size=font_size)
    bold = _style("cell-bold", size=font_size, bold=True, align=TA_CENTER)
    data = [[para(text(h), bold) for h in head]]
    data += [[para(text(c), style) for c in row] for row in body]
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
            ]
        )
    )
    return t


def signatures(blocks: list[tuple[str, str, str]], space: float = 14 * mm) -> Table:
    """Signature blocks side by side: (title, hint, name), ``space`` left to sign in."""
    cells = [
        [
            para(text(head), CENTER_BOLD),
            para(f"({text(hint)})", CENTER_ITALIC),
            Spacer(1, space),
            para(text(name), CENTER_BOLD),
        ]
        for head, hint, name in blocks
    ]
    t = Table([cells])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), _no_padding()]))
    return t


def _no_padding():
    return ("LEFTPADDING", (0, 0), (-1, -1), 0)


class QrCode(Flowable):
    """A QR code drawn as vector squares (sharp at any zoom, no image library needed)."""

    def __init__(self, data: str, size: float = 26 * mm):
        super().__init__()
        self.data = data
        self.size = size
        self.matrix = [list(row) for row in segno.make(data, error="m").matrix]

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        modules = len(self.matrix) + 8  # quiet zone of four modules on each side
        cell = self.size / modules
        drawing = Drawing(self.size, self.size)
        for y, row in enumerate(self.matrix):
            for x, dark in enumerate(row):
                if dark:
                    drawing.add(
                        Rect(
                            (x + 4) * cell,
                            self.size - (y + 5) * cell,
                            cell,
                            cell,
                            fillColor=colors.black,
                            strokeColor=None,
                        )
                    )
        renderPDF.draw(drawing, self.canv, 0, 0)


def qr_block(url: str, rating_url: str = "", size: float = 26 * mm) -> Table:
    """The tracking QR with its address; beside it, if given, the smaller satisfaction-rating QR
    (its long signed address is not printed: nobody would type it)."""
    row = [QrCode(url, size), [para("<b>Quét mã để tra cứu hồ sơ</b>"), para(text(url), SMALL)]]
    widths = [size + 4 * mm, None]
    if rating_url:
        caption = "Quét mã sau khi nhận kết quả, không cần đăng nhập."
        row += [
            QrCode(rating_url, 22 * mm),
            [para("<b>Đánh giá sự hài lòng</b>"), para(caption, SMALL)],
        ]
        widths += [25 * mm, 30 * mm]
    t = Table([row], colWidths=widths)
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), _no_padding()]))
    return t


def build(story: list, *, title_text: str, pagesize=A5) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title_text,
        author="motcua",
    )
    document.build(story)
    return buffer.getvalue()
