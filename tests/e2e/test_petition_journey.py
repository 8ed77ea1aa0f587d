"""The whole way of a report, in Chromium, as issue 16 tells it: a resident scans the QR placard
of a market on a phone (360 px) and reports with a photo; a specialist drafts the answer; the
leader publishes it; the resident opens the link of the SMS in the outbox, reads the answer and
rates it. The public answers page then shows it without the reporter. Screenshots of each page go
to docs/screenshots (``screenshot`` fixture)."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import expect

from motcua.notify.models import Message
from motcua.petitions.models import Petition, Place, Status
from tests.e2e.portal import assert_accessible, sign_in_officer
from tests.petitions.test_public_form import png
from tests.world import World

REPORTER_PHONE, REPORTER_NAME = "0912 345 678", "Đinh Thị Mận"


@pytest.fixture
def world(transactional_db, settings, live_server):
    settings.PUBLIC_BASE_URL = live_server.url
    # The browser tests' database is flushed after each test, the national categories with it.
    importlib.import_module("motcua.petitions.migrations.0002_national_defaults").add_defaults(
        apps, None
    )
    return World()


def officer_page(browser, live_server, username):
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 360, "height": 800}
    )
    page = context.new_page()
    sign_in_officer(page, live_server.url, username)
    return page


def test_qr_report_with_photo_answered_published_and_rated(
    page, browser, live_server, world, screenshot
):
    base = live_server.url
    place = Place.objects.create(
        commune=world.a,
        name="Chợ Hàng Da",
        address="Số 1 phố Hàng Da",
        latitude="21.033000",
        longitude="105.846000",
    )

    # 1. The resident, on a phone, from the placard's QR code.
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{base}/phan-anh/noi/{place.key}/")
    page.get_by_label("Vệ sinh môi trường, rác thải").check()
    page.get_by_label("Nội dung phản ánh").fill(
        "Rác tồn đọng ở cổng chợ hai ngày nay, <b>mùi</b> rất nặng."
    )
    with page.expect_file_chooser() as chooser:
        page.get_by_label("Ảnh chụp").click()
    chooser.value.set_files({"name": "rac.png", "mimeType": "image/png", "buffer": png(16, 16)})
    page.get_by_label("Họ và tên").fill(REPORTER_NAME)
    page.get_by_label("Số điện thoại").fill(REPORTER_PHONE)
    screenshot(page, "petition-journey-form")
    page.get_by_test_id("petition-submit").click()
    expect(page.get_by_test_id("petition-sent")).to_be_visible()
    petition = Petition.objects.get()
    assert petition.place == place and petition.photos.count() == 1
    assert petition.department.name == "Phòng Kinh tế, Hạ tầng và Đô thị"

    # 2. The specialist of the commune answers.
    specialist = officer_page(browser, live_server, world.specialist.username)
    specialist.goto(f"{base}/can-bo/phan-anh/{petition.pk}/")
    specialist.get_by_role("button", name="Nhận xử lý").click()
    specialist.get_by_role("link", name="Trình dự thảo trả lời").click()
    specialist.get_by_label("Nội dung trả lời").fill(
        "Ngày 8/7 tổ vệ sinh đã thu gom hết rác ở cổng chợ và tăng thêm một lượt thu mỗi ngày."
    )
    specialist.get_by_test_id("submit-step").click()
    expect(specialist.get_by_text("Đã trình lãnh đạo duyệt")).to_be_visible()

    # 3. The leader approves and publishes it.
    leader = officer_page(browser, live_server, world.leader.username)
    leader.goto(f"{base}/can-bo/phan-anh/{petition.pk}/")
    leader.get_by_role("link", name="Duyệt và công khai trả lời").click()
    leader.get_by_test_id("submit-step").click()
    expect(leader.get_by_text("Đã công khai câu trả lời")).to_be_visible()
    assert Petition.objects.get(pk=petition.pk).status == Status.PUBLISHED

    # 4. The resident follows the link of the SMS, reads the answer and rates it.
    sms = Message.objects.get(dedupe_key=f"petition:{petition.pk}:published:sms")
    assert sms.recipient == "0912345678"
    link = next(word for word in sms.body.split() if word.startswith(base))
    page.goto(link)
    expect(page.get_by_test_id("petition-answer")).to_contain_text("thu gom hết rác")
    assert_accessible(page, "petition follow page, answered")
    screenshot(page, "petition-journey-answer")
    page.get_by_label("Rất hài lòng", exact=True).check()
    page.get_by_test_id("petition-rate").click()
    expect(page.get_by_test_id("petition-rated")).to_be_visible()
    assert Petition.objects.get(pk=petition.pk).satisfaction == "very_satisfied"

    # 5. Anyone reads the answer on the commune's page: the text as text, no reporter.
    page.goto(f"{base}/phan-anh/tra-loi/{world.a.code}/{petition.pk}/")
    expect(page.get_by_test_id("petition-text")).to_contain_text("<b>mùi</b>")
    assert REPORTER_NAME not in page.content() and "0912345678" not in page.content()
    assert_accessible(page, "public answer")
    screenshot(page, "petition-journey-public-answer")
