"""Schemas shared by every router: the one error shape and the error statuses to declare.

Each operation declares in its ``response={…}`` every status it can answer, so the OpenAPI document
is the whole contract (schemathesis and tests/api/test_openapi.py hold it to that). Besides its
own refusals (404, 409, …) an operation can answer:
- 401 when it takes a token; 403 too when it also takes a signed-in officer's session (CSRF);
- 422 when it has any parameter or body (a value that does not fit its schema);
- 400 and 413 when it reads a body (not JSON / not readable, or too large);
- 429 when a limit applies to it.
"""

from ninja import Schema
from pydantic import ConfigDict, Field


class ErrorOut(Schema):
    """Every refusal of the API, whatever its status (ADR 0025)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        description="why, for programs; stable: not_found, invalid, unauthorized, forbidden, "
        "csrf_failed, malformed, too_large, rate_limited, method_not_allowed, server_error, or "
        "an endpoint's own (state, role, slot_full, …)"
    )
    message: str = Field(
        description="why, for people: Vietnamese unless the language cookie (django_language=en) "
        "asks for English; meant to be shown as it is"
    )
    fields: dict[str, list[str]] = Field(
        default_factory=dict,
        description="only when single fields are wrong (422): each field's dotted path "
        "(applicant.id_number; __all__ for the request as a whole) → its messages",
    )


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """``response={200: Out, **errors(401, 404)}``: these statuses answer with ``ErrorOut``."""
    return {status: ErrorOut for status in statuses}


BODY_ERRORS = (400, 413, 422)  # an operation that reads a body
ERRORS_PUBLIC = errors(404, 422)
ERRORS_STAFF = errors(401, 403, 404, 409, 422)
