"""What lets the test runner empty an append-only table on SQLite, and nothing else.

The audit tables (``audit_auditentry``, ``dossiers_dossierevent``) refuse UPDATE and DELETE in the
database itself (their migrations add the triggers). Emptying the whole database is the one
exception: ``flush`` does it, and pytest-django runs it after every test that commits. On
PostgreSQL ``flush`` uses TRUNCATE, which row triggers do not see. On SQLite it uses DELETE, so
there the DELETE trigger asks ``motcua_flushing()``, a function this module gives each SQLite
connection, which answers 1 only while this process runs ``flush`` (``motcua.audit``'s ``flush``
command wraps Django's in ``flushing()``).

A connection that does not have the function (the ``sqlite3`` shell, another program) cannot run
the trigger at all, so its DELETE fails too ("no such function: motcua_flushing"): the rule holds
outside Django as well.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.backends.signals import connection_created
from django.dispatch import receiver

FLUSHING_FUNCTION = "motcua_flushing"

_flushing: ContextVar[bool] = ContextVar("motcua_flushing", default=False)


@contextmanager
def flushing() -> Iterator[None]:
    """Within this block, ``DELETE`` on the append-only tables is allowed (SQLite only)."""
    token = _flushing.set(True)
    try:
        yield
    finally:
        _flushing.reset(token)


def is_flushing() -> int:
    return int(_flushing.get())


@receiver(connection_created, dispatch_uid="audit.sqlite_flushing_function")
def _add_flushing_function(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(FLUSHING_FUNCTION, 0, is_flushing)
