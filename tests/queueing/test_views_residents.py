"""The residents' queue pages: booking a number from home through the web form, following it on
its live page (the slip's QR, the SMS link), cancelling it and rating the visit.

Pages work at the present moment, as the API tests do: bookings go to the centre's next working
day after today, and tests that need a number now make today a working day open at every hour.
"""

import re
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from motcua.notify.models import Message
from motcua.queueing import ratelimit, services
from motcua.queueing.links import TICKET_SALT, ticket_path, ticket_token
from motcua.queueing.models import QueueSettings, SlotUsage, Ticket, VisitRating
from motcua.queueing.slots import slots_for
from motcua.queueing.workflow import Action, State
from motcua.residents import sessions
from motcua.residents.models import Resident
from motcua.units.models import ServiceCenter

BOOK = reverse("queueing:book")
GOOD = {"wait": "satisfied", "courtesy": "very_satisfied", "place": ""}


# --------------------------------------------------------------------------- fixtures


def signed_in(client, resident):
    session = client.session
    session[sessions.SESSION_KEY] = resident.pk
    session.save()
    return client


def first_slot(q, day, field=None) -> str:
    settings = services.settings_for(q.center)
    found = slots_for(q.center, (field or q.civil).pk, day, settings, at=timezone.now())
    return found[0].start.isoformat()


def booking(q, on, **changes) -> dict:
    data = {
        "center": q.center.pk,
        "field": q.civil.pk,
        "day": on.isoformat(),
        "slot": first_slot(q, on),
    }
    return {**data, **changes}


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def sent_code(phone) -> str:
    body = Message.objects.filter(recipient=phone).order_by("-id").first().body
    return re.search(r"\b(\d{6})\b", body).group(1)


def done_ticket(q):
    """A walk-in number served to the end at counter 1 (needs the ``today`` fixture)."""
    ticket = services.issue_ticket(q.center, q.civil)
    services.call_next(q.counter1, q.reception)
    services.counter_action(q.counter1, Action.START, q.reception)
    services.counter_action(q.counter1, Action.FINISH, q.reception)
    ticket.refresh_from_db()
    return ticket


# --------------------------------------------------------------------------- step 1: where


def test_step_one_lists_the_centres_by_province(client, q):
    ServiceCenter.objects.filter(commune=q.b).update(is_active=False)
    response = client.get(BOOK)
    assert response.status_code == 200
    page = text(response)
    assert re.search(r'<optgroup label="[^"]*Hà Nội">', page)
    assert f'<option value="{q.center.pk}">Hoàn Kiếm (phường)</option>' in page
    assert "Phú Xuân (phường)" in page and "Cửa Nam" not in page

    # Sent back with nothing chosen: the same list, with the reason.
    response = client.get(BOOK, {"center": ""})
    assert response.status_code == 200
    assert "Chọn xã, phường nơi ông/bà sẽ đến." in text(response)

    for unknown in (987654, "abc"):
        response = client.get(BOOK, {"center": unknown}, follow=True)
        assert "Không tìm thấy trung tâm đã chọn" in text(response)
    slots = reverse("queueing:book_slots")
    assert client.get(slots, {"center": "x", "field": q.civil.pk}).status_code == 404
    assert client.get(slots, {"center": q.center.pk, "field": "1 OR 1"}).status_code == 404


# --------------------------------------------------------------------------- steps 2–4


def test_the_booking_page_offers_fields_days_and_free_slots(client, q, booking_day):
    response = client.get(BOOK, {"center": q.center.pk})
    assert response.status_code == 200
    page = text(response)
    assert "Hộ tịch" in page and "Đất đai" in page
    assert f'value="{booking_day.isoformat()}"' in page
    # Not signed in: the page says the phone sign-in comes at the last step.
    assert "đăng nhập bằng số điện thoại" in page and "Đặt số" in page
    assert 'hx-get="/lay-so/khung-gio/"' in page

    response = client.get(
        BOOK, {"center": q.center.pk, "field": q.land.pk, "day": booking_day.isoformat()}
    )
    page = text(response)
    slot = first_slot(q, booking_day, q.land)
    assert f'value="{slot}"' in page and "còn 2 chỗ" in page  # counter 2 alone serves land

    # The slot list alone, as htmx asks for it when the field or the day changes.
    response = client.get(
        reverse("queueing:book_slots"),
        {"center": q.center.pk, "field": q.civil.pk, "day": booking_day.isoformat()},
    )
    assert response.status_code == 200
    page = text(response)
    assert "còn 6 chỗ" in page and "<html" not in page
    assert f'name="field" value="{q.civil.pk}"' in page


