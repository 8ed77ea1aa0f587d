"""The queue through the JSON API, as an app, the slip's QR page and a counter's screen use it.

The API works at the present moment, so these tests do not pin a date: bookings go to the
centre's next working day after today, and the counter tests make today a working day (with an
official swap when it is not) so a number can be issued and called now.
"""

import json
from datetime import timedelta

import pytest
from django.core import signing

from motcua.accounts.models import Role, User
from motcua.accounts.services import create_api_token
from motcua.catalog.models import Field
from motcua.queueing import ratelimit
from motcua.queueing.links import TICKET_SALT
from motcua.queueing.models import Ticket, VisitRating
from motcua.queueing.workflow import State
from motcua.ratelimit import used
from motcua.residents import services as resident_services
from motcua.residents.models import Resident
from motcua.units.calendars import calendar_for_center
from motcua.units.models import Counter

API = "/api/v1/queue"
GOOD = {"wait": "satisfied", "courtesy": "very_satisfied"}


def call(client, method, path, token=None, body=None, **extra):
    if token:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    data = json.dumps(body) if body is not None else None
    response = getattr(client, method)(
        f"{API}{path}", data=data, content_type="application/json", **extra
    )
    return response, response.json() if response.content else None


def error_of(result, status, code):
    response, body = result
    assert response.status_code == status, body
    assert {"code", "message"} <= set(body) <= {"code", "message", "fields"}, body
    assert body["code"] == code, body
    return body


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def resident_token(q):
    return resident_services.issue_token(q.resident)


@pytest.fixture
def staff(q):
    return create_api_token(q.reception.username)


@pytest.fixture
def staff_b(q):
    return create_api_token(q.officers_b[Role.RECEPTION].username)


def slots(client, q, day, field=None):
    response, body = call(
        client, "get", f"/centers/{q.center.pk}/slots?field={(field or q.civil).pk}&day={day}"
    )
    assert response.status_code == 200, body
    return body["slots"]


def book(client, q, token, slot_start, field=None, **extra):
    body = {"center_id": q.center.pk, "field_id": (field or q.civil).pk, "slot_start": slot_start}
    return call(client, "post", "/bookings", token, body, **extra)


def issue(client, q, token, field=None, **body):
    body = {"center_id": q.center.pk, "field_id": (field or q.civil).pk, **body}
    response, data = call(client, "post", "/tickets", token, body)
    assert response.status_code == 201, data
    return data


def new_resident_token(phone):
    return resident_services.issue_token(Resident.objects.create(phone=phone))


# --------------------------------------------------------------------------- slots


def test_slots_of_a_working_day_and_why_a_day_is_closed(client, q, booking_day):
    civil = slots(client, q, booking_day)
    assert civil and civil[0]["start"].startswith(f"{booking_day}T08:00")
    assert civil[0]["start"].endswith("+07:00")
    # Counters 1, 2 and 3 serve civil status, two bookings each; only counter 2 serves land.
    assert {(s["capacity"], s["free"]) for s in civil} == {(6, 6)}
    assert {s["capacity"] for s in slots(client, q, booking_day, q.land)} == {2}

    sunday = booking_day + timedelta(days=6 - booking_day.weekday())
    body = error_of(
        call(client, "get", f"/centers/{q.center.pk}/slots?field={q.civil.pk}&day={sunday}"),
        409,
        "closed_day",
    )
    assert body["message"] == (
        f"Trung tâm không làm việc ngày {sunday:%d/%m/%Y}. Xin chọn một ngày làm việc khác."
    )
    body = error_of(
        call(client, "get", f"/centers/{q.center.pk}/slots?field={q.civil.pk}&day=2025-09-02"),
        409,
        "closed_day",
    )
    assert "nghỉ lễ" in body["message"] and "02/09/2025" in body["message"]

    tax = Field.objects.create(code="thue", name_vi="Thuế")
    path = f"/centers/{q.center.pk}/slots?field={tax.pk}&day={booking_day}"
    assert "Thuế" in error_of(call(client, "get", path), 422, "field_not_served")["message"]
    path = f"/centers/987654/slots?field={q.civil.pk}&day={booking_day}"
    error_of(call(client, "get", path), 404, "not_found")
    too_far = calendar_for_center(q.center).working_day_on_or_after(booking_day + timedelta(30))
    path = f"/centers/{q.center.pk}/slots?field={q.civil.pk}&day={too_far}"
    error_of(call(client, "get", path), 422, "slot_invalid")


