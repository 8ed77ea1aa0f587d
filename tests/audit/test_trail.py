"""The audit trail itself: rows are written only with an actor or a named system source, a change
that changes nothing writes none, and no row can be changed or removed afterwards, neither through
the model nor by SQL, on SQLite as on PostgreSQL."""

import datetime
import sqlite3

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from motcua.audit.models import Action, AuditEntry, Kind
from motcua.audit.services import record_change
from motcua.units import services
from motcua.units.models import DayOverride
from tests.audit.support import Trail

SATURDAY = datetime.date(2027, 3, 6)


@pytest.fixture
def entry(editor) -> AuditEntry:
    services.set_day_override(SATURDAY, "working_day", actor=editor, note="Làm bù")
    return AuditEntry.objects.get(kind=Kind.DAY_OVERRIDE)


def test_a_row_cannot_be_changed_or_deleted_through_the_model(entry):
    entry.reason = "sửa lại"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET reason = 'x' WHERE id = %s",
        "UPDATE audit_auditentry SET actor_id = NULL, source = 'giả' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ],
)
def test_the_database_refuses_update_and_delete(entry, sql):
    """Raw SQL bypasses the model: the triggers stop it (on SQLite and on PostgreSQL)."""
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.reason, stored.actor_id) == ("", entry.actor_id)


def test_bulk_update_and_delete_are_refused_too(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk)._raw_delete(AuditEntry.objects.db)
    assert AuditEntry.objects.filter(pk=entry.pk, reason="").exists()


def test_a_change_without_a_person_must_name_its_source(db):
    override = DayOverride.objects.create(date=SATURDAY, kind="working_day")
    with pytest.raises(ValueError, match="system source"):
        record_change(Kind.DAY_OVERRIDE, override, before=None, after={"kind": "x"}, actor=None)
    entry = record_change(
        Kind.DAY_OVERRIDE, override, before=None, after={"kind": "x"}, actor=None, source="nhập"
    )
    assert (entry.actor, entry.source, entry.action) == (None, "nhập", Action.CREATE)


def test_a_save_that_changes_nothing_writes_no_row(editor):
    services.set_day_override(SATURDAY, "working_day", actor=editor, note="Làm bù")
    trail = Trail()
    services.set_day_override(SATURDAY, "working_day", actor=editor, note="Làm bù")
    assert trail.new() == []


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_connection_outside_motcua_cannot_delete_either(editor):
    """The SQLite DELETE trigger asks a function only motcua's connections have: another program
    (the ``sqlite3`` shell) cannot run it, so its DELETE fails too."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's trigger refuses every connection alike (test above)")
    services.set_day_override(SATURDAY, "working_day", actor=editor)
    outside = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError, match="motcua_flushing"):
            outside.execute("DELETE FROM audit_auditentry")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            outside.execute("UPDATE audit_auditentry SET reason = 'x'")
    finally:
        outside.close()
    assert AuditEntry.objects.filter(kind=Kind.DAY_OVERRIDE).count() == 1