def test_book_through_the_form_signing_in_at_the_last_step(client, q, booking_day):
    chosen = booking(q, booking_day)
    response = client.post(BOOK, chosen)
    assert response.status_code == 302 and not Ticket.objects.exists()
    sign_in = urlparse(response["Location"])
    assert sign_in.path == reverse("residents:sign_in")
    back = parse_qs(sign_in.query)["next"][0]
    assert parse_qs(urlparse(back).query) == {k: [str(v)] for k, v in chosen.items()}

    # The phone sign-in, then back to the same choices.
    response = client.post(sign_in.path, {"phone": "0912 345 678", "next": back})
    assert response.status_code == 302
    response = client.post(response["Location"], {"code": sent_code("0912345678")})
    assert response.status_code == 302 and response["Location"] == back
    page = text(client.get(back))
    assert f'value="{chosen["slot"]}" checked' in page
    assert "đăng nhập bằng số điện thoại" not in page

    response = client.post(BOOK, chosen)
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == ticket_path(ticket)
    assert ticket.state == State.BOOKED and ticket.resident.phone == "0912345678"
    assert ticket.slot_start == datetime.fromisoformat(chosen["slot"])

    page = text(client.get(response["Location"]))
    assert "Đã đặt số 0001." in page
    assert ticket.check_in_code in page  # the owner sees the code to type at the kiosk
    assert "0912345678" not in page and "0912 345 678" not in page
    # The slot shows one place fewer.
    assert "còn 5 chỗ" in text(client.get(BOOK, {k: chosen[k] for k in ("center", "field", "day")}))


def test_a_full_slot_is_refused_with_the_reason_and_nothing_is_created(client, q, booking_day):
    slot = first_slot(q, booking_day)
    for i in range(6):  # counters 1–3 serve civil status, two bookings each
        resident = Resident.objects.create(phone=f"090000000{i}")
        services.book(resident, q.center, q.civil, datetime.fromisoformat(slot))
    page = text(client.get(BOOK, {"center": q.center.pk, "field": q.civil.pk, "day": booking_day}))
    assert f'value="{slot}" disabled' in page and "hết chỗ" in page

    signed_in(client, q.resident)
    response = client.post(BOOK, booking(q, booking_day))
    assert response.status_code == 409
    assert "Khung giờ này vừa hết chỗ đặt trước" in text(response)
    assert "Chưa đặt được số" in text(response)
    assert Ticket.objects.count() == 6 and not Ticket.objects.filter(resident=q.resident)


def test_a_closed_day_a_wrong_slot_or_no_choice_is_refused(client, q, booking_day):
    signed_in(client, q.resident)
    sunday = booking_day + timedelta(days=6 - booking_day.weekday())
    closed = booking(q, booking_day, day=sunday.isoformat(), slot=f"{sunday}T08:00:00+07:00")
    response = client.post(BOOK, closed)
    assert response.status_code == 409
    assert f"Trung tâm không làm việc ngày {sunday:%d/%m/%Y}" in text(response)

    slot = first_slot(q, booking_day)
    off_grid = booking(q, booking_day, slot=slot.replace("T08:00", "T08:10"))
    response = client.post(BOOK, off_grid)
    assert response.status_code == 422
    assert "Khung giờ đã chọn không còn nhận đặt" in text(response)

    for missing, message in [
        ({"slot": ""}, "Chọn một khung giờ còn chỗ."),
        ({"slot": slot[: -len("+07:00")]}, "Chọn một khung giờ còn chỗ."),
        ({"field": ""}, "Chọn lĩnh vực cần làm thủ tục."),
    ]:
        response = client.post(BOOK, booking(q, booking_day, **missing))
        assert response.status_code == 422 and message in text(response)
    assert not Ticket.objects.exists() and not SlotUsage.objects.filter(booked__gt=0).exists()


