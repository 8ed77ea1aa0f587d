"""The kiosk at the door and the waiting-room TV, in Chromium against the live server.

A visitor takes a number on the kiosk's touch screen and gets a slip that prints on one 80 mm
page with a QR code to the number's live page. The TV page, left open, shows a call made at a
counter (through ``services.call_next`` in this thread, on the live server's database) within
2 seconds without a reload, and reads it out once voice is switched on. The browser's speech
engine is replaced by a recorder (headless Chromium has no voices); our own code runs as is.
"""

import io

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import expect

from motcua.queueing import links, services
from motcua.queueing.models import Ticket
from motcua.queueing.workflow import Action
from tests.e2e.conftest import SCREENSHOT_DIR
from tests.e2e.portal import assert_accessible

RECORD_SPEECH = """
window.__spoken = [];
window.SpeechSynthesisUtterance = window.SpeechSynthesisUtterance || function (text) {
  this.text = text;
};
Object.defineProperty(window, "speechSynthesis", {
  configurable: true,
  value: {
    speak: function (u) { window.__spoken.push({text: u.text, lang: u.lang}); },
    cancel: function () {},
    getVoices: function () { return []; },
  },
});
"""


@pytest.fixture
def q(open_queue):
    return open_queue


def test_kiosk_issues_a_number_and_prints_a_slip(page, live_server, q, screenshot):
    kiosk = live_server.url + links.kiosk_path(services.settings_for(q.center))
    page.goto(kiosk)
    expect(page.get_by_role("heading", level=1)).to_have_text("Lấy số thứ tự")
    expect(page.get_by_label("Không", exact=True)).to_be_checked()
    screenshot(page, "queue-kiosk")
    assert_accessible(page, "kiosk")

    # Every target a finger needs is at least 56 px tall.
    for target in [
        page.get_by_text("Hộ tịch", exact=True),
        page.get_by_text(q.elderly.name_vi, exact=True),
        page.get_by_role("button", name="Lấy số"),
        page.get_by_role("link", name="Tôi đã đặt số qua mạng"),
        page.get_by_label("Số điện thoại để nhận tin nhắn khi sắp đến lượt"),
    ]:
        assert target.bounding_box()["height"] >= 56, target

    page.get_by_label("Số điện thoại để nhận tin nhắn khi sắp đến lượt").fill("12ab")
    page.get_by_role("button", name="Lấy số").click()
    expect(page.get_by_role("alert")).to_contain_text("Chọn lĩnh vực cần làm thủ tục.")
    screenshot(page, "queue-kiosk-errors")
    assert_accessible(page, "kiosk-errors")
    assert not Ticket.objects.exists()

    page.get_by_text("Hộ tịch", exact=True).click()
    page.get_by_text(q.elderly.name_vi, exact=True).click()
    page.get_by_label("Số điện thoại để nhận tin nhắn khi sắp đến lượt").fill("0912 000 111")
    page.get_by_role("button", name="Lấy số").click()
    expect(page.get_by_test_id("slip-number")).to_have_text("0001")
    expect(page.get_by_test_id("slip-priority")).to_contain_text("Cán bộ sẽ xác nhận tại quầy.")
    ticket = Ticket.objects.get()
    assert ticket.priority_group == q.elderly and ticket.phone == "0912000111"
    slip = page.url
    screenshot(page, "queue-kiosk-slip")
    assert_accessible(page, "kiosk-slip")

    # The slip alone prints, on one page 80 mm wide, and its QR leads to the number's live page.
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    assert len(document) == 1
    width_mm = document[0].get_width() / 72 * 25.4
    assert 79 <= width_mm <= 81, width_mm
    image = document[0].render(scale=4).to_pil()
    (SCREENSHOT_DIR / "queue-kiosk-slip-print.png").parent.mkdir(parents=True, exist_ok=True)
    document[0].render(scale=2).to_pil().save(SCREENSHOT_DIR / "queue-kiosk-slip-print.png")
    [scanned] = [r.text for r in zxingcpp.read_barcodes(image)]
    assert scanned.startswith(f"{live_server.url}/so-thu-tu/")
    assert links.open_ticket(scanned.rstrip("/").rsplit("/", 1)[-1]) == ticket

    page.get_by_role("link", name="Xong").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lấy số thứ tự")
    page.get_by_role("link", name="Tôi đã đặt số qua mạng").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập mã xác nhận")
    page.get_by_role("button", name="Xác nhận đã đến").click()
    expect(page.get_by_role("alert")).to_contain_text("Nhập mã xác nhận gồm 6 chữ số.")
    screenshot(page, "queue-kiosk-check-in")
    assert_accessible(page, "kiosk-check-in")

    # Left alone, the slip goes back to the kiosk's start after 30 seconds; a touch buys time.
    page.clock.install()
    page.goto(slip)
    page.clock.run_for(20_000)
    page.mouse.click(5, 300)
    page.clock.run_for(20_000)
    expect(page.get_by_test_id("slip-number")).to_have_text("0001")
    page.clock.run_for(11_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Lấy số thứ tự")


def test_the_display_shows_a_call_within_two_seconds_and_reads_it_out(
    page, live_server, q, screenshot
):
    first = services.issue_ticket(q.center, q.civil)
    services.issue_ticket(q.center, q.land)
    page.add_init_script(RECORD_SPEECH)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/man-hinh/{q.center.pk}/")
    expect(page.get_by_test_id("counter-1-ticket")).to_have_text("—")
    expect(page.get_by_test_id("waiting")).to_have_text("2")
    screenshot(page, "queue-display-start")
    page.get_by_role("button", name="Bật đọc số").click()
    expect(page.get_by_role("button", name="Tắt đọc số")).to_be_visible()

    services.call_next(q.counter1, q.reception)
    expect(page.get_by_test_id("counter-1-ticket")).to_have_text(first.display_number, timeout=2000)
    expect(page.get_by_test_id("counter-1")).to_have_class("mc-tv__counter is-called is-new")
    expect(page.get_by_test_id("waiting")).to_have_text("1")
    expect(page.get_by_test_id("recent-calls")).to_contain_text(first.display_number)
    spoken = page.evaluate("window.__spoken")
    assert spoken[-1] == {"text": "Mời số 0 0 0 1 đến quầy số 1", "lang": "vi-VN"}, spoken
    page.screenshot(path=str(SCREENSHOT_DIR / "queue-display-call-1920.png"), animations="disabled")

    services.counter_action(q.counter1, Action.RECALL, q.reception)
    expect(page.get_by_test_id("counter-1")).to_have_class("mc-tv__counter is-called is-new")
    # A function, not a string: Playwright would eval a string, and the page's policy forbids eval.
    page.wait_for_function("() => window.__spoken.length === 3", timeout=2000)
    assert page.evaluate("window.__spoken")[-1]["text"] == "Xin mời lại số 0 0 0 1 đến quầy số 1"

    services.counter_action(q.counter1, Action.START, q.reception)
    expect(page.get_by_test_id("counter-1")).to_contain_text("Đang phục vụ", timeout=2000)
    assert len(page.evaluate("window.__spoken")) == 3  # starting the service is not a call

    screenshot(page, "queue-display")
    assert_accessible(page, "display")

    # The choice of voice outlives a reload of the TV.
    page.reload()
    expect(page.get_by_role("button", name="Tắt đọc số")).to_be_visible()
    expect(page.get_by_role("button", name="Bật đọc số")).to_be_hidden()
