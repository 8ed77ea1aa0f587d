"""Issue 15 end to end in Chromium, on a procedure as the national portal publishes it: a resident
finds it by the words people type and reads the portal's record (papers by case, the fee per
channel); the one-stop receives it with a scan of a paper and prints the receipt; later finds the
dossier again by the applicant's name typed without accents; the leader approves and the system
issues the result file; the one-stop takes the fee and hands the result back."""

import io
import json

import pypdf
from django.core.management import call_command

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import perform
from tests.catalog.test_portal_import import portal_record
from tests.docstore.conftest import pdf_bytes
from tests.e2e.portal import sign_in_officer
from tests.world import World

HOUSEHOLD_SPLIT = "1.010038"  # Tách hộ: 10.000 đồng at the counter, 5.000 đồng online


def import_portal_record(tmp_path, code):
    path = tmp_path / f"{code}.json"
    path.write_text(json.dumps(portal_record(code), ensure_ascii=False), encoding="utf-8")
    call_command("import_procedures", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    return Procedure.objects.get(code=code)


def sign_out(page):
    page.get_by_role("button", name="Đăng xuất").click()


def test_from_the_portal_record_to_the_counter_and_back(
    page, live_server, transactional_db, screenshot, tmp_path
):
    world = World()
    procedure = import_portal_record(tmp_path, HOUSEHOLD_SPLIT)
    base = live_server.url

    # The resident: search as people type, then the portal's record on the procedure page.
    page.goto(f"{base}/thu-tuc/?q=tach ho")
    page.get_by_role("link", name=procedure.name_vi).click()
    channels = page.get_by_test_id("channels")
    assert "10.000" in channels.inner_text() and "5.000" in channels.inner_text()
    groups = page.get_by_test_id("document-group")
    assert groups.count() >= 1
    first_paper = procedure.documents[0]
    assert first_paper[:40] in page.get_by_test_id("document-group").first.inner_text()
    screenshot(page, "procedure-portal-record")

    # The counter: intake with the fee shown, a scan under the first paper, the receipt.
    sign_in_officer(page, base, world.reception.username)
    page.goto(f"{base}/can-bo/tiep-nhan/?procedure={procedure.code}")
    fee = page.get_by_test_id("fee-due").inner_text()
    assert "10.000" in fee and "Lệ phí" in fee and "FEE" not in fee
    first_case = next(g["case"] for g in procedure.document_groups if g["case"])
    assert page.get_by_test_id("paper-case").first.inner_text() == first_case
    assert "Bản chính: 1" in page.get_by_test_id("paper-counts").first.inner_text()
    screenshot(page, "intake-portal-checklist")
    page.get_by_label("Họ và tên / Tên tổ chức").fill("Đỗ Thị Thanh Hương")
    page.get_by_label("Số định danh cá nhân (CCCD) / Mã số doanh nghiệp").fill("001185012345")
    page.get_by_label("Số điện thoại di động").fill("0903 123 456")
    page.get_by_label(first_paper, exact=True).check()
    page.get_by_label(f"Bản quét (nếu có): {first_paper}").set_input_files(
        files=[{"name": "don.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.get_by_role("button", name="Tiếp nhận và cấp mã hồ sơ").click()
    code = page.get_by_test_id("dossier-code").inner_text().strip()
    dossier = Dossier.objects.get(code=code)
    paper = dossier.documents.get(position=1)
    assert paper.digitized and paper.stored_document is not None
    receipt_url = page.get_by_test_id("print-receipt").get_attribute("href")
    receipt = page.request.get(base + receipt_url)
    assert receipt.ok
    assert len(pypdf.PdfReader(io.BytesIO(receipt.body())).pages) == 1
    page.get_by_role("button", name="Chuyển xử lý").click()

    # Later: found again from the inbox by the name typed without accents.
    page.goto(f"{base}/can-bo/")
    page.get_by_label("Tìm hồ sơ").fill("do thi thanh huong")
    page.get_by_role("button", name="Tìm", exact=True).click()
    assert page.get_by_test_id("inbox-count").inner_text().strip() == "Tìm thấy 1 hồ sơ"
    page.get_by_role("link", name=code).click()
    sign_out(page)

    perform(dossier, "propose", actor=world.specialist)
    sign_in_officer(page, base, world.leader.username)
    page.goto(f"{base}/can-bo/ho-so/{code}/thao-tac/approve/")
    page.get_by_label("Kết quả giải quyết").fill("Xác nhận tách hộ")
    page.get_by_role("button", name="Xác nhận: Phê duyệt, ký kết quả").click()
    assert page.get_by_test_id("result-file").is_visible()
    sign_out(page)

    sign_in_officer(page, base, world.reception.username)
    page.goto(f"{base}/can-bo/ho-so/{code}/")
    result = page.request.get(f"{base}/can-bo/ho-so/{code}/ket-qua.pdf")
    assert result.ok and result.body().startswith(b"%PDF")
    page.get_by_test_id("record-payment").click()
    assert page.get_by_label("Số tiền (đồng)").input_value() == "10.000"
    page.get_by_role("button", name="Ghi nhận khoản thu").click()
    page.get_by_role("link", name="Trả kết quả tại quầy").click()
    page.get_by_role("button", name="Xác nhận: Trả kết quả tại quầy").click()
    assert page.get_by_text("Đã trả kết quả tại quầy").first.is_visible()
    screenshot(page, "portal-procedure-returned")
    dossier.refresh_from_db()
    assert dossier.state == "returned_at_counter"
    assert dossier.payments.get().amount_vnd == 10000
