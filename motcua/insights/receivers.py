"""Keeps the rollups current: a dossier change marks its commune-month dirty (dossiers.signals),
and so does a change of a resident's report (group 5 of the index reads them)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from motcua.dossiers.signals import dossier_event_recorded
from motcua.insights import rollups
from motcua.petitions.models import Petition


@receiver(dossier_event_recorded, dispatch_uid="motcua.insights.mark_rollup_dirty")
def mark_rollup_dirty(sender, event, **kwargs):
    # Inside the event's transaction: one upsert, so the mark and the change commit together.
    rollups.mark_dirty(event.dossier)


@receiver(post_save, sender=Petition, dispatch_uid="motcua.insights.mark_petition_rollup_dirty")
def mark_petition_rollup_dirty(sender, instance, raw=False, **kwargs):
    # Every report change goes through petitions.services in a transaction: the mark commits
    # with it.
    if not raw:
        rollups.mark_petition_dirty(instance)
