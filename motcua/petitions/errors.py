"""What can go wrong with a report, in words the person can act on. Raised before anything is
written, so a refused step changes nothing."""

from django.core.exceptions import ValidationError


class PetitionError(ValidationError):
    """A refusal with a message (and, for forms, the field it is about in ``field``)."""

    def __init__(self, message, code: str, field: str | None = None):
        super().__init__(message, code=code)
        self.field = field
