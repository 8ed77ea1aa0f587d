"""The kiosk at the centre's door and the waiting-room screen, as pages.

A visitor takes a walk-in number at the kiosk (or confirms a booking with the code from its SMS)
and gets a slip with a QR code; the TV shows who is called to which counter and polls a small
JSON board that answers 204 while nothing changed. The clock is pinned (``clock``) because the
views read ``timezone.now()``: Monday 7 July 2025 and Tuesday 8 July are working days.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from motcua.queueing import links, services
from motcua.queueing.models import Source, Ticket
from motcua.queueing.workflow import Action, State
from motcua.units.models import Counter
from tests.queueing.conftest import pin_clock, vn

MONDAY_9 = vn(2025, 7, 7, 9)
TUESDAY_SLOT = vn(2025, 7, 8, 9)  # 09:00–09:30; check-in from 08:00, lapses at 09:45


@pytest.fixture
def clock(monkeypatch):
    return pin_clock(monkeypatch, MONDAY_9)


@pytest.fixture
def kiosk(q):
    """The kiosk's address, as the admin hands it out."""
    return links.kiosk_path(services.settings_for(q.center))


def slip_path(kiosk_url: str, response) -> str:
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"].startswith(kiosk_url + "phieu/")
    return response["Location"]


# --------------------------------------------------------------------------- walk-in numbers


def test_the_kiosk_asks_field_priority_and_phone_without_a_sign_in(client, q, clock, kiosk):
    response = client.get(kiosk)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lấy số thứ tự" in page and q.center.name in page
    for shown in ("Hộ tịch", "Đất đai", q.elderly.name_vi, "Cán bộ sẽ xác nhận tại quầy."):
        assert shown in page
    assert 'inputmode="tel"' in page and 'autocomplete="off"' in page
    assert reverse("queueing:kiosk_check_in", args=[kiosk.split("/")[-2]]) in page
    # The kiosk is nobody's account: no sign-in link, no staff navigation.
    assert reverse("residents:sign_in") not in page and "mc-service-nav" not in page


def test_the_kiosk_issues_a_number_and_the_slip_shows_it_with_a_qr(client, q, clock, kiosk):
    client.post(kiosk, {"field": q.civil.pk, "priority": ""})  # someone before: number 0001
    response = client.post(
        kiosk, {"field": q.civil.pk, "priority": q.elderly.pk, "phone": "0912 000 111"}
    )
    slip = slip_path(kiosk, response)
    ticket = Ticket.objects.get(number=2)
    assert ticket.source == Source.KIOSK and ticket.state == State.WAITING
    assert ticket.priority_group == q.elderly and ticket.priority_confirmed_by is None
    assert ticket.phone == "0912000111"

    response = client.get(slip)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="slip-number">0002<' in page
    assert "Hộ tịch" in page and "09:00 ngày 07/07/2025" in page
    # The older person's head start puts them ahead of number 0001.
    assert 'data-testid="slip-ahead">Không có ai<' in page and "dưới" in page
    assert "Người cao tuổi" in page and "Cán bộ sẽ xác nhận tại quầy." in page
    assert "<svg" in page and "Quét mã này" in page and "data-print" in page
    assert f'data-home="{kiosk}" data-idle="30"' in page  # back to the start after 30 s
    assert "0912000111" not in page and "000 111" not in page

    plain = client.get(slip_path(kiosk, client.post(kiosk, {"field": q.land.pk})))
    assert 'data-testid="slip-ahead">' in plain.content.decode()
    assert "slip-priority" not in plain.content.decode()


