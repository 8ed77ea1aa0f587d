"""Keeps the rollups current: a dossier change marks its commune-month dirty (dossiers.signals)."""

from django.dispatch import receiver

from motcua.dossiers.signals import dossier_event_recorded
from motcua.insights import rollups


@receiver(dossier_event_recorded, dispatch_uid="motcua.insights.mark_rollup_dirty")
def mark_rollup_dirty(sender, event, **kwargs):
    # Inside the event's transaction: one upsert, so the mark and the change commit together.
    rollups.mark_dirty(event.dossier)