# --------------------------------------------------------------------------- bookings


def test_book_a_slot_and_only_the_owner_sees_the_check_in_code(
    client, q, booking_day, resident_token
):
    first = slots(client, q, booking_day)[0]
    response, ticket = book(client, q, resident_token, first["start"])
    assert response.status_code == 201, ticket
    assert ticket["state"] == "booked" and ticket["number"] == "0001"
    assert ticket["service_day"] == booking_day.isoformat()
    assert ticket["slot_start"] == first["start"] and ticket["slot_end"] == first["end"]
    assert len(ticket["check_in_code"]) == 6 and ticket["url"].endswith(f"/{ticket['token']}/")
    assert slots(client, q, booking_day)[0]["free"] == 5

    response, mine = call(client, "get", "/bookings", resident_token)
    assert response.status_code == 200
    assert [(t["id"], t["check_in_code"]) for t in mine] == [
        (ticket["id"], ticket["check_in_code"])
    ]

    # The slip's holder follows the number without the code, and nobody's phone shows.
    response, status = call(client, "get", f"/tickets/{ticket['token']}")
    assert response.status_code == 200
    assert status["state"] == "booked" and status["position"] is None
    assert status["field"] == "Hộ tịch" and not status["rateable"]
    assert "check_in_code" not in status
    assert ticket["check_in_code"] not in response.content.decode()
    assert q.resident.phone not in response.content.decode()

    error_of(book(client, q, None, first["start"]), 401, "unauthorized")
    error_of(book(client, q, "mcr_forged", first["start"]), 401, "unauthorized")
    assert Ticket.objects.count() == 1


def test_a_full_slot_is_refused(client, q, booking_day):
    start = slots(client, q, booking_day)[0]["start"]
    for i in range(6):
        response, body = book(client, q, new_resident_token(f"09000000{i:02d}"), start)
        assert response.status_code == 201, body
    body = error_of(book(client, q, new_resident_token("0900000099"), start), 409, "slot_full")
    assert "hết chỗ" in body["message"]
    assert Ticket.objects.count() == 6
    assert slots(client, q, booking_day)[0]["free"] == 0


def test_a_slot_that_is_not_offered_or_a_naive_time_is_refused(
    client, q, booking_day, resident_token
):
    start = slots(client, q, booking_day)[0]["start"]
    off_grid = start.replace("T08:00", "T08:10")
    error_of(book(client, q, resident_token, off_grid), 422, "slot_invalid")
    error_of(book(client, q, resident_token, start[: -len("+07:00")]), 422, "invalid")
    body = {"center_id": 987654, "field_id": q.civil.pk, "slot_start": start}
    error_of(call(client, "post", "/bookings", resident_token, body), 404, "not_found")
    assert not Ticket.objects.exists()


def test_booking_attempts_are_limited_per_phone(client, q, booking_day, resident_token):
    start = slots(client, q, booking_day)[0]["start"]
    assert book(client, q, resident_token, start)[0].status_code == 201
    # Every further try counts, though each is refused for the booking already held that day.
    for _attempt in range(ratelimit.PER_PHONE - 1):
        error_of(book(client, q, resident_token, start), 409, "too_many_bookings")
    from_address = used(ratelimit.BOOKINGS_PER_ADDRESS, "127.0.0.1")
    response, body = book(client, q, resident_token, start)
    error_of((response, body), 429, "rate_limited")
    assert "quá nhiều lần" in body["message"] and "thử lại sau" in body["message"]
    assert 1 <= int(response["Retry-After"]) <= 3600
    # The refused try counted against neither limit and booked nothing.
    assert used(ratelimit.BOOKINGS_PER_ADDRESS, "127.0.0.1") == from_address
    assert Ticket.objects.count() == 1
    # Another phone from the same address is still under the address's own limit.
    assert book(client, q, new_resident_token("0987654321"), start)[0].status_code == 201


