"""Residents' reports on the officers' side, in Chromium: a specialist drafts the answer, the
leader publishes it and the reporter's SMS is in the outbox; a hotline operator types in a call,
it is answered and published, and the operator's screen shows the answer and the SMS. The
inbox, a report, the hotline screen, the departments and the places are checked with axe-core
at phone and desktop width, and every page is photographed at 360 and 1280 px into
/tmp/shots-staff/."""

import importlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from motcua.accounts.models import Role
from motcua.notify.models import Message
from motcua.petitions import services
from motcua.petitions.models import Petition, Place, Status
from tests.e2e.portal import assert_accessible, sign_in_officer
from tests.petitions.support import make_hotline_operator, report
from tests.world import World

SHOTS = Path("/tmp/shots-staff")


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size or {"width": 1280, "height": 800}
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(original)


@pytest.fixture
def world(transactional_db, settings, live_server):
    """The World, with the national categories and escalation rules put back: a browser test's
    database is flushed after each test, taking the migration's rows with it."""
    from django.apps import apps

    settings.PUBLIC_BASE_URL = live_server.url
    defaults = importlib.import_module("motcua.petitions.migrations.0002_national_defaults")
    defaults.add_defaults(apps, None)
    return World()


def as_officer(browser, live_server, username):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    sign_in_officer(page, live_server.url, username)
    return page


def test_specialist_drafts_leader_publishes_reporter_gets_the_sms(browser, live_server, world):
    from django.utils import timezone

    petition = report(world, at=timezone.now(), description="Đèn đường trước số 12 không sáng.")
    report(world, at=timezone.now(), code="moi-truong", description="Rác đổ trộm ở ngõ 3.")
    base = live_server.url

    page = as_officer(browser, live_server, world.specialist.username)
    page.get_by_role("link", name="Phản ánh, kiến nghị").first.click()
    expect(page.get_by_role("heading", name="Phản ánh, kiến nghị")).to_be_visible()
    expect(page.get_by_test_id("inbox-row")).to_have_count(2)
    assert_accessible(page, "petition inbox")
    shoot(page, "petition-inbox")

    page.get_by_role("link", name=petition.reference).click()
    expect(page.get_by_test_id("reference")).to_have_text(petition.reference)
    assert_accessible(page, "petition detail")
    shoot(page, "petition-detail")
    page.get_by_role("button", name="Nhận xử lý").click()
    expect(page.get_by_text("Bạn đã nhận xử lý phản ánh")).to_be_visible()

    page.get_by_role("link", name="Trình dự thảo trả lời").click()
    page.get_by_label("Nội dung trả lời").fill("Ngày 8/7 đã thay bóng đèn trước số 12.")
    shoot(page, "petition-step")
    page.get_by_test_id("submit-step").click()
    expect(page.get_by_text("Đã trình lãnh đạo duyệt")).to_be_visible()
    assert Petition.objects.get(pk=petition.pk).status == Status.AWAITING_APPROVAL

    leader = as_officer(browser, live_server, world.leader.username)
    leader.goto(f"{base}/can-bo/phan-anh/{petition.pk}/")
    leader.get_by_role("link", name="Duyệt và công khai trả lời").click()
    expect(leader.get_by_label("Nội dung trả lời")).to_have_value(
        "Ngày 8/7 đã thay bóng đèn trước số 12."
    )
    leader.get_by_test_id("submit-step").click()
    expect(leader.get_by_text("Đã công khai câu trả lời")).to_be_visible()
    expect(leader.get_by_test_id("published-sms")).to_be_visible()
    shoot(leader, "petition-published")

    sms = Message.objects.get(dedupe_key=f"petition:{petition.pk}:published:sms")
    assert sms.recipient == "0912345678" and "thay bóng đèn" in sms.body


def test_a_hotline_call_is_answered_and_read_back(browser, live_server, world):
    operator = make_hotline_operator(world.hanoi)
    page = as_officer(browser, live_server, operator.username)
    page.get_by_role("link", name="Tổng đài").click()
    expect(page.get_by_role("heading", name="Nhập cuộc gọi đường dây nóng")).to_be_visible()
    assert_accessible(page, "hotline screen")
    shoot(page, "petition-hotline")

    page.get_by_test_id("submit-call").click()  # nothing typed: the errors, nothing stored
    expect(page.locator(".mc-error-summary")).to_be_visible()
    assert not Petition.objects.exists()
    shoot(page, "petition-hotline-errors")

    page.get_by_label("Số điện thoại người gọi").fill("0987 654 321")
    page.get_by_label("Họ tên người gọi").fill("Nguyễn Thị Hoa")
    page.locator("select#id_commune").select_option(world.a.code)
    page.get_by_label("Lĩnh vực").select_option("chieu-sang")
    page.get_by_label("Nội dung người gọi phản ánh").fill("Cột đèn ngõ 5 Hàng Bè bị nghiêng.")
    page.get_by_test_id("submit-call").click()
    expect(page.get_by_text("Đã nhập cuộc gọi thành phản ánh")).to_be_visible()
    petition = Petition.objects.get()
    assert petition.channel == "hotline" and petition.entered_by == operator

    services.accept(petition, world.officers_a[Role.SPECIALIST])
    services.draft_answer(petition, world.specialist, "Đã chằng lại cột đèn ngày 9/7.")
    services.publish(petition, world.leader)

    page.get_by_label("Tìm cuộc gọi theo mã phản ánh hoặc số điện thoại").fill("0987654321")
    page.get_by_role("button", name="Tìm").click()
    expect(page.get_by_test_id("call-answer")).to_contain_text("Đã chằng lại cột đèn ngày 9/7.")
    expect(page.get_by_test_id("call-sms")).to_contain_text("Chờ gửi")
    shoot(page, "petition-hotline-answer")
    page.get_by_role("link", name=petition.reference).click()
    expect(page.get_by_test_id("published-sms")).to_be_visible()
    expect(page.get_by_test_id("reporter-phone")).to_have_text("0987654321")


def test_the_commune_admins_departments_and_places(browser, live_server, world):
    report(world)  # makes the commune's default departments
    page = as_officer(browser, live_server, world.officers_a[Role.COMMUNE_ADMIN].username)
    page.goto(f"{live_server.url}/can-bo/phan-anh/phong-ban/")
    expect(page.get_by_test_id("departments")).to_be_visible()
    assert_accessible(page, "departments")
    shoot(page, "petition-departments")
    page.get_by_role("link", name="Sửa Văn phòng HĐND và UBND").click()
    shoot(page, "petition-department")

    page.goto(f"{live_server.url}/can-bo/phan-anh/dia-diem/")
    page.get_by_label("Tên địa điểm").fill("Chợ Hàng Bè")
    page.get_by_label("Vĩ độ").fill("91")
    page.get_by_label("Kinh độ").fill("105.85")
    page.get_by_role("button", name="Thêm địa điểm").click()
    expect(page.locator(".mc-error-summary")).to_contain_text("Tọa độ '91' không hợp lệ")
    page.get_by_label("Vĩ độ").fill("21.0337")
    page.get_by_role("button", name="Thêm địa điểm").click()
    expect(page.get_by_test_id("places")).to_contain_text("Chợ Hàng Bè")
    assert_accessible(page, "places")
    shoot(page, "petition-places")
    place = Place.objects.get()
    page.get_by_role("link", name="In biển QR Chợ Hàng Bè").click()
    expect(page.get_by_test_id("placard-qr").locator("svg")).to_be_visible()
    expect(page.get_by_text(place.key, exact=False)).to_be_visible()
    shoot(page, "petition-placard")
