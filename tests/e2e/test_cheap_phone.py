"""The resident's path on a cheap phone (issue 15), in Chromium against the live server.

- At 320 px with the text at 200 % (WCAG 1.4.4 / 1.4.10) no page of the path scrolls sideways:
  the procedure page, the booking pages (/lay-so/), the filing form, the kiosk, and the centres
  directory and help pages.
- The commune picker finds "Hoàn Kiếm" typed with or without diacritics.
- A filing form sent back with an error keeps the attached file, and the next try files it.
- Live search replaces the address instead of stacking a history entry per keystroke, and
  announces only the number of results.
- Screenshots of the new pages at 360 and 1280 px go to docs/screenshots/.
"""

import re

import pytest
from playwright.sync_api import expect

from motcua.dossiers.models import Dossier
from motcua.queueing import links, services
from tests.e2e.portal import assert_accessible, sign_in_cookie, write_pdf
from tests.world import make_commune

NARROW = {"width": 320, "height": 640}
# More communes of Hà Nội, so the picker is long enough to get its filter box (as the real one,
# with 167 options, is); "Hoàn Kiếm" sorts among them by its name, not by "Phường".
MORE_HANOI = [
    ("00004", "Phường Ba Đình"),
    ("00008", "Phường Ngọc Hà"),
    ("00025", "Phường Giảng Võ"),
    ("00091", "Phường Hai Bà Trưng"),
    ("00094", "Phường Vĩnh Tuy"),
    ("00103", "Phường Bạch Mai"),
    ("00154", "Xã Đông Anh"),
    ("00172", "Xã Sóc Sơn"),
]


@pytest.fixture
def q(open_queue):
    q = open_queue
    q.center.hotline = "024 3939 1234"
    q.center.free_services = ["photocopy", "forms", "wifi"]
    q.center.save()
    for code, name in MORE_HANOI:
        make_commune(q.hanoi, code, name, kind="xa" if name.startswith("Xã") else "phuong")
    return q


@pytest.fixture
def narrow_page(browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, "viewport": NARROW})
    yield context.new_page()
    context.close()


def assert_no_sideways_scroll_at_200_percent(page) -> None:
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    found = page.evaluate(
        """() => {
            const inner = window.innerWidth;
            const wide = [...document.querySelectorAll('body *')].filter(el => {
                const r = el.getBoundingClientRect();
                return r.width > 0 && r.right > inner + 1
                    && !el.closest('.mc-table-wrapper, .mc-skip-link, .mc-visually-hidden');
            }).slice(0, 5).map(el => el.tagName.toLowerCase() + '.' + el.className
                                     + ' → ' + Math.round(el.getBoundingClientRect().right));
            return {scroll: document.documentElement.scrollWidth, inner, wide};
        }"""
    )
    assert found["inner"] == 320
    assert found["scroll"] <= found["inner"], f"{page.url} scrolls sideways: {found}"


def test_no_page_of_the_path_scrolls_sideways_at_320px_and_200_percent_text(
    narrow_page, live_server, q
):
    base = live_server.url
    sign_in_cookie(narrow_page.context, base, q.resident)
    pages = {
        "procedure": f"/thu-tuc/{q.procedure.code}/?xa={q.a.code}",
        "booking, step 1": "/lay-so/",
        "booking, step 2": f"/lay-so/?center={q.center.pk}",
        "filing form": f"/nop-truc-tuyen/{q.procedure.code}/?xa={q.a.code}",
        "filing, pick a commune": f"/nop-truc-tuyen/{q.procedure.code}/?tinh=01",
        "kiosk": links.kiosk_path(services.settings_for(q.center)),
        "centres": "/trung-tam/",
        "centre": f"/trung-tam/{q.center.pk}/",
        "home": f"/?xa={q.a.code}",
        "support": "/ho-tro/",
        "accessibility": "/kha-nang-tiep-can/",
    }
    for name, path in pages.items():
        narrow_page.goto(base + path)
        expect(narrow_page.locator("h1")).to_be_visible()
        assert_no_sideways_scroll_at_200_percent(narrow_page), name


@pytest.mark.parametrize("typed", ["hoan kiem", "Hoàn Kiếm", "HOÀN"])
def test_the_commune_picker_finds_a_name_typed_without_its_prefix(page, live_server, q, typed):
    page.goto(f"{live_server.url}/thu-tuc/{q.procedure.code}/")
    page.get_by_label("Tìm nhanh theo tên").first.fill(typed)
    picker = page.get_by_label("Xã, phường của bạn")
    expect(picker).to_have_value(q.a.code)
    expect(picker.locator("option")).to_have_count(1)
    expect(page.get_by_role("status").filter(has_text="khớp")).to_be_visible()
    page.get_by_role("button", name="Xem trung tâm").click()
    expect(page.get_by_test_id("center")).to_contain_text(q.center.name)
    # Emptying the box gives the whole list back.
    page.get_by_label("Tìm nhanh theo tên").first.fill("")
    expect(picker.locator("option")).to_have_count(1 + 3 + len(MORE_HANOI))  # with the prompt


