"""Every document stored before owners were verified leaves its owner's store (ADR 0024).

A migration of its own: on PostgreSQL an UPDATE of a foreign-key column in the same transaction
as the schema changes of 0003 would leave trigger events pending under the ALTER TABLEs.
"""

from django.db import migrations


def take_unverified_documents_out_of_the_stores(apps, schema_editor):
    """No document stored before this migration can show that its owner's identity was verified
    for the filing that brought it (docs/decisions/0024): every one leaves its owner's store and
    stays with its dossier, where it is still kept and downloaded. Written out, although the new
    column's default already says so, so that the decision is visible here."""
    StoredDocument = apps.get_model("docstore", "StoredDocument")
    StoredDocument.objects.update(verified_via="", verified_by=None, verified_at=None)


class Migration(migrations.Migration):
    dependencies = [("docstore", "0003_owner_verification_and_consent")]

    operations = [
        migrations.RunPython(
            take_unverified_documents_out_of_the_stores, migrations.RunPython.noop, elidable=True
        ),
    ]
