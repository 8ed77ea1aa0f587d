"""Every change to a report goes through here (architecture.md: services).

Each function checks everything first (the person's right through the one access rule, the step
through ``workflow.STEPS``, the input), then writes the report, its event and the messages to the
reporter in one transaction; a refusal (``PetitionError``, ``PermissionDenied``, ``PublicNotFound``)
changes nothing. The pages, the Open311 API, the hotline screen and the background worker all call
these same functions.

Time limits (criterion 5.2 of the service index, service_index.md §4.5), in working days on the
commune's calendar, counted from receipt or from a transfer to another commune:

- classify or reject within ``ACCEPT_DAYS``;
- ask the reporter for more, the first time, within ``INFO_DAYS``;
- hand the answer to the leader within the category's ``response_days`` (15 by default); the clock
  stops while the reporter is asked for more;
- publish the answer within ``PUBLISH_DAYS`` of the draft.

A step taken after its limit marks the report ``handled_late`` for good.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.accounts import access
from motcua.accounts.access import Action, Kind
from motcua.accounts.models import Role, User
from motcua.docstore.uploads import CheckedUpload
from motcua.notify.models import Channel as NotifyChannel
from motcua.notify.services import enqueue
from motcua.petitions import queries
from motcua.petitions.errors import PetitionError
from motcua.petitions.models import (
    OPEN_STATUSES,
    Category,
    Channel,
    Department,
    DepartmentKind,
    Escalation,
    EscalationAction,
    EscalationRule,
    EventKind,
    Petition,
    PetitionEvent,
    PetitionPhoto,
    Place,
    ReplyBy,
    Satisfaction,
    Status,
)
from motcua.petitions.workflow import STEPS
from motcua.phones import normalize_phone
from motcua.text import clean_text
from motcua.units.models import Commune, CommuneKind
from motcua.workdays.deadlines import HOURS_PER_WORKING_DAY, hours

ACCEPT_DAYS = 2
INFO_DAYS = 5
PUBLISH_DAYS = 2
MAX_PHOTOS = 5
DESCRIPTION_MAX = Petition._meta.get_field("description").max_length
ANSWER_MAX = Petition._meta.get_field("answer").max_length
TITLE_MAX = Petition._meta.get_field("title").max_length
ADDRESS_MAX = Petition._meta.get_field("address").max_length
NAME_MAX = Petition._meta.get_field("reporter_name").max_length
REASON_MAX = 500
PHOTO_TYPES = ("image/jpeg", "image/png")
# Channels with nobody signed in: the reporter must leave a phone number to be answered on.
ANONYMOUS_CHANNELS = (Channel.PORTAL, Channel.KIOSK, Channel.QR, Channel.HOTLINE)
SMS_MAX_CHARS = 320


# --------------------------------------------------------------------------- departments


def default_department_names(commune: Commune) -> dict[str, str]:
    """The offices a commune has after the 2025 reform (Decree 150/2025 Art. 5): a xã has a
    Phòng Kinh tế, a phường a Phòng Kinh tế, Hạ tầng và Đô thị."""
    economy = (
        DepartmentKind.ECONOMY_INFRASTRUCTURE
        if commune.kind == CommuneKind.PHUONG
        else DepartmentKind.ECONOMY
    )
    return {
        DepartmentKind.OFFICE: str(DepartmentKind.OFFICE.label),
        economy: str(economy.label),
        DepartmentKind.CULTURE_SOCIAL: str(DepartmentKind.CULTURE_SOCIAL.label),
        DepartmentKind.SERVICE_CENTER: str(DepartmentKind.SERVICE_CENTER.label),
    }


def ensure_departments(commune: Commune) -> list[Department]:
    """The commune's departments, creating the reform's default set the first time a commune
    needs one (3,321 communes: rows only where reports arrive)."""
    existing = list(Department.objects.filter(commune=commune))
    if existing:
        return existing
    with translation.override(settings.LANGUAGE_CODE):
        names = default_department_names(commune)
    for kind, name in names.items():
        Department.objects.get_or_create(commune=commune, name=name, defaults={"kind": kind})
    return list(Department.objects.filter(commune=commune))


def save_department(
    actor, commune: Commune, *, name: str, kind: str, is_active: bool = True, department=None
) -> Department:
    """Add a department to a commune or change one (the commune admin's page)."""
    access.require(actor, Kind.COMMUNE, Action.CONFIGURE, commune)
    name = clean_text(name or "").strip()[:200]
    if not name:
        raise PetitionError(_("Hãy nhập tên phòng, ban."), code="name_missing", field="name")
    if kind not in DepartmentKind.values:
        raise PetitionError(_("Hãy chọn loại phòng, ban."), code="kind_unknown", field="kind")
    if department is not None and department.commune_id != commune.pk:
        raise PetitionError(_("Phòng, ban này không thuộc xã, phường của bạn."), code="scope")
    clash = Department.objects.filter(commune=commune, name=name)
    if department is not None:
        clash = clash.exclude(pk=department.pk)
    if clash.exists():
        raise PetitionError(
            _("Xã, phường đã có phòng, ban tên '%(name)s'.") % {"name": name},
            code="name_taken",
            field="name",
        )
    department = department or Department(commune=commune)
    department.name, department.kind, department.is_active = name, kind, is_active
    department.save()
    return department


def route(commune: Commune, category: Category) -> Department | None:
    """The department a report of ``category`` goes to in ``commune``: the active one of the
    category's kind; a xã's Phòng Kinh tế stands for a phường's Phòng Kinh tế, Hạ tầng và Đô thị
    and the other way round; else the Văn phòng, which passes it on."""
    departments = [d for d in ensure_departments(commune) if d.is_active]
    wanted = [category.department_kind, *_STANDS_FOR.get(category.department_kind, ())]
    for kind in [*wanted, DepartmentKind.OFFICE]:
        for department in departments:
            if department.kind == kind:
                return department
    return departments[0] if departments else None


_STANDS_FOR = {
    DepartmentKind.ECONOMY: (DepartmentKind.ECONOMY_INFRASTRUCTURE,),
    DepartmentKind.ECONOMY_INFRASTRUCTURE: (DepartmentKind.ECONOMY,),
}


# --------------------------------------------------------------------------- receiving


@dataclass
class Report:
    """What a person sends, from any channel, before it is checked."""

    commune: Commune | None
    category: Category | None
    description: str
    channel: str
    title: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    reply_by: str = "sms"
    resident: object = None
    address: str = ""
    latitude: object = None
    longitude: object = None
    place: Place | None = None
    dossier: object = None
    ticket: object = None
    photos: Sequence[CheckedUpload] = ()
    media_url: str = ""
    attributes: dict | None = None
    entered_by: User | None = None
    api_key: object = None


def submit(report: Report, *, at: datetime | None = None) -> Petition:
    """Receive a report: check it, route it, start its clocks, tell the reporter its reference.

    Raises ``PetitionError`` naming the first field that is wrong (nothing is stored). A hotline
    operator's report (``entered_by``) needs their right to take calls for the commune.
    """
    at = at or timezone.now()
    fields = _checked(report)
    if report.entered_by is not None:
        access.require(report.entered_by, Kind.COMMUNE, Action.TAKE_CALL, report.commune)
    with transaction.atomic():
        petition = Petition(**fields, received_at=at)
        petition.department = route(petition.commune, petition.category)
        _start_clocks(petition, at)
        petition.save()
        _store_photos(petition, report.photos)
        _event(petition, EventKind.RECEIVED, at, report.entered_by, note=_channel_note(petition))
        if petition.department is not None:
            _event(
                petition,
                EventKind.ROUTED,
                at,
                None,
                data={"department": petition.department.name},
            )
        _tell_reporter(petition, "received", at)
    return petition


def _channel_note(petition: Petition) -> str:
    return str(petition.get_channel_display())


def _checked(report: Report) -> dict:
    commune, category = report.commune, report.category
    if commune is None:
        raise PetitionError(_("Hãy chọn xã, phường nơi có sự việc."), "commune", "commune")
    if (
        category is None
        or not queries.categories_for(commune.province).filter(pk=category.pk).exists()
    ):
        raise PetitionError(_("Hãy chọn lĩnh vực phản ánh."), "category", "category")
    if report.channel not in Channel.values:
        raise ValueError(f"unknown petition channel {report.channel!r}")
    description = checked_text(report.description, DESCRIPTION_MAX, "description")
    if not description:
        raise PetitionError(
            _("Hãy viết nội dung phản ánh: sự việc gì, ở đâu, từ khi nào."),
            "description_missing",
            "description",
        )
    phone = _phone(report.reporter_phone)
    email = _email(report.reporter_email)
    if report.resident is None and report.channel in ANONYMOUS_CHANNELS and not phone:
        raise PetitionError(
            _("Hãy để lại số điện thoại để xã, phường báo kết quả trả lời cho bạn."),
            "phone_missing",
            "reporter_phone",
        )
    latitude, longitude = _location(report.latitude, report.longitude)
    place = report.place
    if place is not None and place.commune_id != commune.pk:
        raise PetitionError(_("Địa điểm không thuộc xã, phường này."), "place", "place")
    _check_links(commune, category, report.dossier, report.ticket)
    photos = list(report.photos)
    _check_photos(photos)
    title = checked_text(report.title, TITLE_MAX, "title") or _title_from(description)
    return {
        "commune": commune,
        "category": category,
        "subject": category.subject,
        "channel": report.channel,
        "title": title,
        "description": description,
        "address": checked_text(report.address, ADDRESS_MAX, "address")
        or (place.address if place else ""),
        "latitude": latitude if latitude is not None else (place.latitude if place else None),
        "longitude": longitude if longitude is not None else (place.longitude if place else None),
        "place": place,
        "dossier": report.dossier,
        "ticket": report.ticket,
        "attributes": report.attributes or {},
        "media_url": (report.media_url or "")[:500],
        "resident": report.resident,
        "reporter_name": checked_text(report.reporter_name, NAME_MAX, "reporter_name"),
        "reporter_phone": phone,
        "reporter_email": email,
        "reply_by": report.reply_by if report.reply_by in ReplyBy.values else ReplyBy.SMS,
        "entered_by": report.entered_by,
        "api_key": report.api_key,
    }


def checked_text(value, limit: int, field: str = "") -> str:
    """Free text as stored (``clean_text``, trimmed), or a refusal naming ``field`` when it is
    longer than ``limit``."""
    text = clean_text(value if isinstance(value, str) else "").strip()
    if len(text) > limit:
        raise PetitionError(
            _("Nội dung quá dài: tối đa %(limit)s ký tự, bạn đã nhập %(length)s.")
            % {"limit": limit, "length": len(text)},
            "too_long",
            field,
        )
    return text


def _title_from(description: str) -> str:
    first_line = description.splitlines()[0] if description else ""
    return first_line if len(first_line) <= 80 else first_line[:79].rstrip() + "…"


def _phone(raw) -> str:
    raw = (raw or "").strip() if isinstance(raw, str) else ""
    if not raw:
        return ""
    try:
        return normalize_phone(raw)
    except ValidationError as exc:
        raise PetitionError(exc.messages[0], "phone_invalid", "reporter_phone") from None


def _email(raw) -> str:
    raw = (raw or "").strip() if isinstance(raw, str) else ""
    if not raw:
        return ""
    try:
        validate_email(raw)
    except ValidationError:
        raise PetitionError(
            _("Địa chỉ thư điện tử '%(value)s' không hợp lệ.") % {"value": raw[:80]},
            "email_invalid",
            "reporter_email",
        ) from None
    return raw[:254]


def parse_coordinate(raw, low: int, high: int, field: str) -> Decimal | None:
    """A latitude or longitude in degrees, rounded to 6 decimals (about 10 cm), or None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or not low <= value <= high:
        raise PetitionError(
            _("Tọa độ '%(value)s' không hợp lệ: cần một số từ %(low)s đến %(high)s.")
            % {"value": str(raw)[:40], "low": low, "high": high},
            "location_invalid",
            field,
        )
    return value.quantize(Decimal("0.000001"))


def _location(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    lat = parse_coordinate(latitude, -90, 90, "latitude")
    long = parse_coordinate(longitude, -180, 180, "longitude")
    if (lat is None) != (long is None):
        raise PetitionError(
            _("Cần cả vĩ độ và kinh độ, hoặc để trống cả hai."), "location_half", "latitude"
        )
    return lat, long


def _check_links(commune: Commune, category: Category, dossier, ticket) -> None:
    if dossier is not None and commune.pk not in (
        dossier.competent_commune_id,
        dossier.receiving_commune_id,
    ):
        raise PetitionError(
            _("Hồ sơ %(code)s không do xã, phường này tiếp nhận hay giải quyết.")
            % {"code": dossier.code},
            "dossier_scope",
            "dossier",
        )
    if ticket is not None and ticket.center.commune_id != commune.pk:
        raise PetitionError(
            _("Lượt đến quầy này không thuộc xã, phường này."), "ticket_scope", "ticket"
        )


def _check_photos(photos: list[CheckedUpload]) -> None:
    if len(photos) > MAX_PHOTOS:
        raise PetitionError(
            _("Gửi tối đa %(n)s ảnh cho một phản ánh.") % {"n": MAX_PHOTOS}, "photos", "photos"
        )
    for photo in photos:
        if photo.content_type not in PHOTO_TYPES:
            raise PetitionError(
                _("Tệp '%(name)s' không phải ảnh JPEG hoặc PNG. Hãy chụp lại và gửi ảnh.")
                % {"name": photo.original_name[:80]},
                "photo_type",
                "photos",
            )


def _store_photos(petition: Petition, photos: Iterable[CheckedUpload], with_answer=False) -> None:
    for checked in photos:
        photo = PetitionPhoto(
            petition=petition,
            content_type=checked.content_type,
            extension=checked.extension,
            size=checked.size,
            sha256=checked.sha256,
            with_answer=with_answer,
        )
        photo.file.save(f"anh.{checked.extension}", checked.as_file(), save=False)
        photo.save()


def _start_clocks(petition: Petition, at: datetime) -> None:
    calendar = queries.calendar_of(petition.commune)
    petition.accept_due_at = _add_days(calendar, at, ACCEPT_DAYS)
    petition.info_due_at = _add_days(calendar, at, INFO_DAYS)
    petition.due_at = _add_days(calendar, at, petition.category.response_days)


def _add_days(calendar, at: datetime, days: int) -> datetime:
    return calendar.add_working_time(calendar.to_local(at), hours(days * HOURS_PER_WORKING_DAY))


# --------------------------------------------------------------------------- handling


def _take_step(petition: Petition, step: str, actor) -> Petition:
    """The report, re-read under a row lock, after checking that ``actor`` may take ``step``
    from its current status (callers are inside ``transaction.atomic``)."""
    locked = Petition.objects.select_for_update().get(pk=petition.pk)
    access.require(actor, Kind.PETITION, STEPS[step].action, locked)
    if locked.status not in STEPS[step].sources:
        raise PetitionError(
            _("Không thể %(step)s: phản ánh đang ở trạng thái '%(status)s'.")
            % {"step": str(STEPS[step].label).lower(), "status": locked.get_status_display()},
            "wrong_status",
        )
    return locked


def _late_if_past(petition: Petition, limit: datetime | None, at: datetime) -> None:
    if limit is not None and at > limit:
        petition.handled_late = True


def _reason(text, field: str = "reason") -> str:
    reason = checked_text(text, REASON_MAX, field)
    if not reason:
        raise PetitionError(_("Hãy ghi rõ lý do."), "reason_missing", field)
    return reason


def accept(petition: Petition, actor, *, at: datetime | None = None) -> Petition:
    """An officer takes the report in hand (it is theirs to answer)."""
    at = at or timezone.now()
    with transaction.atomic():
        petition = _take_step(petition, "accept", actor)
        _late_if_past(petition, petition.accept_due_at, at)
        petition.status, petition.assigned_to = Status.IN_PROGRESS, actor
        petition.save()
        _event(petition, EventKind.ACCEPTED, at, actor)
    return petition


def request_info(petition: Petition, actor, question: str, *, at=None) -> Petition:
    """Ask the reporter for more; their answering time does not count against the commune."""
    at = at or timezone.now()
    question = _reason(question, "question")
    with transaction.atomic():
        petition = _take_step(petition, "request_info", actor)
        if petition.first_info_request_at is None:
            petition.first_info_request_at = at
            _late_if_past(petition, petition.info_due_at, at)
        petition.status, petition.info_requested_at = Status.NEEDS_INFO, at
        petition.assigned_to = petition.assigned_to or actor
        petition.save()
        event = _event(petition, EventKind.INFO_REQUESTED, at, actor, note=question)
        _tell_reporter(petition, f"info:{event.pk}", at, question=question)
    return petition


def provide_info(secret: str, text: str, photos: Sequence[CheckedUpload] = (), *, at=None):
    """The reporter answers a request for more, through their private link; the answer clock
    runs again, moved on by the working time it stood still."""
    at = at or timezone.now()
    text = checked_text(text, DESCRIPTION_MAX, "text")
    if not text:
        raise PetitionError(_("Hãy viết thông tin bổ sung."), "text_missing", "text")
    photos = list(photos)
    _check_photos(photos)
    with transaction.atomic():
        petition = queries.by_secret(secret, lock=True)
        if petition.status != Status.NEEDS_INFO:
            raise PetitionError(
                _("Phản ánh này không chờ bổ sung thông tin."), "wrong_status", "text"
            )
        calendar = queries.calendar_of(petition.commune)
        paused = calendar.working_time_between(petition.info_requested_at, at)
        petition.due_at = calendar.add_working_time(calendar.to_local(petition.due_at), paused)
        petition.status, petition.info_requested_at = Status.IN_PROGRESS, None
        petition.save()
        _store_photos(petition, photos)
        _event(petition, EventKind.INFO_PROVIDED, at, None, note=text)
    return petition


def draft_answer(
    petition: Petition, actor, answer: str, photos: Sequence[CheckedUpload] = (), *, at=None
) -> Petition:
    """Hand the answer to the leader for approval (the report counts as handled now), with
    photos of what was done if any; they are published with the answer."""
    at = at or timezone.now()
    answer = _answer_text(answer)
    photos = list(photos)
    _check_photos(photos)
    with transaction.atomic():
        petition = _take_step(petition, "draft_answer", actor)
        _late_if_past(petition, petition.due_at, at)
        calendar = queries.calendar_of(petition.commune)
        petition.answer, petition.answered_by, petition.answered_at = answer, actor, at
        petition.publish_due_at = _add_days(calendar, at, PUBLISH_DAYS)
        petition.status = Status.AWAITING_APPROVAL
        petition.assigned_to = petition.assigned_to or actor
        petition.save()
        _store_photos(petition, photos, with_answer=True)
        _event(petition, EventKind.ANSWER_DRAFTED, at, actor, note=answer)
    return petition


def _answer_text(answer) -> str:
    answer = checked_text(answer, ANSWER_MAX, "answer")
    if not answer:
        raise PetitionError(_("Hãy viết nội dung trả lời."), "answer_missing", "answer")
    return answer


def return_answer(petition: Petition, actor, reason: str, *, at=None) -> Petition:
    """The leader sends the draft back with what to change."""
    at = at or timezone.now()
    reason = _reason(reason)
    with transaction.atomic():
        petition = _take_step(petition, "return_answer", actor)
        petition.status, petition.publish_due_at = Status.IN_PROGRESS, None
        petition.save()
        _event(petition, EventKind.ANSWER_RETURNED, at, actor, note=reason)
    return petition


def publish(petition: Petition, actor, answer: str | None = None, *, at=None) -> Petition:
    """The leader approves the answer (possibly edited) and publishes it; the reporter, and the
    reporters of every report merged into this one, are told and asked to rate it."""
    at = at or timezone.now()
    with transaction.atomic():
        petition = _take_step(petition, "publish", actor)
        if answer is not None:
            petition.answer = _answer_text(answer)
        _late_if_past(petition, petition.publish_due_at, at)
        _publish_one(petition, actor, at)
        for merged in Petition.objects.select_for_update().filter(merged_into=petition):
            merged.answer = petition.answer
            _publish_one(merged, actor, at, status=Status.MERGED)
    return petition


def _publish_one(petition: Petition, actor, at, status=Status.PUBLISHED) -> None:
    petition.status, petition.approved_by = status, actor
    petition.published_at = petition.closed_at = at
    petition.save()
    _event(petition, EventKind.PUBLISHED, at, actor, note=petition.answer)
    _tell_reporter(petition, "published", at)


def reject(petition: Petition, actor, reason: str, *, at=None) -> Petition:
    """Refuse a report that is not one (spam, abuse) or not the commune's to answer, saying why
    (the reporter is told)."""
    at = at or timezone.now()
    reason = _reason(reason)
    with transaction.atomic():
        petition = _take_step(petition, "reject", actor)
        _late_if_past(petition, petition.accept_due_at, at)
        petition.status, petition.rejection_reason, petition.closed_at = (
            Status.REJECTED,
            reason,
            at,
        )
        petition.save()
        _event(petition, EventKind.REJECTED, at, actor, note=reason)
        _tell_reporter(petition, "rejected", at)
    return petition


def reassign(
    petition: Petition,
    actor,
    reason: str,
    *,
    department: Department | None = None,
    commune: Commune | None = None,
    at=None,
) -> Petition:
    """Pass the report to another department of the commune, or to another commune of the same
    province (its clocks start again there: the limits run "from receipt or transfer")."""
    at = at or timezone.now()
    reason = _reason(reason)
    with transaction.atomic():
        petition = _take_step(petition, "reassign", actor)
        before = {"commune": petition.commune.code, "department": str(petition.department or "")}
        if commune is not None and commune.pk != petition.commune_id:
            _move_to_commune(petition, commune, at)
        elif department is not None:
            if department.commune_id != petition.commune_id or not department.is_active:
                raise PetitionError(
                    _("Hãy chọn một phòng, ban đang hoạt động của xã, phường."),
                    "department",
                    "department",
                )
            petition.department = department
        else:
            raise PetitionError(
                _("Hãy chọn phòng, ban hoặc xã, phường nhận phản ánh."), "target", "department"
            )
        petition.save()
        after = {"commune": petition.commune.code, "department": str(petition.department or "")}
        _event(
            petition,
            EventKind.REASSIGNED,
            at,
            actor,
            note=reason,
            data={"before": before, "after": after},
        )
    return petition


def _move_to_commune(petition: Petition, commune: Commune, at: datetime) -> None:
    if commune.province_id != petition.commune.province_id:
        raise PetitionError(
            _("Chỉ chuyển được sang xã, phường trong cùng tỉnh, thành phố."), "commune", "commune"
        )
    if petition.dossier_id or petition.ticket_id or petition.place_id:
        raise PetitionError(
            _("Phản ánh gắn với hồ sơ, lượt đến quầy hoặc địa điểm của xã này; không chuyển được."),
            "commune_linked",
            "commune",
        )
    petition.commune = commune
    petition.department = route(commune, petition.category)
    petition.assigned_to, petition.status = None, Status.RECEIVED
    petition.first_info_request_at = petition.info_requested_at = None
    _start_clocks(petition, at)


def merge(petition: Petition, actor, into: Petition, reason: str, *, at=None) -> Petition:
    """Merge a duplicate into another open report of the same commune; its reporter hears the
    other report's answer when it is published."""
    at = at or timezone.now()
    reason = _reason(reason)
    with transaction.atomic():
        # Both rows locked in id order: two officers merging A into B and B into A at once wait
        # for each other instead of deadlocking, and the second sees the first's merge.
        list(
            Petition.objects.select_for_update()
            .filter(pk__in=[petition.pk, into.pk])
            .order_by("pk")
        )
        petition = _take_step(petition, "merge", actor)
        target = Petition.objects.filter(pk=into.pk).first()
        if (
            target is None
            or target.pk == petition.pk
            or target.commune_id != petition.commune_id
            or target.status not in OPEN_STATUSES
            or target.merged_into_id is not None
        ):
            raise PetitionError(
                _("Chỉ gộp được vào một phản ánh khác đang xử lý của cùng xã, phường."),
                "merge_target",
                "into",
            )
        petition.status, petition.merged_into = Status.MERGED, target
        petition.save()
        Petition.objects.filter(merged_into=petition).update(merged_into=target)
        _event(petition, EventKind.MERGED, at, actor, note=reason, data={"into": target.pk})
    return petition


def moderate(
    petition: Petition, actor, *, public_text: str, hidden: bool, reason: str, at=None
) -> Petition:
    """Set what the public pages show of the report, or hide it; the reporter's own text is kept
    as written and the previous public text is kept in the event."""
    at = at or timezone.now()
    reason = _reason(reason)
    public_text = checked_text(public_text, DESCRIPTION_MAX, "public_text")
    with transaction.atomic():
        locked = Petition.objects.select_for_update().get(pk=petition.pk)
        access.require(actor, Kind.PETITION, Action.MODERATE, locked)
        before = {"public_text": locked.public_text, "hidden": locked.is_hidden}
        locked.public_text, locked.is_hidden = public_text, bool(hidden)
        locked.save()
        _event(locked, EventKind.MODERATED, at, actor, note=reason, data={"before": before})
    return locked


def rate(secret: str, level: str, *, at=None) -> Petition:
    """The reporter rates the published answer, once, through their private link."""
    at = at or timezone.now()
    if level not in Satisfaction.values:
        raise PetitionError(_("Hãy chọn một mức đánh giá."), "level", "level")
    with transaction.atomic():
        petition = queries.by_secret(secret, lock=True)
        if petition.published_at is None:
            raise PetitionError(
                _("Phản ánh chưa có câu trả lời công khai để đánh giá."), "not_published"
            )
        if petition.satisfaction:
            raise PetitionError(_("Bạn đã đánh giá câu trả lời này rồi."), "already_rated")
        petition.satisfaction, petition.rated_at = level, at
        petition.save()
        _event(petition, EventKind.RATED, at, None, note=petition.get_satisfaction_display())
    return petition


def report_again(secret: str, description: str, *, at=None) -> Petition:
    """The reporter is not satisfied with the result and reports the same matter again: a new
    report linked to the first (it counts against criterion 5.3)."""
    first = queries.by_secret(secret)
    if first.published_at is None:
        raise PetitionError(
            _("Chỉ phản ánh lại được sau khi có câu trả lời."), "not_published", "description"
        )
    report = Report(
        commune=first.commune,
        category=first.category,
        description=description,
        channel=Channel.PORTAL,
        title=_("Phản ánh lại: %(title)s") % {"title": first.title[:150]},
        reporter_name=first.reporter_name,
        reporter_phone=first.reporter_phone,
        reporter_email=first.reporter_email,
        reply_by=first.reply_by,
        resident=first.resident,
        address=first.address,
        latitude=first.latitude,
        longitude=first.longitude,
        place=first.place,
        dossier=first.dossier,
        ticket=first.ticket,
    )
    with transaction.atomic():
        petition = submit(report, at=at)
        petition.repeat_of = first
        petition.save(update_fields=["repeat_of"])
    return petition


# --------------------------------------------------------------------------- escalation


@dataclass
class EscalationReport:
    fired: int = 0
    checked: int = 0


def rules_for(province_id: int) -> list[EscalationRule]:
    """The province's own active rules, or the national ones if it has none."""
    rules = list(EscalationRule.objects.filter(is_active=True, province_id=province_id))
    return rules or list(EscalationRule.objects.filter(is_active=True, province__isnull=True))


LIMIT_OF_STATUS = {
    Status.RECEIVED: "accept_due_at",
    Status.IN_PROGRESS: "due_at",
    Status.AWAITING_APPROVAL: "publish_due_at",
}


def escalate_overdue(*, now: datetime | None = None, limit: int = 500) -> EscalationReport:
    """Apply the escalation rules to every overdue open report (what the background worker runs);
    at most ``limit`` escalations fire in one run, the rest in the next. Each rule fires once per
    report: rules already fired are skipped, and ``Escalation`` is unique, so two workers cannot
    both fire one."""
    now = now or timezone.now()
    report = EscalationReport()
    overdue = Q()
    for status, field in LIMIT_OF_STATUS.items():
        overdue |= Q(status=status, **{f"{field}__lt": now})
    candidates = Petition.objects.filter(overdue)
    already = set(
        Escalation.objects.filter(petition__in=candidates).values_list("petition_id", "rule_id")
    )
    rules_by_province: dict[int, list[EscalationRule]] = {}
    calendars: dict[int, object] = {}  # one calendar query per commune, not per report
    for petition in candidates.select_related("commune").order_by("pk").iterator(chunk_size=500):
        report.checked += 1
        province = petition.commune.province_id
        rules = rules_by_province.setdefault(province, rules_for(province))
        if petition.commune_id not in calendars:
            calendars[petition.commune_id] = queries.calendar_of(petition.commune)
        for rule in rules:
            if (petition.pk, rule.pk) in already or rule.status != petition.status:
                continue
            if _is_due(petition, rule, now, calendars[petition.commune_id]):
                report.fired += _fire(petition, rule, now)
                if report.fired >= limit:
                    return report
    return report


def _is_due(petition: Petition, rule: EscalationRule, now: datetime, calendar) -> bool:
    limit = getattr(petition, LIMIT_OF_STATUS[petition.status])
    if limit is None:
        return False
    threshold = calendar.add_working_time(
        calendar.to_local(limit), timedelta(hours=rule.overdue_hours)
    )
    return now > threshold


def _fire(petition: Petition, rule: EscalationRule, now: datetime) -> int:
    try:
        with transaction.atomic():
            Escalation.objects.create(petition=petition, rule=rule, at=now)
            _event(
                petition,
                EventKind.ESCALATED,
                now,
                None,
                note=str(rule.get_action_display()),
                data={"rule": rule.pk, "action": rule.action},
            )
            _tell_officers(petition, rule, now)
    except IntegrityError:
        return 0  # another worker fired it first
    return 1


def _escalation_recipients(petition: Petition, action: str) -> list[User]:
    officers = User.objects.filter(is_active=True).exclude(email="")
    if action == EscalationAction.NOTIFY_PROVINCE:
        return list(
            officers.filter(role=Role.PROVINCE_MONITOR, province_id=petition.commune.province_id)
        )
    if action == EscalationAction.RAISE_TO_LEADER:
        return list(officers.filter(role=Role.LEADER, commune_id=petition.commune_id))
    if petition.assigned_to_id:
        return list(officers.filter(pk=petition.assigned_to_id))
    return list(
        officers.filter(commune_id=petition.commune_id, role__in=(Role.RECEPTION, Role.SPECIALIST))
    )


def _tell_officers(petition: Petition, rule: EscalationRule, now: datetime) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        url = settings.PUBLIC_BASE_URL + reverse("petitions:staff_detail", args=[petition.pk])
        subject = _("Phản ánh %(ref)s quá hạn: %(action)s") % {
            "ref": petition.reference,
            "action": rule.get_action_display(),
        }
        body = _(
            "Phản ánh %(ref)s (%(title)s) của %(commune)s đang ở trạng thái '%(status)s' và đã "
            "quá hạn. Xem và xử lý tại: %(url)s"
        ) % {
            "ref": petition.reference,
            "title": petition.title,
            "commune": petition.commune.name,
            "status": petition.get_status_display(),
            "url": url,
        }
        for officer in _escalation_recipients(petition, rule.action):
            enqueue(
                NotifyChannel.EMAIL,
                officer.email,
                body,
                subject=subject,
                dedupe_key=f"petition:{petition.pk}:escalation:{rule.pk}:{officer.pk}",
                at=now,
            )


# --------------------------------------------------------------------------- events, messages


def _event(petition, kind, at, actor, *, note: str = "", data: dict | None = None):
    return PetitionEvent.objects.create(
        petition=petition,
        at=at,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        status_after=petition.status,
        note=note,
        data=data or {},
    )


def follow_url(petition: Petition) -> str:
    return settings.PUBLIC_BASE_URL + reverse("petitions:follow", args=[petition.secret])


def _tell_reporter(petition: Petition, what: str, at: datetime, **extra) -> None:
    """SMS (and e-mail when given) to the reporter, in Vietnamese, with their private link."""
    with translation.override(settings.LANGUAGE_CODE):
        body = _reporter_text(petition, what, **extra)
        url = follow_url(petition)
        sms = f"{body} {url}"
        if len(sms) > SMS_MAX_CHARS:
            sms = body[: SMS_MAX_CHARS - len(url) - 2].rstrip() + "… " + url
        key = f"petition:{petition.pk}:{what}"
        if petition.reporter_phone:
            # The dedupe key says "sms" for either phone channel: one message per step to the
            # phone, whichever way it travels.
            channel = NotifyChannel.ZALO if petition.reply_by == ReplyBy.ZALO else NotifyChannel.SMS
            enqueue(channel, petition.reporter_phone, sms, dedupe_key=f"{key}:sms", at=at)
        if petition.reporter_email:
            subject = _("Phản ánh %(ref)s") % {"ref": petition.reference}
            enqueue(
                NotifyChannel.EMAIL,
                petition.reporter_email,
                f"{body}\n\n{url}",
                subject=subject,
                dedupe_key=f"{key}:email",
                at=at,
            )


def _reporter_text(petition: Petition, what: str, **extra) -> str:
    values = {"ref": petition.reference, "commune": petition.commune.name}
    if what == "received":
        return (
            _("%(commune)s đã tiếp nhận phản ánh %(ref)s của bạn. Theo dõi và nhận trả lời tại:")
            % values
        )
    if what == "rejected":
        return _("%(commune)s không tiếp nhận phản ánh %(ref)s: %(reason)s. Chi tiết:") % {
            **values,
            "reason": petition.rejection_reason,
        }
    if what == "published":
        return _("%(commune)s đã trả lời phản ánh %(ref)s: %(answer)s Xem đầy đủ và đánh giá:") % {
            **values,
            "answer": _shortened(petition.answer, 140),
        }
    # a request for more information
    return _("%(commune)s đề nghị bạn bổ sung cho phản ánh %(ref)s: %(question)s. Trả lời tại:") % {
        **values,
        "question": _shortened(extra.get("question", ""), 120),
    }


def _shortened(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
