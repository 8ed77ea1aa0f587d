"""The API's one error shape, and every path that leads to it.

An outside client reads every refusal the same way, whatever refused it::

    {"code": "invalid", "message": "Dữ liệu gửi lên chưa hợp lệ — limit: Phải là số nguyên.",
     "fields": {"limit": ["Phải là số nguyên."]}}

``code`` is stable and meant for programs (``not_found``, ``invalid``, ``unauthorized``, …);
``message`` is for people, in the client's language (Vietnamese unless the language cookie asks for
English, as on the site), and may be shown as it is; ``fields`` appears only when single fields are
wrong and maps each one (dotted path, ``applicant.id_number``; ``__all__`` for the request as a
whole) to its messages. The schema is ``motcua.api.schemas.ErrorOut`` (ADR 0025).

Three layers produce it:
- endpoints raise ``ApiError`` (or a domain error that has its handler), never build a body;
- ``install`` registers ninja exception handlers for everything raised while an operation runs:
  validation, authentication, throttling, unparsable or oversized bodies, Django's ``Http404``,
  ``PermissionDenied`` and ``SuspiciousOperation``, and any crash (500, logged, no stack trace);
- ``motcua.api.middleware.ApiErrorShape`` reshapes what Django or ninja's routing answers before
  any operation runs (unknown address, method not allowed, a refused Host header).
"""

import json
import logging
import math
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from motcua import ratelimit
from motcua.api.throttling import REFUSED_ATTRIBUTE
from motcua.errors import PublicNotFound

logger = logging.getLogger("motcua.api")

WHOLE_REQUEST = "__all__"  # the key of problems that belong to no single field (Django's too)
CONTENT_TYPE = "application/json; charset=utf-8"


