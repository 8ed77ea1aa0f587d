"""The national default categories (``data/default_categories.json``) and escalation rules.

Provinces add their own categories, or replace one by giving theirs the same code; a province's
own escalation rules replace all the national ones (``services.rules_for``).
"""

import json
from pathlib import Path

from django.db import migrations

CATEGORIES = Path(__file__).resolve().parent.parent / "data" / "default_categories.json"
# (status, overdue by working hours, action)
RULES = [
    ("received", 0, "remind"),
    ("in_progress", 0, "remind"),
    ("in_progress", 16, "raise_to_leader"),
    ("in_progress", 40, "notify_province"),
    ("awaiting_approval", 0, "raise_to_leader"),
]


def add_defaults(apps, schema_editor):
    Category = apps.get_model("petitions", "Category")
    EscalationRule = apps.get_model("petitions", "EscalationRule")
    for row in json.loads(CATEGORIES.read_text(encoding="utf-8")):
        code = row.pop("code")
        Category.objects.update_or_create(province=None, code=code, defaults=row)
    for status, overdue_hours, action in RULES:
        EscalationRule.objects.get_or_create(
            province=None, status=status, overdue_hours=overdue_hours, action=action
        )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
