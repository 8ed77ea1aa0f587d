"""Queue numbers under real concurrency (PostgreSQL): kiosks, counters and bookings racing.

Every test starts its threads on one ``threading.Barrier`` so the calls really hit the database
at the same moment, each thread on its own connection (closed when it ends). All times are on
Monday 7 July 2025, a working day: ``call_next`` takes "today" from ``at``, so tickets are issued
and called on the same day.
"""

import threading
from collections import Counter as Tally
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction

from motcua.catalog.models import Field
from motcua.queueing import errors, services
from motcua.queueing.errors import QueueError
from motcua.queueing.models import QueueSettings, SlotUsage, Ticket, TicketPeriod, TicketSequence
from motcua.queueing.workflow import State
from motcua.residents.models import Resident
from motcua.units.models import Counter
from tests.queueing.conftest import QueueWorld
from tests.world import vn

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MONDAY = vn(2025, 7, 7).date()
OPENING = vn(2025, 7, 7, 8)  # tickets are issued from here on …
CALLING = vn(2025, 7, 7, 10)  # … and called from here on, the same day
WORKERS = 50  # below PostgreSQL's default max_connections of 100


def race(workers: int, work) -> list:
    """Run ``work(i)`` for i in range(workers), all starting at the same moment; each result is
    ``("ok", value)`` or ``("error", QueueError code)``. Anything else propagates (a deadlock, an
    IntegrityError): under concurrency the services may refuse, never fail."""
    start = threading.Barrier(workers)

    def run(i: int):
        try:
            start.wait()
            try:
                return ("ok", work(i))
            except QueueError as refused:
                return ("error", refused.code)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run, range(workers)))


def oks(results) -> list:
    return [value for kind, value in results if kind == "ok"]


def refusals(results) -> Tally:
    return Tally(code for kind, code in results if kind == "error")


# --------------------------------------------------------------------------- numbers


