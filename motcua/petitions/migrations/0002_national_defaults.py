"""The national default categories and escalation rules (``motcua.petitions.defaults``).

Provinces add their own categories, or replace one by giving theirs the same code; a province's
own escalation rules replace all the national ones (``services.rules_for``).
"""

from django.db import migrations


def add_defaults(apps, schema_editor):
    from motcua.petitions import defaults

    defaults.install(apps.get_model("petitions", "Category"), apps.get_model("petitions", "EscalationRule"))


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
