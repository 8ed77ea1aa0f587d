"""The residents' portal over JSON, for mobile apps and kiosks: what ``/ho-so-cua-toi/`` offers
on the web, with a bearer token instead of the session.

Mount with ``api.add_router("/portal", portal.router, tags=["portal"])``:

    POST /portal/sign-in/code               {"phone"} → 202, a 6-digit code goes out by SMS
    POST /portal/sign-in/token              {"phone", "code"} → 201 {token, expires_at, resident}
    POST /portal/sign-out                   revoke the token → 204
    GET  /portal/dossiers                   my dossiers, newest first (limit/offset)
    GET  /portal/dossiers/{code}            one of them, with the public timeline
    POST /portal/dossiers                   file online (multipart, one file per paper asked)
    POST /portal/dossiers/{code}/supplement send what a supplement request asks (multipart)

Everything but signing in takes ``Authorization: Bearer <token>``; a token lives 30 days and
signing out revokes it. The same rules as the web pages apply, through the same code: who sees
what (``residents.queries``), the filing steps (``residents.filing``), the services that write.
Errors come in the API's ``{code, message, fields}`` shape, Vietnamese messages meant to be
shown as they are; ``fields`` names each wrong field or file.
"""

import hashlib
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from pydantic import Field

from motcua.api.errors import ApiError, error_response
from motcua.api.idempotency import IDEMPOTENCY_KEY, answer_once, resident_caller
from motcua.api.router import api
from motcua.api.schemas import BODY_ERRORS, ErrorOut
from motcua.catalog.models import Procedure
from motcua.docstore.uploads import MAX_FILES_PER_DOSSIER
from motcua.dossiers import queries as dossier_queries
from motcua.dossiers.models import Dossier, SupplementRequest
from motcua.dossiers.services import Applicant
from motcua.dossiers.workflow import State
from motcua.errors import PublicNotFound
from motcua.identity import validate_personal_id
from motcua.privacy import mask_digits
from motcua.ratelimit import client_address
from motcua.residents import filing, queries, services
from motcua.residents.models import Resident
from motcua.residents.phones import normalize_phone
from motcua.units.models import Commune
from motcua.workdays import VIETNAM_TZ

SUPPLEMENT_FILE_FIELDS = ("file_1", "file_2", "file_3")


# --------------------------------------------------------------------------- authentication


class NotSignedIn(AuthenticationError):
    """No token, or one that is unknown, revoked or expired."""


class ResidentBearer(HttpBearer):
    """``Authorization: Bearer <token>`` from ``POST /portal/sign-in/token``."""

    def __call__(self, request):
        # Parsed here rather than in HttpBearer.__call__, which logs a malformed header (and so
        # the token) in clear when DEBUG is on.
        scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
        raw = raw.strip()
        resident = self.authenticate(request, raw) if scheme.lower() == "bearer" else None
        if resident is None:
            raise NotSignedIn()
        return resident

    def authenticate(self, request, token):
        resident = services.resident_for_token(token) if token else None
        if resident is not None:
            request.resident = resident
            request.resident_token = token
        return resident


@api.exception_handler(NotSignedIn)
def not_signed_in(request, exc):
    message = _(
        "Cần đăng nhập: mã truy cập thiếu, sai, đã hết hạn hoặc đã đăng xuất. Lấy mã mới bằng "
        "POST /api/v1/portal/sign-in/code (số điện thoại, nhận mã SMS) rồi POST "
        "/api/v1/portal/sign-in/token (số điện thoại và mã SMS), và gửi mã trong tiêu đề "
        "'Authorization: Bearer <mã truy cập>'."
    )
    return error_response(
        401, "unauthorized", message, headers={"WWW-Authenticate": 'Bearer realm="portal"'}
    )


router = Router(auth=ResidentBearer())


def _errors(*statuses: int) -> dict:
    return {status: ErrorOut for status in statuses}


def _error(status: int, message: str, code: str, fields=None) -> ApiError:
    return ApiError(status, code, message, fields)


def _iso(value) -> str | None:
    return value.astimezone(VIETNAM_TZ).isoformat() if value else None