def test_booking_attempts_are_limited_per_address(client, q, booking_day):
    starts = [s["start"] for s in slots(client, q, booking_day)]
    address = {"REMOTE_ADDR": "203.0.113.7"}
    for i in range(ratelimit.PER_ADDRESS):
        token = new_resident_token(f"09111111{i:02d}")
        response, body = book(client, q, token, starts[i % len(starts)], **address)
        assert response.status_code == 201, body
    token = new_resident_token("0911111199")
    error_of(book(client, q, token, starts[-1], **address), 429, "rate_limited")
    assert book(client, q, token, starts[-1], REMOTE_ADDR="203.0.113.8")[0].status_code == 201


def test_a_resident_cancels_only_their_own_number(client, q, booking_day, resident_token):
    start = slots(client, q, booking_day)[0]["start"]
    ticket = book(client, q, resident_token, start)[1]
    stranger = new_resident_token("0987654321")

    error_of(call(client, "post", f"/bookings/{ticket['id']}/cancel", stranger), 404, "not_found")
    assert Ticket.objects.get(pk=ticket["id"]).state == State.BOOKED

    response, cancelled = call(client, "post", f"/bookings/{ticket['id']}/cancel", resident_token)
    assert response.status_code == 200 and cancelled["state"] == "cancelled"
    assert slots(client, q, booking_day)[0]["free"] == 6
    assert call(client, "get", "/bookings", resident_token)[1] == []
    error_of(
        call(client, "post", f"/bookings/{ticket['id']}/cancel", resident_token),
        409,
        "not_allowed",
    )


# --------------------------------------------------------------------------- the slip


def test_a_waiting_number_shows_its_place_and_a_forged_link_is_refused(client, q, today, staff):
    first = issue(client, q, staff)
    second = issue(client, q, staff, priority_group_id=q.elderly.pk)
    third = issue(client, q, staff)

    response, status = call(client, "get", f"/tickets/{third['token']}")
    assert response.status_code == 200
    assert status["state"] == "waiting" and status["state_label"] == "Đang chờ"
    # The older person's head start puts them first; the third number has two ahead.
    assert (status["position"], status["ahead"]) == (3, 2)
    assert 0 <= status["low_minutes"] <= status["high_minutes"]
    assert call(client, "get", f"/tickets/{second['token']}")[1]["position"] == 1
    assert call(client, "get", f"/tickets/{second['token']}")[1]["priority_group"] == (
        q.elderly.name_vi
    )

    ticket = Ticket.objects.get(pk=first["id"])
    for forged in [
        first["token"][:-3] + "abc",
        signing.Signer(salt=TICKET_SALT).sign_object({"t": ticket.pk, "n": "guessed"}),
        "nonsense",
    ]:
        body = error_of(call(client, "get", f"/tickets/{forged}"), 400, "invalid_token")
        assert "không hợp lệ" in body["message"]
        error_of(call(client, "post", f"/tickets/{forged}/cancel"), 400, "invalid_token")
    assert Ticket.objects.get(pk=first["id"]).state == State.WAITING

    response, cancelled = call(client, "post", f"/tickets/{first['token']}/cancel")
    assert response.status_code == 200 and cancelled["state"] == "cancelled"
    assert cancelled["position"] is None
    assert call(client, "get", f"/tickets/{third['token']}")[1]["ahead"] == 1
    error_of(call(client, "post", f"/tickets/{first['token']}/cancel"), 409, "not_allowed")


# --------------------------------------------------------------------------- the counter


