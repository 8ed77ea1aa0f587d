"""A paper is digitised only when a file is behind it (issue 15, ADR 0028).

Until now every paper received at the counter or by post was marked ``digitized`` at intake
whether or not anyone scanned it, so the digitisation rate in statistics counted papers nobody
had scanned. This un-marks every component without a file (``stored_document`` empty); papers
with a scan, an upload or a reused stored document keep the mark, and every component with a
file gets it. Reversing changes nothing: which of the old marks were true is not known.
"""

import logging

from django.db import migrations

log = logging.getLogger("motcua.migrations")


def only_with_file(apps, schema_editor):
    DossierDocument = apps.get_model("dossiers", "DossierDocument")
    unmarked = DossierDocument.objects.filter(digitized=True, stored_document__isnull=True).update(
        digitized=False
    )
    marked = DossierDocument.objects.filter(digitized=False, stored_document__isnull=False).update(
        digitized=True
    )
    log.info(
        "dossiers: %s papers without a file no longer counted as digitised, "
        "%s papers with a file marked digitised",
        unmarked,
        marked,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0006_dossier_applicant_search"),
    ]

    operations = [
        migrations.RunPython(only_with_file, migrations.RunPython.noop, elidable=True),
    ]
