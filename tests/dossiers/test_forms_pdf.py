"""Forms 01–06 rendered from real dossiers: A5, Vietnamese text, the facts each form must carry."""

import io

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from motcua.dossiers.forms_pdf import FormNotAvailable, available_forms, render_form
from motcua.dossiers.services import perform
from tests.world import vn

URL = "https://motcua.example.vn/tra-cuu/CODE/"
RATING = "https://motcua.example.vn/danh-gia/TOKEN/?kenh=qr"
A5_POINTS = (419.5, 595.3)


def pdf_text(pdf: bytes) -> tuple[str, tuple[float, float]]:
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), (round(float(box.width), 1), round(float(box.height), 1))


def render(kind, dossier, save=None):
    pdf = render_form(kind, dossier, tracking_url=URL, rating_url=RATING)
    assert pdf.startswith(b"%PDF")
    return pdf


def test_receipt_carries_code_dates_documents_and_a_scannable_qr(world):
    d = world.receive(at=vn(2025, 7, 7, 9, 5))
    text, size = pdf_text(render("receipt", d))
    assert size == A5_POINTS
    for fact in [
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        d.code,
        "Trần Thị Bích Ngọc",
        "001085012345",
        "09 giờ 05 phút, ngày 07/07/2025",  # received
        "09 giờ 05 phút, ngày 10/07/2025",  # appointment: 3 working days
        "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân",
        "3 ngày làm việc",
    ]:
        assert fact in text, fact
    image = pypdfium2.PdfDocument(render("receipt", d))[0].render(scale=3).to_pil()
    codes = [r.text for r in zxingcpp.read_barcodes(image)]
    # The smaller second code opens the satisfaction rating (the printed receipt's address is
    # checked end to end in tests/feedback/test_receipt_qr.py).
    assert sorted(codes) == sorted([URL, RATING])


def test_supplement_refusal_apology_stop_and_control_slip(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    assert [k for k, _ in available_forms(d)] == ["receipt", "receipt_a4", "control"]
    with pytest.raises(FormNotAvailable):
        render_form("apology", d, tracking_url=URL)
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    perform(
        d,
        "extend",
        actor=world.leader,
        at=vn(2025, 7, 8, 9),
        reason="Cần xác minh tại Công an xã",
        new_due_at=vn(2025, 7, 15, 16),
    )
    perform(
        d,
        "request_supplement",
        actor=world.specialist,
        at=vn(2025, 7, 8, 10),
        items=["Bản sao giấy khai sinh", "Ảnh chân dung 4x6"],
        reason="Thiếu thành phần hồ sơ",
    )
    d = perform(
        d, "withdraw", actor=world.reception, at=vn(2025, 7, 9, 10), reason="Công dân xin rút hồ sơ"
    )
    assert [k for k, _ in available_forms(d)] == [
        "receipt",
        "receipt_a4",
        "supplement",
        "apology",
        "stop",
        "control",
    ]

    text, size = pdf_text(render("supplement", d))
    assert size == A5_POINTS
    assert "Bản sao giấy khai sinh" in text and "Ảnh chân dung 4x6" in text and "23/07/2025" in text

    text, _ = pdf_text(render("apology", d))
    assert "10 giờ 00 phút, ngày 10/07/2025" not in text
    assert "09 giờ 00 phút, ngày 10/07/2025" in text  # the missed appointment
    assert "16 giờ 00 phút, ngày 15/07/2025" in text  # the new date
    assert "Cần xác minh tại Công an xã" in text

    text, _ = pdf_text(render("stop", d))
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and "Công dân xin rút hồ sơ" in text

    text, size = pdf_text(render("control", d))
    assert size == (A5_POINTS[1], A5_POINTS[0])  # landscape for the hand-over table
    assert d.code in text and "Đúng hạn" in text


def test_refusal_slip_lists_reasons(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    d = perform(
        d,
        "refuse",
        actor=world.specialist,
        at=vn(2025, 7, 8, 10),
        reason="Không đủ điều kiện\nGiấy tờ hết hiệu lực",
    )
    text, _ = pdf_text(render("refusal", d))
    assert "1. Không đủ điều kiện" in text and "2. Giấy tờ hết hiệu lực" in text
    assert "None" not in text
