"""Make the audit trail append-only in the database itself, so no code path (raw SQL, a bulk
``update()``, a careless admin action) can rewrite history.

UPDATE is refused on every database. DELETE is refused on PostgreSQL; there the test runner empties
tables with TRUNCATE, which row triggers do not see. On SQLite the test runner empties tables with
DELETE, so there deletion is refused by the model (``DossierEvent.delete``) and foreign keys
(``on_delete=PROTECT``) instead.
"""

from django.db import migrations

TABLE = "dossiers_dossierevent"
MESSAGE = "dossier events are append-only"


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {TABLE}_refuse() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse();"
        )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update;")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_refuse();")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
