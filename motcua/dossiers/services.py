"""Every change to a dossier, as plain functions (architecture.md: services).

Each public function runs in one transaction, checks who may act (the workflow table and the
commune scope), and writes exactly one audit event. Views, the API, the demo generator and the
background scan all call these; nothing else saves a dossier.

Time is passed in explicitly (``at``) so the demo generator and tests can replay history; it
defaults to now.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts import access
from motcua.accounts.models import Role, User
from motcua.catalog.models import Procedure
from motcua.catalog.queries import commune_handles
from motcua.dossiers.models import (
    ApplicantKind,
    Channel,
    Collector,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierSequence,
    DossierStep,
    Extension,
    Interlink,
    Payment,
    PaymentMethod,
    ReturnMethod,
    SupplementRequest,
    Timeliness,
)
from motcua.dossiers.signals import announce
from motcua.dossiers.workflow import (
    STATES,
    SYSTEM,
    TRANSITIONS,
    Action,
    State,
    action_label,
)
from motcua.identity import validate_enterprise_code, validate_personal_id
from motcua.phones import normalize_phone
from motcua.privacy import mask_digits
from motcua.units.calendars import calendar_for_center
from motcua.units.models import Commune, ServiceCenter
from motcua.workdays import HOURS_PER_WORKING_DAY, VIETNAM_TZ, WorkCalendar, due_at, hours

SUPPLEMENT_ANSWER_DAYS = 15  # Decree 118 Art. 19(5): closed if not completed within 15 days


class WorkflowError(Exception):
    """An action that is not allowed now, or not for this person. Nothing was changed."""

    def __init__(self, message: str, code: str = "not_allowed"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str
    kind: str = ApplicantKind.PERSON
    phone: str = ""
    email: str = ""
    address: str = ""
    proxy_name: str = ""


@dataclass(frozen=True)
class DocumentIn:
    name: str
    originals: int = 0
    copies: int = 0
    # The e-document behind the component (``motcua.docstore.StoredDocument``): uploaded or
    # scanned for this dossier, or, with ``reused``, taken from the owner's document store.
    stored_document: object = None
    reused: bool = False


@dataclass(frozen=True)
class Filing:
    """What was handed in, whatever the channel: validated once, then written once."""

    procedure: Procedure
    receiving: Commune
    competent: Commune
    applicant: Applicant
    channel: int = Channel.COUNTER
    documents: tuple[DocumentIn, ...] = ()
    return_method: str = ReturnMethod.COUNTER
    postal_address: str = ""
    summary: str = ""
    sets_count: int = 1
    center: ServiceCenter | None = None


# --------------------------------------------------------------------------- intake


def receive_dossier(
    *,
    officer: User,
    procedure: Procedure,
    applicant: Applicant,
    channel: int = Channel.COUNTER,
    documents: list[DocumentIn] | tuple[DocumentIn, ...] = (),
    center: ServiceCenter | None = None,
    competent_commune: Commune | None = None,
    return_method: str = ReturnMethod.COUNTER,
    postal_address: str = "",
    summary: str = "",
    sets_count: int = 1,
    at: datetime | None = None,
) -> Dossier:
    """Accept a complete dossier at the counter or from the post (domain.md §5.2 #2, #3c).

    Assigns the dossier code, starts the legal clock and the reception step, and records the
    documents received; the receipt (form 01) is printed from the result.
    """
    at = at or timezone.now()
    if channel == Channel.ONLINE:
        raise WorkflowError(
            _("Hồ sơ trực tuyến được nộp qua cổng và tiếp nhận bằng thao tác riêng.")
        )
    _require_intake(officer)
    filing = Filing(
        procedure=procedure,
        receiving=officer.commune,
        competent=competent_commune or officer.commune,
        applicant=applicant,
        channel=channel,
        documents=tuple(documents),
        return_method=return_method,
        postal_address=postal_address,
        summary=summary,
        sets_count=sets_count,
        center=center,
    )
    filing = _check_intake(filing)
    with transaction.atomic():
        dossier = _create(filing, State.RECEIVED, at, officer)
        _start_clock(dossier, at)
        dossier.save()
        dossier.refresh_from_db(fields=["due_at"])  # computed by the database
        _start_step(dossier, "reception", at, officer)
        _record(
            dossier,
            "receive",
            officer,
            "",
            dossier.state,
            at=at,
            data={"channel": channel, "due_at": dossier.legal_due_at.isoformat()},
        )
    return dossier


def submit_online(
    *,
    procedure: Procedure,
    commune: Commune,
    applicant: Applicant,
    documents: list[DocumentIn] | tuple[DocumentIn, ...] = (),
    return_method: str = ReturnMethod.ONLINE,
    postal_address: str = "",
    summary: str = "",
    resident=None,
    assisted_by: User | None = None,
    at: datetime | None = None,
) -> Dossier:
    """An online dossier arrives (from the portal): it gets its code at once, and the clock starts
    only when an officer accepts it (Decree 118 Art. 17(2)).

    ``resident`` is the portal account that filed it ("My dossiers" lists it there);
    ``assisted_by`` the volunteer or officer who filed it for the resident (the audit names them).
    """
    at = at or timezone.now()
    filing = Filing(
        procedure=procedure,
        receiving=commune,
        competent=commune,
        applicant=applicant,
        channel=Channel.ONLINE,
        documents=tuple(documents),
        return_method=return_method,
        postal_address=postal_address,
        summary=summary,
    )
    filing = _check_intake(filing)
    with transaction.atomic():
        dossier = _create(filing, State.SUBMITTED_ONLINE, at, None)
        if resident is not None:
            dossier.resident = resident
            dossier.save(update_fields=["resident"])
        _record(
            dossier,
            "submit_online",
            assisted_by,
            "",
            dossier.state,
            at=at,
            data={"assisted": assisted_by is not None},
        )
    return dossier


def refuse_at_counter(
    *,
    officer: User,
    procedure: Procedure,
    applicant: Applicant,
    reason: str,
    summary: str = "",
    at: datetime | None = None,
) -> Dossier:
    """Record a dossier refused at intake (form 03): it is numbered so the refusal slip can be
    traced, but no clock ever starts."""
    at = at or timezone.now()
    _require_intake(officer)
    reason = _required_text(reason, _("lý do từ chối"))
    filing = Filing(
        procedure=procedure,
        receiving=officer.commune,
        competent=officer.commune,
        applicant=applicant,
        summary=summary,
    )
    filing = _check_intake(filing)
    with transaction.atomic():
        dossier = _create(filing, State.REFUSED_AT_RECEPTION, at, officer)
        dossier.refusal_reasons = reason
        dossier.finished_at = at
        dossier.save()
        _record(dossier, "refuse_at_counter", officer, "", dossier.state, note=reason, at=at)
    return dossier


def _check_intake(filing: Filing) -> Filing:
    """Every problem with what was handed in, at once (Decree 118 Art. 16(3): list everything
    missing in one go); raises ValidationError keyed by field, before anything is written.
    Returns the filing with the applicant's number in its normal form (``motcua.identity``), as
    it is stored and looked up, however it was typed."""
    applicant, procedure, competent = filing.applicant, filing.procedure, filing.competent
    errors: dict[str, list[str]] = {}
    try:
        if applicant.kind == ApplicantKind.ORGANISATION:
            id_number = validate_enterprise_code(applicant.id_number)
        else:
            id_number = validate_personal_id(applicant.id_number)
    except ValidationError as exc:
        errors["applicant_id_number"] = exc.messages
    if not (applicant.name or "").strip():
        errors["applicant_name"] = [_("Nhập họ tên chủ hồ sơ.")]
    phone = applicant.phone or ""
    if phone.strip():
        # The applicant hears about the dossier by SMS at this number: a number that cannot get
        # one is refused here, not "sent" to nobody later.
        try:
            phone = normalize_phone(phone)
        except ValidationError as exc:
            errors["applicant_phone"] = exc.messages
    else:
        phone = ""
    if filing.return_method == ReturnMethod.POST and not filing.postal_address.strip():
        errors["postal_address"] = [_("Nhận kết quả qua bưu chính cần địa chỉ nhận.")]
    if not procedure.is_active:
        errors["procedure"] = [_("Thủ tục này đã ngừng áp dụng.")]
    elif not commune_handles(competent, procedure):
        errors["procedure"] = [
            _("%(commune)s chưa chuẩn hóa thủ tục %(code)s trong danh mục của xã.")
            % {"commune": competent.name, "code": procedure.code}
        ]
    if competent.province_id != filing.receiving.province_id:
        errors["competent_commune"] = [
            _("Chỉ tiếp nhận hồ sơ của các xã, phường trong cùng tỉnh (Nghị định 118, Điều 14).")
        ]
    if errors:
        raise ValidationError(errors)
    return replace(filing, applicant=replace(applicant, id_number=id_number, phone=phone))


def _default_center(commune: Commune) -> ServiceCenter | None:
    return commune.centers.filter(is_active=True, parent__isnull=True).order_by("id").first()


def _create(filing: Filing, state: str, at: datetime, officer: User | None) -> Dossier:
    applicant, procedure = filing.applicant, filing.procedure
    dossier = Dossier(
        code=next_dossier_code(filing.competent, at),
        procedure=procedure,
        receiving_commune=filing.receiving,
        competent_commune=filing.competent,
        center=filing.center or _default_center(filing.receiving),
        channel=filing.channel,
        state=state,
        applicant_kind=applicant.kind,
        applicant_name=applicant.name.strip(),
        applicant_id_number=applicant.id_number,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        proxy_name=applicant.proxy_name,
        summary=filing.summary or procedure.name_vi,
        sets_count=filing.sets_count,
        return_method=filing.return_method,
        postal_address=filing.postal_address,
        process=procedure_process(procedure),
        processing_amount=procedure.processing_amount,
        processing_unit=procedure.processing_unit,
        submitted_at=at,
        received_by=officer,
    )
    dossier.save()
    # A component is digitised when a file is behind it, whatever the channel: a scan made at the
    # counter (Decree 118 Art. 17(1)(c)), an upload, or a paper reused from the store. A paper
    # handed in without a scan is not (ADR 0028); ``attach_scan`` digitises it later.
    _add_documents(dossier, filing.documents, start=1)
    return dossier


def _add_documents(dossier: Dossier, documents, *, start: int) -> None:
    for d in documents:
        _check_stored(dossier, d)
    DossierDocument.objects.bulk_create(
        DossierDocument(
            dossier=dossier,
            position=i,
            name=d.name,
            originals=d.originals,
            copies=d.copies,
            digitized=d.stored_document is not None,
            stored_document=d.stored_document,
            reused=d.reused,
        )
        for i, d in enumerate(documents, start=start)
    )


def _check_stored(dossier: Dossier, document: DocumentIn) -> None:
    """A stored document joins a dossier only if it is the applicant's, and a reused one only
    from the applicant's store (its owner verified) and while it is valid (not revoked, not
    expired on the day)."""
    stored = document.stored_document
    if stored is None:
        return
    if stored.owner_id_number != dossier.applicant_id_number:
        raise ValidationError(
            {
                "documents": [
                    _("Giấy tờ '%(name)s' không thuộc chủ hồ sơ.") % {"name": document.name}
                ]
            }
        )
    if document.reused and not stored.verified_via:
        # Kept for another dossier only: its owner was never verified, so it is no one's store.
        raise ValidationError(
            {
                "documents": [
                    _("Giấy tờ '%(name)s' không có trong kho dữ liệu của chủ hồ sơ.")
                    % {"name": document.name}
                ]
            }
        )
    today = timezone.localtime(dossier.submitted_at, VIETNAM_TZ).date()
    expired = stored.valid_until is not None and stored.valid_until < today
    if document.reused and (stored.revoked_at is not None or expired):
        raise ValidationError(
            {
                "documents": [
                    _("Giấy tờ '%(name)s' trong kho đã hết hiệu lực; cần nộp bản mới.")
                    % {"name": document.name}
                ]
            }
        )


def procedure_process(procedure: Procedure) -> list[dict]:
    """The snapshot of the internal process a dossier keeps (domain.md §5.3)."""
    return [
        {
            "role": s.role,
            "name_vi": s.name_vi,
            "name_en": s.name_en,
            "budget_hours": str(s.budget_hours),
        }
        for s in procedure.steps.order_by("position")
    ]


def next_dossier_code(commune: Commune, at: datetime) -> str:
    """The national-format code ``{agency_id}-{YYMMDD}-{seq:04d}`` (Decree 118 Art. 28).

    The daily sequence comes from one atomic upsert, so concurrent intakes never share a number;
    the format widens past 9999 by itself.
    """
    agency_id = commune.effective_agency_id
    day = timezone.localtime(at, VIETNAM_TZ).date()
    table = DossierSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last_value) VALUES (%s, %s, 1) "
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [agency_id, day],
        )
        seq = cursor.fetchone()[0]
    pattern = commune.province.dossier_code_pattern or settings.MOTCUA_DOSSIER_CODE_PATTERN
    return pattern.format(agency_id=agency_id, yymmdd=day.strftime("%y%m%d"), seq=seq)


# --------------------------------------------------------------------------- actions


def perform(
    dossier: Dossier,
    action: str,
    *,
    actor: User | None,
    at: datetime | None = None,
    **inputs,
) -> Dossier:
    """Carry out one workflow action on a dossier (the table in ``workflow.TRANSITIONS``).

    ``actor`` None means the system itself (the background scan). Raises WorkflowError when the
    action is not allowed in the current state or for the actor's role or commune, and
    ValidationError when an input is missing or wrong; in both cases nothing changes.
    """
    at = at or timezone.now()
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise WorkflowError(_("Không có thao tác '%(action)s'.") % {"action": action}, "unknown")
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        role = _actor_role(actor)
        _check_scope(actor, locked)
        if role not in transition.roles and not (actor is not None and actor.is_superuser):
            raise WorkflowError(
                _("Vai trò của bạn không được thực hiện thao tác '%(action)s'.")
                % {"action": action_label(action)},
                "role",
            )
        if locked.state not in transition.sources:
            raise WorkflowError(
                _("Không thể '%(action)s' khi hồ sơ đang ở trạng thái '%(state)s'.")
                % {"action": action_label(action), "state": locked.get_state_display()},
                "state",
            )
        from_state = locked.state
        handler = _HANDLERS[action]
        note, data = handler(locked, actor, at, **inputs)
        if transition.target is not None:
            locked.state = transition.target
        if STATES[locked.state].ends_processing and from_state != locked.state:
            locked.finished_at = at
            locked.timeliness = classify(at, locked.due_at) if locked.due_at else ""
        locked.save()
        locked.refresh_from_db(fields=["due_at"])
        _record(locked, action, actor, from_state, locked.state, note=note, data=data, at=at)
    return locked


def _check_scope(actor: User | None, dossier: Dossier) -> None:
    if actor is not None and not access.permits(
        actor, access.Kind.DOSSIER, access.Action.ACT, dossier
    ):
        raise WorkflowError(_("Hồ sơ này không thuộc đơn vị của bạn."), "scope")


def classify(finished_at: datetime, due: datetime) -> str:
    """Early / on time / late (domain.md §8.3).

    Late means finished after the appointment time (the index's minute rule: end ≤ appointment is
    on time). Among the rest, finishing on an earlier calendar day than the appointment is early,
    on the appointment day is on time — the day comparison the official report form uses.
    """
    if finished_at > due:
        return Timeliness.LATE
    finished_day = timezone.localtime(finished_at, VIETNAM_TZ).date()
    due_day = timezone.localtime(due, VIETNAM_TZ).date()
    return Timeliness.EARLY if finished_day < due_day else Timeliness.ON_TIME


def _accept_online(d: Dossier, actor, at, note=""):
    d.received_by = actor
    _start_clock(d, at)
    _start_step(d, "reception", at, actor)
    return note, {"due_at": d.legal_due_at.isoformat()}


def _refuse_at_reception(d: Dossier, actor, at, reason="", note=""):
    d.refusal_reasons = _required_text(reason, _("lý do từ chối"))
    return d.refusal_reasons, {}


def _forward(d: Dossier, actor, at, note=""):
    _finish_step(d, at, actor)
    _start_step(d, "specialist", at, None)
    return note, {}


def _assign(d: Dossier, actor, at, assignee=None, note=""):
    person = _specialist_of(d, assignee)
    d.assigned_to = person
    d.steps.filter(finished_at__isnull=True).update(handled_by=person)
    return note, {"assignee": person.username}


def _request_supplement(d: Dossier, actor, at, items=(), reason="", note=""):
    items = [str(i).strip() for i in (items or []) if str(i).strip()]
    if not items:
        raise ValidationError({"items": [_("Liệt kê ít nhất một giấy tờ cần bổ sung.")]})
    reason = _required_text(reason, _("lý do"))
    SupplementRequest.objects.create(
        dossier=d,
        requested_at=at,
        requested_by=actor,
        items=items,
        reason=reason,
        resume_state=d.state,
        answer_by=at + timedelta(days=SUPPLEMENT_ANSWER_DAYS),
        due_before=d.due_at,
    )
    _finish_step(d, at, actor, note=_("Chờ bổ sung hồ sơ"))
    # Returning an online dossier for correction before acceptance is not a supplement after
    # reception: the legal clock has not started, so it does not count against the dossier.
    if d.state != State.SUBMITTED_ONLINE:
        d.supplement_count += 1
    return reason, {"items": items}


def _receive_supplement(d: Dossier, actor, at, note=""):
    request = d.supplements.get(answered_at__isnull=True)
    if request.resume_state == State.SUBMITTED_ONLINE:
        # A corrected online dossier goes back to the acceptance check; its clock starts only
        # when an officer accepts it (Art. 17(2)).
        request.answered_at = at
        request.save(update_fields=["answered_at"])
        d.state = State.SUBMITTED_ONLINE
        return note, {}
    # The legal time restarts from zero on the complete re-submission (Art. 19(5)); an earlier
    # extension no longer applies to the new clock.
    d.extended_due_at = None
    _start_clock(d, at)
    request.answered_at = at
    request.due_after = d.legal_due_at
    request.save(update_fields=["answered_at", "due_after"])
    d.state = request.resume_state
    _start_step(d, STATES[d.state].step_role, at, actor, restart=True)
    return note, {"due_at": d.legal_due_at.isoformat()}


def _close_no_supplement(d: Dossier, actor, at, note=""):
    request = d.supplements.get(answered_at__isnull=True)
    if at < request.answer_by:
        raise WorkflowError(
            _("Chưa hết hạn bổ sung (hạn đến %(date)s).")
            % {"date": timezone.localtime(request.answer_by).strftime("%d/%m/%Y %H:%M")},
            "too_early",
        )
    d.withdrawal_reason = _("Quá %(n)s ngày kể từ ngày yêu cầu bổ sung mà không bổ sung.") % {
        "n": SUPPLEMENT_ANSWER_DAYS
    }
    return d.withdrawal_reason, {}


def _send_interlink(d: Dossier, actor, at, agency="", task="", days=None, note=""):
    agency = _required_text(agency, _("cơ quan phối hợp"))
    task = _required_text(task, _("nội dung phối hợp"))
    amount = _positive_decimal(days, "days", _("số ngày làm việc"))
    due = calendar_of(d).add_working_time(at, hours(amount * HOURS_PER_WORKING_DAY))
    Interlink.objects.create(dossier=d, agency=agency, task=task, sent_at=at, due_at=due)
    return task, {"agency": agency, "interlink_due_at": due.isoformat()}


def _receive_interlink(d: Dossier, actor, at, note=""):
    link = d.interlinks.filter(returned_at__isnull=True).order_by("-sent_at").first()
    if link is not None:
        link.returned_at = at
        link.result_note = note[:300]
        link.save(update_fields=["returned_at", "result_note"])
    return note, {}


def _propose(d: Dossier, actor, at, note=""):
    _finish_step(d, at, actor)
    _start_step(d, "leader", at, None)
    return note, {}


def _send_back(d: Dossier, actor, at, note=""):
    note = _required_text(note, _("ý kiến của lãnh đạo"))
    _finish_step(d, at, actor, note=note[:300])
    _start_step(d, "specialist", at, d.assigned_to)
    return note, {}


def _approve(d: Dossier, actor, at, result_summary="", note="", result_file=None):
    """``result_file``: what the caller knows of the result document that goes with the approval
    (``{"source": "uploaded" | "rendered", "sha256": …}``), written into the audit event so the
    trail says which file was issued."""
    d.result_summary = (result_summary or "").strip()[:500] or d.procedure.name_vi
    _finish_step(d, at, actor)
    _start_step(d, "return", at, None)
    data = {"result_summary": d.result_summary}
    if result_file:
        data["result_file"] = {k: str(v) for k, v in dict(result_file).items()}
    return note, data


def _refuse(d: Dossier, actor, at, reason="", note=""):
    d.refusal_reasons = _required_text(reason, _("lý do từ chối"))
    _finish_step(d, at, actor)
    _start_step(d, "return", at, None)
    return d.refusal_reasons, {}


def _extend(d: Dossier, actor, at, reason="", new_due_at=None, note=""):
    """Form 04. At most once, at least one day before the due time (Decree 118 Art. 19(6))."""
    reason = _required_text(reason, _("lý do gia hạn"))
    if Extension.objects.filter(dossier=d).exists():
        raise WorkflowError(_("Hồ sơ đã được gia hạn một lần; không được gia hạn lần nữa."), "once")
    if not isinstance(new_due_at, datetime):
        raise ValidationError({"new_due_at": [_("Nhập ngày hẹn trả mới.")]})
    if timezone.is_naive(new_due_at):
        new_due_at = timezone.make_aware(new_due_at, VIETNAM_TZ)
    if new_due_at <= d.due_at:
        raise ValidationError({"new_due_at": [_("Ngày hẹn mới phải sau ngày hẹn hiện tại.")]})
    if at > d.due_at - timedelta(days=1):
        raise WorkflowError(
            _("Văn bản xin lỗi và gia hạn phải gửi chậm nhất 01 ngày trước ngày hẹn trả (%(due)s).")
            % {"due": timezone.localtime(d.due_at).strftime("%H:%M %d/%m/%Y")},
            "too_late",
        )
    Extension.objects.create(
        dossier=d,
        issued_at=at,
        issued_by=actor,
        previous_due_at=d.due_at,
        new_due_at=new_due_at,
        reason=reason,
    )
    d.extended_due_at = new_due_at
    return reason, {"previous_due_at": d.due_at.isoformat(), "new_due_at": new_due_at.isoformat()}


def _withdraw(d: Dossier, actor, at, reason="", note=""):
    d.withdrawal_reason = _required_text(reason, _("lý do rút hồ sơ"))
    _finish_step(d, at, actor, note=_("Dừng xử lý"))
    return d.withdrawal_reason, {}


def _return(d: Dossier, actor, at, waybill_number="", note=""):
    _finish_step(d, at, actor)
    d.returned_at = at
    return note, {}


def _return_at_counter(
    d: Dossier, actor, at, collected_by="", collector_name="", collector_id_number="", note=""
):
    """The result handed over at the counter, to the applicant or to a person they authorised
    (named, with a valid personal ID number, kept in its normal form)."""
    collected_by = collected_by or Collector.SELF
    if collected_by not in Collector.values:
        raise ValidationError({"collected_by": [_("Chọn người nhận kết quả.")]})
    name = number = ""
    if collected_by == Collector.PROXY:
        errors = {}
        name = (collector_name or "").strip()
        if not name:
            errors["collector_name"] = [_("Nhập họ tên người nhận thay.")]
        try:
            number = validate_personal_id(collector_id_number or "")
        except ValidationError as exc:
            errors["collector_id_number"] = exc.messages
        if errors:
            raise ValidationError(errors)
    d.collected_by, d.collector_name, d.collector_id_number = collected_by, name[:200], number
    _return(d, actor, at)
    data = {"collected_by": collected_by}
    if number:
        # The trail names the person but keeps their number masked (rules of the house).
        data.update(collector_name=d.collector_name, collector_id=mask_digits(number))
    return note, data


def _return_by_post(d: Dossier, actor, at, waybill_number="", note=""):
    d.waybill_number = _required_text(waybill_number, _("mã vận đơn"), "waybill_number")
    _return(d, actor, at)
    return note, {"waybill_number": d.waybill_number}


_HANDLERS = {
    Action.ACCEPT_ONLINE: _accept_online,
    Action.REFUSE_AT_RECEPTION: _refuse_at_reception,
    Action.FORWARD: _forward,
    Action.ASSIGN: _assign,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.RECEIVE_SUPPLEMENT: _receive_supplement,
    Action.CLOSE_NO_SUPPLEMENT: _close_no_supplement,
    Action.SEND_INTERLINK: _send_interlink,
    Action.RECEIVE_INTERLINK: _receive_interlink,
    Action.PROPOSE: _propose,
    Action.SEND_BACK: _send_back,
    Action.APPROVE: _approve,
    Action.REFUSE: _refuse,
    Action.EXTEND: _extend,
    Action.WITHDRAW: _withdraw,
    Action.RETURN_AT_COUNTER: _return_at_counter,
    Action.RETURN_BY_POST: _return_by_post,
    Action.RETURN_ONLINE: _return,
}
assert set(_HANDLERS) == set(TRANSITIONS), "every transition needs a handler"


def answer_supplement_online(
    dossier: Dossier,
    *,
    resident,
    note: str = "",
    documents: list[DocumentIn] | tuple[DocumentIn, ...] = (),
    at: datetime | None = None,
) -> Dossier:
    """The resident sends the requested papers through the portal. The dossier waits for the
    one-stop to check them (``receive_supplement`` then restarts the clock, Art. 19(5)); until
    then nothing closes it for lack of a supplement."""
    at = at or timezone.now()
    if not documents and not (note or "").strip():
        raise ValidationError(
            {"documents": [_("Tải lên giấy tờ cần bổ sung hoặc ghi nội dung bổ sung.")]}
        )
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if resident is None or locked.resident_id != resident.pk:
            raise WorkflowError(_("Hồ sơ này không thuộc tài khoản của bạn."), "scope")
        if locked.state != State.AWAITING_SUPPLEMENT:
            raise WorkflowError(
                _("Hồ sơ không ở trạng thái chờ bổ sung; không cần gửi thêm giấy tờ."), "state"
            )
        last = locked.documents.order_by("-position").values_list("position", flat=True).first()
        _add_documents(locked, documents, start=(last or 0) + 1)
        from_state = locked.state
        locked.state = State.SUPPLEMENT_SUBMITTED
        locked.save(update_fields=["state", "updated_at"])
        names = [d.name for d in documents]
        _record(
            locked,
            "answer_supplement_online",
            None,
            from_state,
            locked.state,
            at=at,
            note=(note or "").strip(),
            data={"documents": names, "by": "resident"},
        )
    return locked


# --------------------------------------------------------------------------- fees

MAX_PAYMENT_VND = 100_000_000  # far above any commune fee; a typo with extra zeros is refused


def record_payment(
    dossier: Dossier,
    *,
    officer: User,
    amount_vnd,
    method: str,
    reason: str = "",
    at: datetime | None = None,
) -> Payment:
    """Record a fee collected for the dossier (cash or transfer), or waived with a reason, and
    write it to the audit trail; the fee receipt (biên lai) is printed from the row.

    Only those the access rule lets collect fees on this dossier (``access.Action.COLLECT_FEE``):
    the one-stop of the deciding or receiving commune. Raises WorkflowError (not allowed) or
    ValidationError (an input is wrong); in both cases nothing is written.
    """
    at = at or timezone.now()
    if not access.permits(officer, access.Kind.DOSSIER, access.Action.COLLECT_FEE, dossier):
        raise WorkflowError(_("Chỉ cán bộ bộ phận một cửa được thu phí, lệ phí."), "role")
    errors: dict[str, list[str]] = {}
    if method not in PaymentMethod.values:
        errors["method"] = [_("Chọn hình thức thu: tiền mặt, chuyển khoản hoặc miễn.")]
    reason = (reason or "").strip()
    amount = _amount(amount_vnd)
    if method == PaymentMethod.WAIVED:
        amount = 0
        if not reason:
            errors["reason"] = [_("Miễn phí, lệ phí cần ghi lý do (đối tượng được miễn).")]
    elif amount is None or amount <= 0 or amount > MAX_PAYMENT_VND:
        errors["amount_vnd"] = [
            _("Số tiền phải là số nguyên dương, tính bằng đồng, không quá %(max)s.")
            % {"max": f"{MAX_PAYMENT_VND:,}".replace(",", ".")}
        ]
    if len(reason) > 300:
        errors["reason"] = [_("Lý do dài quá 300 ký tự.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if locked.state in (State.SUBMITTED_ONLINE, State.REFUSED_AT_RECEPTION):
            raise WorkflowError(_("Hồ sơ chưa được tiếp nhận nên chưa thu phí, lệ phí."), "state")
        last = locked.payments.order_by("-number").values_list("number", flat=True).first()
        payment = Payment.objects.create(
            dossier=locked,
            number=(last or 0) + 1,
            amount_vnd=amount,
            method=method,
            reason=reason,
            recorded_by=officer,
            at=at,
        )
        _record(
            locked,
            "record_payment",
            officer,
            locked.state,
            locked.state,
            at=at,
            note=reason,
            data={"number": payment.number, "amount_vnd": amount, "method": method},
        )
    return payment


def _amount(value) -> int | None:
    """An amount in đồng as typed: digits, with dots, commas or spaces grouping thousands."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = "".join(str(value or "").split()).replace(".", "").replace(",", "")
    text = text.removesuffix("đ").removesuffix("đồng")
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        return None
    return int(text)


