"""Existing centres get queue settings and the default priority groups (new ones get them from
``receivers``)."""

import secrets

from django.db import migrations


def set_up(apps, schema_editor):
    from motcua.queueing.defaults import DEFAULT_PRIORITY_GROUPS

    ServiceCenter = apps.get_model("units", "ServiceCenter")
    QueueSettings = apps.get_model("queueing", "QueueSettings")
    PriorityGroup = apps.get_model("queueing", "PriorityGroup")
    ids = list(ServiceCenter.objects.values_list("pk", flat=True))
    QueueSettings.objects.bulk_create(
        [QueueSettings(center_id=pk, kiosk_key=secrets.token_urlsafe(9)) for pk in ids],
        ignore_conflicts=True,
    )
    PriorityGroup.objects.bulk_create(
        [
            PriorityGroup(
                center_id=pk,
                code=d.code,
                name_vi=d.name_vi,
                name_en=d.name_en,
                head_start_minutes=d.head_start_minutes,
                legal_basis=d.legal_basis,
                strength=d.strength,
                position=position,
                is_active=d.is_active,
            )
            for pk in ids
            for position, d in enumerate(DEFAULT_PRIORITY_GROUPS, start=1)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("queueing", "0001_initial")]
    operations = [migrations.RunPython(set_up, migrations.RunPython.noop)]
