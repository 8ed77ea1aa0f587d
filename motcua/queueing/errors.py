"""The one error the queue raises. Pages show its message as is; the API answers with ``status``."""

CLOSED_DAY = "closed_day"
SLOT_FULL = "slot_full"
SLOT_INVALID = "slot_invalid"
BOOKING_DISABLED = "booking_disabled"
TOO_MANY_BOOKINGS = "too_many_bookings"
RATE_LIMITED = "rate_limited"
NOT_ALLOWED = "not_allowed"  # the action does not fit the ticket's state
FIELD_NOT_SERVED = "field_not_served"
COUNTER_BUSY = "counter_busy"
NOTHING_WAITING = "nothing_waiting"
UNKNOWN_CODE = "unknown_code"
TOO_EARLY = "too_early"
INVALID_TOKEN = "invalid_token"
ALREADY_RATED = "already_rated"
MISSING_ANSWER = "missing_answer"
WRONG_CENTER = "wrong_center"

STATUS: dict[str, int] = {
    CLOSED_DAY: 409,
    SLOT_FULL: 409,
    SLOT_INVALID: 422,
    BOOKING_DISABLED: 409,
    TOO_MANY_BOOKINGS: 409,
    RATE_LIMITED: 429,
    NOT_ALLOWED: 409,
    FIELD_NOT_SERVED: 422,
    COUNTER_BUSY: 409,
    NOTHING_WAITING: 404,
    UNKNOWN_CODE: 404,
    TOO_EARLY: 409,
    INVALID_TOKEN: 400,
    ALREADY_RATED: 409,
    MISSING_ANSWER: 422,
    WRONG_CENTER: 422,
}


class QueueError(Exception):
    """Something the queue refused; nothing was changed."""

    def __init__(self, message: str, code: str, *, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.retry_after = retry_after  # seconds, for ``rate_limited`` (the Retry-After header)

    @property
    def status(self) -> int:
        return STATUS.get(self.code, 400)