def test_500_concurrent_kiosk_tickets_are_numbered_1_to_500_without_gaps():
    q = QueueWorld()
    issues, workers = 500, WORKERS

    def kiosk(worker: int) -> list[int]:
        return [
            services.issue_ticket(
                q.center, q.civil, at=OPENING + timedelta(seconds=worker * 10 + n)
            ).number
            for n in range(issues // workers)
        ]

    results = race(workers, kiosk)

    assert connection.vendor == "postgresql"
    assert refusals(results) == Tally()
    numbers = sorted(n for batch in oks(results) for n in batch)
    assert numbers == list(range(1, issues + 1))  # distinct, gapless
    assert Ticket.objects.filter(center=q.center, service_day=MONDAY).count() == issues
    assert TicketSequence.objects.get(center=q.center, day=MONDAY).last_value == issues
    assert TicketPeriod.objects.filter(state=State.WAITING, ended_at__isnull=True).count() == issues


# --------------------------------------------------------------------------- calling


def fifty_counters(q: QueueWorld, field: Field) -> list[Counter]:
    """50 counters at the centre serving only ``field``; the commune's reception officer may act
    at all of them."""
    counters = Counter.objects.bulk_create(
        [Counter(center=q.center, number=100 + i, name=f"Quầy thử {i}") for i in range(WORKERS)]
    )
    for counter in counters:
        counter.fields.set([field])
    return list(Counter.objects.filter(pk__in=[c.pk for c in counters]).select_related("center"))


def waiting_line(q: QueueWorld, field: Field, size: int, *, phones: bool) -> list[Ticket]:
    return [
        services.issue_ticket(
            q.center,
            field,
            phone=f"09{n:08d}" if phones else "",
            at=OPENING + timedelta(seconds=n),
        )
        for n in range(size)
    ]


def call_at_every_counter(q: QueueWorld, counters: list[Counter]) -> list:
    return race(
        len(counters),
        lambda i: services.call_next(counters[i], q.reception, at=CALLING).pk,
    )


def assert_each_ticket_called_once(counters, called_ids, expected):
    assert len(called_ids) == expected
    assert len(set(called_ids)) == expected  # no ticket twice
    called = Ticket.objects.filter(pk__in=called_ids)
    assert all(t.state == State.CALLED for t in called)
    at_counter = Tally(t.counter_id for t in called)
    assert set(at_counter.values()) == {1}  # each at exactly one counter, one per counter
    assert set(at_counter) <= {c.pk for c in counters}
    assert Ticket.objects.filter(state=State.CALLED).count() == expected


@pytest.mark.parametrize("phones", [False, True], ids=["no-phones", "with-phones"])
def test_50_counters_calling_at_once_each_get_a_different_ticket(phones):
    """With phones, each call also texts the next visitors in line (``_remind_upcoming``)."""
    q = QueueWorld()
    residence = Field.objects.create(code="cu-tru", name_vi="Cư trú", name_en="Residence")
    counters = fifty_counters(q, residence)
    line = waiting_line(q, residence, 80, phones=phones)

    results = call_at_every_counter(q, counters)

    assert refusals(results) == Tally()
    called_ids = oks(results)
    assert_each_ticket_called_once(counters, called_ids, WORKERS)
    # SKIP LOCKED takes from the head of the line: the 50 oldest tickets, the other 30 still wait.
    assert set(called_ids) == {t.pk for t in line[:WORKERS]}
    assert Ticket.objects.filter(state=State.WAITING).count() == 30


@pytest.mark.parametrize("phones", [False, True], ids=["no-phones", "with-phones"])
def test_fewer_waiting_than_counters_calls_each_once_and_the_rest_hear_nothing_waiting(phones):
    q = QueueWorld()
    residence = Field.objects.create(code="cu-tru", name_vi="Cư trú", name_en="Residence")
    counters = fifty_counters(q, residence)
    line = waiting_line(q, residence, 20, phones=phones)

    results = call_at_every_counter(q, counters)

    assert refusals(results) == Tally({errors.NOTHING_WAITING: WORKERS - 20})
    called_ids = oks(results)
    assert_each_ticket_called_once(counters, called_ids, 20)
    assert set(called_ids) == {t.pk for t in line}
    assert not Ticket.objects.filter(state=State.WAITING).exists()


# --------------------------------------------------------------------------- not waiting


def while_a_call_is_open(q: QueueWorld, other):
    """Call at counter 1 and keep that transaction open while ``other()`` runs in this thread
    with a lock timeout of 2 s: what ``other`` does must not wait for counter 1."""
    held, release = threading.Event(), threading.Event()

    def hold_a_call():
        try:
            with transaction.atomic():
                ticket = services.call_next(q.counter1, q.reception, at=CALLING)
                held.set()
                release.wait(timeout=30)
            return ticket
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        holding = pool.submit(hold_a_call)
        try:
            assert held.wait(timeout=30), holding.exception(timeout=1)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                result = other()
        finally:
            release.set()
        return holding.result(timeout=30), result


def test_a_counter_does_not_wait_for_another_counters_open_call():
    q = QueueWorld()
    first, second = waiting_line(q, q.civil, 2, phones=False)

    held, called = while_a_call_is_open(
        q, lambda: services.call_next(q.counter2, q.reception, at=CALLING)
    )

    assert (held, called) == (first, second)  # counter 2 skipped the locked head of the line


def test_a_kiosk_does_not_wait_for_an_open_call():
    q = QueueWorld()
    waiting_line(q, q.civil, 1, phones=False)

    _held, issued = while_a_call_is_open(
        q, lambda: services.issue_ticket(q.center, q.civil, at=CALLING)
    )

    assert issued.number == 2


def test_one_officer_double_submitting_call_next_takes_one_ticket():
    q = QueueWorld()
    line = waiting_line(q, q.civil, 10, phones=False)
    counter = Counter.objects.select_related("center").get(pk=q.counter1.pk)

    results = race(5, lambda _i: services.call_next(counter, q.reception, at=CALLING).pk)

    assert refusals(results) == Tally({errors.COUNTER_BUSY: 4})
    assert oks(results) == [line[0].pk]
    assert list(Ticket.objects.filter(counter=counter).values_list("pk", "state")) == [
        (line[0].pk, State.CALLED)
    ]
    assert Ticket.objects.filter(state=State.WAITING).count() == 9


# --------------------------------------------------------------------------- bookings


def test_twenty_residents_racing_for_the_last_four_places_of_a_slot():
    q = QueueWorld()
    # Land is served by counter 2 alone: 1 counter × 4 bookings = a slot of 4 places.
    QueueSettings.objects.filter(center=q.center).update(bookings_per_counter_slot=4)
    slot = vn(2025, 7, 8, 9)  # Tuesday 09:00, booked on Monday
    residents = Resident.objects.bulk_create(
        [Resident(phone=f"0988{i:06d}", full_name=f"Người đặt {i}") for i in range(20)]
    )
    assert (
        services.slots_for(
            q.center, q.land.pk, slot.date(), services.settings_for(q.center), at=vn(2025, 7, 7, 9)
        )[0].capacity
        == 4
    )

    results = race(
        20,
        lambda i: services.book(residents[i], q.center, q.land, slot, at=vn(2025, 7, 7, 9)).pk,
    )

    assert refusals(results) == Tally({errors.SLOT_FULL: 16})
    booked = Ticket.objects.filter(pk__in=oks(results))
    assert booked.count() == 4 and all(t.state == State.BOOKED for t in booked)
    assert len({t.resident_id for t in booked}) == 4
    assert sorted(t.number for t in booked) == [1, 2, 3, 4]
    assert len({t.check_in_code for t in booked}) == 4
    assert SlotUsage.objects.get(center=q.center, field=q.land, slot_start=slot).booked == 4
    assert Ticket.objects.count() == 4
