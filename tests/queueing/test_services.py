"""The queue's state changes, against the database: numbers, calling, transfers, bookings."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from motcua.catalog.services import ensure_service_centers_serving_fields
from motcua.errors import PublicNotFound
from motcua.notify.models import Message
from motcua.queueing import services
from motcua.queueing.errors import QueueError
from motcua.queueing.models import PriorityGroup, QueueSettings, Source, Ticket, TicketPeriod
from motcua.queueing.workflow import Action, State
from motcua.units.models import ServiceCenter
from tests.queueing.conftest import vn

MONDAY_9 = vn(2025, 7, 7, 9)


def issue(q, field=None, at=MONDAY_9, **kwargs):
    return services.issue_ticket(q.center, field or q.civil, at=at, **kwargs)


def test_new_centre_gets_settings_and_default_priority_groups(q):
    assert QueueSettings.objects.filter(center=q.center).exists()
    groups = {g.code: g for g in PriorityGroup.objects.filter(center=q.center)}
    assert {"elderly", "disability", "pregnant"} <= {c for c, g in groups.items() if g.is_active}
    # Groups resting on practice alone are there for the centre to switch on, not on by default.
    assert not groups["ethnic_minority"].is_active
    assert (
        groups["elderly"].strength == "rule" and "Người cao tuổi" in groups["elderly"].legal_basis
    )


def test_numbers_count_up_per_centre_and_restart_each_local_day(q):
    first = issue(q)
    second = issue(q, field=q.land, at=MONDAY_9 + timedelta(minutes=1))
    assert (first.number, second.number) == (1, 2)
    # Tuesday in Vietnam: a new day, number 1 again.
    tuesday = issue(q, at=vn(2025, 7, 8, 7, 30))
    assert tuesday.service_day.isoformat() == "2025-07-08" and tuesday.number == 1


def test_closed_day_refuses_a_number_with_the_reason(q):
    with pytest.raises(QueueError) as sunday:
        issue(q, at=vn(2025, 7, 6, 9))
    assert sunday.value.code == "closed_day" and "06/07/2025" in sunday.value.message
    with pytest.raises(QueueError) as national_day:
        issue(q, at=vn(2025, 9, 2, 9))
    assert "nghỉ lễ" in national_day.value.message
    assert not Ticket.objects.exists()


def test_field_no_counter_serves_is_refused(q):
    from motcua.catalog.models import Field

    tax = Field.objects.create(code="thue", name_vi="Thuế", name_en="Tax")
    with pytest.raises(QueueError) as error:
        issue(q, field=tax)
    assert error.value.code == "field_not_served" and "Thuế" in error.value.message


def test_counter_calls_only_its_fields_in_line_order(q):
    land = issue(q, field=q.land)
    civil = issue(q, at=MONDAY_9 + timedelta(minutes=1))
    called = services.call_next(q.counter1, q.reception, at=MONDAY_9 + timedelta(minutes=2))
    assert called == civil  # counter 1 does not serve land, though that ticket is older
    assert called.state == State.CALLED and called.counter == q.counter1
    assert services.call_next(q.counter2, q.reception, at=MONDAY_9 + timedelta(minutes=3)) == land


def test_priority_goes_first_but_only_by_its_head_start(q):
    ordinary = issue(q)
    # 20 minutes later an older person arrives: 30 minutes' head start puts them first.
    elderly = issue(q, at=MONDAY_9 + timedelta(minutes=20), priority_group=q.elderly)
    # 40 minutes after the ordinary ticket, a head start of 30 no longer overtakes it.
    late_elderly = issue(q, at=MONDAY_9 + timedelta(minutes=40), priority_group=q.elderly)
    order = [
        services.call_next(c, q.reception, at=MONDAY_9 + timedelta(minutes=41 + i))
        for i, c in enumerate([q.counter1, q.counter2])
    ]
    assert order == [elderly, ordinary]
    assert (
        services.call_next(q.counter3, q.reception, at=MONDAY_9 + timedelta(minutes=50))
        == late_elderly
    )


def test_reserved_counter_takes_priority_tickets_first(q):
    ordinary = issue(q)
    elderly = issue(q, at=MONDAY_9 + timedelta(minutes=50), priority_group=q.elderly)
    assert (
        services.call_next(q.counter3, q.reception, at=MONDAY_9 + timedelta(minutes=51)) == elderly
    )
    assert (
        services.call_next(q.counter1, q.reception, at=MONDAY_9 + timedelta(minutes=52)) == ordinary
    )


def test_reserved_counter_does_not_let_priority_pass_beyond_its_limit(q):
    ordinary = issue(q)
    # Key 09:40 (10:10 less 30 minutes) is not less than 30 minutes after the head's 09:00.
    issue(q, at=MONDAY_9 + timedelta(minutes=70), priority_group=q.elderly)
    assert (
        services.call_next(q.counter3, q.reception, at=MONDAY_9 + timedelta(minutes=71)) == ordinary
    )


def test_a_counter_holds_one_visitor_and_nothing_waiting_is_said(q):
    issue(q)
    services.call_next(q.counter1, q.reception, at=MONDAY_9)
    with pytest.raises(QueueError) as busy:
        services.call_next(q.counter1, q.reception, at=MONDAY_9)
    assert busy.value.code == "counter_busy"
    with pytest.raises(QueueError) as empty:
        services.call_next(q.counter2, q.reception, at=MONDAY_9)
    assert empty.value.code == "nothing_waiting"


def test_officer_of_another_commune_cannot_call(q):
    """The service asks the access rule too: another commune's counter is not found for them,
    and a monitor of the province, who sees it, may not work it."""
    issue(q)
    with pytest.raises(PublicNotFound):
        services.call_next(q.counter1, q.officers_b["reception"], at=MONDAY_9)
    with pytest.raises(PermissionDenied):
        services.call_next(q.counter1, q.monitor, at=MONDAY_9)
    assert Ticket.objects.get().state == State.WAITING


def test_full_visit_leaves_timed_periods(q):
    ticket = issue(q)
    at = MONDAY_9
    services.call_next(q.counter1, q.reception, at=at + timedelta(minutes=5))
    services.counter_action(q.counter1, Action.RECALL, q.reception, at=at + timedelta(minutes=6))
    services.counter_action(q.counter1, Action.START, q.reception, at=at + timedelta(minutes=7))
    services.counter_action(q.counter1, Action.FINISH, q.reception, at=at + timedelta(minutes=19))
    ticket.refresh_from_db()
    assert ticket.state == State.DONE and ticket.recalls == 1 and ticket.finished_at is not None
    periods = [
        (p.state, p.duration.total_seconds() / 60, p.end_action)
        for p in TicketPeriod.objects.filter(ticket=ticket)
    ]
    assert periods == [("waiting", 5, "call"), ("called", 2, "start"), ("serving", 12, "finish")]


def test_no_show_frees_the_counter(q):
    issue(q)
    second = issue(q, at=MONDAY_9 + timedelta(minutes=1))
    services.call_next(q.counter1, q.reception, at=MONDAY_9 + timedelta(minutes=2))
    services.counter_action(
        q.counter1, Action.NO_SHOW, q.reception, at=MONDAY_9 + timedelta(minutes=4)
    )
    assert services.call_next(q.counter1, q.reception, at=MONDAY_9 + timedelta(minutes=5)) == second


def test_transfer_keeps_the_original_waiting_time(q):
    first = issue(q)  # civil status, 09:00
    land_later = issue(q, field=q.land, at=MONDAY_9 + timedelta(minutes=10))
    services.call_next(q.counter1, q.reception, at=MONDAY_9 + timedelta(minutes=11))
    services.counter_action(
        q.counter1, Action.START, q.reception, at=MONDAY_9 + timedelta(minutes=12)
    )
    moved = services.transfer(
        q.counter1, q.reception, to_field=q.land, at=MONDAY_9 + timedelta(minutes=15)
    )
    assert moved.state == State.WAITING and moved.field == q.land
    assert moved.queued_at == first.queued_at
    # Back in line at 09:00, ahead of the land ticket taken at 09:10.
    assert services.call_next(q.counter2, q.reception, at=MONDAY_9 + timedelta(minutes=16)) == first
    services.counter_action(
        q.counter2, Action.NO_SHOW, q.reception, at=MONDAY_9 + timedelta(minutes=17)
    )
    assert (
        services.call_next(q.counter2, q.reception, at=MONDAY_9 + timedelta(minutes=18))
        == land_later
    )


def test_transfer_to_a_counter_reserves_the_ticket_for_it(q):
    ticket = issue(q)
    issue(q, at=MONDAY_9 + timedelta(minutes=1))
    services.call_next(q.counter1, q.reception, at=MONDAY_9 + timedelta(minutes=2))
    services.transfer(
        q.counter1, q.reception, to_counter=q.counter2, at=MONDAY_9 + timedelta(minutes=3)
    )
    # Counter 3 also serves civil status, but the transferred ticket is meant for counter 2.
    other = services.call_next(q.counter3, q.reception, at=MONDAY_9 + timedelta(minutes=4))
    assert other != ticket
    assert services.call_next(q.counter2, q.reception, at=MONDAY_9 + timedelta(minutes=5)) == ticket


def test_transfer_to_a_counter_that_does_not_serve_the_field_is_refused(q):
    issue(q, field=q.land)
    services.call_next(q.counter2, q.reception, at=MONDAY_9)
    with pytest.raises(QueueError) as error:
        services.transfer(q.counter2, q.reception, to_counter=q.counter1, at=MONDAY_9)
    assert error.value.code == "field_not_served"
    assert Ticket.objects.get().state == State.CALLED


def test_officer_confirms_priority_and_the_place_in_line_follows(q):
    ordinary = issue(q)
    later = issue(q, at=MONDAY_9 + timedelta(minutes=10))
    services.set_priority(later, q.elderly, q.reception, at=MONDAY_9 + timedelta(minutes=11))
    later.refresh_from_db()
    assert later.priority_confirmed_by == q.reception
    assert services.call_next(q.counter1, q.reception, at=MONDAY_9 + timedelta(minutes=12)) == later
    assert ordinary.state == State.WAITING


def test_reminder_sms_goes_once_to_visitors_within_n_places(q):
    tickets = [
        issue(q, at=MONDAY_9 + timedelta(minutes=i), phone=f"09123456{i:02d}") for i in range(6)
    ]
    services.call_next(q.counter1, q.reception, at=MONDAY_9 + timedelta(minutes=10))
    services.counter_action(
        q.counter1, Action.NO_SHOW, q.reception, at=MONDAY_9 + timedelta(minutes=11)
    )
    services.call_next(q.counter1, q.reception, at=MONDAY_9 + timedelta(minutes=12))
    reminded = set(
        Message.objects.filter(dedupe_key__startswith="queue-remind:").values_list(
            "recipient", flat=True
        )
    )
    # remind_places is 3: after the first call tickets 2-4 were near, after the second ticket 5.
    assert reminded == {t.phone for t in tickets[1:5]}


def test_numbers_of_another_centre_are_separate(q):
    from motcua.units.models import Counter

    other = q.b.centers.get()
    Counter.objects.create(center=other, number=1).fields.set([q.civil])
    issue(q)
    assert services.issue_ticket(other, q.civil, at=MONDAY_9).number == 1


# --------------------------------------------------------------------------- bookings

SLOT = vn(2025, 7, 8, 9)  # Tuesday 09:00-09:30


def book(q, slot=SLOT, resident=None, at=MONDAY_9):
    return services.book(resident or q.resident, q.center, q.civil, slot, at=at)


def test_booking_holds_a_place_and_sends_the_check_in_code(q):
    ticket = book(q)
    assert ticket.state == State.BOOKED and ticket.source == Source.BOOKING
    assert ticket.service_day.isoformat() == "2025-07-08" and ticket.number == 1
    assert len(ticket.check_in_code) == 6
    sms = Message.objects.get(dedupe_key=f"queue-booked:{ticket.pk}")
    assert ticket.check_in_code in sms.body and "09:00" in sms.body


def test_slot_full_is_refused_and_cancel_gives_the_place_back(q):
    from motcua.residents.models import Resident

    # Three counters serve civil status × 2 bookings each = 6 places in the slot.
    people = [Resident.objects.create(phone=f"09000000{i:02d}") for i in range(7)]
    tickets = [book(q, resident=p) for p in people[:6]]
    with pytest.raises(QueueError) as full:
        book(q, resident=people[6])
    assert full.value.code == "slot_full"
    services.cancel(tickets[0], at=MONDAY_9)
    assert book(q, resident=people[6]).state == State.BOOKED


def test_booking_a_closed_day_or_a_past_slot_is_refused(q):
    with pytest.raises(QueueError) as sunday:
        book(q, slot=vn(2025, 7, 13, 9))
    assert sunday.value.code == "closed_day"
    with pytest.raises(QueueError) as past:
        book(q, slot=vn(2025, 7, 7, 8), at=MONDAY_9)
    assert past.value.code == "slot_invalid"
    with pytest.raises(QueueError) as not_a_slot:
        book(q, slot=vn(2025, 7, 8, 9, 10))
    assert not_a_slot.value.code == "slot_invalid"
    with pytest.raises(QueueError) as too_far:
        book(q, slot=vn(2025, 8, 5, 9))
    assert too_far.value.code == "slot_invalid"
    assert not Ticket.objects.exists()


def test_one_booking_per_centre_and_day_and_three_open_at_most(q):
    book(q)
    with pytest.raises(QueueError) as same_day:
        book(q, slot=vn(2025, 7, 8, 14))
    assert same_day.value.code == "too_many_bookings"
    book(q, slot=vn(2025, 7, 9, 9))
    book(q, slot=vn(2025, 7, 10, 9))
    with pytest.raises(QueueError) as too_many:
        book(q, slot=vn(2025, 7, 11, 9))
    assert "tối đa 3" in too_many.value.message


def test_check_in_puts_the_booking_in_line_at_its_slot(q):
    ticket = book(q)
    walk_in_early = issue(q, at=vn(2025, 7, 8, 8, 40))
    walk_in_late = issue(q, at=vn(2025, 7, 8, 9, 5))
    with pytest.raises(QueueError) as early:
        services.check_in(q.center, ticket.check_in_code, at=vn(2025, 7, 8, 7, 30))
    assert early.value.code == "too_early" and "08:00" in early.value.message
    checked = services.check_in(q.center, ticket.check_in_code, at=vn(2025, 7, 8, 9, 10))
    assert checked.state == State.WAITING and checked.queued_at == SLOT
    at = vn(2025, 7, 8, 9, 11)
    called = [
        services.call_next(c, q.reception, at=at) for c in (q.counter1, q.counter2, q.counter3)
    ]
    assert called == [walk_in_early, checked, walk_in_late]


def test_booking_lapses_after_the_grace_time(q):
    ticket = book(q)
    # The slot ends 09:30 and the grace is 15 minutes.
    assert services.lapse_due_bookings_now(vn(2025, 7, 8, 9, 44)) == 0
    assert services.lapse_due_bookings_now(vn(2025, 7, 8, 9, 45)) == 1
    ticket.refresh_from_db()
    assert ticket.state == State.LAPSED
    with pytest.raises(QueueError) as late:
        services.check_in(q.center, ticket.check_in_code, at=vn(2025, 7, 8, 9, 50))
    assert late.value.code == "not_allowed"


def test_wrong_check_in_code_is_named(q):
    with pytest.raises(QueueError) as error:
        services.check_in(q.center, "12 34 56", at=MONDAY_9)
    assert error.value.code == "unknown_code" and "123456" in error.value.message


def test_past_days_are_closed_at_their_closing_time(q):
    ticket = issue(q)
    assert services.close_past_days(at=vn(2025, 7, 8, 6)) == 1
    ticket.refresh_from_db()
    assert ticket.state == State.EXPIRED
    period = TicketPeriod.objects.get(ticket=ticket)
    assert period.ended_at == vn(2025, 7, 7, 17)  # the default office hours end at 17:00


def test_visit_links_to_its_dossier(q):
    ticket = issue(q)
    dossier = q.receive(at=MONDAY_9 + timedelta(minutes=20))
    services.link_dossier(ticket, dossier, q.reception)
    with pytest.raises(QueueError) as twice:
        services.link_dossier(issue(q, at=MONDAY_9 + timedelta(minutes=21)), dossier, q.reception)
    assert twice.value.code == "not_allowed"
    assert [link.dossier for link in ticket.dossier_links.all()] == [dossier]


def test_centres_made_in_bulk_get_their_queue_setup_too(real_units):
    # Huế: 40 communes, each a centre with standard counters.
    ensure_service_centers_serving_fields(["46"])
    center = ServiceCenter.objects.filter(commune__province__code="46").first()
    assert QueueSettings.objects.filter(center__commune__province__code="46").count() == 40
    assert set(center.priority_groups.filter(is_active=True).values_list("code", flat=True)) == {
        "elderly",
        "disability",
        "pregnant",
    }
