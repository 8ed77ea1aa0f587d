"""The API's error shape for answers no operation wrote.

ninja's exception handlers (``motcua.api.errors``) shape every refusal raised while an operation
runs. Some answers under /api/ come from elsewhere: Django's 404 page for an unknown address,
ninja's plain-text 405 for a method the address does not take, Django's 400 page for a refused
Host header, its 500 page (or DEBUG's traceback page) for a crash before any view. This middleware
turns each of them into the same ``{"code", "message"}`` body, keeping the headers that tell the
client what to do next (``Allow``, ``Retry-After``). JSON answers pass untouched.

It sits inside the language middleware, so messages come in the language the request chose.
"""

from motcua.api.errors import error_response, generic_error

API_PREFIX = "/api/"
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiErrorShape:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path_info.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        allowed = response.get("Allow", "")
        code, message = generic_error(response.status_code, request.method, allowed)
        headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        return error_response(response.status_code, code, message, headers=headers)