def _field_errors(field: str, exc: ValidationError) -> ValidationError:
    return ValidationError({field: exc.messages})


# --------------------------------------------------------------------------- signing in


class PhoneIn(Schema):
    phone: str = Field(max_length=20, description="Vietnamese mobile number, e.g. 0912 345 678")


class CodeSentOut(Schema):
    detail: str
    sent_to: str = Field(description="the phone number, masked")
    expires_at: str


class CodeIn(PhoneIn):
    code: str = Field(max_length=8, description="the 6 digits from the SMS")


class ResidentOut(Schema):
    full_name: str
    phone: str | None
    email: str
    identity_verified: bool = Field(
        description="an identity provider verified the ID number: dossiers filed for it "
        "anywhere are listed too"
    )


class TokenOut(Schema):
    token: str = Field(description="send as 'Authorization: Bearer <token>'; shown only once")
    token_type: Literal["Bearer"] = "Bearer"
    expires_at: str
    resident: ResidentOut


def _resident_out(resident: Resident) -> ResidentOut:
    return ResidentOut(
        full_name=resident.full_name,
        phone=resident.phone,
        email=resident.email,
        identity_verified=bool(resident.verified_id_number),
    )


@router.post(
    "/sign-in/code",
    auth=None,
    response={202: CodeSentOut, **_errors(*BODY_ERRORS, 429)},
    summary="Send a sign-in code by SMS",
)
def request_code(request, payload: PhoneIn):
    """A 6-digit code, valid 5 minutes, goes to the phone. 429 with ``Retry-After`` when codes
    were asked for too often: ``wait`` (one per 30 seconds per number), ``too_many`` (three per
    15 minutes per number), ``too_many_from_address`` (the hourly budget of one network address)
    or ``busy`` (the site's hourly budget)."""
    try:
        otp = services.request_code(payload.phone, address=client_address(request))
    except ValidationError as exc:
        raise _field_errors("phone", exc) from exc
    except services.SignInError as exc:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
        raise ApiError(429, exc.code, exc.message, headers=headers) from exc
    return Status(
        202,
        CodeSentOut(
            detail=_("Đã gửi mã đăng nhập qua tin nhắn SMS. Mã có hiệu lực 5 phút."),
            sent_to=mask_digits(otp.phone),
            expires_at=_iso(otp.expires_at),
        ),
    )


@router.post(
    "/sign-in/token",
    auth=None,
    response={201: TokenOut, **_errors(*BODY_ERRORS)},
    summary="Exchange the SMS code for a bearer token",
)
def issue_token(request, payload: CodeIn):
    """400 when the code is wrong, expired, already used or tried too often (``code`` says which:
    ``wrong``, ``expired``, ``used``, ``locked``). The token lives 30 days."""
    try:
        resident = services.verify_code(payload.phone, payload.code)
    except ValidationError as exc:
        raise _field_errors("phone", exc) from exc
    except services.SignInError as exc:
        raise _error(400, exc.message, exc.code, {"code": [exc.message]}) from exc
    now = timezone.now()
    raw = services.issue_token(resident, at=now)
    expires_at = now + services.TOKEN_LIFETIME
    return Status(
        201,
        TokenOut(token=raw, expires_at=_iso(expires_at), resident=_resident_out(resident)),
    )


@router.post(
    "/sign-out", response={204: None, **_errors(401, 422)}, summary="Revoke the token in use"
)
def sign_out(request):
    services.revoke_token(request.resident_token)
    return Status(204, None)


# --------------------------------------------------------------------------- my dossiers


class SupplementAskedOut(Schema):
    items: list[str] = Field(description="the papers or corrections asked for")
    reason: str
    requested_at: str
    answer_by: str = Field(description="the dossier is closed if nothing is sent by then")


class MyDossierOut(Schema):
    code: str
    procedure_code: str
    procedure_name: str
    status: int = Field(description="national status code (as on the national portal)")
    status_label: str
    state: str
    state_label: str
    submitted_at: str
    due_at: str | None = Field(description="promised result time; none until accepted")
    supplement: SupplementAskedOut | None = Field(
        description="what is asked, while the dossier awaits a supplement"
    )


class MyDossiersOut(Schema):
    count: int
    items: list[MyDossierOut]


