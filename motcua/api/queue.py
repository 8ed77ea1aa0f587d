"""Queue numbers over JSON: book from home, follow a number, run a counter, read the figures.

Mounted under ``/api/v1/queue``:

    GET  /centers/{id}/slots?field=&day=   bookable slots of a day (public)
    GET  /centers/{id}/board               the waiting-room screen's data (public)
    POST /bookings                         book a number (resident bearer token)
    GET  /bookings                         my open numbers (resident)
    POST /bookings/{id}/cancel             give one of mine up (resident)
    GET  /tickets/{token}                  a number's status and estimated wait (the slip's QR)
    POST /tickets/{token}/cancel           the slip's holder gives the number up
    POST /tickets/{token}/rating           rate a finished visit, once
    POST /tickets                          an officer issues a number at the counter (staff)
    GET  /counters/{id}                    the ticket at a counter and how many wait (staff)
    POST /counters/{id}/call-next          call the next visitor (staff)
    POST /counters/{id}/{action}           recall, start, finish or no_show (staff)
    POST /counters/{id}/transfer           send the visitor to another field or counter (staff)
    GET  /statistics                       waits, service times, no-shows (staff, scoped)

Every refusal of the queue (``QueueError``) answers in the API's ``{code, message}``
shape with the status of its code (``queueing.errors.STATUS``): 409 slot full or action not fitting
the ticket's state, 429 too many booking attempts, 400 a forged ticket link, 422 a centre or field
that does not fit. Phone numbers are masked in everything staff or the public read; the check-in
code goes only to the resident who booked.
"""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import AwareDatetime
from pydantic import Field as SchemaField

from motcua.accounts import access
from motcua.api.errors import error_response
from motcua.api.portal import ResidentBearer
from motcua.api.router import STAFF_AUTH, api
from motcua.api.schemas import BODY_ERRORS, ErrorOut
from motcua.catalog.models import Field
from motcua.errors import PublicNotFound
from motcua.privacy import mask_digits
from motcua.queueing import errors, estimates, links, queries, ratelimit, services, visit_rating
from motcua.queueing.errors import QueueError
from motcua.queueing.models import PriorityGroup, Source, Ticket
from motcua.queueing.slots import closed_day_message, local_today, opening_periods, slots_for
from motcua.queueing.workflow import AT_COUNTER_STATES, Action, actions_from
from motcua.residents.phones import normalize_phone
from motcua.units.models import Counter, ServiceCenter
from motcua.workdays import VIETNAM_TZ

router = Router()

RESIDENT_AUTH = ResidentBearer()
COUNTER_ACTIONS = (Action.RECALL, Action.START, Action.FINISH, Action.NO_SHOW)
# Statistics read every ticket and period of the range: a year at most per request.
MAX_STATISTICS_DAYS = 366


@api.exception_handler(QueueError)
def queue_error(request, exc: QueueError):
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
    return error_response(exc.status, exc.code, exc.message, headers=headers)


def _errors(*statuses: int) -> dict:
    return {status: ErrorOut for status in statuses}


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(VIETNAM_TZ).isoformat() if value else None


# --------------------------------------------------------------------------- lookups


def _center(center_id: int) -> ServiceCenter:
    center = ServiceCenter.objects.filter(pk=center_id).select_related("commune").first()
    if center is None:
        raise PublicNotFound(_("Không có trung tâm số %(id)s.") % {"id": center_id})
    return center


def _field(field_id: int) -> Field:
    field = Field.objects.filter(pk=field_id).first()
    if field is None:
        raise PublicNotFound(_("Không có lĩnh vực số %(id)s.") % {"id": field_id})
    return field


def _counter(request, counter_id: int, action: access.Action) -> Counter:
    """A counter the caller may do ``action`` to: 404 for one they may not see (another
    commune's answers as if it did not exist), 403 for one they only watch."""
    counters = Counter.objects.select_related("center")
    return access.get_or_404(request.user, access.Kind.COUNTER, action, counters, pk=counter_id)


def _now() -> datetime:
    return timezone.now()


