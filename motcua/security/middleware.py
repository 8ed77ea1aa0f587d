"""``Cache-Control: no-store`` on every dynamic answer, unless its view chose its own caching.

Pages, downloads, exports and API answers show ID numbers, phone numbers, papers and the signed-in
person's name. A shared computer's browser cache or a caching proxy must not keep them. Rather than
remember to decorate each view, every response that leaves Django without a ``Cache-Control``
header gets Django's ``never_cache`` headers (``max-age=0, no-cache, no-store, must-revalidate,
private``). A view that serves public, non-personal content may set its own ``Cache-Control``
(``django.views.decorators.cache.cache_control``) and keeps it.

Static files never get here: WhiteNoise answers them earlier in the chain, with its own caching.
"""

import re

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class NoStoreByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


# --------------------------------------------------------------------------- NUL characters

# JSON can carry NUL only as an escape (a raw 0x00 byte is not valid JSON), in either case of hex.
_JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)
_JSON_TYPES = ("application/json", "application/merge-patch+json")


def carries_nul(request) -> bool:
    """Whether the address, the query string, a form field or a JSON body holds U+0000.

    Files are not read: they are stored as bytes, where NUL is ordinary. A JSON body is searched
    for the escape without being parsed (the view parses it once, from the same cached bytes)."""
    if "\x00" in request.path_info:
        return True
    if _in_query(request.GET):
        return True
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return False
    content_type = request.content_type or ""
    if content_type in _JSON_TYPES:
        return bool(_JSON_NUL.search(request.body))
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _in_query(request.POST)
    return False


def _in_query(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)


class RefuseNulCharacters:
    """Refuse a request that carries a NUL character (U+0000) anywhere but in a file, with 400.

    No field of motcua means a NUL, and PostgreSQL cannot store one in text: the first query or
    INSERT that meets it raises DataError, a server error. Django's form fields refuse NUL, but
    JSON bodies, query strings and fields read by hand reached the database with it. One check at
    the door holds on every route and both databases (ADR 0016).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refused = carries_nul(request)
        except Exception:  # an unreadable body is the parser's to refuse, with its own message
            refused = False
        if refused:
            return nul_refused(request)
        return self.get_response(request)


def nul_refused(request):
    message = _(
        "Yêu cầu có ký tự rỗng (U+0000), không dùng được trong bất kỳ ô nào. Xóa ký tự đó "
        "(thường đến từ việc dán văn bản) rồi gửi lại."
    )
    if request.path_info.startswith("/api/"):
        from motcua.api.errors import error_response  # the API's one error shape

        return error_response(400, "nul_character", message)
    return render(request, "400.html", {"message": message}, status=400)
