"""Helpers for bulk imports: fixed-size batches and an optional progress callback."""

from collections.abc import Callable, Iterable, Sequence
from itertools import islice

# Rows per query: small enough for SQLite's limit on bound parameters, large enough to be quick.
BATCH_SIZE = 500

ProgressCallback = Callable[[int], None]


def no_progress(_n: int) -> None:
    """The progress callback used when nobody is watching."""


def chunks(items: Sequence, size: int = BATCH_SIZE) -> Iterable[Sequence]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
