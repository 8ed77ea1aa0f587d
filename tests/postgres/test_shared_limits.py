"""The limiter's counts under real concurrency (PostgreSQL): 50 connections at the same moment.

Each thread has its own connection, as each web process would; they start on one barrier so the
upserts really race. The multi-process proof through gunicorn is in tests/ratelimit/.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from motcua import ratelimit
from motcua.ratelimit import Limit, Refused

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 50
TWENTY = Limit("test-twenty", 20, timedelta(minutes=1))
THIRTY = Limit("test-thirty", 30, timedelta(minutes=1))


def race(work) -> list:
    start = threading.Barrier(THREADS)

    def run(i: int):
        try:
            start.wait()
            return work(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(run, range(THREADS)))


def allowed(*counted, at):
    try:
        ratelimit.hit(*counted, at=at)
    except Refused:
        return False
    return True


def test_fifty_racing_calls_against_a_limit_of_twenty_let_exactly_twenty_through():
    at = timezone.now()
    results = race(lambda _i: allowed((TWENTY, "203.0.113.7"), at=at))
    assert results.count(True) == 20
    assert ratelimit.used(TWENTY, "203.0.113.7", at=at) == 20


def test_racing_calls_against_two_limits_count_all_or_nothing():
    """Twenty per address, thirty per phone: the 30 calls that the address refuses give their
    phone count back, so the phone's count is exactly the twenty that passed."""
    at = timezone.now()
    results = race(lambda _i: allowed((THIRTY, "0912345678"), (TWENTY, "203.0.113.7"), at=at))
    assert results.count(True) == 20
    assert ratelimit.used(THIRTY, "0912345678", at=at) == 20


def test_racing_records_lose_no_count():
    at = timezone.now()
    race(
        lambda _i: ratelimit.record("test-failures", "officer", window=timedelta(minutes=15), at=at)
    )
    assert ratelimit.peek("test-failures", "officer", at=at).value == THREADS