class PageIn(Schema):
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0)


class DocumentOut(Schema):
    name: str
    reused: bool = Field(description="taken from the resident's document store")
    has_file: bool


class TimelineEventOut(Schema):
    at: str
    action: str
    status: str


class MyDossierDetailOut(MyDossierOut):
    commune: str
    applicant_name: str
    received_at: str | None
    finished_at: str | None
    returned_at: str | None
    return_method: str
    return_method_label: str
    postal_address: str
    result_summary: str
    refusal_reasons: str
    documents: list[DocumentOut]
    timeline: list[TimelineEventOut]
    rating_url: str | None = Field(description="where to rate the service, once returned")


def _open_supplements() -> Prefetch:
    return Prefetch(
        "supplements",
        queryset=SupplementRequest.objects.filter(answered_at__isnull=True),
        to_attr="open_supplements",
    )


def _first(rows: list):
    return rows[0] if rows else None


def _asked(dossier: Dossier, open_request: SupplementRequest | None) -> SupplementAskedOut | None:
    """The open supplement request, while the resident is the one who must answer it."""
    if dossier.state != State.AWAITING_SUPPLEMENT or open_request is None:
        return None
    return SupplementAskedOut(
        items=[str(item) for item in open_request.items],
        reason=open_request.reason,
        requested_at=_iso(open_request.requested_at),
        answer_by=_iso(open_request.answer_by),
    )


def _summary(dossier: Dossier, open_request: SupplementRequest | None) -> dict:
    return {
        "code": dossier.code,
        "procedure_code": dossier.procedure.code,
        "procedure_name": dossier.procedure.name_vi,
        "status": int(dossier.national_status),
        "status_label": str(dossier.national_status.label),
        "state": dossier.state,
        "state_label": str(dossier.get_state_display()),
        "submitted_at": _iso(dossier.submitted_at),
        "due_at": _iso(dossier.due_at),
        "supplement": _asked(dossier, open_request),
    }


def _detail(resident: Resident, code: str) -> MyDossierDetailOut:
    from motcua.feedback.links import rating_url

    dossier = queries.my_dossier(resident, code)  # another person's: the portal's 404
    open_request = dossier.supplements.filter(answered_at__isnull=True).first()
    returned = dossier.national_status == 10
    rated = returned and hasattr(dossier, "rating")
    documents = dossier.documents.select_related("stored_document").order_by("position")
    return MyDossierDetailOut(
        **_summary(dossier, open_request),
        commune=dossier.competent_commune.name,
        applicant_name=dossier.applicant_name,
        received_at=_iso(dossier.received_at),
        finished_at=_iso(dossier.finished_at),
        returned_at=_iso(dossier.returned_at),
        return_method=dossier.return_method,
        return_method_label=str(dossier.get_return_method_display()),
        postal_address=dossier.postal_address,
        result_summary=dossier.result_summary,
        refusal_reasons=dossier.refusal_reasons,
        documents=[
            DocumentOut(
                name=d.name,
                reused=d.reused,
                has_file=bool(d.stored_document_id and d.stored_document.file),
            )
            for d in documents
        ],
        timeline=[
            TimelineEventOut(at=_iso(e.at), action=e.action, status=e.state_label)
            for e in dossier_queries.public_dossier(dossier.code).events
        ],
        rating_url=rating_url(dossier, channel="portal") if returned and not rated else None,
    )


@router.get(
    "/dossiers",
    response={200: MyDossiersOut, **_errors(401, 422)},
    summary="My dossiers",
)
def my_dossiers(request, page: Query[PageIn]):
    """The dossiers this account filed and, once an identity provider verified the resident's ID
    number, those filed for that number at any counter; newest first."""
    dossiers = queries.my_dossiers(request.resident)
    rows = dossiers.prefetch_related(_open_supplements())[page.offset : page.offset + page.limit]
    return MyDossiersOut(
        count=dossiers.count(),
        items=[MyDossierOut(**_summary(d, _first(d.open_supplements))) for d in rows],
    )


