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

from django.core.exceptions import SuspiciousOperation
from django.http.multipartparser import MultiPartParserError
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

# JSON can carry NUL only as an escape (a raw 0x00 byte is not valid JSON), in either case of hex;
# a URL-encoded form as %00.
_JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)
_FORM_NUL = re.compile(rb"%00|\x00")
_JSON_TYPES = ("application/json", "application/merge-patch+json")
WHOLE_REQUEST = "__all__"  # as the API names a problem of no single field


def where_nul(request) -> str | None:
    """Where the request holds U+0000: a parameter's or form field's name, ``__all__`` for the
    address or a JSON body, or None when it holds none.

    JSON and URL-encoded bodies are searched as bytes, not parsed: the view parses them once,
    from the same cached bytes. A multipart body's text fields are read (Django's CSRF check reads
    them for every page anyway); its files are not searched: they are bytes, where NUL is ordinary.
    A body that cannot be parsed raises the parser's exception, answered as the view would.
    """
    if "\x00" in request.path_info:
        return WHOLE_REQUEST
    found = _field_with_nul(request.GET)
    if found or request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return found
    content_type = request.content_type or ""
    if content_type in _JSON_TYPES:
        return WHOLE_REQUEST if _JSON_NUL.search(request.body) else None
    if content_type == "application/x-www-form-urlencoded":
        return _field_with_nul(request.POST) if _FORM_NUL.search(request.body) else None
    if content_type == "multipart/form-data":
        return _field_with_nul(request.POST)
    return None


def _field_with_nul(data) -> str | None:
    for key in data:
        if "\x00" in key or any("\x00" in value for value in data.getlist(key)):
            return key.replace("\x00", "\\x00") or WHOLE_REQUEST
    return None


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
            field = where_nul(request)
        except (SuspiciousOperation, MultiPartParserError) as exc:
            # Too large or unreadable: answered here as the view would have (a 400 or 413).
            if request.path_info.startswith("/api/"):
                from motcua.api import errors

                return errors.answer(request, exc)
            if request.path_info.startswith(OPEN311):
                return _open311_refusal(
                    request, str(exc) or _("Yêu cầu quá lớn hoặc không đọc được.")
                )
            raise
        if field is not None:
            return nul_refused(request, field)
        return self.get_response(request)


def nul_refused(request, field: str):
    """A page says what to remove (400); the API names the parameter, as for any value that does
    not fit (422, which every operation declares)."""
    message = _(
        "Yêu cầu có ký tự rỗng (U+0000), không dùng được trong bất kỳ ô nào. Xóa ký tự đó "
        "(thường đến từ việc dán văn bản) rồi gửi lại."
    )
    if request.path_info.startswith("/api/"):
        from motcua.api.errors import invalid  # the API's one error shape

        return invalid({field: [message]})
    if request.path_info.startswith(OPEN311):
        return _open311_refusal(request, f"{field}: {message}")
    return render(request, "400.html", {"message": message}, status=400)


OPEN311 = "/open311/"


def _open311_refusal(request, description: str):
    """Open311 clients parse the spec's error list, in the format the path asks for."""
    from motcua.api.open311.errors import Open311Error
    from motcua.api.open311.views import error_response

    fmt = "xml" if request.path_info.rstrip("/").endswith(".xml") else "json"
    return error_response(fmt, Open311Error(400, description))
