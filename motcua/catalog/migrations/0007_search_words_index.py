"""Procedure search at national size (ADR 0027): a narrow table of what ranking reads,
``catalog_procedure_search``, kept in step with ``catalog_procedure`` by triggers, and a word index
on it: SQLite FTS5, or on PostgreSQL a ``tsvector`` column with a GIN index
(``motcua.catalog.search_index`` explains both and holds the statements).

The trigram index of 0003 stays: the admin's search uses ``LIKE '%…%'``.
"""

from django.db import migrations

from motcua.catalog import search_index


def forwards(apps, schema_editor):
    search_index.create_index(schema_editor.connection)


def backwards(apps, schema_editor):
    search_index.drop_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_national_portal_structure")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