def test_issue_call_start_finish_at_a_counter(client, q, today, staff):
    phone = "0912 000 111"
    issued = issue(client, q, staff, phone=phone, priority_group_id=q.elderly.pk)
    assert issued["source"] == "counter" and issued["priority_confirmed"]
    assert issued["phone"] == "*******111"
    assert "0912000111" not in json.dumps(issued) and "check_in_code" not in issued
    later = issue(client, q, staff)
    counter = f"/counters/{q.counter1.pk}"

    error_of(call(client, "post", f"{counter}/start", staff), 409, "not_allowed")
    response, called = call(client, "post", f"{counter}/call-next", staff)
    assert response.status_code == 200, called
    assert called["id"] == issued["id"] and called["state"] == "called"
    assert called["counter"] == 1 and called["next_actions"] == [
        "start",
        "recall",
        "no_show",
        "transfer",
    ]
    assert call(client, "get", f"/tickets/{issued['token']}")[1]["counter"] == 1
    error_of(call(client, "post", f"{counter}/call-next", staff), 409, "counter_busy")

    response, view = call(client, "get", counter, staff)
    assert response.status_code == 200
    assert view["ticket"]["number"] == issued["number"] and view["waiting"] == 1
    assert view["ticket"]["phone"] == "*******111" and "0912000111" not in response.content.decode()

    assert call(client, "post", f"{counter}/recall", staff)[1]["recalls"] == 1
    error_of(call(client, "post", f"{counter}/finish", staff), 409, "not_allowed")
    assert call(client, "post", f"{counter}/start", staff)[1]["state"] == "serving"
    response, done = call(client, "post", f"{counter}/finish", staff)
    assert response.status_code == 200 and done["state"] == "done"
    assert call(client, "get", counter, staff)[1]["ticket"] is None
    assert call(client, "get", f"/tickets/{issued['token']}")[1]["rateable"]

    assert call(client, "post", f"{counter}/call-next", staff)[1]["id"] == later["id"]
    assert call(client, "post", f"{counter}/no_show", staff)[1]["state"] == "no_show"
    error_of(call(client, "post", f"{counter}/call-next", staff), 404, "nothing_waiting")
    assert call(client, "post", f"{counter}/fly", staff)[0].status_code == 422
    error_of(call(client, "post", "/counters/987654/call-next", staff), 404, "not_found")


def test_an_officer_of_another_commune_changes_nothing(client, q, today, staff, staff_b):
    """Another commune's counter and centre answer 404, exactly as ones that do not exist (this
    was 422 ``wrong_center``, which confirmed they exist; the access rule, ADR 0023)."""
    ticket = issue(client, q, staff)
    counter = f"/counters/{q.counter1.pk}"
    missing = error_of(
        call(client, "post", "/counters/987654/call-next", staff_b), 404, "not_found"
    )
    refused = error_of(call(client, "post", f"{counter}/call-next", staff_b), 404, "not_found")
    assert refused["message"] == missing["message"]
    assert Ticket.objects.get(pk=ticket["id"]).state == State.WAITING
    error_of(call(client, "get", counter, staff_b), 404, "not_found")
    body = {"center_id": q.center.pk, "field_id": q.civil.pk}
    error_of(call(client, "post", "/tickets", staff_b, body), 404, "not_found")
    assert Ticket.objects.count() == 1

    call(client, "post", f"{counter}/call-next", staff)
    for action in ("start", "recall", "no_show"):
        error_of(call(client, "post", f"{counter}/{action}", staff_b), 404, "not_found")
    transfer = {"field_id": q.land.pk}
    error_of(call(client, "post", f"{counter}/transfer", staff_b, transfer), 404, "not_found")
    # Nor may an officer send a visitor to another commune's counter.
    other = Counter.objects.create(center=q.b.centers.get(), number=1)
    error_of(
        call(client, "post", f"{counter}/transfer", staff, {"counter_id": other.pk}),
        404,
        "not_found",
    )
    assert Ticket.objects.get(pk=ticket["id"]).state == State.CALLED
    error_of(call(client, "post", f"{counter}/call-next"), 401, "unauthorized")


def test_a_monitor_reads_a_counter_of_the_province_but_may_not_work_it(client, q, today, staff):
    issue(client, q, staff)
    monitor = create_api_token(q.monitor.username)
    counter = f"/counters/{q.counter1.pk}"
    response, seen = call(client, "get", counter, monitor)
    assert response.status_code == 200 and seen["waiting"] == 1
    error_of(call(client, "post", f"{counter}/call-next", monitor), 403, "forbidden")
    body = {"center_id": q.center.pk, "field_id": q.civil.pk}
    error_of(call(client, "post", "/tickets", monitor, body), 403, "forbidden")
    assert Ticket.objects.filter(state=State.WAITING).count() == 1
    monitor_hue = create_api_token(q.monitor_hue.username)
    error_of(call(client, "get", counter, monitor_hue), 404, "not_found")


