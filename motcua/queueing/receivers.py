"""A new centre gets its queue settings and default priority groups at once: one saved by itself
(``post_save``) or many created in bulk by the units app (``centers_created``)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from motcua.units.models import ServiceCenter
from motcua.units.signals import centers_created


@receiver(post_save, sender=ServiceCenter, dispatch_uid="queueing-setup-new-center")
def _set_up_queue(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from motcua.queueing.services import ensure_queue_setup

        ensure_queue_setup([instance])


@receiver(centers_created, dispatch_uid="queueing-setup-bulk-centers")
def _set_up_queues(sender, centers, **kwargs):
    from motcua.queueing.services import ensure_queue_setup

    ensure_queue_setup(centers)  # idempotent: centres set up before are left as they are
