"""Put the official day swaps shipped in ``motcua/data/vn_official_day_swaps.csv`` in force as soon
as the database is migrated, so a fresh install computes deadlines with them even if nobody runs
``motcua import_day_overrides``.

The file is read and checked by the same code as that command (``importers.read_day_overrides``);
the rows are written with this migration's historical models, as a migration must. Only dates not
yet in the table are added: a row staff already entered or edited stays as it is. Each added row
gets its audit entry, naming this migration as the source. Running it again adds nothing; undoing
it removes nothing (staff may have relied on the rows since).
"""

from django.db import migrations
from django.utils import timezone

SOURCE = "migration units.0003_load_official_day_swaps"


def load_swaps(apps, schema_editor):
    from motcua.units.importers import DAY_OVERRIDES_FILE, bundled, read_day_overrides

    DayOverride = apps.get_model("units", "DayOverride")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    db = schema_editor.connection.alias
    rows = read_day_overrides(bundled(DAY_OVERRIDES_FILE))
    present = set(
        DayOverride.objects.using(db)
        .filter(date__in=[r.date for r in rows])
        .values_list("date", flat=True)
    )
    added = [
        DayOverride.objects.using(db).create(
            date=r.date, kind=r.kind, note=r.note, status=r.status
        )
        for r in rows
        if r.date not in present
    ]
    labels = {"day_off": "ngày nghỉ bù/nghỉ thêm", "working_day": "ngày làm việc bù (thứ Bảy)"}
    now = timezone.now()
    AuditEntry.objects.using(db).bulk_create(
        [
            AuditEntry(
                at=now,
                actor=None,
                source=SOURCE,
                kind="day_override",
                action="create",
                object_id=o.pk,
                object_repr=f"{o.date:%d/%m/%Y} – {labels.get(o.kind, o.kind)}",
                before=None,
                after={
                    "date": o.date.isoformat(),
                    "kind": o.kind,
                    "note": o.note,
                    "status": o.status,
                },
            )
            for o in added
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0002_province_dossier_code_pattern"),
        ("audit", "0002_append_only"),
    ]

    operations = [migrations.RunPython(load_swaps, migrations.RunPython.noop)]