# --------------------------------------------------------------------------- output


class SlotOut(Schema):
    start: str
    end: str
    capacity: int
    free: int


class SlotsOut(Schema):
    center_id: int
    field_id: int
    day: date
    slots: list[SlotOut]


class MyTicketOut(Schema):
    """A number as its owner sees it: with the check-in code the kiosk asks for."""

    id: int
    number: str
    state: str
    state_label: str
    center_id: int
    center: str
    field_id: int
    field: str
    service_day: date
    slot_start: str | None
    slot_end: str | None
    check_in_code: str = SchemaField(description="typed at the kiosk on arrival")
    token: str = SchemaField(description="for GET /queue/tickets/{token}")
    url: str = SchemaField(description="the number's live page (also in the SMS)")


class TicketStatusOut(Schema):
    """A number as whoever holds its slip sees it (no personal data, no check-in code)."""

    number: str
    state: str
    state_label: str
    center_id: int
    center: str
    field_id: int
    field: str
    service_day: date
    slot_start: str | None
    slot_end: str | None
    counter: int | None = SchemaField(description="the counter to go to, once called")
    position: int | None = SchemaField(description="1 = next to be called; null unless waiting")
    ahead: int | None
    low_minutes: int | None = SchemaField(description="estimated wait, lower end")
    high_minutes: int | None = SchemaField(description="estimated wait, upper end")
    priority_group: str | None
    rateable: bool = SchemaField(description="the visit is over and not rated yet")
    rated: bool


class StaffTicketOut(Schema):
    """A number as the officer at the counter sees it (phone masked)."""

    id: int
    number: str
    state: str
    state_label: str
    source: str
    center_id: int
    field_id: int
    field: str
    counter: int | None
    priority_group: str | None
    priority_confirmed: bool
    phone: str = SchemaField(description="masked")
    service_day: date
    queued_at: str | None
    called_at: str | None
    recalls: int
    slot_start: str | None
    slot_end: str | None
    next_actions: list[str]


class IssuedOut(StaffTicketOut):
    token: str = SchemaField(description="for the QR on the printed slip")
    url: str


class CounterOut(Schema):
    id: int
    number: int
    name: str
    center_id: int
    fields: list[str]
    reserved_for_priority: bool
    ticket: StaffTicketOut | None
    waiting: int = SchemaField(description="numbers waiting for the fields this counter serves")


class BoardCounterOut(Schema):
    number: int
    name: str
    ticket: str | None
    state: str | None
    called_at: str | None
    recalls: int


class BoardCallOut(Schema):
    ticket: str
    counter: int | None
    called_at: str
    recalls: int


class BoardOut(Schema):
    center: str
    counters: list[BoardCounterOut]
    recent: list[BoardCallOut]
    next: list[str] = SchemaField(description="the next numbers in calling order")
    waiting: int
    version: str = SchemaField(description="changes whenever anything shown changes")


class FiguresOut(Schema):
    key: int | str
    label: str
    tickets: int
    served: int
    no_shows: int
    not_used: int = SchemaField(description="cancelled, lapsed or expired")
    priority_share: float | None
    no_show_share: float | None
    median_wait_minutes: float | None
    mean_wait_minutes: float | None
    median_service_minutes: float | None
    mean_service_minutes: float | None


class StatisticsOut(Schema):
    start: date
    end: date
    by: str
    centers: list[int]
    rows: list[FiguresOut]
    total: FiguresOut


class VisitRatingOut(Schema):
    number: str
    submitted_at: str
    answers: dict[str, str]
    comment: str


def _my_ticket_out(ticket: Ticket) -> MyTicketOut:
    return MyTicketOut(
        id=ticket.pk,
        number=ticket.display_number,
        state=ticket.state,
        state_label=str(ticket.get_state_display()),
        center_id=ticket.center_id,
        center=ticket.center.name,
        field_id=ticket.field_id,
        field=ticket.field.name_vi,
        service_day=ticket.service_day,
        slot_start=_iso(ticket.slot_start),
        slot_end=_iso(ticket.slot_end),
        check_in_code=ticket.check_in_code,
        token=links.ticket_token(ticket),
        url=links.ticket_url(ticket),
    )


