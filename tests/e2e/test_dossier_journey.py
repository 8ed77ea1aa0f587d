"""One dossier from intake to return, clicked through in Chromium, then the resident scans the QR
code on the printed receipt and lands on the public tracking page."""

import io

import pypdfium2
import zxingcpp

from motcua.dossiers.models import Dossier
from tests.e2e.portal import sign_in_officer
from tests.world import GOOD_ID, World


def sign_out(page):
    page.get_by_role("button", name="Đăng xuất").click()


def qr_links_in_pdf(pdf_bytes: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(io.BytesIO(pdf_bytes))
    image = document[0].render(scale=3).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image)]


def test_dossier_from_intake_to_return_and_tracking_by_qr(
    page, live_server, transactional_db, screenshot
):
    world = World()
    base = live_server.url

    sign_in_officer(page, base, world.reception.username)
    page.goto(f"{base}/can-bo/tiep-nhan/")
    page.get_by_label("Tên hoặc mã thủ tục").fill("tinh trang hon nhan")
    page.get_by_role("button", name="Tìm thủ tục").click()
    page.get_by_role("link", name="Cấp Giấy xác nhận tình trạng hôn nhân").click()
    page.get_by_label("Họ và tên / Tên tổ chức").fill("Vũ Thị Thu Hà")
    page.get_by_label("Số định danh cá nhân (CCCD) / Mã số doanh nghiệp").fill(GOOD_ID)
    page.get_by_label("Số điện thoại").fill("0903123456")
    page.get_by_label("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", exact=True).check()
    screenshot(page, "intake-form")
    page.get_by_role("button", name="Tiếp nhận và cấp mã hồ sơ").click()

    code = page.get_by_test_id("dossier-code").inner_text().strip()
    assert Dossier.objects.get(code=code).applicant_name == "Vũ Thị Thu Hà"
    screenshot(page, "dossier-received")
    receipt = page.request.get(f"{base}/can-bo/ho-so/{code}/bieu-mau/receipt.pdf")
    assert receipt.ok
    page.get_by_role("button", name="Chuyển xử lý").click()
    sign_out(page)

    sign_in_officer(page, base, world.specialist.username)
    page.goto(f"{base}/can-bo/ho-so/{code}/")
    page.get_by_role("button", name="Trình lãnh đạo ký").click()
    sign_out(page)

    sign_in_officer(page, base, world.leader.username)
    page.get_by_role("link", name=code).click()
    page.get_by_role("link", name="Phê duyệt, ký kết quả").click()
    page.get_by_label("Kết quả giải quyết").fill("Giấy xác nhận tình trạng hôn nhân số 15/2025")
    page.get_by_role("button", name="Xác nhận: Phê duyệt, ký kết quả").click()
    sign_out(page)

    sign_in_officer(page, base, world.reception.username)
    page.goto(f"{base}/can-bo/ho-so/{code}/")
    page.get_by_role("link", name="Trả kết quả tại quầy").click()
    page.get_by_role("button", name="Xác nhận: Trả kết quả tại quầy").click()
    assert page.get_by_text("Đã trả kết quả tại quầy").first.is_visible()
    screenshot(page, "dossier-returned")
    sign_out(page)

    links = qr_links_in_pdf(receipt.body())
    tracking = f"{base}/tra-cuu/{code}/"
    assert tracking in links  # beside it, the rating QR (feedback tests check that one)
    page.goto(tracking)
    assert page.get_by_test_id("track-code").inner_text().strip() == code
    assert page.get_by_test_id("track-status").inner_text().strip() == "Đã trả kết quả"
    assert page.get_by_test_id("track-applicant").inner_text().strip() == "Vũ T. T. H."
    assert GOOD_ID not in page.content()
    screenshot(page, "tracking")
