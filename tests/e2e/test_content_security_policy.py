"""The Content-Security-Policy in Chromium: on every main page, as each kind of visitor uses it
(HTMX search, the kiosk's print button, the TV's polling, the counter's refresh, the charts), the
browser reports no violation: no ``securitypolicyviolation`` event and no console error.

A watcher is added to every document before the page's own scripts run (Playwright init scripts
are not subject to the page's policy), so a violation anywhere, at any time, is recorded.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.portal import sign_in_officer
from tests.security.site import MONTH, Site

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") + " at "
      + event.sourceFile + ":" + event.lineNumber + " " + (event.sample || "")
  );
});
window.print = function () { window.__printed = (window.__printed || 0) + 1; };
"""
POLICY_WORDS = ("Content Security Policy", "Content-Security-Policy")


@pytest.fixture
def site(transactional_db, settings, live_server):
    settings.PUBLIC_BASE_URL = live_server.url
    return Site()


class Watched:
    """The page with the watcher, the console's policy errors, and a check after each step."""

    def __init__(self, page, base):
        self.page, self.base, self.console = page, base, []
        page.add_init_script(WATCH)
        page.on("console", self._console)

    def _console(self, message):
        if any(word in message.text for word in POLICY_WORDS):
            self.console.append(message.text)

    def open(self, path: str):
        response = self.page.goto(self.base + path)
        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "unsafe" not in policy, path
        self.clean(path)
        return response

    def clean(self, where: str) -> None:
        """No violation so far on this document (after it has drawn twice)."""
        self.page.wait_for_load_state("load")
        self.page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        assert self.page.evaluate("() => window.__violations") == [], where
        assert self.console == [], where


@pytest.fixture
def watched(page, live_server):
    return Watched(page, live_server.url)


def test_public_pages_the_kiosk_and_the_screen_raise_no_violation(watched, site):
    page = watched.page
    for path in ["/", "/thu-tuc/", "/dang-nhap-cong-dan/", "/tra-cuu/", "/lay-so/"]:
        watched.open(path)

    watched.open("/thu-tuc/")
    with page.expect_response(lambda r: "/thu-tuc/?q=" in r.url):  # HTMX swaps the results in
        page.get_by_role("searchbox").fill("khai sinh")
    expect(page.locator("#results")).to_contain_text("khai sinh", ignore_case=True)
    watched.clean("catalogue search")

    watched.open("/dang-nhap-cong-dan/vneid-gia-lap/?state=s")

    watched.open(site.kiosk)
    watched.open(site.slip)
    page.get_by_test_id("slip-print").click()
    assert page.evaluate("() => window.__printed") == 1  # our script, not an onclick attribute
    watched.clean("slip printed")

    with page.expect_response(lambda r: "/bang/" in r.url):  # the screen polls its board
        watched.open(site.display)
    screen = page.locator("#queue-display")
    rows = screen.evaluate("el => getComputedStyle(el).getPropertyValue('--rows')")
    assert rows.strip() == "3"  # the three counters the server drew size the numbers
    watched.clean("screen polling")


def test_staff_and_statistics_pages_raise_no_violation(watched, site, live_server):
    page, code = watched.page, site.dossier.code
    sign_in_officer(page, live_server.url, "a.reception")
    watched.clean("staff sign-in")
    for path in ["/can-bo/", f"/can-bo/ho-so/{code}/", "/can-bo/tiep-nhan/", "/can-bo/hang-doi/"]:
        watched.open(path)
    with page.expect_response(lambda r: "part=line" in r.url):  # the counter refreshes its line
        watched.open(f"/can-bo/quay/{site.world.counter1.pk}/")
    watched.clean("counter refresh")

    page.context.clear_cookies()
    sign_in_officer(page, live_server.url, "a.leader")
    for path in [f"/thong-ke/?period={MONTH}", f"/thong-ke/buoc-xu-ly/?period={MONTH}"]:
        watched.open(path)
    expect(page.locator(".mc-step-bar").first).to_be_visible()

    page.context.clear_cookies()
    sign_in_officer(page, live_server.url, "monitor.hanoi")
    for path in [f"/chi-so-766/?month={MONTH}", f"/thong-ke/tinh/?period={MONTH}"]:
        watched.open(path)
    expect(page.locator(".mc-chart__svg--wide").first).to_be_visible()

    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Tên đăng nhập").fill("root")
    page.get_by_label("Mật khẩu").fill("test-pass-123")
    page.get_by_role("button", name="Đăng nhập").click()
    for path in ["/admin/", "/admin/queueing/prioritygroup/", "/admin/queueing/queuesettings/"]:
        watched.open(path)


def test_a_resident_signs_in_with_the_stand_in_and_files_without_a_violation(watched, site):
    page = watched.page
    watched.open("/dang-nhap-cong-dan/")
    page.get_by_role("link", name="VNeID (giả lập cho bản trình diễn)").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    watched.clean("stand-in consent page")
    page.get_by_label("Số định danh cá nhân").fill("001085012345")
    page.get_by_label("Họ và tên").fill("Trần Thị Bích Ngọc")
    page.get_by_role("button", name="Đồng ý chia sẻ thông tin").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    watched.clean("signed in through the stand-in")
    for path in [
        "/ho-so-cua-toi/",
        "/giay-to-cua-toi/",
        f"/nop-truc-tuyen/{site.world.procedure.code}/",
    ]:
        watched.open(path)