def _status_out(ticket: Ticket, at: datetime) -> TicketStatusOut:
    estimate = estimates.estimate_for(ticket, at)
    rated = hasattr(ticket, "rating")
    at_counter = ticket.state in AT_COUNTER_STATES and ticket.counter_id is not None
    return TicketStatusOut(
        number=ticket.display_number,
        state=ticket.state,
        state_label=str(ticket.get_state_display()),
        center_id=ticket.center_id,
        center=ticket.center.name,
        field_id=ticket.field_id,
        field=ticket.field.name_vi,
        service_day=ticket.service_day,
        slot_start=_iso(ticket.slot_start),
        slot_end=_iso(ticket.slot_end),
        counter=ticket.counter.number if at_counter else None,
        position=estimate.position if estimate else None,
        ahead=estimate.ahead if estimate else None,
        low_minutes=estimate.low_minutes if estimate else None,
        high_minutes=estimate.high_minutes if estimate else None,
        priority_group=ticket.priority_group.name if ticket.priority_group_id else None,
        rateable=visit_rating.rateable(ticket) and not rated,
        rated=rated,
    )


def _staff_fields(ticket: Ticket) -> dict:
    return {
        "id": ticket.pk,
        "number": ticket.display_number,
        "state": ticket.state,
        "state_label": str(ticket.get_state_display()),
        "source": ticket.source,
        "center_id": ticket.center_id,
        "field_id": ticket.field_id,
        "field": ticket.field.name_vi,
        "counter": (
            ticket.counter.number
            if ticket.state in AT_COUNTER_STATES and ticket.counter_id
            else None
        ),
        "priority_group": ticket.priority_group.name if ticket.priority_group_id else None,
        "priority_confirmed": ticket.priority_confirmed_by_id is not None,
        "phone": mask_digits(ticket.phone) if ticket.phone else "",
        "service_day": ticket.service_day,
        "queued_at": _iso(ticket.queued_at),
        "called_at": _iso(ticket.called_at),
        "recalls": ticket.recalls,
        "slot_start": _iso(ticket.slot_start),
        "slot_end": _iso(ticket.slot_end),
        "next_actions": [str(a) for a in actions_from(ticket.state)],
    }


def _staff_out(ticket: Ticket) -> StaffTicketOut:
    return StaffTicketOut(**_staff_fields(ticket))


# --------------------------------------------------------------------------- public: slots, board


@router.get(
    "/centers/{center_id}/slots",
    auth=None,
    response={200: SlotsOut, **_errors(404, 409, 422)},
    summary="Bookable slots of a day at a centre",
)
def center_slots(request, center_id: int, field: int, day: date):
    """The slots of ``day`` (local date) for ``field`` that have not ended yet, with how many
    bookings each still takes. 409 ``closed_day`` (the message says why: weekend or the holiday's
    name) or ``booking_disabled``; 422 when no counter serves the field or the day is further
    ahead than the centre takes bookings."""
    center = _center(center_id)
    the_field = _field(field)
    settings = services.settings_for(center)
    if not settings.booking_enabled or not center.is_active:
        raise QueueError(
            _("Trung tâm này chưa nhận đặt số qua mạng. Xin lấy số tại trung tâm."),
            errors.BOOKING_DISABLED,
        )
    if not opening_periods(center, day):
        raise QueueError(closed_day_message(center, day), errors.CLOSED_DAY)
    now = _now()
    if (day - local_today(center, now)).days > settings.booking_days_ahead:
        raise QueueError(
            _("Chỉ đặt được trước tối đa %(days)s ngày.") % {"days": settings.booking_days_ahead},
            errors.SLOT_INVALID,
        )
    slots = slots_for(center, the_field.pk, day, settings, at=now)
    if slots and slots[0].capacity == 0:
        raise QueueError(
            _("Trung tâm không có quầy nào đang phục vụ lĩnh vực “%(field)s”.")
            % {"field": the_field.name_vi},
            errors.FIELD_NOT_SERVED,
        )
    return SlotsOut(
        center_id=center.pk,
        field_id=the_field.pk,
        day=day,
        slots=[
            SlotOut(start=_iso(s.start), end=_iso(s.end), capacity=s.capacity, free=s.free)
            for s in slots
        ],
    )


