"""A consent code is used once and allows few tries, even when many officers race (PostgreSQL).

ADR 0024: redeeming binds a code with one conditional UPDATE, and every guess is counted by a
conditional UPDATE before it is compared, so neither a race nor a burst of parallel guesses gets
past the rules."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from motcua.accounts.models import Role, User
from motcua.docstore import consent
from motcua.docstore.models import ReuseGrant
from tests.world import GOOD_ID, PASSWORD, World, vn

WORKERS = 24
T0 = vn(2025, 7, 7, 9)


def officers(world, count: int) -> list[User]:
    return [
        User.objects.create_user(
            f"quay{n}", password=PASSWORD, role=Role.RECEPTION, commune=world.a
        )
        for n in range(count)
    ]


def race(fn, args) -> list:
    start = threading.Barrier(len(args))

    def run(arg):
        try:
            start.wait()
            return fn(arg)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(args)) as pool:
        return list(pool.map(run, args))


@pytest.mark.django_db(transaction=True)
def test_one_share_code_entered_by_many_officers_at_once_grants_exactly_one():
    world = World()
    people = officers(world, WORKERS)
    _grant, code = consent.issue_share_code(owner=GOOD_ID, at=T0)

    def enter(officer):
        try:
            return consent.redeem(
                owner=GOOD_ID, code=code, officer=officer, intake=uuid.uuid4(), at=T0
            )
        except consent.ConsentRefused as exc:
            return exc.code

    outcomes = race(enter, people)

    assert connection.vendor == "postgresql"
    granted = [o for o in outcomes if isinstance(o, ReuseGrant)]
    assert len(granted) == 1
    # The others: the code was used, or its tries were spent by the officers racing for it.
    assert {o for o in outcomes if not isinstance(o, ReuseGrant)} <= {"used", "locked"}
    row = ReuseGrant.objects.get()
    assert row.granted_at is not None and row.officer == granted[0].officer


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_parallel_guesses_gets_no_more_than_five_tries():
    world = World()
    people = officers(world, WORKERS)
    _grant, code = consent.issue_share_code(owner=GOOD_ID, at=T0)
    wrong = [f"{(int(code) + n) % 10**6:06d}" for n in range(1, WORKERS + 1)]

    def guess(pair):
        officer, attempt = pair
        try:
            consent.redeem(owner=GOOD_ID, code=attempt, officer=officer, intake=uuid.uuid4(), at=T0)
        except consent.ConsentRefused as exc:
            return exc.code
        return "granted"

    outcomes = race(guess, list(zip(people, wrong, strict=True)))

    row = ReuseGrant.objects.get()
    assert row.attempts == consent.MAX_ATTEMPTS and row.voided_at is not None
    assert "granted" not in outcomes
    assert set(outcomes) <= {"wrong", "locked", "no_code", "void"}
    assert outcomes.count("wrong") <= consent.MAX_ATTEMPTS - 1
    # The right code after the burst: the code is void.
    with pytest.raises(consent.ConsentRefused):
        consent.redeem(
            owner=GOOD_ID, code=code, officer=world.reception, intake=uuid.uuid4(), at=T0
        )