# A scan may be attached while the dossier is at reception or being processed: not before it is
# received, and not once its result is decided (the papers were checked by then).
SCAN_STATES = frozenset(
    s
    for s, info in STATES.items()
    if not info.is_final and not info.ends_processing and s != State.SUBMITTED_ONLINE
)


def attach_scan(
    dossier: Dossier,
    *,
    position: int,
    stored_document,
    actor: User,
    at: datetime | None = None,
) -> DossierDocument:
    """Put the scan of a paper handed in at the counter behind that component, which is then
    digitised (ADR 0028). ``stored_document`` is the checked file (``docstore.services``) of the
    dossier's applicant; only a paper without a file yet takes one, only while the dossier is at
    reception or in processing, and only for someone who may act on the dossier. One audit event
    names the paper."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        component = locked.documents.filter(position=position).first()
        check_scan_allowed(locked, component, actor)
        _check_stored(locked, DocumentIn(component.name, stored_document=stored_document))
        component.stored_document = stored_document
        component.digitized = True
        component.save(update_fields=["stored_document", "digitized"])
        _record(
            locked,
            "attach_scan",
            actor,
            locked.state,
            locked.state,
            at=at,
            note=component.name,
            data={"position": position},
        )
    return component


def check_scan_allowed(dossier: Dossier, component: DossierDocument | None, actor) -> None:
    """Raise WorkflowError unless ``actor`` may attach a scan to ``component`` of ``dossier`` now:
    the access rule (``Action.ATTACH``), the dossier at reception or in processing, a paper of
    this dossier with no file yet."""
    if not access.permits(actor, access.Kind.DOSSIER, access.Action.ATTACH, dossier):
        rule = access.RULES[(access.Kind.DOSSIER, access.Action.ATTACH)]
        raise WorkflowError(str(rule.refusal), "scope")
    if dossier.state not in SCAN_STATES:
        raise WorkflowError(
            _("Chỉ đính kèm bản quét khi hồ sơ đang ở bộ phận một cửa hoặc đang xử lý."), "state"
        )
    if component is None or component.dossier_id != dossier.pk:
        raise WorkflowError(_("Hồ sơ không có giấy tờ này."), "missing")
    if component.stored_document_id is not None:
        raise WorkflowError(_("Giấy tờ này đã có tệp đính kèm."), "state")


def close_expired_supplements(at: datetime | None = None) -> int:
    """Close dossiers whose supplement request went unanswered for 15 days (Art. 19(5)).

    Run by the background worker or ``motcua close_expired_supplements``; returns how many closed.
    """
    at = at or timezone.now()
    expired = Dossier.objects.filter(
        state=State.AWAITING_SUPPLEMENT,
        supplements__answered_at__isnull=True,
        supplements__answer_by__lte=at,
    ).distinct()
    closed = 0
    for dossier in expired.iterator():
        perform(dossier, Action.CLOSE_NO_SUPPLEMENT, actor=None, at=at)
        closed += 1
    return closed


# --------------------------------------------------------------------------- clock and steps


def calendar_of(dossier: Dossier) -> WorkCalendar:
    return calendar_for_center(dossier.center)


def _start_clock(d: Dossier, at: datetime) -> None:
    """Start (or restart, after a supplement) the legal processing time."""
    d.received_at = d.received_at or at
    d.clock_started_at = at
    amount = d.processing_amount
    if amount is None:
        # Unknown legal time in the catalogue (flagged for review): one working day is the
        # shortest time any commune procedure has, so the dossier is never shown as overdue late.
        amount, unit = Decimal(1), "working_day"
    else:
        unit = d.processing_unit
    d.legal_due_at = due_at(at, amount, unit, calendar_of(d))


def _budget_for(d: Dossier, role: str) -> Decimal:
    return sum(
        (Decimal(s["budget_hours"]) for s in d.process if s["role"] == role), start=Decimal(0)
    )


def _step_name(d: Dossier, role: str) -> str:
    names = [s["name_vi"] for s in d.process if s["role"] == role]
    return names[0] if names else role


def _start_step(d: Dossier, role: str, at: datetime, handler, *, restart: bool = False) -> None:
    """Open the hand-over row for ``role``. A role visited again since the clock started (sent
    back by the leader) gets only what is left of its budget; after a supplement the whole
    process restarts, so it gets the full budget."""
    calendar = calendar_of(d)
    budget = _budget_for(d, role)
    if not restart:
        earlier = d.steps.filter(role=role, started_at__gte=d.clock_started_at).exclude(
            finished_at=None
        )
        used = sum(
            (_hours(calendar.working_time_between(s.started_at, s.finished_at)) for s in earlier),
            start=Decimal(0),
        )
        budget = max(Decimal(0), budget - used)
    position = (d.steps.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    DossierStep.objects.create(
        dossier=d,
        position=position,
        role=role,
        name=_step_name(d, role),
        budget_hours=budget.quantize(Decimal("0.01")),
        started_at=at,
        due_at=calendar.add_working_time(at, hours(budget)),
        handled_by=handler or (d.assigned_to if role == "specialist" else None),
    )


def _hours(duration: timedelta) -> Decimal:
    return Decimal(duration.total_seconds()) / 3600


def _finish_step(d: Dossier, at: datetime, actor, note: str = "") -> None:
    step = d.steps.filter(finished_at__isnull=True).first()
    if step is None:
        return
    step.finished_at = at
    step.handled_by = step.handled_by or actor
    # The return step is "not counted" (domain.md §5.3).
    step.timeliness = "" if step.role == "return" else classify(at, step.due_at)
    if note:
        step.note = note[:300]
    step.save(update_fields=["finished_at", "handled_by", "timeliness", "note"])


# --------------------------------------------------------------------------- helpers


def _record(d, action, actor, from_state, to_state, *, at, note="", data=None) -> DossierEvent:
    """Write the audit event and tell listeners (notifications, portal sync) in the same
    transaction, so the change and what follows from it commit together."""
    event = DossierEvent.objects.create(
        dossier=d,
        at=at,
        actor=actor,
        actor_role=_actor_role(actor),
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note or "",
        data=data or {},
    )
    announce(event)
    return event


def _actor_role(actor: User | None) -> str:
    if actor is None:
        return SYSTEM
    return actor.role or ("superuser" if actor.is_superuser else "")


def _require_intake(user: User) -> None:
    """Dossiers are received for the officer's own commune, by those the access rule lets
    receive there (``access.Kind.COMMUNE``, ``access.Action.RECEIVE``)."""
    commune = user.commune if user.commune_id else None
    if not access.permits(user, access.Kind.COMMUNE, access.Action.RECEIVE, commune):
        raise WorkflowError(_("Chỉ cán bộ bộ phận một cửa của xã được tiếp nhận hồ sơ."), "role")


def _specialist_of(d: Dossier, assignee) -> User:
    if assignee is None or assignee == "":
        raise ValidationError({"assignee": [_("Chọn chuyên viên được phân công.")]})
    person = assignee if isinstance(assignee, User) else None
    if person is None:
        person = User.objects.filter(username=str(assignee)).first()
    if (
        person is None
        or person.role != Role.SPECIALIST
        or person.commune_id != d.competent_commune_id
        or not person.is_active
    ):
        raise ValidationError(
            {"assignee": [_("Người được phân công phải là chuyên viên của đơn vị giải quyết.")]}
        )
    return person


def _required_text(value, label, field: str | None = None) -> str:
    text = (value or "").strip()
    if not text:
        key = field or "reason"
        raise ValidationError({key: [_("Cần nhập %(label)s.") % {"label": label}]})
    return text


def _positive_decimal(value, field: str, label) -> Decimal:
    try:
        amount = Decimal(str(value))
    except Exception:
        amount = Decimal(-1)
    if amount <= 0 or amount > 365:
        raise ValidationError({field: [_("%(label)s phải là số dương.") % {"label": label}]})
    return amount
