"""Vietnamese mobile numbers: moved to ``motcua.phones`` so that every app may use the one
normaliser (the counter, the notification outbox); kept here for the residents' imports."""

from motcua.phones import MAX_TYPED_LENGTH, international, normalize_phone

__all__ = ["MAX_TYPED_LENGTH", "international", "normalize_phone"]
