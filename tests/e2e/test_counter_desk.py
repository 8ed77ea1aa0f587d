"""The counter desk in Chromium (issue 15): finding a dossier from the inbox, and the intake form
refusing a phone that cannot get an SMS, a file that is not a scan, and warning of a second filing
of the same procedure within a day. Screenshots at phone and desktop width."""

from django.utils import timezone

from motcua.dossiers import services
from tests.e2e.portal import sign_in_officer
from tests.world import GOOD_ID, World

NAMES = ["Nguyễn Văn An", "Nguyễn Thị Bích", "Trần Văn Cường", "Nguyễn Hoài Nam", "Lê Thị Hoà"]


def test_find_a_dossier_and_an_intake_form_with_errors(
    page, live_server, transactional_db, screenshot
):
    world = World()
    now = timezone.now()
    for i, name in enumerate(NAMES):
        world.receive(
            applicant=services.Applicant(
                name=name, id_number=f"00108501234{i}", phone=f"091200011{i}"
            ),
            at=now - timezone.timedelta(hours=30 + i),
        )
    # Filed two hours ago: the intake below is a second filing of the same procedure.
    earlier = world.receive(at=now - timezone.timedelta(hours=2))
    base = live_server.url

    sign_in_officer(page, base, world.reception.username)
    page.goto(f"{base}/can-bo/")
    page.get_by_label("Tìm hồ sơ").fill("nguyen")
    page.get_by_role("button", name="Tìm", exact=True).click()
    assert page.get_by_test_id("inbox-count").inner_text().strip() == "Tìm thấy 3 hồ sơ"
    assert page.get_by_test_id("applicant").first.is_visible()
    screenshot(page, "inbox-search")

    page.goto(f"{base}/can-bo/tiep-nhan/?procedure={world.procedure.code}")
    page.get_by_label("Họ và tên / Tên tổ chức").fill("Trần Thị Bích Ngọc")
    page.get_by_label("Số định danh cá nhân (CCCD) / Mã số doanh nghiệp").fill(GOOD_ID)
    page.get_by_label("Số điện thoại di động").fill("abc xyz")
    paper = "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân"
    page.get_by_label(paper, exact=True).check()
    page.get_by_label(f"Bản quét (nếu có): {paper}").set_input_files(
        files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": b"<html>hi"}]
    )
    page.get_by_role("button", name="Tiếp nhận và cấp mã hồ sơ").click()
    summary = page.locator(".mc-error-summary")
    assert summary.is_visible()
    text = summary.inner_text()
    assert "Số điện thoại di động:" in text and earlier.code in text and "trang web" in text
    screenshot(page, "intake-form-errors")