def test_too_many_tries_from_one_phone_are_refused(client, q, booking_day):
    signed_in(client, q.resident)
    chosen = booking(q, booking_day)
    assert client.post(BOOK, chosen).status_code == 302
    for _attempt in range(ratelimit.PER_PHONE - 1):
        response = client.post(BOOK, chosen)
        assert response.status_code == 409 and "đã có một số đặt trước" in text(response)
    response = client.post(BOOK, chosen)
    assert response.status_code == 429
    assert "quá nhiều lần trong một giờ" in text(response)
    assert Ticket.objects.count() == 1


def test_booking_is_closed_where_the_centre_does_not_take_it(client, q, booking_day):
    QueueSettings.objects.filter(center=q.center).update(booking_enabled=False)
    page = text(client.get(BOOK, {"center": q.center.pk}))
    assert "chưa nhận đặt số qua mạng" in page and 'name="slot"' not in page


# --------------------------------------------------------------------------- my numbers


def test_my_numbers_list_the_open_ones_with_their_check_in_code(client, q, booking_day):
    response = client.get(reverse("queueing:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("residents:sign_in"))

    signed_in(client, q.resident)
    page = text(client.get(reverse("queueing:mine")))
    assert "không có số thứ tự nào đang chờ" in page and f'href="{BOOK}"' in page

    ticket = services.book(
        q.resident, q.center, q.civil, datetime.fromisoformat(first_slot(q, booking_day))
    )
    page = text(client.get(reverse("queueing:mine")))
    assert "Số 0001" in page and ticket.check_in_code in page
    assert ticket_path(ticket) in page and "Đã đặt trước, chưa đến" in page
    # The resident's menu leads here, the home page to booking.
    assert f'href="{reverse("queueing:mine")}"' in page
    assert f'href="{BOOK}"' in text(client.get(reverse("home")))


# --------------------------------------------------------------------------- the live page


def test_the_live_page_shows_place_wait_and_counter_and_stops_polling_at_the_end(client, q, today):
    services.issue_ticket(q.center, q.civil)
    mine = services.issue_ticket(q.center, q.civil, phone="0987654321")
    token = ticket_token(mine)
    status_url = reverse("queueing:ticket_status", args=[token])

    response = client.get(reverse("queueing:ticket", args=[token]))
    assert response.status_code == 200
    page = text(response)
    assert "0002" in page and "Đang chờ" in page
    assert "người đang chờ trước ông/bà" in page
    assert re.search(r"khoảng \d+–\d+ phút|dưới \d+ phút", page)
    assert "thời gian phục vụ mặc định" in page  # no measured service times yet
    assert f'hx-get="{status_url}?v=' in page and 'hx-trigger="every 5s"' in page
    assert "0987654321" not in page and "Mã xác nhận" not in page

    # The status part alone; 204 while nothing changed since the version the page holds.
    response = client.get(status_url)
    assert response.status_code == 200 and "<html" not in text(response)
    version = re.search(r"\?v=(\w+)", text(response)).group(1)
    assert client.get(status_url, {"v": version}).status_code == 204

    # The number ahead is called: this one is next.
    services.call_next(q.counter1, q.reception)
    assert "Kế tiếp" in text(client.get(status_url, {"v": version}))

    # Called to counter 2: big and clear; the cancel form leaves the page.
    called = services.call_next(q.counter2, q.reception)
    assert called.pk == mine.pk
    response = client.get(status_url, {"v": version}, HTTP_HX_REQUEST="true")
    page = text(response)
    assert response.status_code == 200 and "Quầy 2" in page and "Xin mời đến" in page
    assert '<div id="ticket-cancel" hx-swap-oob="true"></div>' in page

    services.counter_action(q.counter2, Action.START, q.reception)
    services.counter_action(q.counter2, Action.FINISH, q.reception)
    response = client.get(status_url)
    assert response.status_code == 286  # htmx stops polling
    page = text(response)
    assert "hx-trigger" not in page
    assert reverse("queueing:ticket_rate", args=[token]) in page


def test_a_forged_link_is_refused_and_changes_nothing(client, q, today):
    ticket = services.issue_ticket(q.center, q.civil)
    for forged in [
        ticket_token(ticket)[:-3] + "abc",
        signing.Signer(salt=TICKET_SALT).sign_object({"t": ticket.pk, "n": "guessed"}),
    ]:
        response = client.get(reverse("queueing:ticket", args=[forged]))
        assert response.status_code == 400 and "không hợp lệ" in text(response)
        assert client.get(reverse("queueing:ticket_status", args=[forged])).status_code == 400
        response = client.post(reverse("queueing:ticket_cancel", args=[forged]))
        assert response.status_code == 400
    assert Ticket.objects.get().state == State.WAITING


def test_a_booking_shows_its_code_to_its_owner_only_and_when_it_lapses(client, q, booking_day):
    ticket = services.book(
        q.resident, q.center, q.civil, datetime.fromisoformat(first_slot(q, booking_day))
    )
    url = ticket_path(ticket)
    page = text(client.get(url))
    assert ticket.check_in_code not in page
    assert "nhập mã xác nhận trong tin nhắn" in page
    assert "Số được giữ đến 08:45" in page  # a 30-minute slot from 08:00 and 15 minutes' grace

    signed_in(client, q.resident)
    assert ticket.check_in_code in text(client.get(url))


# --------------------------------------------------------------------------- cancel


def test_cancel_gives_the_place_back_once(client, q, booking_day):
    signed_in(client, q.resident)
    client.post(BOOK, booking(q, booking_day))
    ticket = Ticket.objects.get()
    token = ticket_token(ticket)
    cancel = reverse("queueing:ticket_cancel", args=[token])
    assert 'action="' + cancel + '"' in text(client.get(ticket_path(ticket)))

    assert client.get(cancel).status_code == 405
    response = client.post(cancel, follow=True)
    assert response.redirect_chain == [(ticket_path(ticket), 302)]
    page = text(response)
    assert "Đã hủy số" in page and "Số này đã được hủy." in page and cancel not in page
    assert SlotUsage.objects.get().booked == 0

    response = client.post(cancel)
    assert response.status_code == 409 and "không thể “Hủy số”" in text(response)
    assert Ticket.objects.get().state == State.CANCELLED


# --------------------------------------------------------------------------- rating


def test_rate_a_visit_once(client, q, today):
    ticket = done_ticket(q)
    url = reverse("queueing:ticket_rate", args=[ticket_token(ticket)])
    page = text(client.get(url))
    assert "Thời gian chờ đến lượt" in page and "Nơi chờ và trang thiết bị" in page
    assert page.count('type="radio"') == 9  # three questions, three levels

    response = client.post(url, {"courtesy": "satisfied"})
    assert response.status_code == 400
    assert "Xin chọn mức hài lòng cho: Thời gian chờ đến lượt" in text(response)
    assert 'value="satisfied" checked' in text(response)
    assert not VisitRating.objects.exists()

    response = client.post(url, {**GOOD, "comment": "Chờ nhanh, cán bộ vui vẻ."})
    assert response.status_code == 200 and "Cảm ơn ông/bà đã đánh giá" in text(response)
    rating = VisitRating.objects.get()
    assert {a.question: a.level for a in rating.answers.all()} == {
        "wait": "satisfied",
        "courtesy": "very_satisfied",
    }

    # A replay, or opening the link again later: already rated, nothing new stored.
    response = client.post(url, {**GOOD, "wait": "not_satisfied"})
    assert response.status_code == 200 and "đã được đánh giá" in text(response)
    assert VisitRating.objects.count() == 1
    assert "Đánh giá lượt đến này" not in text(
        client.get(reverse("queueing:ticket", args=[ticket_token(ticket)]))
    )


def test_a_visit_is_rated_only_when_done_and_only_through_a_true_link(client, q, today):
    waiting = services.issue_ticket(q.center, q.civil)
    url = reverse("queueing:ticket_rate", args=[ticket_token(waiting)])
    response = client.get(url)
    assert response.status_code == 409 and "sau khi đã được phục vụ xong" in text(response)
    assert client.post(url, GOOD).status_code == 409

    forged = signing.Signer(salt=TICKET_SALT).sign_object({"t": waiting.pk, "n": "guessed"})
    response = client.post(reverse("queueing:ticket_rate", args=[forged]), GOOD)
    assert response.status_code == 400
    assert not VisitRating.objects.exists()
