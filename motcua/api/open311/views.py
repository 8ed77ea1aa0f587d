"""GeoReport v2 endpoints: thin, as everywhere (parse, ask the queries or the service, render).

Open311 clients are apps, not browsers: the views are exempt from CSRF and a POST is
authenticated by its ``api_key`` (``petitions.keys``), limited per key and per network address.
GETs are public data (masked as on the public pages) and may be read from any web origin.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db.models import Max, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from motcua import ratelimit
from motcua.api.open311 import params, serialisers
from motcua.api.open311.errors import Open311Error, bad_parameter, missing, not_found
from motcua.api.open311.formats import CONTENT_TYPES, render
from motcua.petitions import keys, queries, services, tasks
from motcua.petitions.errors import PetitionError
from motcua.petitions.models import CLOSED_STATUSES, OPEN_STATUSES, Channel, Petition

LIST_MAX = 1000
HOUR = timedelta(hours=1)
# What ``services.submit`` calls a field, as the Open311 parameter a client sent it in.
PARAMETER_OF_FIELD = {
    "commune": "jurisdiction_id",
    "category": "service_code",
    "description": "description",
    "title": "description",
    "reporter_name": "first_name",
    "reporter_phone": "phone",
    "reporter_email": "email",
    "latitude": "lat",
    "longitude": "long",
    "address": "address_string",
    "place": "address_id",
}


def per_key() -> ratelimit.Limit:
    return ratelimit.Limit(
        "open311-key",
        settings.MOTCUA_OPEN311_POSTS_PER_KEY_PER_HOUR,
        HOUR,
        _("Khóa API này đã gửi quá nhiều phản ánh. Vui lòng thử lại sau %(wait)s."),
    )


def per_address() -> ratelimit.Limit:
    return ratelimit.Limit(
        "open311-address",
        settings.MOTCUA_OPEN311_POSTS_PER_ADDRESS_PER_HOUR,
        HOUR,
        _("Địa chỉ mạng này đã gửi quá nhiều phản ánh. Vui lòng thử lại sau %(wait)s."),
    )


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    response = render(fmt, "errors", error.as_list(), status=error.status)
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


def endpoint(*methods: str) -> Callable:
    """An Open311 view: ``fmt`` must be json or xml, the method one of ``methods``; an
    ``Open311Error`` becomes the spec's error list in the format asked for."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def wrap(view):
        @csrf_exempt
        @wraps(view)
        def inner(request, fmt: str = "json", **kwargs):
            fmt = fmt.lower()
            try:
                if fmt not in CONTENT_TYPES:
                    raise not_found(
                        _("Định dạng '.%(fmt)s' không được hỗ trợ; dùng .json hoặc .xml.")
                        % {"fmt": fmt[:20]}
                    )
                if request.method not in allowed:
                    response = error_response(
                        fmt,
                        Open311Error(
                            405,
                            _("Địa chỉ này không nhận phương thức %(method)s.")
                            % {"method": request.method[:10]},
                        ),
                    )
                    response["Allow"] = ", ".join(sorted(allowed))
                    return response
                response = view(request, fmt, **kwargs)
            except Open311Error as error:
                response = error_response("json" if fmt not in CONTENT_TYPES else fmt, error)
            if request.method in ("GET", "HEAD"):
                # Public data, no cookies: any web page may read it.
                response["Access-Control-Allow-Origin"] = "*"
            return response

        return inner

    return wrap


# --------------------------------------------------------------------------- discovery, services


@endpoint("GET")
def discovery(request, fmt):
    return render(fmt, "discovery", serialisers.discovery())


def _province(request):
    commune = params.jurisdiction(request.GET)
    return commune.province if commune is not None else None


@endpoint("GET")
def services_list(request, fmt):
    categories = queries.categories_for(_province(request))
    return render(fmt, "services", [serialisers.service(c) for c in categories])


@endpoint("GET")
def service_definition(request, fmt, service_code: str):
    category = queries.category_by_code(_province(request), service_code[:40])
    if category is None:
        raise not_found(
            _("service_code: không có lĩnh vực mã '%(code)s'.") % {"code": service_code[:40]}
        )
    return render(fmt, "service_definition", serialisers.definition(category))


# --------------------------------------------------------------------------- requests


def visible() -> QuerySet[Petition]:
    """Every report anyone may read about: not hidden by a moderator."""
    return (
        Petition.objects.filter(is_hidden=False)
        .select_related("commune", "category", "department", "place")
        .prefetch_related("photos")
        .annotate(updated=Max("events__at"))
    )


