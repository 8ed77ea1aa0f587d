"""Connects the national-portal sync to dossier events (``dossier_event_recorded``)."""

from django.dispatch import receiver

from motcua.dossiers.signals import dossier_event_recorded
from motcua.dvcqg import services, tasks


@receiver(dossier_event_recorded, dispatch_uid="motcua.dvcqg.mark_unsynced")
def mark_unsynced(sender, event, **kwargs):
    # Inside the event's transaction: one upsert, then a push enqueued for after the commit.
    # Nothing here may touch the network or the dossier (signals.py).
    services.mark_unsynced(event)
    tasks.push_after_commit()
