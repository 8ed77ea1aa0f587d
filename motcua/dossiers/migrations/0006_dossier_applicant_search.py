"""The counter finds a dossier by the applicant's name typed without accents (issue 15):
``applicant_search`` holds the name folded (``motcua.text.search_key``), kept by
``Dossier.save`` from now on and filled here for the dossiers already stored, in batches of
``BATCH`` rows. An index on ``applicant_phone`` serves the look-up by phone (the ID number has
one already). Reversing drops the column; nothing is lost (it is derived from the name)."""

from django.db import migrations, models

BATCH = 1000


def fill(apps, schema_editor):
    from motcua.text import search_key

    Dossier = apps.get_model("dossiers", "Dossier")
    last = 0
    while True:
        rows = list(
            Dossier.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "applicant_name")[
                :BATCH
            ]
        )
        if not rows:
            return
        for pk, name in rows:
            Dossier.objects.filter(pk=pk).update(applicant_search=search_key(name or "")[:200])
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_audit_refuses_delete_on_sqlite"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="applicant_search",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["applicant_phone"], name="dossier_applicant_phone_idx"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
