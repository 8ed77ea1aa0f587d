"""A resident on a 360 px phone files online and follows the dossier to the rating; an officer at
a desktop accepts it, asks for a supplement, receives it and returns the result online.

Search → read → sign in (keyboard) → submit with an upload (keyboard) → My dossiers → the
officer's inbox shows the online alert → accept → supplement request → the resident uploads a
PDF → received, forwarded → (assignment, proposal, approval through services) → returned online
→ the resident rates from the link on the dossier page (keyboard) → thanks → the link again says
"already rated". Every resident page is checked to fit 360 px without sideways scrolling.
"""

import re

import pytest
from playwright.sync_api import expect

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import Action, State
from motcua.feedback.models import Rating
from tests.e2e.portal import (
    PHONE,
    assert_fits,
    assert_focus_visible,
    sign_in_by_phone,
    sign_in_officer,
    tab_to,
    write_pdf,
)
from tests.world import GOOD_ID, World

PHONE_SCREEN = {"width": 360, "height": 800}


@pytest.fixture
def world(transactional_db):
    return World()


@pytest.fixture
def resident_page(browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE_SCREEN})
    yield context.new_page()
    context.close()


@pytest.fixture
def officer_page(browser, browser_context_args):
    context = browser.new_context(**browser_context_args)  # desktop, 1280 px
    yield context.new_page()
    context.close()