def test_transfer_to_another_counter(client, q, today, staff):
    ticket = issue(client, q, staff)
    call(client, "post", f"/counters/{q.counter1.pk}/call-next", staff)
    response, moved = call(
        client,
        "post",
        f"/counters/{q.counter1.pk}/transfer",
        staff,
        {"counter_id": q.counter2.pk},
    )
    assert response.status_code == 200, moved
    assert moved["state"] == "waiting" and moved["counter"] is None
    # Counter 3 serves civil status too, but the number now waits for counter 2 alone.
    error_of(
        call(client, "post", f"/counters/{q.counter3.pk}/call-next", staff), 404, "nothing_waiting"
    )
    assert (
        call(client, "post", f"/counters/{q.counter2.pk}/call-next", staff)[1]["id"]
        == (ticket["id"])
    )
    error_of(
        call(client, "post", f"/counters/{q.counter2.pk}/transfer", staff, {}), 409, "not_allowed"
    )


def test_issue_refuses_a_bad_phone_and_another_centres_priority_group(client, q, today, staff):
    body = {"center_id": q.center.pk, "field_id": q.civil.pk, "phone": "12ab"}
    assert (
        "phone" in error_of(call(client, "post", "/tickets", staff, body), 422, "invalid")["fields"]
    )
    other_group = q.b.centers.get().priority_groups.get(code="elderly")
    body = {"center_id": q.center.pk, "field_id": q.civil.pk, "priority_group_id": other_group.pk}
    error_of(call(client, "post", "/tickets", staff, body), 422, "wrong_center")
    assert not Ticket.objects.exists()


def test_the_board_shows_who_is_called_where(client, q, today, staff):
    ticket = issue(client, q, staff)
    issue(client, q, staff)
    call(client, "post", f"/counters/{q.counter2.pk}/call-next", staff)
    response, board = call(client, "get", f"/centers/{q.center.pk}/board")
    assert response.status_code == 200
    assert board["waiting"] == 1
    by_number = {c["number"]: c for c in board["counters"]}
    assert by_number[2]["ticket"] == ticket["number"] and by_number[1]["ticket"] is None
    assert board["recent"][0] == {
        "ticket": ticket["number"],
        "counter": 2,
        "called_at": by_number[2]["called_at"],
        "recalls": 0,
    }
    version = board["version"]
    call(client, "post", f"/counters/{q.counter2.pk}/recall", staff)
    assert call(client, "get", f"/centers/{q.center.pk}/board")[1]["version"] != version
    error_of(call(client, "get", "/centers/987654/board"), 404, "not_found")


# --------------------------------------------------------------------------- rating the visit


def test_rate_a_finished_visit_once(client, q, today, staff):
    ticket = issue(client, q, staff)
    rate = f"/tickets/{ticket['token']}/rating"
    error_of(call(client, "post", rate, body={"answers": GOOD}), 409, "not_allowed")
    counter = f"/counters/{q.counter1.pk}"
    for step in ("call-next", "start", "finish"):
        assert call(client, "post", f"{counter}/{step}", staff)[0].status_code == 200

    error_of(
        call(client, "post", rate, body={"answers": {"wait": "satisfied"}}), 422, "missing_answer"
    )
    error_of(
        call(client, "post", rate, body={"answers": {**GOOD, "wait": "so-so"}}),
        422,
        "missing_answer",
    )
    response, rating = call(
        client, "post", rate, body={"answers": {**GOOD, "place": "not_satisfied"}, "comment": "Ổn"}
    )
    assert response.status_code == 201, rating
    assert rating["answers"] == {**GOOD, "place": "not_satisfied"} and rating["comment"] == "Ổn"
    assert rating["submitted_at"].endswith("+07:00")

    body = error_of(call(client, "post", rate, body={"answers": GOOD}), 409, "already_rated")
    assert "đã được đánh giá" in body["message"]
    assert VisitRating.objects.count() == 1
    status = call(client, "get", f"/tickets/{ticket['token']}")[1]
    assert status["rated"] and not status["rateable"]
    error_of(
        call(client, "post", "/tickets/forged/rating", body={"answers": GOOD}), 400, "invalid_token"
    )