@endpoint("GET", "POST")
def requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    data = request.GET
    rows = visible()
    commune = params.jurisdiction(data)
    if commune is not None:
        rows = rows.filter(commune=commune)
    ids = params.request_ids(data)
    if ids is not None:
        # The spec: a list of ids overrides every other filter.
        rows = rows.filter(pk__in=ids)
    else:
        start, end = params.window(data, timezone.now())
        rows = rows.filter(received_at__gte=start, received_at__lte=end)
        wanted_codes = params.codes(data)
        if wanted_codes:
            rows = rows.filter(category__code__in=wanted_codes)
        wanted = set(params.statuses(data))
        if wanted == {"open"}:
            rows = rows.filter(status__in=OPEN_STATUSES)
        elif wanted == {"closed"}:
            rows = rows.filter(status__in=CLOSED_STATUSES)
    rows = rows.order_by("-received_at", "-pk")[:LIST_MAX]
    return render(fmt, "service_requests", [serialisers.service_request(p) for p in rows])


def _one(request, request_id: str) -> Petition:
    number = params.id_of(request_id)
    rows = visible()
    commune = params.jurisdiction(request.GET)
    if commune is not None:
        rows = rows.filter(commune=commune)
    petition = rows.filter(pk=number).first() if number is not None else None
    if petition is None:
        raise not_found(
            _("Không có phản ánh mã '%(id)s' (hoặc phản ánh không công khai).")
            % {"id": request_id[:30]}
        )
    return petition


@endpoint("GET")
def request_detail(request, fmt, request_id: str):
    petition = _one(request, request_id)
    return render(fmt, "service_requests", [serialisers.service_request(petition)])


@endpoint("GET")
def token(request, fmt, token: str):
    """We never need tokens (a POST answers with the id at once); a client that asks anyway
    with the id it holds gets it back."""
    petition = _one(request, token)
    return render(fmt, "service_requests", [serialisers.token(petition)])


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def unknown(request, fmt="json", **kwargs):
    raise not_found(
        _("Không có địa chỉ này trong Open311 GeoReport v2; xem %(url)sdiscovery.json.")
        % {"url": serialisers.base_url()}
    )


# --------------------------------------------------------------------------- POST requests


def _refused(refused: ratelimit.Refused) -> Open311Error:
    return Open311Error(429, refused.message, retry_after=refused.retry_after)


def _create(request, fmt):
    """File a report: the same ``submit`` as the portal, with the ``open311`` channel."""
    try:
        ratelimit.hit((per_address(), ratelimit.client_address(request)))
    except ratelimit.Refused as refused:
        raise _refused(refused) from None
    params.form_body(request)
    data = request.POST
    raw_key = params.text(data, "api_key")
    if not raw_key:
        raise missing("api_key")
    key = keys.verify(raw_key)
    if key is None:
        raise Open311Error(403, _("api_key không hợp lệ hoặc đã bị thu hồi."))
    try:
        ratelimit.hit((per_key(), str(key.pk)))
    except ratelimit.Refused as refused:
        raise _refused(refused) from None
    commune = params.jurisdiction(data, required=True)
    code = params.text(data, "service_code")
    if not code:
        raise missing("service_code")
    category = queries.category_by_code(commune.province, code[:40])
    if category is None:
        raise bad_parameter(
            "service_code",
            _("%(commune)s không có lĩnh vực mã '%(code)s'; xem services.json.")
            % {"commune": commune.name, "code": code[:40]},
        )
    if not params.has_location(data):
        raise bad_parameter(
            "lat",
            _("cần vị trí: lat và long, hoặc address_string, hoặc address_id."),
        )
    report = services.Report(
        commune=commune,
        category=category,
        description=params.text(data, "description"),
        channel=Channel.OPEN311,
        reporter_name=" ".join(
            part
            for part in (params.text(data, "last_name"), params.text(data, "first_name"))
            if part
        ),
        reporter_phone=params.text(data, "phone"),
        reporter_email=params.text(data, "email"),
        address=params.text(data, "address_string"),
        latitude=params.text(data, "lat") or None,
        longitude=params.text(data, "long") or None,
        place=params.place(data, commune),
        media_url=params.media_url(data),
        attributes=params.attributes(category, data),
        api_key=key,
    )
    try:
        petition = services.submit(report)
    except PetitionError as error:
        name = PARAMETER_OF_FIELD.get(error.field or "", error.field or "request")
        raise bad_parameter(name, " ".join(error.messages)) from None
    tasks.keep_running()  # the escalation loop watches the new report's limits
    return render(fmt, "service_requests", [serialisers.receipt(petition)])
