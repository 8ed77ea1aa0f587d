"""On SQLite the dossier audit trail refused UPDATE only (0002): a raw ``DELETE`` or a bulk
``QuerySet.delete()`` could remove events. Refuse DELETE there too, as PostgreSQL already does.

The test runner empties tables with DELETE on SQLite, so the trigger lets rows go while ``flush``
runs and at no other time (``motcua_flushing()``, see ``motcua.audit.append_only``).
"""

from django.db import migrations

TABLE = "dossiers_dossierevent"
MESSAGE = "dossier events are append-only"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
            f"WHEN NOT motcua_flushing() BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
        )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;")


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0004_dossier_resident_dossierdocument_reused_and_more"),
        # The function the trigger asks is given to connections by the audit app.
        ("audit", "0002_append_only"),
    ]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
