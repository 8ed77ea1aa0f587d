"""``Idempotency-Key`` on the API's filing routes: a retry returns the first answer, never a
second dossier (docs/decisions/0019-idempotent-filing.md; the mechanism is
``motcua.idempotency.services.once``).

A route takes the header as a parameter (``IdempotencyKeyHeader``, which also documents it in the
OpenAPI) and wraps its work in ``answer_once``. The first answer is rendered to JSON here and
stored as it was sent, so a retry gets the same status and the same bytes.
"""

from collections.abc import Callable

from django.http import HttpResponse
from ninja import Header, Status

from motcua.api.errors import error_response
from motcua.api.router import api
from motcua.idempotency import services
from motcua.idempotency.services import Answer, KeyReused

KEEP_HOURS_NOTE = "24 hours by default (MOTCUA_IDEMPOTENCY_KEY_HOURS)"

HEADER_DESCRIPTION = (
    "Optional. A new unique value per request (a UUID), 1–255 visible ASCII characters. Sending "
    "the same request again with the same key (a retry after a timeout or a lost connection) "
    "returns the first answer, same status and body, with the header 'Idempotent-Replayed: "
    "true', and never files a second dossier, also when the copies arrive at the same moment. "
    "The same key with a different request body is refused with 422 "
    "'idempotency_key_reused'. Keys are per caller (staff user or resident): another caller's "
    f"key is unrelated. Only successful answers are kept, for {KEEP_HOURS_NOTE}; after an error "
    "the key may be used again."
)


# The parameter as routes declare it: ``idempotency_key: str | None = IDEMPOTENCY_KEY``.
IDEMPOTENCY_KEY = Header(None, alias=services.HEADER, description=HEADER_DESCRIPTION)


@api.exception_handler(KeyReused)
def key_reused(request, exc: KeyReused):
    return error_response(422, exc.code, exc.message, {services.HEADER: [exc.message]})


def staff_caller(user) -> str:
    return f"user:{user.pk}"


def resident_caller(resident) -> str:
    return f"resident:{resident.pk}"


def answer_once(
    request,
    key: str | None,
    *,
    caller: str,
    request_parts: Callable[[], tuple],
    handler: Callable[[], Status],
) -> HttpResponse | Status:
    """``handler()``'s answer, carried out once per (caller, key). Without a key, just
    ``handler()``. ``request_parts()`` gives what makes the request (route, body, files…), for
    its fingerprint; it is called only when a key was sent."""
    if key is None:
        return handler()
    key = services.clean_key(key)

    def produce() -> Answer:
        result = handler()
        response = api.create_response(request, result.value, status=result.status_code)
        return Answer(response.status_code, response.content.decode(), response["Content-Type"])

    answer = services.once(
        caller=caller,
        key=key,
        fingerprint=services.fingerprint_of(*request_parts()),
        produce=produce,
    )
    response = HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response
