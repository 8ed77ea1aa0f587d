"""A trigram index for procedure search on PostgreSQL.

Search filters ``search_text LIKE '%word%'`` (catalog.queries). A B-tree cannot serve that; a
pg_trgm GIN index can, which matters once a province loads the national catalogue and thousands of
residents search at once. SQLite has no equivalent and does not need one at demo scale, so this
migration does nothing there.

``CREATE EXTENSION`` needs a role allowed to create it (pg_trgm is a trusted extension from
PostgreSQL 13, so the database owner may). If that fails, search still works, without the index.
"""

from django.db import migrations

CREATE = """
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'pg_trgm not available; procedure search runs without a trigram index';
END
$$;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS catalog_procedure_search_trgm
            ON catalog_procedure USING gin (search_text gin_trgm_ops);
    END IF;
END
$$;
"""
DROP = "DROP INDEX IF EXISTS catalog_procedure_search_trgm;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
