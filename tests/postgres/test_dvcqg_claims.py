"""Several workers pushing to the national portal at once send every event exactly once, even
while officers keep acting on the same dossiers (PostgreSQL)."""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from motcua.dossiers.models import DossierEvent
from motcua.dossiers.services import perform
from motcua.dvcqg import services
from motcua.dvcqg.adapters import PortalAdapter
from motcua.dvcqg.models import SyncState, SyncStatus
from tests.world import World, vn

pytestmark = pytest.mark.postgres

DOSSIERS = 60
WORKERS = 8


class RecordingPortal(PortalAdapter):
    """Accepts everything, slowly enough for workers to overlap, and counts what it got."""

    def __init__(self):
        self.lock = threading.Lock()
        self.dossier_pushes: Counter = Counter()
        self.progress: list[tuple[str, str, str]] = []  # (code, time, content)

    def push_dossier(self, payload):
        time.sleep(0.001)
        with self.lock:
            self.dossier_pushes[payload["MaHoSo"]] += 1

    def push_progress(self, payload):
        time.sleep(0.001)
        with self.lock:
            self.progress.append(
                (payload["MaHoSo"], payload["ThoiDiemXuLy"], payload["NoiDungXuLy"])
            )

    def fetch_online_dossiers(self):
        return []


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_push_each_event_exactly_once():
    world = World()
    dossiers = [world.receive(at=vn(2025, 7, 7, 9)) for _ in range(DOSSIERS)]
    portal = RecordingPortal()
    officer_done = threading.Event()
    start = threading.Barrier(WORKERS + 1)

    def worker(_):
        try:
            start.wait()
            while True:
                idle = services.push_due(limit=5, adapter=portal).claimed == 0
                if idle and officer_done.is_set():
                    return
        finally:
            connections.close_all()

    def officer():
        # Meanwhile the one-stop forwards every dossier: new events race with the pushes.
        try:
            start.wait()
            for d in dossiers:
                perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
        finally:
            officer_done.set()
            connections.close_all()

    with ThreadPoolExecutor(WORKERS + 1) as pool:
        futures = [pool.submit(worker, i) for i in range(WORKERS)]
        futures.append(pool.submit(officer))
        for future in futures:
            future.result()
    # A worker may have stopped just before the last forward committed: one more pass drains.
    services.push_due(adapter=portal)

    assert connection.vendor == "postgresql"
    assert DossierEvent.objects.count() == 2 * DOSSIERS
    assert len(portal.progress) == 2 * DOSSIERS  # every event once …
    assert len(set(portal.progress)) == 2 * DOSSIERS  # … and none twice
    for d in dossiers:
        pushed = [content for code, _, content in portal.progress if code == d.code]
        assert pushed == ["Tiếp nhận hồ sơ", "Chuyển xử lý"]  # in order
    assert set(portal.dossier_pushes) == {d.code for d in dossiers}
    states = SyncState.objects.all()
    assert {s.status for s in states} == {SyncStatus.SYNCED}
    assert all(s.last_event_id == s.latest_event_id for s in states)
    assert not states.exclude(claimed_by="").exists()
