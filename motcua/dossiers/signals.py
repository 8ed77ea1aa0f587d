"""What other parts of motcua may listen to about dossiers.

``dossier_event_recorded`` is sent inside the transaction that wrote the audit event, once per
event, with ``event`` (a ``DossierEvent``; ``event.dossier`` is the changed dossier). Receivers
write their own outbox rows in that same transaction (so a change and its notification or
portal sync are committed together or not at all) and enqueue background work with
``transaction.on_commit``. Receivers must not change the dossier.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import Signal

dossier_event_recorded = Signal()

_muted: ContextVar[bool] = ContextVar("dossier_listeners_muted", default=False)


@contextmanager
def listeners_muted():
    """Replay history without telling anyone: the demo generator records months of past events,
    which must not text thousands of made-up phone numbers or queue portal pushes one by one."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def announce(event) -> None:
    if not _muted.get():
        dossier_event_recorded.send(sender=type(event), event=event)