@router.get(
    "/centers/{center_id}/board",
    auth=None,
    response={200: BoardOut, **_errors(404, 422)},
    summary="The waiting-room screen's data",
)
def center_board(request, center_id: int):
    """Who is called to which counter, the latest calls and how many wait. Poll it and redraw
    only when ``version`` changes."""
    return queries.board(_center(center_id), _now())


# --------------------------------------------------------------------------- residents: bookings


class BookingIn(Schema):
    center_id: int
    field_id: int
    slot_start: AwareDatetime = SchemaField(
        description="a slot's start as GET /centers/{id}/slots gives it, with its UTC offset"
    )


@router.post(
    "/bookings",
    auth=RESIDENT_AUTH,
    response={201: MyTicketOut, **_errors(401, 404, 409, 429, *BODY_ERRORS)},
    summary="Book a number for a slot",
)
def book(request, payload: BookingIn):
    """One open booking per centre and day, three in all (409 ``too_many_bookings``); 409
    ``slot_full`` when the slot was just taken. Every attempt counts towards the hourly limits
    per phone number and per network address, successful or not (429 ``rate_limited``)."""
    now = _now()
    resident = request.resident
    ratelimit.count_booking_attempt(
        phone=resident.phone or "", address=ratelimit.client_address(request), at=now
    )
    center = _center(payload.center_id)
    field = _field(payload.field_id)
    ticket = services.book(resident, center, field, payload.slot_start, at=now)
    return Status(201, _my_ticket_out(ticket))


@router.get(
    "/bookings",
    auth=RESIDENT_AUTH,
    response={200: list[MyTicketOut], **_errors(401, 422)},
    summary="My open numbers",
)
def my_bookings(request):
    """Booked, waiting or at a counter, soonest first."""
    return [_my_ticket_out(t) for t in queries.open_tickets_of(request.resident)]


@router.post(
    "/bookings/{ticket_id}/cancel",
    auth=RESIDENT_AUTH,
    response={200: MyTicketOut, **_errors(401, 404, 409, 422)},
    summary="Cancel one of my numbers",
)
def cancel_booking(request, ticket_id: int):
    """404 for a number that is not the resident's; 409 once it has been called."""
    ticket = Ticket.objects.filter(pk=ticket_id, resident=request.resident).first()
    if ticket is None:
        raise PublicNotFound(_("Không tìm thấy số thứ tự này trong tài khoản của ông/bà."))
    ticket = services.cancel(ticket, at=_now())
    return _my_ticket_out(ticket)


# --------------------------------------------------------------------------- the slip's holder


class VisitRatingIn(Schema):
    answers: dict[str, str] = SchemaField(
        max_length=10,
        description='question → level, e.g. {"wait": "satisfied", "courtesy": "very_satisfied"}'
        ' ("place" may be left out)',
    )
    comment: str = SchemaField("", max_length=2000)


@router.get(
    "/tickets/{token}",
    auth=None,
    response={200: TicketStatusOut, **_errors(400, 422)},
    summary="A number's status and estimated wait",
)
def ticket_status(request, token: str):
    """The token is the one in the slip's QR code and the SMS link; 400 ``invalid_token`` when it
    was altered. The wait is a range from this centre's own recent service times."""
    return _status_out(links.open_ticket(token), _now())


@router.post(
    "/tickets/{token}/cancel",
    auth=None,
    response={200: TicketStatusOut, **_errors(400, 409, 422)},
    summary="Give a number up",
)
def ticket_cancel(request, token: str):
    """Booked or waiting numbers only (409 otherwise)."""
    now = _now()
    return _status_out(services.cancel(links.open_ticket(token), at=now), now)