def test_the_picker_still_works_without_javascript(browser, browser_context_args, live_server, q):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    expect(page.get_by_label("Tìm nhanh theo tên")).to_have_count(0)
    page.locator("#home-xa").select_option(label="Hoàn Kiếm (phường)")
    page.get_by_test_id("home-commune-choose").click()
    expect(page.get_by_test_id("home-commune")).to_contain_text("024 3939 1234")
    context.close()


def test_a_failed_submit_keeps_the_attached_file(page, live_server, q, tmp_path, screenshot):
    base = live_server.url
    sign_in_cookie(page.context, base, q.resident)
    photo = write_pdf(tmp_path / "giay-khai-sinh.pdf", "Giay khai sinh")
    page.goto(f"{base}/nop-truc-tuyen/{q.procedure.code}/?xa={q.a.code}")
    page.locator("#id_file_0").set_input_files(photo)
    page.get_by_role("button", name="Nộp hồ sơ").click()  # name, ID and declaration missing

    expect(page.get_by_role("alert").first).to_be_visible()
    kept = page.get_by_test_id("kept-file")
    expect(kept).to_contain_text("Đã đính kèm: giay-khai-sinh.pdf (giữ lại)")
    expect(kept.get_by_label("Bỏ tệp này")).not_to_be_checked()
    screenshot(page, "portal-submit-kept-file")
    assert_accessible(page, "filing form with a kept file")

    page.get_by_label("Họ và tên người yêu cầu").fill("Lê Văn Tám")
    page.get_by_label("Số định danh cá nhân").fill("001085012345")
    page.get_by_label("Địa chỉ thường trú").fill("Số 12 Hàng Bạc, Phường Hoàn Kiếm")
    page.get_by_label("Tôi cam đoan thông tin đã khai").check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã nộp hồ sơ")
    dossier = Dossier.objects.get()
    assert dossier.documents.get().stored_document.size_bytes > 0


def test_live_search_replaces_the_address_and_announces_the_count(page, live_server, q):
    page.goto(live_server.url + "/thu-tuc/")
    start = page.evaluate("() => history.length")
    box = page.get_by_label("Bạn cần làm gì?")
    box.press_sequentially("tinh trang", delay=120)
    expect(page).to_have_url(re.compile(r"q=tinh(\+|%20)trang"))
    count = page.locator("#results-count")
    expect(count).to_have_text("Tìm thấy 1 thủ tục.")
    assert page.evaluate("() => history.length") == start
    expect(page.locator("#results")).not_to_have_attribute("aria-live", "polite")
    assert count.get_attribute("role") == "status"
    box.fill("khong co thu tuc nay")
    expect(count).to_have_text("Không tìm thấy thủ tục nào.")


def test_the_directory_centre_and_help_pages(page, live_server, q, screenshot):
    base = live_server.url
    page.goto(base + "/")
    page.get_by_label("Tìm nhanh theo tên").fill("hoan kiem")
    page.get_by_test_id("home-commune-choose").click()
    home = page.get_by_test_id("home-commune")
    expect(home).to_contain_text("Phường Hoàn Kiếm")
    expect(home).to_contain_text("024 3939 1234")
    expect(home).to_contain_text("1 phố Tràng Tiền")
    screenshot(page, "home-with-centre")
    assert_accessible(page, "home with a centre")

    page.get_by_role("link", name="Danh bạ các trung tâm").click()
    expect(page.get_by_test_id("center-item")).to_have_count(3 + len(MORE_HANOI))
    page.get_by_label("Tìm theo tên xã, phường hoặc địa chỉ").fill("hoan kiem")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_test_id("center-item")).to_have_count(1)
    page.goto(base + "/trung-tam/")
    screenshot(page, "centres-directory")
    assert_accessible(page, "centres directory")

    page.get_by_role("link", name=q.center.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(q.center.name)
    expect(page.get_by_test_id("counter")).to_have_count(3)
    map_link = page.get_by_test_id("map-link")
    assert map_link.get_attribute("href").startswith("https://www.openstreetmap.org/search?")
    screenshot(page, "centre-page")
    assert_accessible(page, "centre page")

    for link, heading, name in [
        ("Hỗ trợ", "Cần giúp đỡ khi làm thủ tục?", "support"),
        ("Tuyên bố về khả năng tiếp cận", "Tuyên bố về khả năng tiếp cận", "accessibility"),
    ]:
        page.get_by_role("contentinfo").get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        screenshot(page, f"{name}-page")
        assert_accessible(page, f"{name} page")
