"""The word index of procedure search: SQLite FTS5 with triggers, or on PostgreSQL a stored
``tsvector`` column ``search_words`` with a GIN index (``motcua.catalog.search_index`` explains
both).

The statements are copied here, not imported, so that this migration keeps doing what it did when
the module changes. The trigram index of 0003 stays: the admin's search uses ``LIKE '%…%'``.
"""

from django.db import migrations

FTS = "catalog_procedure_fts"
SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(
        search_text, content='catalog_procedure', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0 tokenchars '.'"
    )""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_insert AFTER INSERT ON catalog_procedure BEGIN
        INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_delete AFTER DELETE ON catalog_procedure BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_update AFTER UPDATE ON catalog_procedure
    WHEN old.search_text IS NOT new.search_text OR old.id IS NOT new.id BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TABLE IF EXISTS {FTS}",
]
PG_CREATE = [
    "ALTER TABLE catalog_procedure ADD COLUMN IF NOT EXISTS search_words tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS catalog_procedure_search_words ON catalog_procedure "
    "USING gin (search_words)",
]
PG_DROP = [
    "DROP INDEX IF EXISTS catalog_procedure_search_words",
    "ALTER TABLE catalog_procedure DROP COLUMN IF EXISTS search_words",
]


def _run(schema_editor, statements):
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": PG_CREATE})


def backwards(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": PG_DROP})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_national_portal_structure")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