@router.post(
    "/tickets/{token}/rating",
    auth=None,
    response={201: VisitRatingOut, **_errors(409, *BODY_ERRORS)},
    summary="Rate a finished visit",
)
def ticket_rating(request, token: str, payload: VisitRatingIn):
    """Once per visit, after it was served (409 ``not_allowed`` before, ``already_rated`` after);
    422 ``missing_answer`` when ``wait`` or ``courtesy`` is missing or a level is unknown."""
    ticket = links.open_ticket(token)
    rating = visit_rating.submit(ticket, payload.answers, payload.comment, at=_now())
    return Status(
        201,
        VisitRatingOut(
            number=ticket.display_number,
            submitted_at=_iso(rating.submitted_at),
            answers={a.question: a.level for a in rating.answers.all()},
            comment=rating.comment,
        ),
    )


# --------------------------------------------------------------------------- staff: counters


class IssueIn(Schema):
    center_id: int
    field_id: int
    priority_group_id: int | None = SchemaField(
        None, description="checked by the officer: the priority is confirmed at once"
    )
    phone: str = SchemaField("", max_length=20, description="for the 'almost your turn' SMS")


@router.post(
    "/tickets",
    auth=STAFF_AUTH,
    response={201: IssuedOut, **_errors(401, 403, 404, 409, *BODY_ERRORS)},
    summary="Issue a number at the counter",
)
def issue(request, payload: IssueIn):
    """A walk-in number waiting from now; the officer's account confirms the priority group.
    404 for a centre outside the officer's commune, 403 for one they only watch (monitors)."""
    centers = ServiceCenter.objects.select_related("commune")
    center = access.get_or_404(
        request.user,
        access.Kind.QUEUE_CENTER,
        access.Action.OPERATE,
        centers,
        pk=payload.center_id,
    )
    field = _field(payload.field_id)
    group = None
    if payload.priority_group_id is not None:
        group = PriorityGroup.objects.filter(pk=payload.priority_group_id).first()
        if group is None:
            raise PublicNotFound(
                _("Không có nhóm ưu tiên số %(id)s.") % {"id": payload.priority_group_id}
            )
    phone = ""
    if payload.phone.strip():
        try:
            phone = normalize_phone(payload.phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from exc
    ticket = services.issue_ticket(
        center,
        field,
        source=Source.COUNTER,
        priority_group=group,
        phone=phone,
        officer=request.user,
        at=_now(),
    )
    return Status(
        201,
        IssuedOut(
            **_staff_fields(ticket), token=links.ticket_token(ticket), url=links.ticket_url(ticket)
        ),
    )


@router.get(
    "/counters/{counter_id}",
    auth=STAFF_AUTH,
    response={200: CounterOut, **_errors(401, 403, 404, 422)},
    summary="The ticket at a counter and how many wait",
)
def counter_view(request, counter_id: int):
    """Officers of the commune and the province's monitors read it; 404 for any other counter."""
    counter = _counter(request, counter_id, access.Action.VIEW)
    fields = list(counter.fields.all())
    waiting = queries.waiting_by_field(counter.center, local_today(counter.center, _now()))
    ticket = services.current_ticket(counter)
    return CounterOut(
        id=counter.pk,
        number=counter.number,
        name=counter.name,
        center_id=counter.center_id,
        fields=[f.name_vi for f in fields],
        reserved_for_priority=counter.reserved_for_priority,
        ticket=_staff_out(ticket) if ticket else None,
        waiting=sum(waiting.get(f.pk, 0) for f in fields),
    )


@router.post(
    "/counters/{counter_id}/call-next",
    auth=STAFF_AUTH,
    response={200: StaffTicketOut, **_errors(401, 403, 404, 409, 422)},
    summary="Call the next visitor",
)
def call_next(request, counter_id: int):
    """404 ``nothing_waiting`` when nobody waits for the counter's fields; 409 ``counter_busy``
    while a visitor is still at the counter; 404 ``not_found`` for a counter outside the
    officer's commune, 403 for one they only watch."""
    counter = _counter(request, counter_id, access.Action.OPERATE)
    return _staff_out(services.call_next(counter, request.user, at=_now()))


class TransferIn(Schema):
    field_id: int | None = SchemaField(None, description="the field to queue for")
    counter_id: int | None = SchemaField(None, description="a counter that alone may call it")


@router.post(
    "/counters/{counter_id}/transfer",
    auth=STAFF_AUTH,
    response={200: StaffTicketOut, **_errors(401, 403, 404, 409, *BODY_ERRORS)},
    summary="Send the visitor to another field or counter",
)
def transfer(request, counter_id: int, payload: TransferIn):
    """The visitor goes back into the line with their original time, so they do not start
    waiting from the back."""
    counter = _counter(request, counter_id, access.Action.OPERATE)
    to_field = _field(payload.field_id) if payload.field_id is not None else None
    to_counter = None
    if payload.counter_id is not None:
        to_counter = _counter(request, payload.counter_id, access.Action.OPERATE)
    ticket = services.transfer(
        counter, request.user, to_field=to_field, to_counter=to_counter, at=_now()
    )
    return _staff_out(ticket)


@router.post(
    "/counters/{counter_id}/{action}",
    auth=STAFF_AUTH,
    response={200: StaffTicketOut, **_errors(401, 403, 404, 409, 422)},
    summary="Recall, start, finish or mark no-show the visitor at the counter",
)
def counter_action(
    request, counter_id: int, action: Literal["recall", "start", "finish", "no_show"]
):
    """409 ``not_allowed`` when the action does not fit the ticket's state (finish before start)
    or no ticket is at the counter."""
    counter = _counter(request, counter_id, access.Action.OPERATE)
    return _staff_out(services.counter_action(counter, action, request.user, at=_now()))


# --------------------------------------------------------------------------- staff: statistics


class StatisticsIn(Schema):
    start: date
    end: date
    center_id: int | None = SchemaField(None, description="one centre; all in scope if left out")
    by: Literal["day", "field", "counter", "center"] = "day"


@router.get(
    "/statistics",
    auth=STAFF_AUTH,
    response={200: StatisticsOut, **_errors(401, 403, 404, 422)},
    summary="Queue figures per day, field, counter or centre",
)
def statistics(request, params: Query[StatisticsIn]):
    """Tickets, served, no-shows, unused numbers, priority share and measured waits and service
    times (minutes) of the tickets of ``start``…``end`` (inclusive), as defined in
    ``queueing.queries.queue_statistics``. Officers read their commune's centres, province
    monitors their province's (``accounts.access``); 404 for a centre outside that scope, and
    for an account that sees no centre at all (volunteers)."""
    centers = access.scoped(
        request.user, access.Kind.QUEUE_CENTER, access.Action.VIEW, ServiceCenter.objects.all()
    )
    if not centers.exists():
        raise PublicNotFound(_("Tài khoản của bạn không được xem số liệu hàng đợi."))
    if params.end < params.start:
        raise ValidationError({"end": [_("Ngày kết thúc phải từ ngày bắt đầu trở đi.")]})
    if (params.end - params.start).days >= MAX_STATISTICS_DAYS:
        raise ValidationError(
            {"end": [_("Mỗi lần xem tối đa %(n)s ngày.") % {"n": MAX_STATISTICS_DAYS}]}
        )
    if params.center_id is not None:
        centers = centers.filter(pk=params.center_id)
        if not centers.exists():
            raise PublicNotFound(_("Không có trung tâm số %(id)s.") % {"id": params.center_id})
    center_ids = list(centers.order_by("pk").values_list("pk", flat=True))
    rows, total = queries.queue_statistics(center_ids, params.start, params.end, params.by)
    return StatisticsOut(
        start=params.start,
        end=params.end,
        by=params.by,
        centers=center_ids,
        rows=[FiguresOut(**r.as_dict()) for r in rows],
        total=FiguresOut(**total.as_dict()),
    )
