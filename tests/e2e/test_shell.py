"""The page shell every screen shares: header, skip link, language switch, sign-in, error summary.

A resident on a phone lands on the tracking search; an officer signs in, makes a typo first, and
sees the error summary take focus before anything else. Screenshots go to docs/screenshots/.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from motcua.accounts.models import User
from motcua.units.models import Province
from tests.world import make_commune

PASSWORD = "mat-khau-de-nho-2026"


@pytest.fixture
def officer(transactional_db):
    hanoi = Province.objects.create(code="01", name="Hà Nội", kind="thanh_pho")
    commune = make_commune(hanoi, "00070", "Phường Hoàn Kiếm")
    return User.objects.create_user(
        "ui.officer",
        password=PASSWORD,
        first_name="Lan",
        last_name="Nguyễn Thị",
        role="reception",
        commune=commune,
    )


def test_resident_lands_on_the_portal_home(page, live_server, screenshot):
    page.goto(live_server.url + reverse("home"))

    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page).to_have_title(re.compile("^Dịch vụ công cấp xã"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Làm thủ tục hành chính ở xã, phường")
    expect(page.get_by_role("search", name="Tra cứu hồ sơ")).to_be_visible()
    # Nothing for staff in the header of a public page.
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_have_count(0)
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)
    screenshot(page, "home")

    # The first Tab lands on the skip link, which leads to the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua đến nội dung chính")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()

    page.get_by_label("Mã hồ sơ").fill("000.00.04.G18-250715-0001")
    page.get_by_role("button", name="Tra cứu").click()
    # The look-up goes straight to the dossier's own page; an unknown code says so there.
    expect(page).to_have_url(re.compile(r"/tra-cuu/000\.00\.04\.G18-250715-0001/$"))
    expect(page.get_by_role("alert")).to_contain_text("Không tìm thấy hồ sơ")


def test_officer_signs_in_after_a_typo(page, live_server, officer, screenshot):
    # Sent to sign in on the way to a staff page, and brought back there afterwards.
    page.goto(f"{live_server.url}{reverse('accounts:login')}?next={reverse('ui:styleguide')}")
    screenshot(page, "sign-in")

    page.get_by_label("Tên đăng nhập").fill(officer.username)
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()

    summary = page.get_by_role("alert").filter(has_text="Có lỗi cần sửa")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Lỗi:"))
    # The error links to the first field, so the officer can correct it straight away.
    summary.get_by_role("link").click()
    expect(page.get_by_label("Tên đăng nhập")).to_be_focused()
    screenshot(page, "sign-in-error")

    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(live_server.url + reverse("ui:styleguide"))

    header = page.get_by_role("banner")
    expect(header).to_contain_text(officer.get_full_name())
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    expect(nav.get_by_role("link")).to_have_text(
        [
            "Hộp việc",
            "Phản ánh, kiến nghị",
            "Tiếp nhận hồ sơ",
            "Nộp hồ sơ hộ",
            "Hàng đợi",
            "Thủ tục của xã",
            "Tra cứu",
        ]
    )
    screenshot(page, "styleguide")

    header.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)


def test_language_switch_is_a_form_that_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    page.goto(live_server.url + reverse("home"))

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".mc-lang [aria-current]")).to_have_text("English")

    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    context.close()