@router.get(
    "/dossiers/{code}",
    response={200: MyDossierDetailOut, **_errors(401, 404, 422)},
    summary="One of my dossiers, with its timeline",
)
def my_dossier(request, code: str):
    """404 for a dossier that is not the resident's (whether it exists is not revealed)."""
    return _detail(request.resident, code)


# --------------------------------------------------------------------------- filing online


class FilingIn(Schema):
    procedure_code: str = Field(max_length=20, description="e.g. 1.004873 (GET /procedures)")
    commune_code: str = Field(max_length=5, description="the commune that handles it")
    applicant_name: str = Field(max_length=200)
    applicant_id_number: str = Field(max_length=20, description="12-digit personal ID")
    applicant_phone: str = Field(max_length=20, description="notifications go there")
    applicant_email: str = Field("", max_length=254)
    applicant_address: str = Field(max_length=300, description="permanent address")
    return_method: Literal["online", "counter", "post"] = "online"
    postal_address: str = Field("", max_length=300, description="needed to receive by post")
    summary: str = Field("", max_length=500, description="what is asked for, in a sentence")
    declaration: bool = Field(
        False, description="must be true: the resident declares the information true"
    )


class FiledOut(Schema):
    code: str
    status: int
    status_label: str
    state: str


class SupplementIn(Schema):
    note: str = Field("", max_length=2000)


# The papers after the first, as OpenAPI should show them: they are read from ``request.FILES``
# because how many there are depends on the procedure.
MORE_FILES = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "properties": {
                        f"file_{i}": {
                            "type": "string",
                            "format": "binary",
                            "description": f"PDF, JPEG or PNG for paper {i} of the procedure",
                        }
                        for i in range(1, MAX_FILES_PER_DOSSIER)
                    }
                }
            }
        }
    }
}


def _uploads(request, fields: list[str]) -> tuple[dict[str, object], dict[str, list[str]]]:
    """The files sent in the expected fields; an error for each file sent anywhere else, or more
    than one in a field, rather than silently dropping it."""
    uploads, errors = {}, {}
    for field in request.FILES:
        files = request.FILES.getlist(field)
        if field not in fields:
            errors[field] = [
                _("Không có giấy tờ nào ứng với trường này; gửi tệp trong: %(fields)s.")
                % {"fields": ", ".join(fields)}
            ]
        elif len(files) > 1:
            errors[field] = [_("Mỗi trường nhận một tệp; gộp các trang vào một tệp PDF.")]
        else:
            uploads[field] = files[0]
    return uploads, errors


def _applicant(payload: FilingIn) -> tuple[Applicant, dict[str, list[str]]]:
    """The applicant as the web form checks them, every problem at once."""
    errors: dict[str, list[str]] = {}
    checks = {
        "applicant_id_number": (validate_personal_id, payload.applicant_id_number),
        "applicant_phone": (normalize_phone, payload.applicant_phone),
    }
    cleaned = {}
    for field, (check, value) in checks.items():
        try:
            cleaned[field] = check(value)
        except ValidationError as exc:
            errors[field] = exc.messages
    if payload.applicant_email:
        try:
            validate_email(payload.applicant_email)
        except ValidationError as exc:
            errors["applicant_email"] = exc.messages
    if not payload.applicant_name.strip():
        errors["applicant_name"] = [_("Nhập họ tên chủ hồ sơ.")]
    if not payload.applicant_address.strip():
        errors["applicant_address"] = [_("Nhập địa chỉ thường trú.")]
    if not payload.declaration:
        errors["declaration"] = [_("Đánh dấu ô cam đoan để nộp hồ sơ.")]
    applicant = Applicant(
        name=payload.applicant_name.strip(),
        id_number=cleaned.get("applicant_id_number", ""),
        phone=cleaned.get("applicant_phone", ""),
        email=payload.applicant_email.strip(),
        address=payload.applicant_address.strip(),
    )
    return applicant, errors


