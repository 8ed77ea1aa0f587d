"""A resident on a 360 px phone takes a number from home and follows it: the home page's link →
the commune → field, day and slot (the slot list refreshed by htmx) → the phone sign-in at the
last step → the number's live page with the check-in code. A walk-in's live page moves by itself
(htmx polling) from its place in line to the counter's call; a finished visit is rated.

Every page is checked to fit 360 px, checked by axe-core (no serious or critical finding) at
phone and desktop width, and photographed into docs/screenshots/queue-*.png.
"""

import pytest
from playwright.sync_api import expect

from motcua.queueing import services
from motcua.queueing.links import ticket_path
from motcua.queueing.models import Ticket, VisitRating
from motcua.queueing.workflow import Action, State
from tests.e2e.portal import (
    PHONE,
    assert_accessible,
    sign_in_by_phone,
    sign_in_cookie,
)
from tests.queueing.conftest import QueueWorld, open_all_day

PHONE_SCREEN = {"width": 360, "height": 800}


@pytest.fixture
def q(transactional_db, settings, live_server):
    settings.PUBLIC_BASE_URL = live_server.url
    return QueueWorld()


@pytest.fixture
def open_now(q):
    """Today made a working day at the centre, open at every hour: walk-ins get a number now."""
    return open_all_day(q.center)


@pytest.fixture
def phone_page(browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE_SCREEN})
    yield context.new_page()
    context.close()


def check(page, name, screenshot):
    """Fits 360 px, no blocking axe finding at either width, and a picture of each."""
    assert_accessible(page, name, min_passes=20)
    page.set_viewport_size(PHONE_SCREEN)
    screenshot(page, f"queue-{name}")


def test_book_a_number_from_home_on_a_phone(q, phone_page, live_server, screenshot):
    page = phone_page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Lấy số thứ tự trước khi đến").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ông/bà sẽ đến trung tâm của xã, phường nào?"
    )
    check(page, "book-center", screenshot)
    page.get_by_label("Xã, phường").select_option(label="Hoàn Kiếm (phường)")
    page.get_by_role("button", name="Tiếp tục").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(q.center.name)
    expect(page.get_by_test_id("sign-in-note")).to_be_visible()
    # Choosing the field brings the slots of the (preselected) first open day, without reload.
    page.get_by_label("Hộ tịch").check()
    first_free = page.locator("input[name=slot]:not([disabled])").first
    expect(first_free).to_be_visible()
    expect(page.get_by_test_id("slots")).to_contain_text("còn 6 chỗ")
    # Another field: the list follows (counter 2 alone serves land, two places a slot).
    page.get_by_label("Đất đai").check()
    expect(page.get_by_test_id("slots")).to_contain_text("còn 2 chỗ")
    page.get_by_label("Hộ tịch").check()
    expect(page.get_by_test_id("slots")).to_contain_text("còn 6 chỗ")
    first_free.check()
    check(page, "book", screenshot)

    page.get_by_role("button", name="Đặt số").click()
    sign_in_by_phone(page, PHONE)

    # Back on the booking page with every choice kept: one more press books.
    expect(page.get_by_label("Hộ tịch")).to_be_checked()
    expect(page.locator("input[name=slot]:checked")).to_have_count(1)
    page.get_by_role("button", name="Đặt số").click()

    ticket = Ticket.objects.get()
    assert ticket.state == State.BOOKED and ticket.resident.phone == PHONE
    expect(page.get_by_test_id("ticket-number")).to_have_text("0001")
    expect(page.get_by_test_id("check-in-code")).to_have_text(ticket.check_in_code)
    expect(page.get_by_test_id("lapses-at")).to_be_visible()
    assert PHONE not in page.content()
    check(page, "ticket-booked", screenshot)

    page.get_by_role("link", name="Số thứ tự của tôi").first.click()
    expect(page.get_by_test_id("my-tickets")).to_contain_text(ticket.check_in_code)
    check(page, "mine", screenshot)


