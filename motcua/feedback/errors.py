"""The one error a rating can meet. Raised by links, queries and services; the page and the API
show its message as it is and answer with its ``status``."""

INVALID_TOKEN = "invalid_token"  # forged, altered, or for a dossier whose code does not match
UNKNOWN_DOSSIER = "unknown_dossier"  # a genuine link whose dossier no longer exists
ALREADY_RATED = "already_rated"
NOT_RETURNED = "not_returned"  # the applicant does not hold the result yet
NOT_RATEABLE = "not_rateable"  # closed without a decision (withdrawn, supplement never came)
MISSING_ANSWER = "missing_answer"
UNKNOWN_CRITERION = "unknown_criterion"
INVALID_LEVEL = "invalid_level"
INVALID_COMMENT = "invalid_comment"

STATUS: dict[str, int] = {
    INVALID_TOKEN: 400,
    UNKNOWN_DOSSIER: 404,
    ALREADY_RATED: 409,
    NOT_RETURNED: 409,
    NOT_RATEABLE: 409,
    MISSING_ANSWER: 422,
    UNKNOWN_CRITERION: 422,
    INVALID_LEVEL: 422,
    INVALID_COMMENT: 422,
}


class RatingError(Exception):
    """A rating that was not taken; nothing was stored.

    ``code`` says why (one of the constants above); ``errors`` maps each wrong criterion key (or
    ``comment``) to its messages; ``rated_at`` is when the earlier rating was given, for
    ``already_rated``.
    """

    def __init__(self, message: str, code: str, *, errors=None, rated_at=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.errors: dict[str, list[str]] = errors or {}
        self.rated_at = rated_at

    @property
    def status(self) -> int:
        return STATUS[self.code]
