from ninja import Schema


class ErrorOut(Schema):
    detail: str
    code: str
    errors: dict[str, list[str]] = {}


# Responses every endpoint may give besides its success; declared so the OpenAPI document is
# honest (schemathesis checks undeclared status codes).
ERRORS_PUBLIC = {404: ErrorOut, 422: ErrorOut}
ERRORS_STAFF = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
