"""The counter desk's second half in Chromium: the leader approves with a signed result file, the
one-stop records the fee and hands the result to an authorised person, and the resident's result
downloads. Screenshots of the three pages at phone and desktop width."""

from motcua.docstore.models import Source, StoredDocument
from motcua.dossiers.models import Payment
from motcua.dossiers.services import perform
from tests.docstore.conftest import pdf_bytes
from tests.e2e.portal import sign_in_officer
from tests.world import World, vn


def sign_out(page):
    page.get_by_role("button", name="Đăng xuất").click()


def test_approve_with_result_collect_fee_and_return_to_a_proxy(
    page, live_server, transactional_db, screenshot, tmp_path
):
    world = World()
    world.procedure.fee_vnd = 8000
    world.procedure.save()
    base = live_server.url
    d = world.receive(at=vn(2025, 7, 7, 9))
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    perform(d, "propose", actor=world.specialist, at=vn(2025, 7, 7, 11))

    signed = tmp_path / "giay-xac-nhan-ky-so.pdf"
    signed.write_bytes(pdf_bytes())
    sign_in_officer(page, base, world.leader.username)
    page.goto(f"{base}/can-bo/ho-so/{d.code}/thao-tac/approve/")
    page.get_by_label("Kết quả giải quyết").fill("Giấy xác nhận tình trạng hôn nhân số 15/2025")
    page.get_by_label("Tệp kết quả đã ký số (PDF)").set_input_files(str(signed))
    screenshot(page, "approve-with-result")
    page.get_by_role("button", name="Xác nhận: Phê duyệt, ký kết quả").click()
    assert page.get_by_test_id("result-file").is_visible()
    stored = StoredDocument.objects.get(source=Source.ISSUED, origin_dossier_code=d.code)
    assert stored.file.read() == signed.read_bytes()
    sign_out(page)

    sign_in_officer(page, base, world.reception.username)
    page.goto(f"{base}/can-bo/ho-so/{d.code}/")
    page.get_by_test_id("record-payment").click()
    assert page.get_by_label("Số tiền (đồng)").input_value() == "8.000"
    screenshot(page, "payment")
    page.get_by_role("button", name="Ghi nhận khoản thu").click()
    assert Payment.objects.get(dossier=d).amount_vnd == 8000
    receipt = page.request.get(f"{base}/can-bo/ho-so/{d.code}/bien-lai/1.pdf")
    assert receipt.ok and receipt.body().startswith(b"%PDF")

    page.get_by_role("link", name="Trả kết quả tại quầy").click()
    page.get_by_label("Người được ủy quyền nhận thay").check()
    page.get_by_label("Họ tên người nhận thay").fill("Lê Văn Hùng")
    page.get_by_label("Số định danh cá nhân của người nhận thay").fill("001 090 123 456")
    screenshot(page, "return-to-proxy")
    page.get_by_role("button", name="Xác nhận: Trả kết quả tại quầy").click()
    assert "Lê Văn Hùng" in page.get_by_test_id("collector").inner_text()
    screenshot(page, "dossier-returned-with-fee")
    result = page.request.get(f"{base}/can-bo/ho-so/{d.code}/ket-qua.pdf")
    assert result.ok and result.body() == signed.read_bytes()