def test_resident_files_online_and_rates_the_result(
    world, resident_page, officer_page, live_server, settings, tmp_path, screenshot
):
    # The rating link printed on the resident's dossier page must point at this server.
    settings.PUBLIC_BASE_URL = live_server.url
    base = live_server.url
    page, officer = resident_page, officer_page
    tokens_pdf = write_pdf(tmp_path / "to-khai.pdf", "To khai")
    id_card_pdf = write_pdf(tmp_path / "can-cuoc.pdf", "Can cuoc")

    # ---- search and read, on the phone
    page.goto(base + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Làm thủ tục hành chính ở xã, phường")
    assert_fits(page)
    screenshot(page, "portal-home")
    page.get_by_label("Bạn cần làm thủ tục gì?").fill("tinh trang hon nhan")
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 thủ tục phù hợp")).to_be_visible()
    assert_fits(page)
    page.get_by_role("link", name="Cấp Giấy xác nhận tình trạng hôn nhân").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cấp Giấy xác nhận tình trạng hôn nhân"
    )
    expect(page.get_by_text("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân")).to_be_visible()
    page.get_by_label("Xã, phường của bạn").select_option(label="Phường Hoàn Kiếm")
    page.get_by_role("button", name="Xem trung tâm").click()
    expect(page.get_by_test_id("center")).to_contain_text(
        "Trung tâm Phục vụ hành chính công Phường Hoàn Kiếm"
    )
    assert_fits(page)
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()

    # ---- sign in with the phone number and the SMS code, keyboard only
    expect(page).to_have_url(re.compile(r"/dang-nhap-cong-dan/\?next="))
    assert_fits(page)
    screenshot(page, "portal-sign-in")

    def on_code_page(p):
        assert_fits(p)
        screenshot(p, "portal-code")

    sign_in_by_phone(page, PHONE, on_code_page=on_code_page)

    # ---- the filing form, back where the resident was going, filled with the keyboard
    expect(page).to_have_url(re.compile(rf"/nop-truc-tuyen/1\.004873/\?xa={world.a.code}$"))
    expect(page.get_by_test_id("submit-commune")).to_have_text("Phường Hoàn Kiếm, Hà Nội")
    expect(page.get_by_label("Số điện thoại nhận thông báo")).to_have_value(PHONE)
    for label, text in [
        ("Họ và tên người yêu cầu", "Vũ Thị Thu Hà"),
        ("Số định danh cá nhân", GOOD_ID),
        ("Địa chỉ thường trú", "Số 12 Hàng Bạc, Phường Hoàn Kiếm"),
    ]:
        tab_to(page, page.get_by_label(label))
        page.keyboard.type(text)
    page.locator("#id_file_0").set_input_files(tokens_pdf)
    tab_to(page, page.get_by_label("Tôi cam đoan thông tin đã khai"))
    page.keyboard.press("Space")
    expect(page.get_by_label("Tôi cam đoan thông tin đã khai")).to_be_checked()
    expect(page.get_by_label("Nhận trực tuyến")).to_be_checked()
    assert_fits(page)
    screenshot(page, "portal-submit")
    tab_to(page, page.get_by_role("button", name="Nộp hồ sơ"))
    page.keyboard.press("Enter")

    # ---- the code is shown after submission, and the dossier is in My dossiers
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã nộp hồ sơ")
    code = page.get_by_test_id("new-dossier-code").inner_text().strip()
    dossier = Dossier.objects.get(code=code)
    assert dossier.state == State.SUBMITTED_ONLINE
    assert dossier.applicant_name == "Vũ Thị Thu Hà"
    assert dossier.documents.get().stored_document.content_type == "application/pdf"
    assert_fits(page)
    screenshot(page, "portal-submitted")

    page.get_by_role("banner").get_by_role("link", name="Hồ sơ của tôi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")
    card = page.get_by_test_id("my-dossiers").get_by_role("listitem").filter(has_text=code)
    expect(card).to_contain_text("Mới đăng ký")
    assert_fits(page)
    screenshot(page, "portal-my-dossiers")

    # ---- the officer's inbox announces the online dossier; accept it, then ask for a supplement
    sign_in_officer(officer, base, world.reception.username)
    alert = officer.get_by_test_id("online-alert")
    expect(alert).to_contain_text("Hồ sơ trực tuyến mới")
    expect(alert).to_contain_text("1 hồ sơ trực tuyến chờ tiếp nhận")
    screenshot(officer, "officer-inbox-online-alert")
    officer.get_by_role("link", name=code).click()
    expect(officer.get_by_test_id("online-deadline")).to_be_visible()
    officer.get_by_role("button", name="Tiếp nhận hồ sơ trực tuyến").click()
    expect(officer.get_by_role("alert")).to_contain_text("Đã thực hiện: Tiếp nhận hồ sơ trực tuyến")
    officer.get_by_role("link", name="Yêu cầu bổ sung hồ sơ").click()
    officer.get_by_label("Giấy tờ cần bổ sung, hoàn thiện").fill(
        "Bản chụp thẻ căn cước hai mặt, rõ nét"
    )
    officer.get_by_label("Lý do").fill("Ảnh thẻ căn cước trong hồ sơ bị mờ, không đọc được số.")
    officer.get_by_role("button", name="Xác nhận: Yêu cầu bổ sung hồ sơ").click()
    expect(officer.get_by_role("alert")).to_contain_text("Đã thực hiện: Yêu cầu bổ sung hồ sơ")

    # ---- the resident sees the request in My dossiers and answers it with a PDF
    page.reload()
    card = page.get_by_test_id("my-dossiers").get_by_role("listitem").filter(has_text=code)
    expect(card).to_contain_text("Cần bổ sung giấy tờ")
    card.get_by_role("link").click()
    expect(page.get_by_test_id("my-dossier-code")).to_have_text(code)
    expect(page.get_by_test_id("my-dossier-status")).to_have_text("Yêu cầu bổ sung giấy tờ")
    supplement = page.get_by_role("region", name="Cần bổ sung")
    expect(supplement).to_contain_text("Bản chụp thẻ căn cước hai mặt, rõ nét")
    expect(supplement).to_contain_text("Ảnh thẻ căn cước trong hồ sơ bị mờ")
    page.locator("#id_file_1").set_input_files(id_card_pdf)
    page.get_by_label("Nội dung bổ sung").fill("Gửi lại ảnh chụp thẻ căn cước rõ nét.")
    assert_fits(page)
    screenshot(page, "portal-my-dossier-supplement")
    page.get_by_role("button", name="Gửi bổ sung").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã gửi giấy tờ bổ sung")
    checking = page.get_by_text("Đã gửi giấy tờ bổ sung. Bộ phận một cửa đang kiểm tra.")
    expect(checking).to_be_visible()
    assert_fits(page)

    # ---- the officer receives the supplement and forwards the dossier
    officer.reload()
    expect(officer.get_by_role("main")).to_contain_text("Đã bổ sung trực tuyến, chờ kiểm tra")
    expect(officer.get_by_role("link", name="Giấy tờ bổ sung")).to_be_visible()
    officer.get_by_role("button", name="Nhận hồ sơ bổ sung").click()
    expect(officer.get_by_role("alert")).to_contain_text("Đã thực hiện: Nhận hồ sơ bổ sung")
    officer.get_by_role("button", name="Chuyển xử lý").click()
    expect(officer.get_by_role("alert")).to_contain_text("Đã thực hiện: Chuyển xử lý")

    # Inside the office (not the point here): assignment, proposal and signature.
    dossier = Dossier.objects.get(code=code)
    services.perform(dossier, Action.ASSIGN, actor=world.leader, assignee=world.specialist)
    services.perform(dossier, Action.PROPOSE, actor=world.specialist)
    services.perform(
        dossier,
        Action.APPROVE,
        actor=world.leader,
        result_summary="Giấy xác nhận tình trạng hôn nhân số 27/2026",
    )

    # ---- the one-stop officer returns the result online
    officer.reload()
    officer.get_by_role("button", name="Trả kết quả trực tuyến").click()
    expect(officer.get_by_role("alert")).to_contain_text("Đã thực hiện: Trả kết quả trực tuyến")

    # ---- the resident sees the result and follows the rating link
    page.reload()
    expect(page.get_by_test_id("my-dossier-status")).to_have_text("Đã trả kết quả")
    expect(page.get_by_role("main")).to_contain_text("Giấy xác nhận tình trạng hôn nhân số 27/2026")
    assert_fits(page)
    page.get_by_test_id("rate-link").click()
    rating_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ông/bà hài lòng thế nào với việc giải quyết hồ sơ?"
    )
    expect(page.get_by_test_id("rating-code")).to_have_text(code)
    assert_fits(page)
    screenshot(page, "portal-rating")

    # Every criterion answered with the keyboard: a radio group is one Tab stop; Space picks the
    # first level, an arrow key moves to (and picks) the next.
    groups = page.locator("fieldset.mc-fieldset")
    assert groups.count() == 9  # Art. 33 a–i, with "online service" since this was filed online
    tab_to(page, groups.first.get_by_role("radio").first)
    for i in range(groups.count()):
        if i % 3 == 1:
            page.keyboard.press("ArrowRight")  # "Hài lòng"
        else:
            page.keyboard.press("Space")  # "Rất hài lòng"
        assert_focus_visible(page)
        page.keyboard.press("Tab")
    expect(page.get_by_label("Ý kiến khác")).to_be_focused()
    page.keyboard.type("Cán bộ hướng dẫn rõ ràng.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Gửi đánh giá")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("rating-thanks")).to_contain_text("Cảm ơn ông/bà đã đánh giá")
    assert_fits(page)
    screenshot(page, "portal-rating-thanks")
    rating = Rating.objects.get(dossier__code=code)
    answers = dict(rating.answers.values_list("criterion", "level"))
    assert answers == {
        "a": "very_satisfied",
        "b": "satisfied",
        "c": "very_satisfied",
        "d": "very_satisfied",
        "đ": "satisfied",
        "e": "very_satisfied",
        "g": "very_satisfied",
        "h": "satisfied",
        "i": "very_satisfied",
    }

    # ---- the same link again: already rated, nothing to fill in
    page.goto(rating_url)
    expect(page.get_by_test_id("rating-problem")).to_have_text("Hồ sơ này đã được đánh giá")
    expect(page.get_by_role("button", name="Gửi đánh giá")).to_have_count(0)
    assert_fits(page)
