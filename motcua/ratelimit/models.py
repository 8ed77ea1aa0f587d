"""The counters of ``motcua.ratelimit`` when they live in the database (the default).

The limiter reads and writes this table with single atomic statements (``stores.DatabaseStore``),
never through the ORM's read-then-write; the model is here so that ``migrate`` creates it.
"""

from django.db import models


class Counter(models.Model):
    """How many calls one key has made in its current window. ``key`` is the limit's scope and a
    keyed hash (HMAC) of who is counted, never a phone number or address in clear."""

    key = models.CharField(max_length=128, primary_key=True)
    value = models.PositiveIntegerField()
    # The end of the window, in milliseconds since the epoch (UTC): an integer compares the same
    # way on every database, which a raw-SQL upsert needs.
    expires_ms = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "ratelimit_counter"  # stores.TABLE

    def __str__(self) -> str:
        return f"{self.key[:40]}… = {self.value}"
