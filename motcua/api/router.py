"""The JSON API under /api/v1 (django-ninja; OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Staff endpoints take a bearer token (``motcua create_api_token <username>``) or the session of a
signed-in officer (the site's own pages; CSRF-checked). A request with neither gets 401, never a
CSRF 403. Every error, whoever answers it, has the shape ``{"code": str, "message": str}`` plus
``"fields"`` when single fields are wrong (``motcua.api.errors``, ADR 0025).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from motcua.accounts import access
from motcua.accounts.models import ApiToken, hash_token
from motcua.api import errors
from motcua.dossiers.services import WorkflowError


def _officer(user):
    """The staff API serves officers only (``accounts.access.is_officer``): an account without a
    role is refused with 403, as on the staff pages. Closed accounts never get this far: their
    tokens and sessions no longer authenticate (401)."""
    if not access.is_officer(user):
        raise PermissionDenied(_("Tài khoản của bạn chưa được giao vai trò cán bộ."))
    return user


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` from ``motcua create_api_token``."""

    def __call__(self, request):
        # Parsed here rather than in HttpBearer.__call__, which logs a malformed header (and so
        # the token) in clear when DEBUG is on.
        scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
        raw = raw.strip()
        return self.authenticate(request, raw) if scheme.lower() == "bearer" and raw else None

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


class OfficerSession(APIKeyCookie):
    """The session of an officer signed in on the site, for the pages' own calls.

    CSRF is checked only when there is a signed-in session to protect: a request without one has
    nothing a forged page could ride on, and gets the 401 that tells an outside client to send a
    token (ninja's ``django_auth`` checks CSRF first and answers such a request 403).
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise errors.ApiError(
                403,
                "csrf_failed",
                _(
                    "Yêu cầu gửi bằng phiên đăng nhập trên trang cần mã CSRF (tiêu đề "
                    "'X-CSRFToken'). Ứng dụng bên ngoài hãy dùng 'Authorization: Bearer <mã truy "
                    "cập>'."
                ),
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        return _officer(request.user) if request.user.is_authenticated else None


class MotcuaAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        """Field paths as the client wrote them: ``applicant.id_number``, not
        ``payload.applicant.id_number`` (``payload`` is the view's argument, not part of the
        body). The pydantic error keeps its type and context, from which the handler writes a
        Vietnamese message."""
        found = []
        for context in error_contexts:
            model = context.model
            body_argument = getattr(model, "__read_from_single_attr__", None)
            for error in context.pydantic_validation_error.errors(
                include_url=False, include_input=False
            ):
                loc = model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"])
                if body_argument and loc[:1] == (body_argument,):
                    loc = loc[1:]
                found.append({**error, "loc": (model.__ninja_param_source__, *loc)})
        return NinjaValidationError(found)


api = MotcuaAPI(
    title="motcua API",
    version="1",
    description=(
        "Một cửa điện tử cấp xã — API for integrators. Every error answers "
        '`{"code": …, "message": …}` (plus `fields` on a 422); messages are Vietnamese by default.'
    ),
    urls_namespace="api",
)
STAFF_AUTH = [BearerToken(), OfficerSession()]
errors.install(api)


@api.exception_handler(WorkflowError)
def workflow_error(request, exc: WorkflowError):
    status = 403 if exc.code in ("role", "scope") else 409
    return errors.error_response(status, exc.code, exc.message)


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
    api.add_router("/centers", "motcua.api.centers.router", tags=["centers"])


_mount()
