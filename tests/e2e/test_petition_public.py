"""A resident reports from a place's QR placard on a phone (360 px): the form with a photo from
the file chooser, the confirmation, the private follow page; axe finds no serious or critical
violation on the form, the follow page and the answers page. Screenshots of every residents'
report page at 360 and 1280 px go to ``$MOTCUA_SHOTS`` (default /tmp/shots-public)."""

import importlib
import os
from pathlib import Path

import pytest
from django.apps import apps
from playwright.sync_api import expect

from motcua.petitions import services
from motcua.petitions.models import Petition, Place
from motcua.queueing import links
from motcua.queueing import services as queue_services
from tests.e2e.portal import assert_accessible
from tests.petitions.support import report
from tests.petitions.test_public_form import png
from tests.world import World, vn

SHOTS = Path(os.environ.get("MOTCUA_SHOTS", "/tmp/shots-public"))
SETTLE = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size or {"width": 360, "height": 800}
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.evaluate(SETTLE)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(original)


@pytest.fixture
def world(transactional_db, settings, live_server):
    settings.PUBLIC_BASE_URL = live_server.url
    # A transactional test empties the tables after each test, the migration's national
    # categories too: put them back the way the migration does.
    importlib.import_module("motcua.petitions.migrations.0002_national_defaults").add_defaults(
        apps, None
    )
    return World()


def publish(world, petition, answer):
    petition = services.accept(petition, world.specialist, at=vn(2025, 7, 7, 10))
    petition = services.draft_answer(petition, world.specialist, answer, at=vn(2025, 7, 8, 9))
    return services.publish(petition, world.leader, at=vn(2025, 7, 8, 10))


def test_a_report_from_a_places_qr_code_with_a_photo(page, live_server, world):
    place = Place.objects.create(
        commune=world.a,
        name="Chợ Hàng Da",
        address="Số 1 phố Hàng Da",
        latitude="21.033000",
        longitude="105.846000",
    )
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/phan-anh/noi/{place.key}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chợ Hàng Da")
    expect(page.get_by_test_id("petition-place")).to_contain_text("Số 1 phố Hàng Da")
    assert_accessible(page, "petition form (QR)")
    page.set_viewport_size({"width": 360, "height": 800})
    shoot(page, "petition-place")

    # Sent empty: every mistake at once, next to its field.
    page.get_by_test_id("petition-submit").click()
    expect(page.get_by_role("alert")).to_contain_text("Hãy chọn lĩnh vực phản ánh.")
    expect(page.get_by_role("alert")).to_contain_text("Hãy viết nội dung phản ánh")
    expect(page.get_by_role("alert")).to_contain_text("Hãy để lại số điện thoại")
    shoot(page, "petition-place-errors")

    page.get_by_label("Vệ sinh môi trường, rác thải").check()
    page.get_by_label("Nội dung phản ánh").fill("Rác tồn đọng ở cổng chợ hai ngày nay.")
    with page.expect_file_chooser() as chooser:
        page.get_by_label("Ảnh chụp").click()
    chooser.value.set_files({"name": "rac.png", "mimeType": "image/png", "buffer": png(8, 8)})
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_test_id("petition-submit").click()

    expect(page.get_by_test_id("petition-sent")).to_be_visible()
    petition = Petition.objects.get()
    expect(page.get_by_test_id("petition-reference")).to_have_text(petition.reference)
    assert petition.photos.count() == 1 and petition.place == place
    shoot(page, "petition-sent")

    page.get_by_test_id("petition-follow-link").click()
    expect(page.get_by_test_id("petition-status")).to_contain_text("Đã tiếp nhận")
    assert_accessible(page, "petition follow page")
    shoot(page, "petition-follow")


def test_every_residents_report_page_is_accessible_and_pictured(page, live_server, world):
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 800})
    # The portal: the commune first, then the form.
    page.goto(f"{base}/phan-anh/gui/")
    shoot(page, "petition-pick-commune")
    page.get_by_label("Xã, phường", exact=True).select_option(world.a.code)
    page.get_by_test_id("pick-commune").click()
    expect(page.get_by_test_id("petition-form")).to_be_visible()
    assert_accessible(page, "petition form (portal)")
    shoot(page, "petition-form")

    # A report waiting for the reporter, and one answered, rated by nobody yet.
    waiting = report(world, description="Đèn ngõ 5 không sáng.")
    services.request_info(waiting, world.specialist, "Cột đèn số mấy?", at=vn(2025, 7, 7, 10))
    page.goto(f"{base}/phan-anh/theo-doi/{waiting.secret}/")
    expect(page.get_by_test_id("petition-question")).to_contain_text("Cột đèn số mấy?")
    assert_accessible(page, "petition follow (needs info)")
    shoot(page, "petition-follow-needs-info")

    answered = publish(
        world,
        report(world, code="moi-truong", description="Rác ở ngõ 7, gọi 0903111222."),
        "Đã thu gom rác ngày 8/7 và nhắc hộ dân đổ rác đúng giờ.",
    )
    page.goto(f"{base}/phan-anh/theo-doi/{answered.secret}/")
    expect(page.get_by_test_id("petition-answer")).to_be_visible()
    shoot(page, "petition-follow-answered")
    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_test_id("petition-rate").click()
    expect(page.get_by_test_id("petition-rated")).to_be_visible()

    page.goto(f"{base}/phan-anh/tra-loi/")
    assert_accessible(page, "petition answers (pick)")
    shoot(page, "petition-answers-pick")
    page.goto(f"{base}/phan-anh/tra-loi/{world.a.code}/")
    expect(page.get_by_test_id("petition-answers")).to_contain_text("Đã thu gom rác")
    expect(page.get_by_test_id("petition-answers")).not_to_contain_text("0903111222")
    assert_accessible(page, "petition answers")
    shoot(page, "petition-answers")
    page.get_by_role("link", name="Rác ở ngõ 7").click()
    expect(page.get_by_test_id("petition-answer")).to_be_visible()
    assert_accessible(page, "petition answer")
    shoot(page, "petition-answer")


def test_the_kiosk_form_and_its_confirmation(page, live_server, world):
    settings = queue_services.settings_for(world.a.centers.get())
    token = links.kiosk_token(settings)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/phan-anh/kiosk/{token}/")
    assert_accessible(page, "petition kiosk")
    shoot(page, "petition-kiosk")
    page.get_by_text("Tiếp nhận, phục vụ tại quầy").click()
    page.get_by_label("Nội dung phản ánh").fill("Chờ ở quầy 2 hơn một giờ.")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_test_id("petition-submit").click()
    expect(page.get_by_test_id("petition-sent")).to_be_visible()
    shoot(page, "petition-kiosk-sent")
    page.get_by_test_id("kiosk-done").click()
    expect(page).to_have_url(f"{live_server.url}/kiosk/{token}/")
