"""The pages people meet when motcua says no (issue 14), in Chromium at phone and desktop width:
the staff sign-in after too many wrong passwords, the tracking page after too many look-ups, a
request carrying a null character, and the commune admin's trail of look-ups in citizens' stores.
Each must say what happened and what to do, in the house style, and pass axe."""

from playwright.sync_api import expect

from motcua.accounts.models import Role
from tests.e2e.portal import assert_accessible, sign_in_officer
from tests.world import PASSWORD, World


def wrong_password(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD + "-sai")
    page.get_by_role("button", name="Đăng nhập").click()


def test_an_officer_who_mistyped_too_often_sees_how_long_to_wait(
    page, live_server, transactional_db, screenshot
):
    world = World()
    base = live_server.url
    for _ in range(5):
        wrong_password(page, base, world.reception.username)
    wait = page.get_by_test_id("sign-in-wait")
    expect(wait).to_be_visible()
    expect(wait).to_contain_text("1 phút")
    assert_accessible(page, "staff sign-in, back-off")
    screenshot(page, "signin-backoff")

    # The right password does not open the account while it waits.
    sign_in_officer(page, base, world.reception.username)
    expect(page.get_by_test_id("sign-in-wait")).to_be_visible()


def test_too_many_tracking_look_ups_are_refused_with_when_to_try_again(
    page, live_server, transactional_db, settings, screenshot
):
    settings.MOTCUA_TRACKING_LOOKUPS_PER_HOUR = 2
    World()
    base = live_server.url
    for code in ("000.00.00.H26-250707-0001", "000.00.00.H26-250707-0002"):
        page.goto(f"{base}/tra-cuu/{code}/")
    response = page.goto(f"{base}/tra-cuu/000.00.00.H26-250707-0003/")
    assert response.status == 429
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("thử lại sau")
    assert_accessible(page, "tracking, too many look-ups")
    screenshot(page, "tracking-too-many")


def test_a_null_character_gets_a_page_that_says_what_to_remove(
    page, live_server, transactional_db, screenshot
):
    response = page.goto(f"{live_server.url}/thu-tuc/?q=kh%00ai")
    assert response.status == 400
    expect(page.locator("main")).to_contain_text("U+0000")
    assert_accessible(page, "null character refused")
    screenshot(page, "refused-null-character")


def test_the_commune_admin_reads_who_looked_into_citizens_stores(
    page, live_server, transactional_db, screenshot
):
    world = World()
    base = live_server.url
    # A look-up at intake without consent leaves a row in the commune's trail.
    sign_in_officer(page, base, world.reception.username)
    page.goto(f"{base}/can-bo/tiep-nhan/?procedure={world.procedure.code}")
    id_field = page.get_by_label("Số định danh cá nhân (CCCD) / Mã số doanh nghiệp")
    id_field.fill("001085012345")
    id_field.blur()
    page.context.clear_cookies()

    sign_in_officer(page, base, world.officers_a[Role.COMMUNE_ADMIN].username)
    page.get_by_role("link", name="Nhật ký kho giấy tờ").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("*********345")
    assert "001085012345" not in page.content()
    assert_accessible(page, "document store trail")
    screenshot(page, "store-access-log")