def test_the_live_page_follows_the_number_to_the_counter(
    q, open_now, phone_page, live_server, screenshot
):
    services.issue_ticket(q.center, q.civil)
    services.issue_ticket(q.center, q.civil)
    mine = services.issue_ticket(q.center, q.civil, phone="0987654321")
    page = phone_page
    page.goto(live_server.url + ticket_path(mine))

    expect(page.get_by_test_id("ticket-number")).to_have_text("0003")
    expect(page.get_by_test_id("ticket-ahead")).to_contain_text("2")
    expect(page.get_by_test_id("ticket-wait")).to_contain_text("phút")
    expect(page.get_by_test_id("estimate-basis")).to_contain_text("mặc định")
    expect(page.get_by_test_id("cancel-button")).to_be_hidden()  # behind "Hủy số này"
    check(page, "ticket-waiting", screenshot)

    # The counters call; the page shows it within a polling round, without reload.
    services.call_next(q.counter1, q.reception)
    services.call_next(q.counter3, q.reception)
    services.call_next(q.counter2, q.reception)
    expect(page.get_by_test_id("ticket-counter")).to_contain_text("Quầy 2", timeout=12_000)
    expect(page.get_by_text("Không đến được? Hủy số này")).to_have_count(0)
    check(page, "ticket-called", screenshot)


def test_rate_a_finished_visit(q, open_now, phone_page, live_server, screenshot):
    ticket = services.issue_ticket(q.center, q.civil)
    services.call_next(q.counter1, q.reception)
    services.counter_action(q.counter1, Action.START, q.reception)
    services.counter_action(q.counter1, Action.FINISH, q.reception)
    page = phone_page
    page.goto(live_server.url + ticket_path(ticket))
    page.get_by_test_id("rate-link").click()

    expect(page.get_by_role("button", name="Gửi đánh giá")).to_be_visible()
    check(page, "rate", screenshot)
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("alert")).to_contain_text("Có lỗi cần sửa")
    check(page, "rate-errors", screenshot)

    for group in page.locator("fieldset.mc-fieldset").all()[:2]:
        group.get_by_label("Hài lòng", exact=True).check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_test_id("rating-thanks")).to_contain_text("Cảm ơn ông/bà đã đánh giá")
    assert VisitRating.objects.get().ticket_id == ticket.pk
    check(page, "rated", screenshot)


def test_a_signed_in_resident_without_numbers(q, phone_page, live_server, screenshot):
    sign_in_cookie(phone_page.context, live_server.url, q.resident)
    phone_page.goto(live_server.url + "/so-cua-toi/")
    expect(phone_page.get_by_test_id("no-tickets")).to_be_visible()
    check(phone_page, "mine-empty", screenshot)


def test_booking_works_without_javascript(q, browser, browser_context_args, live_server):
    context = browser.new_context(
        **{**browser_context_args, "viewport": PHONE_SCREEN, "java_script_enabled": False}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/lay-so/?center={q.center.pk}")
    page.get_by_label("Đất đai").check()
    page.get_by_role("button", name="Xem khung giờ còn chỗ").click()
    expect(page.get_by_test_id("slots")).to_contain_text("còn 2 chỗ")
    page.locator("input[name=slot]:not([disabled])").first.check()
    page.get_by_role("button", name="Đặt số").click()
    # Not signed in: the sign-in page, with the choices waiting in its "next" address.
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập để nộp và theo dõi hồ sơ")
    assert f"field%3D{q.land.pk}" in page.url and "slot%3D" in page.url
    context.close()


def test_a_damaged_link_says_what_to_do(q, phone_page, live_server, screenshot):
    phone_page.goto(f"{live_server.url}/so-thu-tu/not-a-real-token/")
    expect(phone_page.get_by_test_id("queue-problem")).to_have_text("Không thực hiện được")
    expect(phone_page.get_by_text("Hãy quét lại mã QR trên phiếu")).to_be_visible()
    check(phone_page, "problem", screenshot)