class ApiError(Exception):
    """A refusal with its status, raised by an endpoint: the handler writes the body."""

    def __init__(self, status: int, code: str, message: str, fields=None, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


# --------------------------------------------------------------------------- the writer


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    body = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = {str(k): [str(m) for m in v] for k, v in fields.items()}
    return body


def error_response(
    status: int, code: str, message: str, fields: dict | None = None, headers=None
) -> HttpResponse:
    """The only place an error body is written."""
    content = json.dumps(error_body(code, message, fields), ensure_ascii=False)
    response = HttpResponse(content, status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# --------------------------------------------------------------------------- generic messages


def unauthorized_message() -> str:
    return _(
        "Cần mã truy cập hợp lệ: gửi tiêu đề 'Authorization: Bearer <mã truy cập>' "
        "(tạo bằng lệnh 'motcua create_api_token <tên đăng nhập>')."
    )


def rate_limited_message(wait_seconds: float | None) -> str:
    return _("Bạn đã gọi quá nhiều lần trong thời gian ngắn. Xin thử lại sau %(s)s giây.") % {
        "s": math.ceil(wait_seconds or 60)
    }


def too_large_message() -> str:
    return _(
        "Yêu cầu quá lớn: phần dữ liệu (không kể tệp đính kèm) tối đa %(mb)s MB, "
        "và không quá nhiều trường hay tệp."
    ) % {"mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)}


def generic_error(status: int, method: str = "", allowed: str = "") -> tuple[str, str]:
    """(code, message) for a status answered without a more precise reason."""
    if status == 400:
        return "bad_request", _("Yêu cầu không hợp lệ.")
    if status == 401:
        return "unauthorized", unauthorized_message()
    if status == 403:
        return "forbidden", _("Tài khoản của bạn không được làm việc này.")
    if status == 404:
        return "not_found", _(
            "Không có địa chỉ này trong API. Các địa chỉ có thể gọi được liệt kê tại /api/v1/docs."
        )
    if status == 405:
        return "method_not_allowed", _(
            "Địa chỉ này không nhận phương thức %(method)s; các phương thức dùng được: %(allowed)s."
        ) % {"method": method, "allowed": allowed or "—"}
    if status == 413:
        return "too_large", too_large_message()
    if status == 429:
        return "rate_limited", rate_limited_message(None)
    if status >= 500:
        return "server_error", _(
            "Máy chủ gặp lỗi khi xử lý yêu cầu; lỗi đã được ghi lại. Xin thử lại sau ít phút."
        )
    try:
        code = HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        code = "error"
    return code, _("Yêu cầu không thực hiện được (mã %(status)s).") % {"status": status}


# --------------------------------------------------------------------------- 422: which field


def _number(value) -> str:
    return str(value)


# pydantic's error types → a Vietnamese message (pydantic's own are English only).
_FIELD_MESSAGES = {
    "missing": lambda c: _("Thiếu trường bắt buộc này."),
    "extra_forbidden": lambda c: _("Không có trường này trong yêu cầu."),
    "string_type": lambda c: _("Phải là một chuỗi ký tự."),
    "string_too_short": lambda c: _("Cần ít nhất %(n)s ký tự.") % {"n": c.get("min_length")},
    "string_too_long": lambda c: _("Tối đa %(n)s ký tự.") % {"n": c.get("max_length")},
    "string_pattern_mismatch": lambda c: _("Không đúng định dạng."),
    "string_unicode": lambda c: _("Phải là văn bản UTF-8 hợp lệ."),
    "too_short": lambda c: _("Cần ít nhất %(n)s phần tử.") % {"n": c.get("min_length")},
    "too_long": lambda c: _("Tối đa %(n)s phần tử.") % {"n": c.get("max_length")},
    "int_type": lambda c: _("Phải là số nguyên."),
    "int_parsing": lambda c: _("Phải là số nguyên."),
    "int_parsing_size": lambda c: _("Số quá lớn."),
    "int_from_float": lambda c: _("Phải là số nguyên."),
    "float_type": lambda c: _("Phải là một số."),
    "float_parsing": lambda c: _("Phải là một số."),
    "finite_number": lambda c: _("Phải là một số hữu hạn."),
    "decimal_type": lambda c: _("Phải là một số."),
    "decimal_parsing": lambda c: _("Phải là một số."),
    "decimal_max_digits": lambda c: _("Số có quá nhiều chữ số."),
    "decimal_max_places": lambda c: _("Số có quá nhiều chữ số thập phân."),
    "decimal_whole_digits": lambda c: _("Số có quá nhiều chữ số."),
    "decimal_not_finite": lambda c: _("Phải là một số hữu hạn."),
    "greater_than": lambda c: _("Phải lớn hơn %(n)s.") % {"n": _number(c.get("gt"))},
    "greater_than_equal": lambda c: _("Phải từ %(n)s trở lên.") % {"n": _number(c.get("ge"))},
    "less_than": lambda c: _("Phải nhỏ hơn %(n)s.") % {"n": _number(c.get("lt"))},
    "less_than_equal": lambda c: _("Tối đa là %(n)s.") % {"n": _number(c.get("le"))},
    "bool_type": lambda c: _("Phải là true hoặc false."),
    "bool_parsing": lambda c: _("Phải là true hoặc false."),
    "literal_error": lambda c: _("Phải là một trong: %(values)s.") % {"values": c.get("expected")},
    "enum": lambda c: _("Phải là một trong: %(values)s.") % {"values": c.get("expected")},
    "date_type": lambda c: _("Phải là một ngày dạng YYYY-MM-DD."),
    "date_parsing": lambda c: _("Phải là một ngày dạng YYYY-MM-DD."),
    "date_from_datetime_parsing": lambda c: _("Phải là một ngày dạng YYYY-MM-DD."),
    "date_from_datetime_inexact": lambda c: _("Phải là một ngày dạng YYYY-MM-DD."),
    "datetime_type": lambda c: _(
        "Phải là một thời điểm ISO 8601, ví dụ 2025-07-07T09:00:00+07:00."
    ),
    "datetime_parsing": lambda c: _(
        "Phải là một thời điểm ISO 8601, ví dụ 2025-07-07T09:00:00+07:00."
    ),
    "datetime_from_date_parsing": lambda c: _(
        "Phải là một thời điểm ISO 8601, ví dụ 2025-07-07T09:00:00+07:00."
    ),
    "timezone_aware": lambda c: _("Cần ghi rõ múi giờ, ví dụ +07:00."),
    "dict_type": lambda c: _("Phải là một đối tượng JSON."),
    "model_type": lambda c: _("Phải là một đối tượng JSON."),
    "model_attributes_type": lambda c: _("Phải là một đối tượng JSON."),
    "list_type": lambda c: _("Phải là một danh sách JSON."),
    "json_invalid": lambda c: _("Không phải JSON hợp lệ."),
    "value_error": lambda c: str(c.get("error", "")) or _("Giá trị không hợp lệ."),
    "assertion_error": lambda c: str(c.get("error", "")) or _("Giá trị không hợp lệ."),
}


def field_message(error: dict) -> str:
    make = _FIELD_MESSAGES.get(error.get("type", ""))
    return make(error.get("ctx") or {}) if make else _("Giá trị không hợp lệ.")


def field_name(loc) -> str:
    """``("body", "applicant", "id_number")`` → ``applicant.id_number``: the source (path, query,
    body, form, file) is left out, as a client names fields without it."""
    return ".".join(str(part) for part in loc[1:]) or WHOLE_REQUEST


def invalid(fields: dict[str, list[str]]) -> HttpResponse:
    summary = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in fields.items())
    message = _("Dữ liệu gửi lên chưa hợp lệ — %(problems)s") % {"problems": summary}
    return error_response(422, "invalid", message, fields)


# --------------------------------------------------------------------------- ninja's handlers


def on_api_error(request, exc: ApiError):
    return error_response(exc.status, exc.code, exc.message, exc.fields, exc.headers)


def on_request_invalid(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(field_name(error.get("loc", ())), []).append(field_message(error))
    return invalid(fields)


def on_django_invalid(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return invalid({name: list(messages) for name, messages in exc.message_dict.items()})
    return invalid({WHOLE_REQUEST: exc.messages})


def on_unauthorized(request, exc: AuthenticationError):
    return error_response(
        401, "unauthorized", unauthorized_message(), headers={"WWW-Authenticate": "Bearer"}
    )


def on_refused(request, exc: ratelimit.Refused):
    """A limit of ``motcua.ratelimit`` met: its own message and wait."""
    return error_response(
        429, "rate_limited", exc.message, headers={"Retry-After": str(exc.retry_after)}
    )


def on_throttled(request, exc: Throttled):
    """Any throttled call: the refusal a ``throttling.PerAddress`` left on the request, else
    ninja's own wait (ninja adds Retry-After too, from the same wait)."""
    refusal = getattr(request, REFUSED_ATTRIBUTE, None)
    if refusal is not None:
        return on_refused(request, refusal)
    headers = {"Retry-After": str(math.ceil(exc.wait))} if exc.wait else {}
    return error_response(429, "rate_limited", rate_limited_message(exc.wait), headers=headers)


def on_http_error(request, exc: HttpError):
    """ninja's own refusals: a body that is not JSON (400, the only one it raises itself)."""
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        return error_response(
            400,
            "malformed",
            _(
                "Nội dung yêu cầu không đọc được: cần JSON hợp lệ mã hóa UTF-8 "
                "(tiêu đề 'Content-Type: application/json')."
            ),
        )
    return error_response(exc.status_code, *generic_error(exc.status_code))


def on_not_found(request, exc: Http404):
    """Our own 404s carry a message written for people (``PublicNotFound``); Django's carry
    developer English, so they get the generic one."""
    if isinstance(exc, PublicNotFound) and str(exc):
        return error_response(404, "not_found", str(exc))
    return error_response(404, "not_found", _("Không tìm thấy."))


def on_permission_denied(request, exc: PermissionDenied):
    message = str(exc) or generic_error(403)[1]
    return error_response(403, "forbidden", message)


def on_too_large(request, exc: SuspiciousOperation):
    return error_response(413, "too_large", too_large_message())


def on_suspicious(request, exc: SuspiciousOperation):
    """Logged where Django logs it (``django.security.<name>``), answered without details."""
    logging.getLogger(f"django.security.{exc.__class__.__name__}").error(
        "%s", exc, extra={"status_code": 400, "request": request}
    )
    return error_response(400, *generic_error(400))


def on_malformed_multipart(request, exc: MultiPartParserError):
    return error_response(
        400,
        "malformed",
        _("Nội dung multipart/form-data không đọc được; gửi lại biểu mẫu cùng các tệp."),
    )


def on_crash(request, exc: Exception):
    """A bug: logged with its traceback (and Django's error signal, so reporters and the test
    client see it); the client gets the shape, never the traceback, even with DEBUG on."""
    route = getattr(getattr(request, "resolver_match", None), "route", "") or "?"
    logger.error("Unhandled error in API %s %s", request.method, route, exc_info=exc)
    got_request_exception.send(sender=None, request=request)
    return error_response(500, *generic_error(500))


def handlers() -> dict:
    """Each exception class and the handler that answers it."""
    return {
        ApiError: on_api_error,
        NinjaValidationError: on_request_invalid,
        DjangoValidationError: on_django_invalid,
        AuthenticationError: on_unauthorized,
        Throttled: on_throttled,
        ratelimit.Refused: on_refused,
        HttpError: on_http_error,
        Http404: on_not_found,
        PermissionDenied: on_permission_denied,
        RequestDataTooBig: on_too_large,
        TooManyFieldsSent: on_too_large,
        TooManyFilesSent: on_too_large,
        SuspiciousOperation: on_suspicious,
        MultiPartParserError: on_malformed_multipart,
        Exception: on_crash,
    }


def install(api) -> None:
    """Register the handlers on ``api``; the most specific class wins (ninja walks the MRO)."""
    for exc_class, handler in handlers().items():
        api.add_exception_handler(exc_class, handler)


def answer(request, exc: Exception) -> HttpResponse:
    """The answer to an exception raised outside an operation (a middleware reading the body),
    by the same handler an operation's exception would get."""
    found = handlers()
    handler = next(found[cls] for cls in type(exc).__mro__ if cls in found)
    return handler(request, exc)