def test_a_wrong_phone_or_no_field_is_refused_and_nothing_issued(client, q, clock, kiosk):
    response = client.post(kiosk, {"field": q.civil.pk, "phone": "12ab"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Có lỗi cần sửa" in page and 'aria-invalid="true"' in page
    assert 'value="12ab"' in page

    response = client.post(kiosk, {"phone": ""})
    assert response.status_code == 400
    assert "Chọn lĩnh vực cần làm thủ tục." in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_closed_day_is_refused_with_the_reason(client, q, clock, kiosk):
    clock.at = vn(2025, 7, 6, 9)  # Sunday
    response = client.post(kiosk, {"field": q.civil.pk})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Chưa lấy được số" in page and "06/07/2025" in page
    assert not Ticket.objects.exists()


def test_a_forged_or_revoked_kiosk_address_is_refused(client, q, clock, kiosk):
    forged = reverse("queueing:kiosk", args=["gia-mao"])
    for path in (forged, kiosk[:-4] + "abc/"):
        assert client.get(path).status_code == 400
        response = client.post(path, {"field": q.civil.pk})
        assert response.status_code == 400
        assert "không hợp lệ hoặc đã bị thu hồi" in response.content.decode()

    issued = slip_path(kiosk, client.post(kiosk, {"field": q.civil.pk}))
    settings = services.settings_for(q.center)
    settings.kiosk_key = "khoa-moi"
    settings.save(update_fields=["kiosk_key"])
    response = client.post(kiosk, {"field": q.civil.pk})
    assert response.status_code == 400 and "đã bị thu hồi" in response.content.decode()
    assert client.get(issued).status_code == 400
    assert Ticket.objects.count() == 1


def test_a_slip_of_another_centre_or_a_forged_ticket_is_not_shown(client, q, clock, kiosk):
    elsewhere = q.b.centers.get()
    Counter.objects.create(center=elsewhere, number=1).fields.set([q.civil])
    other = services.issue_ticket(elsewhere, q.civil, at=MONDAY_9)
    token = kiosk.split("/")[-2]
    stranger = reverse("queueing:kiosk_slip", args=[token, links.ticket_token(other)])
    assert client.get(stranger).status_code == 404
    forged = reverse("queueing:kiosk_slip", args=[token, "abc"])
    assert client.get(forged).status_code == 400


# --------------------------------------------------------------------------- bookings


def book(q, resident=None):
    return services.book(resident or q.resident, q.center, q.civil, TUESDAY_SLOT, at=MONDAY_9)


def check_in_path(kiosk_url: str) -> str:
    return kiosk_url + "xac-nhan/"


def test_check_in_with_the_code_from_the_sms(client, q, clock, kiosk):
    ticket = book(q)
    page = client.get(check_in_path(kiosk)).content.decode()
    assert 'inputmode="numeric"' in page and "Mã xác nhận trong tin nhắn đặt số" in page

    clock.at = vn(2025, 7, 8, 7, 30)
    response = client.post(check_in_path(kiosk), {"code": ticket.check_in_code})
    assert response.status_code == 400
    assert "Còn sớm" in response.content.decode() and "08:00" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == State.BOOKED

    clock.at = vn(2025, 7, 8, 9, 10)
    spaced = f"{ticket.check_in_code[:3]} {ticket.check_in_code[3:]}"
    slip = slip_path(kiosk, client.post(check_in_path(kiosk), {"code": spaced}))
    ticket.refresh_from_db()
    assert ticket.state == State.WAITING
    page = client.get(slip).content.decode()
    assert f'data-testid="slip-number">{ticket.display_number}<' in page
    assert "09:00–09:30" in page


def test_an_unknown_empty_or_lapsed_code_is_refused(client, q, clock, kiosk):
    ticket = book(q)
    clock.at = vn(2025, 7, 8, 9, 10)
    unknown = "000000" if ticket.check_in_code != "000000" else "111111"
    response = client.post(check_in_path(kiosk), {"code": unknown})
    assert response.status_code == 400
    assert f"Không tìm thấy số đặt trước nào hôm nay với mã “{unknown}”" in (
        response.content.decode()
    )
    response = client.post(check_in_path(kiosk), {"code": ""})
    assert "Nhập mã xác nhận gồm 6 chữ số." in response.content.decode()

    clock.at = vn(2025, 7, 8, 9, 50)
    response = client.post(check_in_path(kiosk), {"code": ticket.check_in_code})
    assert response.status_code == 400
    assert "đã quá giờ hẹn và hết hiệu lực" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == State.LAPSED
    assert not Ticket.objects.filter(state=State.WAITING).exists()


# --------------------------------------------------------------------------- the waiting-room TV


def board_path(q):
    return reverse("queueing:display_board", args=[q.center.pk])


def test_the_display_page_shows_each_counter_and_the_line(client, q, clock):
    first = services.issue_ticket(q.center, q.civil, at=MONDAY_9)
    services.issue_ticket(q.center, q.civil, at=MONDAY_9 + timedelta(minutes=1))
    services.call_next(q.counter2, q.reception, at=MONDAY_9 + timedelta(minutes=2))

    response = client.get(reverse("queueing:display", args=[q.center.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert q.center.name in page
    assert f'data-testid="counter-2-ticket">{first.display_number}<' in page
    assert 'data-testid="counter-1-ticket">—<' in page
    assert 'data-testid="waiting">1<' in page and "Mời lên quầy" in page
    assert "js/queue-display.js" in page and 'id="queue-board"' in page
    assert reverse("queueing:display_board", args=[q.center.pk]) in page
    assert "Bật đọc số" in page and "Mời số {number} đến quầy số {counter}" in page

    assert client.get(reverse("queueing:display", args=[987654])).status_code == 404
    assert client.get(reverse("queueing:display_board", args=[987654])).status_code == 404


def test_the_board_answers_204_until_a_call_or_a_recall_changes_it(client, q, clock):
    ticket = services.issue_ticket(q.center, q.civil, at=MONDAY_9)
    response = client.get(board_path(q))
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    board = response.json()
    assert board["waiting"] == 1 and board["recent"] == []
    assert client.get(board_path(q), {"v": board["version"]}).status_code == 204

    services.call_next(q.counter3, q.reception, at=MONDAY_9 + timedelta(minutes=1))
    response = client.get(board_path(q), {"v": board["version"]})
    assert response.status_code == 200
    called = response.json()
    assert called["version"] != board["version"] and called["waiting"] == 0
    counter3 = next(c for c in called["counters"] if c["number"] == 3)
    assert (counter3["ticket"], counter3["state"], counter3["recalls"]) == (
        ticket.display_number,
        State.CALLED,
        0,
    )
    assert called["recent"][0]["ticket"] == ticket.display_number
    assert client.get(board_path(q), {"v": called["version"]}).status_code == 204

    services.counter_action(
        q.counter3, Action.RECALL, q.reception, at=MONDAY_9 + timedelta(minutes=3)
    )
    recalled = client.get(board_path(q), {"v": called["version"]})
    assert recalled.status_code == 200
    assert recalled.json()["version"] != called["version"]
    assert next(c for c in recalled.json()["counters"] if c["number"] == 3)["recalls"] == 1


def test_the_board_lists_the_next_numbers_in_calling_order(client, q, clock):
    ordinary = services.issue_ticket(q.center, q.civil, at=MONDAY_9)
    land = services.issue_ticket(q.center, q.land, at=MONDAY_9 + timedelta(minutes=1))
    # Joined two minutes later, but the 30-minute head start puts the elderly visitor first.
    elderly = services.issue_ticket(
        q.center, q.civil, priority_group=q.elderly, at=MONDAY_9 + timedelta(minutes=2)
    )

    board = client.get(board_path(q)).json()
    assert board["next"] == [t.display_number for t in (elderly, ordinary, land)]

    services.call_next(q.counter1, q.reception, at=MONDAY_9 + timedelta(minutes=3))
    board = client.get(board_path(q)).json()
    assert board["next"] == [ordinary.display_number, land.display_number]
    page = client.get(reverse("queueing:display", args=[q.center.pk])).content.decode()
    assert f"<li>{ordinary.display_number}</li><li>{land.display_number}</li>" in page