# --------------------------------------------------------------------------- statistics


def test_statistics_are_scoped_to_the_readers_centres(client, q, today, staff, staff_b):
    ticket = issue(client, q, staff)
    counter = f"/counters/{q.counter1.pk}"
    for step in ("call-next", "start", "finish"):
        call(client, "post", f"{counter}/{step}", staff)
    issue(client, q, staff)
    a, b = q.center.pk, q.b.centers.get().pk
    period = f"start={today}&end={today}"

    response, stats = call(client, "get", f"/statistics?{period}", staff)
    assert response.status_code == 200, stats
    assert stats["centers"] == [a] and stats["by"] == "day"
    assert (stats["total"]["tickets"], stats["total"]["served"]) == (2, 1)
    assert stats["total"]["priority_share"] == 0.0
    assert [r["label"] for r in stats["rows"]] == [f"{today:%d/%m/%Y}"]
    assert stats["total"]["median_wait_minutes"] is not None
    by_counter = call(client, "get", f"/statistics?{period}&by=counter", staff)[1]
    assert {r["key"]: r["served"] for r in by_counter["rows"]} == {1: 1, "None": 0}

    # Another commune's officer reads only their own (empty) centre.
    assert call(client, "get", f"/statistics?{period}", staff_b)[1]["total"]["tickets"] == 0
    error_of(call(client, "get", f"/statistics?{period}&center_id={a}", staff_b), 404, "not_found")

    monitor = create_api_token(q.monitor.username)
    response, stats = call(client, "get", f"/statistics?{period}&by=center", monitor)
    assert set(stats["centers"]) == {a, b}
    assert [(r["key"], r["tickets"]) for r in stats["rows"]] == [(a, 2)]
    monitor_hue = create_api_token(q.monitor_hue.username)
    error_of(
        call(client, "get", f"/statistics?{period}&center_id={a}", monitor_hue), 404, "not_found"
    )

    User.objects.create_user("a.volunteer", role=Role.VOLUNTEER, commune=q.a)
    volunteer = create_api_token("a.volunteer")
    # Volunteers see no centre at all: 404, as for a centre out of scope (was 403 "scope").
    error_of(call(client, "get", f"/statistics?{period}", volunteer), 404, "not_found")

    backwards = f"start={today}&end={today - timedelta(days=1)}"
    error_of(call(client, "get", f"/statistics?{backwards}", staff), 422, "invalid")
    error_of(call(client, "get", f"/statistics?{period}&by=week", staff), 422, "invalid")
    error_of(call(client, "get", f"/statistics?{period}"), 401, "unauthorized")
    assert ticket["id"]


def test_openapi_lists_the_queue(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/centers/{center_id}/slots",
        "/centers/{center_id}/board",
        "/bookings",
        "/bookings/{ticket_id}/cancel",
        "/tickets",
        "/tickets/{token}",
        "/tickets/{token}/cancel",
        "/tickets/{token}/rating",
        "/counters/{counter_id}",
        "/counters/{counter_id}/call-next",
        "/counters/{counter_id}/transfer",
        "/counters/{counter_id}/{action}",
        "/statistics",
    ]:
        assert f"/api/v1/queue{path}" in paths, path


def test_behind_a_proxy_the_limit_counts_the_visitor_not_the_proxy(
    client, q, booking_day, settings
):
    settings.MOTCUA_TRUSTED_PROXY_HEADER = "HTTP_X_REAL_IP"
    starts = [s["start"] for s in slots(client, q, booking_day)]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for i in range(ratelimit.PER_ADDRESS):
        token = new_resident_token(f"09111111{i:02d}")
        response, body = book(
            client, q, token, starts[i % len(starts)], **proxy, HTTP_X_REAL_IP="203.0.113.7"
        )
        assert response.status_code == 201, body
    token = new_resident_token("0911111199")
    error_of(
        book(client, q, token, starts[-1], **proxy, HTTP_X_REAL_IP="203.0.113.7"),
        429,
        "rate_limited",
    )
    # Same proxy, another visitor behind it: under its own limit.
    response = book(client, q, token, starts[-1], **proxy, HTTP_X_REAL_IP="203.0.113.8")[0]
    assert response.status_code == 201
