"""Two kinds of audited change: a report category's answering time and routing, and the rules
that escalate overdue reports (``motcua.petitions.configuration``).

The check constraint on ``kind`` changes, which on SQLite rebuilds the table and drops the
append-only triggers of 0002: they are created again here (PostgreSQL keeps them).
"""

import importlib

from django.db import migrations, models

append_only = importlib.import_module("motcua.audit.migrations.0002_append_only")

KINDS = [
    ("day_override", "ngày làm việc/nghỉ điều chỉnh"),
    ("office_hours", "giờ làm việc của trung tâm"),
    ("commune_procedures", "danh mục thủ tục của xã"),
    ("priority_group", "nhóm ưu tiên"),
    ("queue_settings", "cấu hình xếp hàng"),
    ("ticket_priority", "ưu tiên của số thứ tự"),
    ("petition_category", "lĩnh vực phản ánh (thời hạn, phân công)"),
    ("escalation_rule", "quy tắc nhắc việc phản ánh quá hạn"),
]


def triggers_again_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        append_only.drop_triggers(apps, schema_editor)
        append_only.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.RemoveConstraint(model_name="auditentry", name="audit_kind_valid"),
        migrations.AlterField(
            model_name="auditentry",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=24, verbose_name="loại"),
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.CheckConstraint(
                condition=models.Q(kind__in=[k for k, _ in KINDS]), name="audit_kind_valid"
            ),
        ),
        migrations.RunPython(triggers_again_on_sqlite, migrations.RunPython.noop),
    ]
