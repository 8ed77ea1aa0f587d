"""Delivery through the real task queue: a committed dossier change queues a task, and
``motcua db_worker`` runs it. These tests commit for real (``transaction=True``): the task is
queued only when the change commits, and the worker reads what was committed."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from motcua.dossiers.services import perform
from motcua.notify.models import Message, Status
from motcua.notify.services import RETRY_DELAYS
from motcua.notify.tasks import deliver_messages

pytestmark = pytest.mark.django_db(transaction=True)


def delivery_tasks():
    """Our tasks only: other apps (the portal sync) queue theirs on the same dossier events."""
    return DBTaskResult.objects.filter(task_path=deliver_messages.module_path).order_by(
        "enqueued_at"
    )


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())


@pytest.fixture
def outbox_file(settings, tmp_path):
    settings.MOTCUA_NOTIFY_ADAPTERS = {
        "sms": "motcua.notify.adapters.FileAdapter",
        "email": "motcua.notify.adapters.FileAdapter",
    }
    settings.MOTCUA_NOTIFY_FILE = tmp_path / "outbox.jsonl"
    return settings.MOTCUA_NOTIFY_FILE


def test_a_committed_change_is_delivered_by_the_worker(world, outbox_file):
    now = timezone.now()
    d = world.receive(at=now)
    d = perform(d, "forward", actor=world.reception, at=now)

    # One task per committed transaction, each waiting for a worker.
    assert list(delivery_tasks().values_list("status", flat=True)) == ["READY", "READY"]
    assert not outbox_file.exists()

    run_worker()

    assert set(delivery_tasks().values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert set(Message.objects.values_list("status", flat=True)) == {Status.SENT}
    lines = [json.loads(line) for line in outbox_file.read_text().splitlines()]
    assert f"Hồ sơ {d.code}: Đã tiếp nhận, tại bộ phận một cửa." in lines[0]["body"]
    assert f"Hồ sơ {d.code}: Đang thẩm định (chuyên viên)." in lines[1]["body"]
    assert {x["recipient"] for x in lines} == {"*******678"}
    # The first task sent both messages; the second found nothing left to do.
    results = [r.return_value for r in delivery_tasks()]
    assert [r["sent"] for r in results] == [2, 0]


def test_after_a_temporary_failure_the_task_queues_itself_for_the_retry(world, provider):
    provider.then("temporary")
    world.receive(at=timezone.now())
    run_worker()

    message = Message.objects.get()
    assert message.status == Status.PENDING
    assert message.attempts == 1
    first, retry = delivery_tasks()
    assert first.status == TaskResultStatus.SUCCESSFUL
    assert first.return_value["retrying"] == 1
    # The follow-up waits for the message's next attempt, about a minute from now.
    assert retry.status == TaskResultStatus.READY
    assert retry.run_after == message.next_attempt_at
    waited = retry.run_after - first.started_at
    assert RETRY_DELAYS[0] <= waited < RETRY_DELAYS[0] + timedelta(seconds=30)
