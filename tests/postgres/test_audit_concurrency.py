"""Configuration edited by several people at once (PostgreSQL): each change is recorded with the
state it really changed, so the audit rows of one object form an unbroken chain, every row's
"before" being the previous row's "after". The services lock the row before reading it; without the
lock, two editors could both record the same "before" and the trail would lose a change.

The threads start on one ``threading.Barrier``, each on its own connection (closed when it ends).
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from motcua.accounts.models import User
from motcua.audit.models import AuditEntry, Kind
from motcua.catalog.services import standardize_procedures
from motcua.units.services import set_office_hours
from tests.world import World, make_procedure

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

EDITORS = 20


def race(work) -> None:
    start = threading.Barrier(EDITORS)

    def run(i: int):
        try:
            start.wait()
            work(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(EDITORS) as pool:
        list(pool.map(run, range(EDITORS)))


def assert_unbroken_chain(rows: list[AuditEntry], first_before: dict) -> None:
    assert len(rows) == EDITORS
    expected = first_before
    for row in rows:
        assert row.before == expected, (row.pk, row.before, expected)
        expected = row.after


def test_concurrent_office_hours_form_an_unbroken_chain():
    world = World()
    center = world.a.centers.get()
    editors = [User.objects.create_user(f"editor{i}", is_staff=True) for i in range(EDITORS)]

    def edit(i: int) -> None:
        set_office_hours(center, f"07:{i:02d}-11:30,13:30-17:00", actor=editors[i])

    race(edit)

    rows = list(AuditEntry.objects.filter(kind=Kind.OFFICE_HOURS, actor__isnull=False))
    rows.sort(key=lambda row: row.pk)
    assert_unbroken_chain(rows, {"office_hours": "08:00-12:00,13:00-17:00"})
    center.refresh_from_db()
    assert rows[-1].after == {"office_hours": center.office_hours}


def test_concurrent_changes_of_a_communes_list_form_an_unbroken_chain():
    world = World()
    procedures = [world.procedure] + [make_procedure(code=f"1.{i:06d}") for i in range(3)]
    admin = world.officers_a["commune_admin"]

    def edit(i: int) -> None:
        # Each editor keeps a different pair, so consecutive lists always differ.
        chosen = [procedures[i % 4], procedures[(i + 1 + i // 4) % 4]]
        if chosen[0] == chosen[1]:
            chosen = chosen[:1]
        standardize_procedures(world.a, chosen, actor=admin)

    race(edit)

    rows = list(AuditEntry.objects.filter(kind=Kind.COMMUNE_PROCEDURES).order_by("pk"))
    expected = {"standardized": False, "procedures": []}
    for row in rows:
        assert row.before == expected, (row.pk, row.before, expected)
        expected = row.after
    assert rows, "no change was recorded"
