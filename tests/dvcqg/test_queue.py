"""The push runs on the background queue: enqueued when an officer's change commits, processed
by ``motcua db_worker``, and re-enqueued for later while the portal is down."""

import signal
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from motcua.dossiers.services import perform
from motcua.dvcqg import services, tasks
from motcua.dvcqg.models import SyncState, SyncStatus
from tests.world import World, vn

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def run_worker():
    """Run ``db_worker --batch`` in this process; put back the signal handlers it installs."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())

    yield run
    for s, handler in saved.items():
        signal.signal(s, handler)


def push_tasks():
    return DBTaskResult.objects.filter(task_path=tasks.push_dossiers.module_path)


def test_changes_are_pushed_by_the_worker_and_retried_while_the_portal_is_down(
    portal, portal_settings, run_worker, monkeypatch
):
    world = World()
    d = world.receive(at=vn(2025, 7, 7, 9))

    # Committed: one push task waits in the queue; nothing was sent inside the transaction.
    assert push_tasks().filter(status=TaskResultStatus.READY).count() == 1
    assert portal.requests == []

    run_worker()

    assert portal.dossiers[d.code]["TrangThaiHoSo"] == "2"
    assert SyncState.objects.get(dossier=d).status == SyncStatus.SYNCED
    assert push_tasks().get().status == TaskResultStatus.SUCCESSFUL

    # The portal goes down; the officer forwards the dossier.
    monkeypatch.setattr(services, "FIRST_RETRY", timedelta(milliseconds=300))
    portal.down = True
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    run_worker()

    state = SyncState.objects.get(dossier=d)
    assert state.status == SyncStatus.ERROR
    # The task re-enqueued itself for when the dossier is due again; --batch left it waiting.
    [retry] = push_tasks().filter(status=TaskResultStatus.READY)
    assert retry.run_after == state.next_attempt_at
    assert retry.run_after > timezone.now() - timedelta(seconds=5)

    portal.down = False
    time.sleep(0.4)
    run_worker()

    assert SyncState.objects.get(dossier=d).status == SyncStatus.SYNCED
    assert [p["NoiDungXuLy"] for p in portal.progress_of(d.code)] == [
        "Tiếp nhận hồ sơ",
        "Chuyển xử lý",
    ]
    assert not push_tasks().filter(status=TaskResultStatus.READY).exists()
    assert not push_tasks().filter(status=TaskResultStatus.FAILED).exists()


def test_pull_task_imports_online_dossiers(portal, portal_settings, run_worker):
    from tests.dvcqg.test_pull import online_row

    world = World()
    portal.online = [online_row()]
    tasks.pull_dossiers.enqueue()

    run_worker()

    [result] = DBTaskResult.objects.filter(task_path=tasks.pull_dossiers.module_path)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert len(result.return_value["created"]) == 1
    dossier = world.a.competent_dossiers.get()
    # The import itself is a change: the push that followed told the portal (status 1).
    assert portal.dossiers[dossier.code]["TrangThaiHoSo"] == "1"
