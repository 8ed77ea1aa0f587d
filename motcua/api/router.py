"""The JSON API under /api/v1 (django-ninja; OpenAPI at /api/v1/openapi.json).

Staff endpoints take a bearer token (``motcua create_api_token <username>``) or the session of a
signed-in officer. Errors always have the shape ``{"detail": str, "code": str, "errors": {...}}``
so clients can show the message as it is.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from motcua.accounts import access
from motcua.accounts.models import ApiToken, hash_token
from motcua.dossiers.services import WorkflowError


def _officer(user):
    """The staff API serves officers only (``accounts.access.is_officer``): an account without a
    role is refused with 403, as on the staff pages. Closed accounts never get this far: their
    tokens and sessions no longer authenticate (401)."""
    if not access.is_officer(user):
        raise PermissionDenied(_("Tài khoản của bạn chưa được giao vai trò cán bộ."))
    return user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        row = (
            ApiToken.objects.select_related("user", "user__commune")
            .filter(key_hash=hash_token(token), revoked=False, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return _officer(row.user)


class OfficerSession(SessionAuth):
    """The session of an officer signed in on the staff pages."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return _officer(user) if user is not None else None


api = NinjaAPI(
    title="motcua API",
    version="1",
    description="Một cửa điện tử cấp xã — API for integrators. Vietnamese messages by default.",
    urls_namespace="api",
)
STAFF_AUTH = [BearerToken(), OfficerSession()]


def _error(request, status, detail, code, errors=None):
    return api.create_response(
        request, {"detail": detail, "code": code, "errors": errors or {}}, status=status
    )


@api.exception_handler(WorkflowError)
def workflow_error(request, exc: WorkflowError):
    status = 403 if exc.code in ("role", "scope") else 409
    return _error(request, status, exc.message, exc.code)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
    return _error(request, 422, detail, "invalid", errors)


@api.exception_handler(NinjaValidationError)
def request_validation_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for e in exc.errors:
        loc = ".".join(str(p) for p in e.get("loc", [])[1:]) or "__all__"
        errors.setdefault(loc, []).append(e.get("msg", "invalid"))
    detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
    return _error(request, 422, detail, "invalid", errors)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc: PermissionDenied):
    """The access rule's 403: the caller may see the object but not do this to it."""
    return _error(
        request, 403, str(exc) or _("Bạn không được thực hiện thao tác này."), "forbidden"
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, str(exc) or "Not found", "not_found")


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    return _error(
        request,
        401,
        "Cần mã truy cập hợp lệ: gửi tiêu đề 'Authorization: Bearer <token>' "
        "(tạo bằng lệnh 'motcua create_api_token <tên đăng nhập>').",
        "unauthorized",
    )


def _mount() -> None:
    from motcua.api import calendar, catalog, dossiers, ratings, units

    api.add_router("/units", units.router, tags=["units"])
    api.add_router("/procedures", catalog.router, tags=["catalog"])
    api.add_router("/calendar", calendar.router, tags=["calendar"])
    api.add_router("", dossiers.router, tags=["dossiers"])
    api.add_router("/ratings", ratings.router, tags=["ratings"])
    api.add_router("/portal", "motcua.api.portal.router", tags=["portal"])
    api.add_router("/queue", "motcua.api.queue.router", tags=["queue"])
    api.add_router("/index", "motcua.api.index.router", tags=["index"])
    api.add_router("/statistics", "motcua.api.statistics.router", tags=["statistics"])


_mount()
