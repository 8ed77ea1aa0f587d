from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from motcua.api.idempotency import IDEMPOTENCY_KEY, answer_once, staff_caller
from motcua.api.router import STAFF_AUTH
from motcua.api.schemas import BODY_ERRORS, ERRORS_PUBLIC, ERRORS_STAFF, errors
from motcua.api.throttling import PerAddress
from motcua.catalog.models import Procedure
from motcua.dossiers import queries, services
from motcua.dossiers.limits import tracking_lookups
from motcua.dossiers.models import Channel, Dossier
from motcua.dossiers.workflow import TRANSITIONS
from motcua.errors import PublicNotFound
from motcua.units.models import Commune
from motcua.workdays import VIETNAM_TZ

router = Router()


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(VIETNAM_TZ).isoformat() if value else None


class ApplicantIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    id_number: str = Field(min_length=1, max_length=20, description="12-digit CCCD or tax code")
    kind: Literal["person", "organisation"] = "person"
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)
    proxy_name: str = Field("", max_length=200)


class DocumentIn(Schema):
    name: str = Field(min_length=1, max_length=300)
    originals: int = Field(0, ge=0, le=100)
    copies: int = Field(0, ge=0, le=100)


class DossierIn(Schema):
    procedure_code: str = Field(max_length=20)
    applicant: ApplicantIn
    channel: Literal["counter", "post"] = "counter"
    documents: list[DocumentIn] = Field(default_factory=list, max_length=100)
    return_method: Literal["counter", "post", "online"] = "counter"
    postal_address: str = Field("", max_length=300)
    summary: str = Field("", max_length=500)
    sets_count: int = Field(1, ge=1, le=20)
    competent_commune_code: str | None = Field(None, max_length=5)


class CreatedOut(Schema):
    code: str
    status: int
    state: str
    due_at: str | None


class StepOut(Schema):
    role: str
    name: str
    started_at: str
    due_at: str
    finished_at: str | None
    timeliness: str


class EventOut(Schema):
    at: str
    action: str
    actor: str | None
    from_state: str
    to_state: str
    note: str


class DossierOut(Schema):
    code: str
    procedure_code: str
    procedure_name: str
    state: str
    status: int
    status_label: str
    channel: int
    applicant_name: str
    applicant_id_number: str
    received_at: str | None
    due_at: str | None
    legal_due_at: str | None
    extended_due_at: str | None
    finished_at: str | None
    returned_at: str | None
    timeliness: str
    waybill_number: str
    next_actions: list[str]
    steps: list[StepOut]
    events: list[EventOut]


class ActionIn(Schema):
    reason: str = Field("", max_length=2000)
    items: list[str] = Field(default_factory=list, max_length=50)
    assignee: str = Field("", max_length=150, description="username of a specialist")
    agency: str = Field("", max_length=200)
    task: str = Field("", max_length=300)
    days: Decimal | None = Field(None, ge=0, le=365)
    result_summary: str = Field("", max_length=500)
    new_due_at: datetime | None = None
    waybill_number: str = Field("", max_length=40)
    collected_by: str = Field("", max_length=8, description="self | proxy (return at counter)")
    collector_name: str = Field("", max_length=200)
    collector_id_number: str = Field("", max_length=40)
    note: str = Field("", max_length=2000)


class PublicEventOut(Schema):
    at: str
    action: str
    status: str


class TrackOut(Schema):
    code: str
    procedure_code: str
    procedure_name: str
    applicant: str
    id_number: str
    commune: str
    status: int
    status_label: str
    submitted_at: str
    received_at: str | None
    due_at: str | None
    returned_at: str | None
    waiting_for_applicant: list[str]
    events: list[PublicEventOut]


def _dossier_out(dossier: Dossier, user) -> DossierOut:
    return DossierOut(
        code=dossier.code,
        procedure_code=dossier.procedure.code,
        procedure_name=dossier.procedure.name_vi,
        state=dossier.state,
        status=int(dossier.national_status),
        status_label=str(dossier.national_status.label),
        channel=dossier.channel,
        applicant_name=dossier.applicant_name,
        applicant_id_number=dossier.applicant_id_number,
        received_at=_iso(dossier.received_at),
        due_at=_iso(dossier.due_at),
        legal_due_at=_iso(dossier.legal_due_at),
        extended_due_at=_iso(dossier.extended_due_at),
        finished_at=_iso(dossier.finished_at),
        returned_at=_iso(dossier.returned_at),
        timeliness=dossier.timeliness,
        waybill_number=dossier.waybill_number,
        next_actions=[t.action.value for t in queries.next_actions(dossier, user)],
        steps=[
            StepOut(
                role=s.role,
                name=s.name,
                started_at=_iso(s.started_at),
                due_at=_iso(s.due_at),
                finished_at=_iso(s.finished_at),
                timeliness=s.timeliness,
            )
            for s in dossier.steps.all()
        ],
        events=[
            EventOut(
                at=_iso(e.at),
                action=e.action,
                actor=e.actor.username if e.actor else None,
                from_state=e.from_state,
                to_state=e.to_state,
                note=e.note,
            )
            for e in queries.timeline(dossier)
        ],
    )


