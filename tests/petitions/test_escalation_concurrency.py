"""Two workers escalating at the same moment fire each rule once per report (PostgreSQL, real
concurrent connections): ``Escalation`` is unique per report and rule, and the worker whose
insert loses rolls back its event and messages with it."""

import importlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from motcua.notify.models import Message
from motcua.petitions import services
from motcua.petitions.models import Escalation, EventKind, PetitionEvent
from tests.petitions.support import report
from tests.world import vn

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WORKERS = 4
REPORTS = 12


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL: run with DATABASE_URL=postgres://...")


@pytest.fixture
def national_defaults():
    """The migration's categories and rules: a transactional test's flush removed them."""
    from django.apps import apps

    importlib.import_module("motcua.petitions.migrations.0002_national_defaults").add_defaults(
        apps, None
    )


def test_concurrent_workers_fire_each_rule_once(national_defaults, world):
    for user, email in ((world.specialist, "cv@example.vn"), (world.leader, "ld@example.vn")):
        user.email = email
        user.save(update_fields=["email"])
    world.monitor.email = "gs@example.vn"
    world.monitor.save(update_fields=["email"])
    petitions = [services.accept(report(world), world.specialist) for _ in range(REPORTS)]
    now = vn(2025, 7, 21, 10)  # 5 working days late: remind, leader, province
    start = threading.Barrier(WORKERS)

    def worker(_n):
        try:
            start.wait()
            return services.escalate_overdue(now=now)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(WORKERS) as pool:
        reports = list(pool.map(worker, range(WORKERS)))

    assert connection.vendor == "postgresql"
    assert sum(r.fired for r in reports) == 3 * REPORTS
    assert Escalation.objects.count() == 3 * REPORTS
    for petition in petitions:
        assert petition.escalations.count() == 3
        events = PetitionEvent.objects.filter(petition=petition, kind=EventKind.ESCALATED)
        assert events.count() == 3
    mails = Message.objects.filter(dedupe_key__contains=":escalation:")
    assert mails.count() == 3 * REPORTS
    assert mails.values("dedupe_key").distinct().count() == 3 * REPORTS