@router.post(
    "/dossiers",
    response={201: FiledOut, **_errors(401, 404, 409, *BODY_ERRORS)},
    summary="File a dossier online",
    openapi_extra=MORE_FILES,
)
def file_dossier(
    request,
    payload: Form[FilingIn],
    file_0: File[UploadedFile] = None,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
):
    """Multipart: the fields below and one file per paper the procedure asks for, ``file_0`` for
    the first of its ``documents`` (GET /procedures/{code}), ``file_1`` for the next, and so on;
    at least one (only ``file_0`` is a declared parameter; the others are read from the request
    as their number depends on the procedure). Files are accepted by content (PDF, JPEG, PNG)
    up to the size limit. 409 when the procedure cannot be filed online with that commune; 422
    names every wrong field and file, and then nothing is stored. Send an ``Idempotency-Key``
    header to retry safely: the same key returns the first answer and never files twice."""
    return answer_once(
        request,
        idempotency_key,
        caller=resident_caller(request.resident),
        request_parts=lambda: (
            "POST /api/v1/portal/dossiers",
            payload.model_dump(mode="json"),
            _files_fingerprint(request),
        ),
        handler=lambda: _file(request, payload),
    )


def _files_fingerprint(request) -> dict[str, list[str]]:
    """Each file sent, by field, as its SHA-256: the same files sent again match, others not."""
    digests: dict[str, list[str]] = {}
    for field in sorted(request.FILES):
        for upload in request.FILES.getlist(field):
            sha = hashlib.sha256()
            for chunk in upload.chunks():
                sha.update(chunk)
            upload.seek(0)
            digests.setdefault(field, []).append(sha.hexdigest())
    return digests


def _file(request, payload: FilingIn) -> Status:
    procedure = Procedure.objects.filter(code=payload.procedure_code, is_active=True).first()
    if procedure is None:
        raise PublicNotFound(
            _("Không có thủ tục mã '%(code)s' trong danh mục.") % {"code": payload.procedure_code}
        )
    commune = (
        Commune.objects.current()
        .filter(code=payload.commune_code, centers__is_active=True)
        .select_related("province")
        .first()
    )
    if commune is None:
        raise PublicNotFound(
            _("Không có xã, phường mã '%(code)s' nhận hồ sơ trực tuyến.")
            % {"code": payload.commune_code}
        )
    refusal = filing.online_refusal(procedure, commune)
    if refusal:
        raise _error(409, refusal, "not_online")
    names = filing.required_document_names(procedure)
    fields = [f"file_{i}" for i in range(len(names))]
    uploads, errors = _uploads(request, fields)
    applicant, applicant_errors = _applicant(payload)
    errors.update(applicant_errors)
    by_position = {fields.index(field): f for field, f in uploads.items()}
    if errors:
        problems = filing.upload_problems(by_position)
        errors.update({k: v for k, v in problems.items() if k not in errors})
        raise ValidationError(errors)
    dossier = filing.file_online(
        procedure=procedure,
        commune=commune,
        applicant=applicant,
        document_names=names,
        uploads=by_position,
        return_method=payload.return_method,
        postal_address=payload.postal_address.strip(),
        summary=payload.summary.strip(),
        resident=request.resident,
    )
    return Status(
        201,
        FiledOut(
            code=dossier.code,
            status=int(dossier.national_status),
            status_label=str(dossier.national_status.label),
            state=dossier.state,
        ),
    )


@router.post(
    "/dossiers/{code}/supplement",
    response={200: MyDossierDetailOut, **_errors(401, 403, 404, 409, *BODY_ERRORS)},
    summary="Answer a supplement request",
)
def answer_supplement(
    request,
    code: str,
    payload: Form[SupplementIn],
    file_1: File[UploadedFile] = None,
    file_2: File[UploadedFile] = None,
    file_3: File[UploadedFile] = None,
):
    """Multipart: ``note`` and up to three files ``file_1``…``file_3`` (a note or a file at
    least). 409 when nothing is asked of the resident now; 404 for another person's dossier;
    403 for a dossier filed at a counter (listed for a verified ID, answered at the counter)."""
    dossier = queries.my_dossier(request.resident, code)
    uploads, errors = _uploads(request, list(SUPPLEMENT_FILE_FIELDS))
    if errors:
        errors.update({k: v for k, v in filing.upload_errors(uploads).items() if k not in errors})
        raise ValidationError(errors)
    filing.answer_supplement(
        dossier, resident=request.resident, note=payload.note.strip(), uploads=uploads
    )
    return _detail(request.resident, code)
