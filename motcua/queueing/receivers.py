"""A new centre gets its queue settings and default priority groups at once."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from motcua.units.models import ServiceCenter


@receiver(post_save, sender=ServiceCenter, dispatch_uid="queueing-setup-new-center")
def _set_up_queue(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from motcua.queueing.services import ensure_queue_setup

        ensure_queue_setup([instance])
