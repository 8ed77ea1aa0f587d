"""Several workers delivering the same outbox at once send every message exactly once
(PostgreSQL, real concurrent connections): the claim is one conditional UPDATE, and only the
worker whose UPDATE changed the row sends it."""

import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from motcua.notify.models import Message, Status
from motcua.notify.services import deliver_due, enqueue

MESSAGES = 200
WORKERS = 8

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def outbox_file(settings, tmp_path):
    settings.MOTCUA_NOTIFY_ADAPTERS = {"sms": "motcua.notify.adapters.FileAdapter"}
    settings.MOTCUA_NOTIFY_FILE = tmp_path / "outbox.jsonl"
    return settings.MOTCUA_NOTIFY_FILE


def queue_messages(now):
    with transaction.atomic():
        for i in range(MESSAGES):
            enqueue("sms", f"09{i:08d}", f"Tin số {i}", dedupe_key=f"claims:{i}", at=now)


def deliver_concurrently(now):
    start = threading.Barrier(WORKERS)

    def worker(n: int):
        try:
            start.wait()  # every worker looks at the same 200 due rows at the same moment
            return deliver_due(worker_id=f"worker-{n}", now=now, limit=MESSAGES)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(worker, range(WORKERS)))


def assert_each_sent_exactly_once(outbox_file, reports):
    assert connection.vendor == "postgresql"
    uuids = Counter(json.loads(line)["uuid"] for line in outbox_file.read_text().splitlines())
    assert len(uuids) == MESSAGES
    assert set(uuids.values()) == {1}
    assert {str(u) for u in Message.objects.values_list("uuid", flat=True)} == set(uuids)
    assert Message.objects.filter(status=Status.SENT).count() == MESSAGES
    assert sum(r.sent for r in reports) == MESSAGES
    assert sum(r.failed + r.retrying for r in reports) == 0
    # The workers really raced: several of them won rows, and each saw rows it lost.
    senders = Counter(Message.objects.values_list("claimed_by", flat=True))
    assert len(senders) > 1, senders
    assert sum(r.skipped for r in reports) > 0


def test_pending_messages_are_sent_exactly_once_by_concurrent_workers(outbox_file):
    now = timezone.now()
    queue_messages(now)

    reports = deliver_concurrently(now)

    assert_each_sent_exactly_once(outbox_file, reports)
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}


def test_expired_leases_are_taken_over_exactly_once_by_concurrent_workers(outbox_file):
    now = timezone.now()
    queue_messages(now)
    # A worker claimed every message and died: its leases ran out a second ago.
    Message.objects.update(
        status=Status.SENDING,
        attempts=1,
        claimed_by="dead-worker",
        claimed_until=now - timedelta(seconds=1),
    )

    reports = deliver_concurrently(now)

    assert_each_sent_exactly_once(outbox_file, reports)
    assert set(Message.objects.values_list("attempts", flat=True)) == {2}
    assert not Message.objects.filter(claimed_by="dead-worker").exists()
