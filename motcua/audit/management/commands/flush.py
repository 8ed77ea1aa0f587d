"""Django's ``flush``, allowed to empty the append-only tables on SQLite (see ``append_only``).

Emptying the whole database removes the audit trail on every database: on PostgreSQL ``flush``
truncates, which the row triggers cannot see. This keeps SQLite the same, and keeps every other
DELETE of an audit row refused.
"""

from django.core.management.commands.flush import Command as DjangoFlush

from motcua.audit.append_only import flushing


class Command(DjangoFlush):
    def handle(self, **options):
        with flushing():
            return super().handle(**options)
