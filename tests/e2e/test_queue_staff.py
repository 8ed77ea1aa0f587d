"""The counter officer's day in Chromium: the counter screen in each state (empty, called,
serving), the centre's overview with a number issued for someone who cannot use the kiosk, the
statistics and one visit's path. Every page is checked with axe-core at phone and desktop width
and photographed into docs/screenshots/queue-*.png.

Django's clock is pinned to Monday 7 July 2025 (a working day), so the pictures do not change
from one run to the next.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from motcua.queueing import services, visit_rating
from motcua.queueing.models import Source, Ticket
from motcua.queueing.workflow import Action
from tests.e2e.portal import assert_accessible, sign_in_officer
from tests.queueing.conftest import QueueWorld, pin_clock
from tests.world import vn

MONDAY = vn(2025, 7, 7, 9)


@pytest.fixture
def clock(monkeypatch):
    return pin_clock(monkeypatch, MONDAY + timedelta(minutes=40))


@pytest.fixture
def q(transactional_db):
    world = QueueWorld()

    def at(minutes):
        return MONDAY + timedelta(minutes=minutes)

    def act(counter, action, minutes):
        services.counter_action(counter, action, world.reception, at=at(minutes))

    # Earlier this morning: two visits served, one no-show (for the statistics).
    for minutes in (0, 3, 6):
        services.issue_ticket(world.center, world.civil, at=at(minutes))
    services.call_next(world.counter1, world.reception, at=at(4))
    act(world.counter1, Action.START, 5)
    act(world.counter1, Action.FINISH, 14)
    services.call_next(world.counter2, world.reception, at=at(11))
    act(world.counter2, Action.START, 12)
    act(world.counter2, Action.FINISH, 26)
    services.call_next(world.counter1, world.reception, at=at(20))
    act(world.counter1, Action.NO_SHOW, 23)
    # Waiting now: an older person (their own word at the kiosk), a civil and a land number.
    services.issue_ticket(world.center, world.civil, at=at(30), priority_group=world.elderly)
    services.issue_ticket(world.center, world.civil, at=at(31))
    services.issue_ticket(world.center, world.land, at=at(33))
    world.dossier = world.receive(at=at(35))  # brought along by the older person
    return world


def main_action(page):
    return page.get_by_test_id("main-action")


def test_counter_officer_calls_serves_and_reads_the_queue(page, live_server, q, clock, screenshot):
    base = live_server.url
    sign_in_officer(page, base, q.reception.username)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Hàng đợi"
    ).click()

    # The overview: counters, the line in calling order, the addresses, the number form.
    expect(page.get_by_role("heading", level=1)).to_have_text(q.center.name)
    line = page.get_by_test_id("waiting-line")
    expect(line.get_by_role("link")).to_have_text(["0004", "0005", "0006"])
    expect(page.get_by_test_id("counters")).to_contain_text("Trống")
    expect(page.get_by_test_id("kiosk-url")).to_have_value(re.compile(r"/kiosk/[^/]+/$"))
    screenshot(page, "queue-overview")
    assert_accessible(page, "overview")

    # A number for someone who cannot use the kiosk; the officer checked their priority.
    page.get_by_role("group", name="Lĩnh vực").get_by_label("Hộ tịch").check()
    page.get_by_role("group", name="Nhóm ưu tiên").get_by_label("Người khuyết tật").check()
    page.get_by_role("button", name="Cấp số").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã cấp số 0007.")
    assert Ticket.objects.get(number=7).source == Source.COUNTER

    # Counter 1, nobody at it: one green button, the line beside it.
    page.get_by_role("link", name="Quầy 1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quầy 1")
    expect(main_action(page)).to_have_text("Mời số tiếp theo")
    expect(page.get_by_test_id("counter-line").get_by_role("listitem")).to_have_count(3)
    expect(page.get_by_test_id("counter-line")).to_contain_text("Người cao tuổi")
    screenshot(page, "queue-counter-empty")
    assert_accessible(page, "counter-empty")

    # The older person's head start (30 minutes) puts them first; the officer checks their card.
    main_action(page).click()
    expect(page.get_by_test_id("ticket-number")).to_contain_text("0004")
    expect(main_action(page)).to_have_text("Bắt đầu phục vụ")
    expect(page.get_by_role("button", name="Mời lại")).to_be_visible()
    expect(page.get_by_role("button", name="Vắng mặt")).to_be_visible()
    expect(page.get_by_test_id("priority")).to_contain_text("chưa xác nhận")
    page.get_by_role("button", name="Xác nhận nhóm ưu tiên").click()
    expect(page.get_by_test_id("priority")).to_contain_text("Đã xác nhận")
    page.get_by_text("Chuyển sang quầy hoặc lĩnh vực khác").click()
    expect(page.get_by_label("Sang quầy")).to_be_visible()
    screenshot(page, "queue-counter-called")
    assert_accessible(page, "counter-called")

    clock.at += timedelta(minutes=2)
    main_action(page).click()
    expect(main_action(page)).to_have_text("Kết thúc phục vụ")
    expect(page.get_by_role("button", name="Mời lại")).to_have_count(0)
    page.get_by_label("Gắn một hồ sơ đã có").fill(q.dossier.code)
    page.get_by_role("button", name="Gắn hồ sơ").click()
    expect(page.get_by_test_id("linked-dossiers")).to_have_text(q.dossier.code)
    screenshot(page, "queue-counter-serving")
    assert_accessible(page, "counter-serving")

    clock.at += timedelta(minutes=8)
    main_action(page).click()
    expect(main_action(page)).to_have_text("Mời số tiếp theo")

    # The path of the number just served, rated by the visitor from the QR on their slip.
    served = Ticket.objects.get(number=4)
    visit_rating.submit(served, {"wait": "satisfied", "courtesy": "very_satisfied"}, "Chu đáo.")
    page.goto(f"{base}{reverse('queueing:staff_ticket', args=[served.pk])}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Số 0004")
    expect(page.get_by_test_id("periods").locator("tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("visit-dossiers")).to_contain_text(q.dossier.code)
    expect(page.get_by_test_id("visit-rating")).to_contain_text("Rất hài lòng")
    screenshot(page, "queue-staff-ticket")
    assert_accessible(page, "staff-ticket")

    # The statistics of the day.
    page.goto(f"{base}{reverse('queueing:stats')}?tu=2025-07-07&den=2025-07-07&theo=counter")
    expect(page.get_by_test_id("stats-table")).to_be_visible()
    expect(page.get_by_test_id("stats-table").locator("tfoot th")).to_have_text("Tổng")
    screenshot(page, "queue-stats")
    assert_accessible(page, "stats")
