"""The officer's consent step at the counter, clicked through in Chromium (ADR 0024): the citizen
has papers in the store, the officer sees only that, sends a code, types the code the citizen reads
out, and the papers appear for reuse. Then the citizen's own code, made on the portal."""

import re

from playwright.sync_api import expect

from motcua.docstore.models import Source
from motcua.docstore.services import OwnerProof, store_upload
from motcua.docstore.uploads import check_upload
from motcua.dossiers.models import Dossier
from motcua.residents.models import Resident
from tests.docstore.conftest import pdf_bytes, upload
from tests.e2e.portal import assert_accessible, latest_code, sign_in_cookie, sign_in_officer
from tests.world import GOOD_ID, World, vn

PHONE = "0987654321"


def citizen_with_papers() -> Resident:
    at = vn(2025, 7, 1, 9)
    for type_code, name in [
        ("GT.CN", "Giấy tờ chứng minh nhân thân"),
        ("KQ.1.001193", "Giấy khai sinh bản chính số 5/2020"),
    ]:
        store_upload(
            owner_id_number=GOOD_ID,
            checked=check_upload(upload("scan.pdf", pdf_bytes(), "application/pdf")),
            type_code=type_code,
            name=name,
            source=Source.SCANNED,
            at=at,
            proof=OwnerProof.by_identity_provider("vneid", at=at),
        )
    return Resident.objects.create(
        phone=PHONE, full_name="Lê Văn Hùng", verified_id_number=GOOD_ID, verified_by="vneid"
    )


def open_intake(page, base, world):
    sign_in_officer(page, base, world.reception.username)
    page.goto(f"{base}/can-bo/tiep-nhan/?procedure={world.procedure.code}")
    page.get_by_label("Họ và tên / Tên tổ chức").fill("Lê Văn Hùng")
    id_field = page.get_by_label("Số định danh cá nhân (CCCD) / Mã số doanh nghiệp")
    id_field.fill(GOOD_ID)
    id_field.blur()  # "change": HTMX fetches the stored-documents part


def test_the_officer_asks_consent_and_the_papers_appear(
    page, live_server, transactional_db, screenshot
):
    world = World()
    citizen_with_papers()
    base = live_server.url
    open_intake(page, base, world)

    step = page.get_by_test_id("consent-step")
    expect(step).to_be_visible()
    expect(
        step.get_by_role("heading", name="Công dân có giấy tờ trong kho dữ liệu")
    ).to_be_visible()
    assert "Giấy khai sinh bản chính" not in page.content()  # which papers: not without consent
    screenshot(page, "intake-consent-asked")

    step.get_by_role("button", name="Gửi mã cho công dân").click()
    expect(page.get_by_test_id("consent-note")).to_contain_text("*******321")
    code = latest_code(PHONE)

    code_field = page.get_by_label("Nhập mã công dân đọc cho bạn")
    code_field.fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Xác nhận mã").click()
    expect(page.get_by_text(re.compile("Mã không đúng"))).to_be_visible()
    assert "Giấy khai sinh bản chính" not in page.content()
    screenshot(page, "intake-consent-wrong-code")

    # The citizen reads the code out in two groups; the officer types it and presses Enter.
    code_field = page.get_by_label("Nhập mã công dân đọc cho bạn")
    code_field.fill(f"{code[:3]} {code[3:]}")
    code_field.press("Enter")
    expect(page.get_by_test_id("consent-granted")).to_be_visible()
    expect(page.get_by_text("Giấy khai sinh bản chính số 5/2020")).to_be_visible()
    assert not Dossier.objects.exists()  # Enter confirmed the code, it did not receive the dossier
    screenshot(page, "intake-consent-granted")
    assert_accessible(page, "intake with consent")

    page.get_by_label(re.compile("Giấy khai sinh bản chính số 5/2020")).check()
    page.get_by_label("Tôi đã đối chiếu thẻ căn cước bản chính của chủ hồ sơ").check()
    page.get_by_role("button", name="Tiếp nhận và cấp mã hồ sơ").click()
    code_shown = page.get_by_test_id("dossier-code").inner_text().strip()
    dossier = Dossier.objects.get(code=code_shown)
    assert dossier.documents.filter(reused=True).count() == 1
    assert dossier.identity_check.officer == world.reception


def test_the_citizen_shows_a_code_made_on_the_portal(
    page, context, live_server, transactional_db, screenshot
):
    world = World()
    citizen = citizen_with_papers()
    base = live_server.url
    sign_in_cookie(context, base, citizen)
    page.goto(f"{base}/giay-to-cua-toi/")
    page.get_by_role("link", name="Tạo mã cho cán bộ một cửa").click()
    page.get_by_role("button", name="Tạo mã").click()
    shown = page.get_by_test_id("share-code")
    expect(shown).to_be_visible()
    code = shown.inner_text().strip()
    assert re.fullmatch(r"\d{3} \d{3}", code)
    screenshot(page, "portal-share-code")
    assert_accessible(page, "share code")
    page.get_by_role("button", name="Đăng xuất").click()

    open_intake(page, base, world)
    page.get_by_label("Nhập mã công dân đọc cho bạn").fill(code)
    page.get_by_role("button", name="Xác nhận mã").click()
    expect(page.get_by_text("Giấy tờ chứng minh nhân thân").first).to_be_visible()
    expect(page.get_by_test_id("consent-granted")).to_be_visible()
