"""Procedure.field becomes required (see 0004)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_unclassified_field")]

    operations = [
        migrations.AlterField(
            model_name="procedure",
            name="field",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="procedures",
                to="catalog.field",
                verbose_name="lĩnh vực",
            ),
        ),
    ]