@router.post(
    "/dossiers",
    auth=STAFF_AUTH,
    response={201: CreatedOut, **ERRORS_STAFF, **errors(*BODY_ERRORS)},
    summary="Receive a dossier at the counter or from the post",
)
def create_dossier(request, payload: DossierIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    """Send an ``Idempotency-Key`` header to retry safely: the same key returns the first answer
    and never receives the dossier twice."""
    return answer_once(
        request,
        idempotency_key,
        caller=staff_caller(request.user),
        request_parts=lambda: ("POST /api/v1/dossiers", payload.model_dump(mode="json")),
        handler=lambda: _receive(request, payload),
    )


def _receive(request, payload: DossierIn) -> Status:
    procedure = Procedure.objects.filter(code=payload.procedure_code, is_active=True).first()
    if procedure is None:
        raise PublicNotFound(
            _(
                "Không có thủ tục mã '%(code)s' trong danh mục. "
                "Tra cứu mã đúng tại GET /api/v1/procedures?q=..."
            )
            % {"code": payload.procedure_code}
        )
    competent = None
    if payload.competent_commune_code:
        competent = Commune.objects.filter(code=payload.competent_commune_code).first()
        if competent is None:
            raise PublicNotFound(
                _("Không có đơn vị hành chính mã '%(code)s'.")
                % {"code": payload.competent_commune_code}
            )
    dossier = services.receive_dossier(
        officer=request.user,
        procedure=procedure,
        applicant=services.Applicant(**payload.applicant.dict()),
        channel=Channel.POST if payload.channel == "post" else Channel.COUNTER,
        documents=[services.DocumentIn(**d.dict()) for d in payload.documents],
        competent_commune=competent,
        return_method=payload.return_method,
        postal_address=payload.postal_address,
        summary=payload.summary,
        sets_count=payload.sets_count,
    )
    return Status(
        201,
        CreatedOut(
            code=dossier.code,
            status=int(dossier.national_status),
            state=dossier.state,
            due_at=_iso(dossier.due_at),
        ),
    )


@router.get("/dossiers/{code}", auth=STAFF_AUTH, response={200: DossierOut, **ERRORS_STAFF})
def get_dossier(request, code: str):
    """A dossier with its steps and audit trail; 404 outside the caller's commune."""
    return _dossier_out(queries.dossier_for(request.user, code), request.user)


@router.post(
    "/dossiers/{code}/actions/{action}",
    auth=STAFF_AUTH,
    response={200: DossierOut, **ERRORS_STAFF, **errors(*BODY_ERRORS)},
    summary="Carry out a workflow action",
)
def do_action(request, code: str, action: str, payload: ActionIn | None = None):
    """Actions and who may take them: see ``motcua/dossiers/workflow.py``. Sends 409 when the
    action is not allowed in the current state, 403 when not for the caller's role."""
    dossier = queries.dossier_for(request.user, code)
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise PublicNotFound(
            _("Không có thao tác '%(action)s'. Các thao tác: %(actions)s.")
            % {"action": action, "actions": ", ".join(TRANSITIONS)}
        )
    data = (payload or ActionIn()).dict()
    inputs = {k: v for k, v in data.items() if k in transition.needs or k == "note"}
    updated = services.perform(dossier, action, actor=request.user, **inputs)
    return _dossier_out(updated, request.user)


@router.get(
    "/track/{code}",
    response={200: TrackOut, **ERRORS_PUBLIC, **errors(429)},
    throttle=[PerAddress(tracking_lookups)],
    summary="Public status of a dossier (personal data masked)",
)
def track(request, code: str):
    """Counts against the same hourly allowance per address as the tracking page
    (``MOTCUA_TRACKING_LOOKUPS_PER_HOUR``); beyond it 429 ``rate_limited`` with ``Retry-After``."""
    d = queries.public_dossier(code)
    return TrackOut(
        code=d.code,
        procedure_code=d.procedure_code,
        procedure_name=d.procedure_name,
        applicant=d.applicant,
        id_number=d.id_number,
        commune=d.commune,
        status=d.status_code,
        status_label=d.status_label,
        submitted_at=_iso(d.submitted_at),
        received_at=_iso(d.received_at),
        due_at=_iso(d.due_at),
        returned_at=_iso(d.returned_at),
        waiting_for_applicant=d.waiting_for_applicant,
        events=[
            PublicEventOut(at=_iso(e.at), action=e.action, status=e.state_label) for e in d.events
        ],
    )
