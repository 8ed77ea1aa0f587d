"""One visit from home to the rating, across four screens in Chromium (issue 4's browser test):

the resident books a number on a 360 px phone → at the centre the kiosk takes the check-in code →
the counter officer calls the next visitor → the waiting-room screen shows the number within 2 s
(no reload) and the resident's phone shows the counter → service starts and ends → the resident
rates the visit from the number's page (the page the slip's QR opens).

Everything is clicked; the only shortcut is the resident's sign-in (a session cookie), which the
residents' browser tests go through by phone and code.
"""

import re

import pytest
from playwright.sync_api import expect

from motcua.queueing import links, services
from motcua.queueing.models import Ticket, TicketPeriod, VisitRating
from motcua.queueing.workflow import Action, State
from motcua.residents.models import Resident
from tests.e2e.portal import sign_in_cookie, sign_in_officer

PHONE_SCREEN = {"width": 360, "height": 800}


@pytest.fixture
def q(open_queue):
    return open_queue


@pytest.fixture
def screens(browser, browser_context_args):
    """A phone for the resident; desktop-sized browsers for the kiosk, the TV and the counter."""
    opened = []

    def open_screen(viewport=None):
        context = browser.new_context(
            **{**browser_context_args, **({"viewport": viewport} if viewport else {})}
        )
        opened.append(context)
        return context

    yield open_screen
    for context in opened:
        context.close()


def test_book_check_in_call_display_serve_and_rate(q, screens, live_server, screenshot):
    base = live_server.url
    resident = Resident.objects.get(phone="0912345678")

    # At home: the resident books the first free slot of today for civil status.
    phone_context = screens(PHONE_SCREEN)
    sign_in_cookie(phone_context, base, resident)
    phone = phone_context.new_page()
    phone.goto(f"{base}/lay-so/?center={q.center.pk}")
    phone.get_by_label("Hộ tịch").check()
    phone.locator("input[name=slot]:not([disabled])").first.check()
    phone.get_by_role("button", name="Đặt số").click()
    expect(phone.get_by_test_id("ticket-number")).to_be_visible()
    booked = Ticket.objects.get(resident=resident)
    assert booked.state == State.BOOKED
    expect(phone.get_by_test_id("check-in-code")).to_have_text(booked.check_in_code)

    # The waiting-room screen is on before anyone is called.
    tv = screens({"width": 1280, "height": 720}).new_page()
    tv.goto(f"{base}/man-hinh/{q.center.pk}/")
    expect(tv.get_by_test_id("counter-1-ticket")).to_have_text("—")

    # At the door: the kiosk takes the code from the SMS and prints the slip.
    kiosk = screens().new_page()
    kiosk.goto(base + links.kiosk_path(services.settings_for(q.center)))
    kiosk.get_by_role("link", name="Tôi đã đặt số qua mạng").click()
    kiosk.get_by_label("Mã xác nhận trong tin nhắn đặt số").fill(booked.check_in_code)
    kiosk.get_by_role("button", name="Xác nhận đã đến").click()
    expect(kiosk.get_by_test_id("slip-number")).to_have_text(booked.display_number)
    booked.refresh_from_db()
    assert booked.state == State.WAITING and booked.queued_at == booked.slot_start
    expect(tv.get_by_test_id("next-numbers")).to_contain_text(booked.display_number)

    # At counter 1: the reception officer signs in and calls the next visitor.
    counter = screens().new_page()
    sign_in_officer(counter, base, q.reception.username)
    counter.goto(f"{base}/can-bo/quay/{q.counter1.pk}/")
    counter.get_by_role("button", name="Mời số tiếp theo").click()
    expect(counter.get_by_test_id("ticket-number")).to_contain_text(booked.display_number)

    # The screen shows it within 2 seconds, without a reload; the phone shows where to go.
    expect(tv.get_by_test_id("counter-1-ticket")).to_have_text(booked.display_number, timeout=2000)
    expect(phone.get_by_test_id("ticket-counter")).to_contain_text("1", timeout=7000)
    screenshot(tv, "queue-journey-display")

    counter.get_by_role("button", name="Bắt đầu phục vụ").click()
    expect(counter.get_by_role("button", name="Kết thúc phục vụ")).to_be_visible()
    counter.get_by_role("button", name="Kết thúc phục vụ").click()
    expect(counter.get_by_role("button", name="Mời số tiếp theo")).to_be_visible()
    booked.refresh_from_db()
    assert booked.state == State.DONE
    states = list(TicketPeriod.objects.filter(ticket=booked).values_list("state", "end_action"))
    assert states == [
        (State.BOOKED, Action.CHECK_IN),
        (State.WAITING, Action.CALL),
        (State.CALLED, Action.START),
        (State.SERVING, Action.FINISH),
    ]

    # The resident rates the visit from the number's page, once.
    phone.goto(base + links.ticket_path(booked))
    phone.get_by_test_id("rate-link").click()
    for question in ("wait", "courtesy", "place"):
        phone.locator(f"input[name={question}]").first.check()
    phone.get_by_role("button", name="Gửi đánh giá").click()
    expect(phone.get_by_test_id("rating-thanks")).to_be_visible()
    rating = VisitRating.objects.get(ticket=booked)
    assert sorted(rating.answers.values_list("question", flat=True)) == [
        "courtesy",
        "place",
        "wait",
    ]
    phone.goto(base + links.ticket_path(booked) + "danh-gia/")
    expect(phone.get_by_test_id("rating-thanks")).to_contain_text(re.compile("đã được đánh giá"))
