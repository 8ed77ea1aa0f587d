"""What other parts of motcua may listen to about dossiers.

``dossier_event_recorded`` is sent inside the transaction that wrote the audit event, once per
event, with ``event`` (a ``DossierEvent``; ``event.dossier`` is the changed dossier). Receivers
write their own outbox rows in that same transaction (so a change and its notification or
portal sync are committed together or not at all) and enqueue background work with
``transaction.on_commit``. Receivers must not change the dossier.
"""

from django.dispatch import Signal

dossier_event_recorded = Signal()
