"""Every procedure has a field: procedures imported without one move to "Chưa xác định"
(still flagged for review), so pages, the API and counter routing never meet a missing field.
The column becomes NOT NULL in 0005: a separate transaction, because PostgreSQL refuses to alter a
table with pending foreign-key checks from the update here."""

from django.db import migrations

UNCLASSIFIED = {"code": "chua-xac-dinh", "name_vi": "Chưa xác định", "name_en": "Not established"}


def fill_missing_fields(apps, schema_editor):
    Procedure = apps.get_model("catalog", "Procedure")
    Field = apps.get_model("catalog", "Field")
    orphans = Procedure.objects.filter(field__isnull=True)
    if orphans.exists():
        field, _ = Field.objects.get_or_create(
            code=UNCLASSIFIED["code"],
            defaults={"name_vi": UNCLASSIFIED["name_vi"], "name_en": UNCLASSIFIED["name_en"]},
        )
        orphans.update(field=field)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_search_trgm_postgresql")]

    operations = [
        migrations.RunPython(fill_missing_fields, migrations.RunPython.noop),
    ]
