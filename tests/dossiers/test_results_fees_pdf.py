"""The receipt fits one page with eight papers; the rendered result and the fee receipt carry
their facts (pages counted with pypdf)."""

import io

import pytest
from pypdf import PdfReader

from motcua.dossiers.forms_pdf import render_fee_receipt, render_form, render_result
from motcua.dossiers.models import PaymentMethod
from motcua.dossiers.services import Applicant, DocumentIn, perform, record_payment
from tests.world import vn

URL = "https://motcua.example.vn/tra-cuu/CODE/"
RATING = "https://motcua.example.vn/danh-gia/TOKEN/?kenh=qr"
A4_POINTS = (595.3, 841.9)

LONG_NAMES = [
    "Tờ khai đăng ký thường trú (Mẫu CT01) có xác nhận của chủ hộ hoặc người đại diện hợp pháp",
    "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp (hợp đồng thuê, mượn, ở nhờ có công chứng)",
    "Bản sao Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền",
    "Giấy tờ chứng minh quan hệ nhân thân với chủ hộ (giấy khai sinh, giấy chứng nhận kết hôn)",
    "Văn bản đồng ý cho đăng ký thường trú của chủ sở hữu chỗ ở hợp pháp hoặc người được ủy quyền",
    "Giấy xác nhận điều kiện diện tích nhà ở tối thiểu để đăng ký thường trú theo quy định",
    "Văn bản ủy quyền có chứng thực (trường hợp nộp thay) kèm bản sao giấy tờ tùy thân",
    "Giấy tờ khác theo yêu cầu của cơ quan đăng ký cư trú (nếu có) kèm bản dịch công chứng",
]


def pages(pdf: bytes) -> tuple[int, str, tuple[float, float]]:
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    return len(reader.pages), text, (round(float(box.width), 1), round(float(box.height), 1))


def full_dossier(world):
    return world.receive(
        applicant=Applicant(
            name="Nguyễn Thị Phương Thảo Hoàng Anh",
            id_number="001085012345",
            phone="0912345678",
            email="phuongthao.hoanganh@example.vn",
            address="Số 125 ngõ 38 phố Hàng Bạc, tổ dân phố số 7, Phường Hoàn Kiếm, Hà Nội",
            proxy_name="Trần Văn Bình Minh",
        ),
        documents=[DocumentIn(name, originals=1, copies=2) for name in LONG_NAMES],
        postal_address="",
    )


@pytest.mark.parametrize("kind", ["receipt", "receipt_a4"])
def test_receipt_with_eight_long_papers_fits_one_page(world, kind):
    d = full_dossier(world)
    pdf = render_form(kind, d, tracking_url=URL, rating_url=RATING)
    count, text, _size = pages(pdf)
    assert count == 1
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text and LONG_NAMES[-1][:30] in text


def test_rendered_result_names_dossier_applicant_procedure_and_is_marked_electronic(world):
    d = world.receive()
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    perform(d, "propose", actor=world.specialist, at=vn(2025, 7, 7, 11))
    perform(
        d, "approve", actor=world.leader, at=vn(2025, 7, 8, 9), result_summary="Giấy XN số 12/2025"
    )
    d.refresh_from_db()
    count, text, size = pages(render_result(d, issued_at=vn(2025, 7, 8, 9), tracking_url=URL))
    assert (count, size) == (1, A4_POINTS)
    for fact in [d.code, "Trần Thị Bích Ngọc", "Giấy XN số 12/2025", "Bản điện tử", "08/07/2025"]:
        assert fact in text, fact
    assert "Phường Hoàn Kiếm" in text


def test_fee_receipt_for_cash_and_waiver(world):
    d = world.receive()
    paid = record_payment(d, officer=world.reception, amount_vnd="20.000", method="cash")
    count, text, _ = pages(render_fee_receipt(paid))
    assert count == 1
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text and "20.000 đồng" in text and d.code in text
    waived = record_payment(
        d, officer=world.reception, amount_vnd="", method=PaymentMethod.WAIVED, reason="Hộ nghèo"
    )
    _, text, _ = pages(render_fee_receipt(waived))
    assert "Hộ nghèo" in text and f"{d.code}-BL02" in text
