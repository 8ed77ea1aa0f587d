"""Every change to the queue, as plain functions (architecture.md: views and the API call these).

Numbers come from one atomic upsert per centre and day, so concurrent kiosks and bookings never
share or skip a number. A counter calls its next ticket with ``SELECT … FOR UPDATE SKIP LOCKED``:
fifty counters calling at once each get a different ticket and none waits for another. Each state
change closes the ticket's open ``TicketPeriod`` and opens the next, which is what waiting and
service times are measured from.

Who is served first depends on a centre's priority groups and queue settings and on the priority an
officer gives a ticket: each of those changes names its actor and writes an audit row
(``motcua.audit``) in its transaction. The defaults a new centre gets name their source instead.
"""

import logging
import secrets
from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts import access
from motcua.accounts.models import User
from motcua.audit.models import Kind
from motcua.audit.services import Change, fingerprint, record_change, record_changes, snapshot
from motcua.catalog.models import Field
from motcua.privacy import mask_digits
from motcua.queueing import errors, ordering
from motcua.queueing.defaults import DEFAULT_PRIORITY_GROUPS
from motcua.queueing.errors import QueueError
from motcua.queueing.models import (
    PriorityGroup,
    QueueSettings,
    SlotUsage,
    Source,
    Ticket,
    TicketPeriod,
    TicketSequence,
    VisitDossier,
)
from motcua.queueing.slots import closed_day_message, local_today, opening_periods, slots_for
from motcua.queueing.workflow import (
    AT_COUNTER_STATES,
    FINAL_STATES,
    OPEN_STATES,
    TRANSITIONS,
    Action,
    State,
    allowed,
)
from motcua.units.models import Counter, ServiceCenter
from motcua.units.services import center_scope

log = logging.getLogger(__name__)

# A resident holds at most this many open bookings, and one per centre and day: enough for a
# family errand, too few to hoard a centre's slots.
MAX_OPEN_BOOKINGS = 3


# --------------------------------------------------------------------------- setup


# What the audit trail keeps of a centre's queue configuration. The kiosk key is a secret: the
# trail keeps its fingerprint, which shows that it changed.
QUEUE_SETTINGS_FIELDS = (
    "booking_enabled",
    "slot_minutes",
    "bookings_per_counter_slot",
    "booking_days_ahead",
    "early_check_in_minutes",
    "grace_minutes",
    "remind_places",
    "default_service_minutes",
)
PRIORITY_GROUP_FIELDS = (
    "center",
    "code",
    "name_vi",
    "name_en",
    "head_start_minutes",
    "legal_basis",
    "strength",
    "position",
    "is_active",
)
# The source named by the audit rows of the settings and groups a new centre starts with.
QUEUE_DEFAULTS = "queue_defaults"


def _settings_state(settings: QueueSettings) -> dict:
    return {
        **snapshot(settings, QUEUE_SETTINGS_FIELDS),
        "kiosk_key": fingerprint(settings.kiosk_key),
    }


def _group_state(group: PriorityGroup) -> dict:
    return snapshot(group, PRIORITY_GROUP_FIELDS)


def settings_for(center: ServiceCenter) -> QueueSettings:
    try:
        return center.queue_settings
    except QueueSettings.DoesNotExist:
        with transaction.atomic():
            settings, created = QueueSettings.objects.get_or_create(center=center)
            if created:
                record_change(
                    Kind.QUEUE_SETTINGS,
                    settings,
                    before=None,
                    after=_settings_state(settings),
                    actor=None,
                    scope=center_scope(center),
                    source=QUEUE_DEFAULTS,
                )
        return settings


@transaction.atomic
def ensure_queue_setup(centers=None) -> int:
    """Give every centre (or those given) its queue settings and the default priority groups.

    Centres made by bulk imports skip the ``post_save`` signal; this catches them up. Returns how
    many centres were set up. Idempotent: existing settings and groups are left as they are. The
    rows made get audit rows naming ``QUEUE_DEFAULTS`` as their source.
    """
    centers = list(centers if centers is not None else ServiceCenter.objects.all())
    ids = [c.pk for c in centers]
    with_settings = set(
        QueueSettings.objects.filter(center_id__in=ids).values_list("center_id", flat=True)
    )
    with_groups = set(
        PriorityGroup.objects.filter(center_id__in=ids).values_list("center_id", flat=True)
    )
    need_settings = [pk for pk in ids if pk not in with_settings]
    need_groups = [pk for pk in ids if pk not in with_groups]
    QueueSettings.objects.bulk_create(
        [QueueSettings(center_id=pk) for pk in need_settings], ignore_conflicts=True
    )
    PriorityGroup.objects.bulk_create(
        [
            PriorityGroup(
                center_id=pk,
                code=d.code,
                name_vi=d.name_vi,
                name_en=d.name_en,
                head_start_minutes=d.head_start_minutes,
                legal_basis=d.legal_basis,
                strength=d.strength,
                position=position,
                is_active=d.is_active,
            )
            for pk in need_groups
            for position, d in enumerate(DEFAULT_PRIORITY_GROUPS, start=1)
        ],
        ignore_conflicts=True,
    )
    # Read back: rows created with ignore_conflicts come back without their ids.
    made_settings = QueueSettings.objects.filter(center_id__in=need_settings)
    record_changes(
        Kind.QUEUE_SETTINGS,
        [
            Change(s, None, _settings_state(s), center_scope(s.center))
            for s in made_settings.select_related("center__commune")
        ],
        actor=None,
        source=QUEUE_DEFAULTS,
    )
    made_groups = PriorityGroup.objects.filter(center_id__in=need_groups)
    record_changes(
        Kind.PRIORITY_GROUP,
        [
            Change(g, None, _group_state(g), center_scope(g.center))
            for g in made_groups.select_related("center__commune")
        ],
        actor=None,
        source=QUEUE_DEFAULTS,
    )
    return len([pk for pk in ids if pk not in with_settings or pk not in with_groups])


def _save_audited(row, kind: str, state_of, *, actor, reason: str):
    """Save a centre's configuration row as given, checked, with an audit row holding its state
    before (read under a row lock, so concurrent editors chain) and after."""
    stored = type(row).objects.select_for_update().filter(pk=row.pk).first()
    before = state_of(stored) if stored is not None else None
    row.full_clean()
    row.save()
    record_change(
        kind,
        row,
        before=before,
        after=state_of(row),
        actor=actor,
        scope=center_scope(row.center),
        reason=reason,
    )
    return row


@transaction.atomic
def save_queue_settings(settings: QueueSettings, *, actor, reason: str = "") -> QueueSettings:
    """Change a centre's queue settings as given (the admin's form), checked, with an audit row."""
    return _save_audited(settings, Kind.QUEUE_SETTINGS, _settings_state, actor=actor, reason=reason)


@transaction.atomic
def save_priority_group(group: PriorityGroup, *, actor, reason: str = "") -> PriorityGroup:
    """Create or change a priority group as given (the admin's form), checked, with an audit row."""
    return _save_audited(group, Kind.PRIORITY_GROUP, _group_state, actor=actor, reason=reason)


@transaction.atomic
def delete_priority_group(group: PriorityGroup, *, actor, reason: str = "") -> None:
    """Delete a group no ticket has used (tickets protect it; switch it off instead)."""
    stored = PriorityGroup.objects.select_for_update().filter(pk=group.pk).first()
    if stored is None:
        return  # already gone
    record_change(
        Kind.PRIORITY_GROUP,
        group,
        before=_group_state(stored),
        after=None,
        actor=actor,
        scope=center_scope(group.center),
        reason=reason,
    )
    group.delete()


# --------------------------------------------------------------------------- numbers


def next_number(center: ServiceCenter, day: date) -> int:
    """The centre's next number of ``day``: one atomic upsert, gapless under concurrency as long
    as the caller's transaction commits (a rolled-back ticket gives its number back)."""
    table = TicketSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (center_id, day, last_value) VALUES (%s, %s, 1) "
            f"ON CONFLICT (center_id, day) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [center.pk, day],
        )
        return cursor.fetchone()[0]


def _new_nonce() -> str:
    return secrets.token_urlsafe(6)


# --------------------------------------------------------------------------- the state machine


def _move(ticket: Ticket, action: str, *, at: datetime, officer: User | None = None, **changes):
    """Apply ``action``: check the workflow table, close the open period, open the next one."""
    if not allowed(action, ticket.state):
        raise QueueError(
            _("Số %(number)s đang ở trạng thái “%(state)s”, không thể “%(action)s”.")
            % {
                "number": ticket.display_number,
                "state": ticket.get_state_display(),
                "action": Action(action).label,
            },
            errors.NOT_ALLOWED,
        )
    TicketPeriod.objects.filter(ticket=ticket, ended_at__isnull=True).update(
        ended_at=at, end_action=action
    )
    for name, value in changes.items():
        setattr(ticket, name, value)
    ticket.state = TRANSITIONS[action].target
    if ticket.state in FINAL_STATES:
        ticket.finished_at = at
    ticket.save()
    if ticket.state in OPEN_STATES:
        _open_period(ticket, at, officer)
    return ticket


def _open_period(ticket: Ticket, at: datetime, officer: User | None) -> None:
    TicketPeriod.objects.create(
        ticket=ticket,
        state=ticket.state,
        field_id=ticket.field_id,
        counter_id=ticket.counter_id if ticket.state in AT_COUNTER_STATES else None,
        officer=officer,
        started_at=at,
    )


def _locked_ticket(ticket_id: int) -> Ticket:
    return Ticket.objects.select_for_update(of=("self",)).select_related("center").get(pk=ticket_id)


# --------------------------------------------------------------------------- issuing


def _check_open_today(center: ServiceCenter, at: datetime) -> date:
    if not center.is_active:
        raise QueueError(_("Trung tâm này đã ngừng hoạt động."), errors.CLOSED_DAY)
    day = local_today(center, at)
    if not opening_periods(center, day):
        raise QueueError(closed_day_message(center, day), errors.CLOSED_DAY)
    return day


def _check_field(center: ServiceCenter, field: Field) -> None:
    if not center.counters.filter(is_active=True, fields=field).exists():
        raise QueueError(
            _("Trung tâm không có quầy nào đang phục vụ lĩnh vực “%(field)s”.")
            % {"field": field.name_vi},
            errors.FIELD_NOT_SERVED,
        )


def _check_group(center: ServiceCenter, group: PriorityGroup | None) -> None:
    if group is not None and (group.center_id != center.pk or not group.is_active):
        raise QueueError(_("Nhóm ưu tiên này không áp dụng tại trung tâm."), errors.WRONG_CENTER)


def issue_ticket(
    center: ServiceCenter,
    field: Field,
    *,
    source: str = Source.KIOSK,
    priority_group: PriorityGroup | None = None,
    phone: str = "",
    officer: User | None = None,
    at: datetime | None = None,
) -> Ticket:
    """A walk-in number, waiting from now. ``phone`` (optional) gets the "almost your turn" SMS.

    A priority group chosen at the kiosk is the visitor's own statement until an officer confirms
    it; ``officer`` (issuing at the counter) confirms it at once, if the access rule lets them
    operate this centre.
    """
    at = at or timezone.now()
    if officer is not None:
        access.require(officer, access.Kind.QUEUE_CENTER, access.Action.OPERATE, center)
    day = _check_open_today(center, at)
    _check_field(center, field)
    _check_group(center, priority_group)
    head_start = priority_group.head_start_minutes if priority_group else 0
    with transaction.atomic():
        ticket = Ticket.objects.create(
            center=center,
            service_day=day,
            number=next_number(center, day),
            field=field,
            source=source,
            state=State.WAITING,
            priority_group=priority_group,
            priority_confirmed_by=officer if priority_group else None,
            priority_confirmed_at=at if (priority_group and officer) else None,
            queued_at=at,
            order_key=ordering.order_key(at, head_start),
            phone=phone,
            issued_at=at,
            token_nonce=_new_nonce(),
        )
        _open_period(ticket, at, officer)
        if officer is not None and priority_group is not None:
            _record_priority(ticket, None, officer, at=at)
    return ticket


# --------------------------------------------------------------------------- bookings


def _open_bookings(resident) -> "Q":
    return Ticket.objects.filter(resident=resident, state__in=[State.BOOKED, State.WAITING])


def book(
    resident,
    center: ServiceCenter,
    field: Field,
    slot_start: datetime,
    *,
    at: datetime | None = None,
) -> Ticket:
    """Book a number for ``slot_start``. The caller has checked the rate limits (``ratelimit``)."""
    at = at or timezone.now()
    settings = settings_for(center)
    if not settings.booking_enabled or not center.is_active:
        raise QueueError(
            _("Trung tâm này chưa nhận đặt số qua mạng. Xin lấy số tại trung tâm."),
            errors.BOOKING_DISABLED,
        )
    _check_field(center, field)
    day = local_today(center, slot_start)
    today = local_today(center, at)
    if day > today + timedelta(days=settings.booking_days_ahead):
        raise QueueError(
            _("Chỉ đặt được trước tối đa %(days)s ngày.") % {"days": settings.booking_days_ahead},
            errors.SLOT_INVALID,
        )
    if not opening_periods(center, day):
        raise QueueError(closed_day_message(center, day), errors.CLOSED_DAY)
    slot = next(
        (s for s in slots_for(center, field.pk, day, settings, at=at) if s.start == slot_start),
        None,
    )
    if slot is None or day < today:
        raise QueueError(
            _("Khung giờ đã chọn không còn nhận đặt (đã qua hoặc không có). Xin chọn khung khác."),
            errors.SLOT_INVALID,
        )
    with transaction.atomic():
        # Serialises one resident's bookings so the per-resident limits hold under double clicks.
        type(resident).objects.select_for_update().filter(pk=resident.pk).first()
        _check_booking_limits(resident, center, day)
        _take_slot_place(center, field, slot.start, slot.capacity)
        ticket = Ticket.objects.create(
            center=center,
            service_day=day,
            number=next_number(center, day),
            field=field,
            source=Source.BOOKING,
            state=State.BOOKED,
            slot_start=slot.start,
            slot_end=slot.end,
            check_in_code=_free_check_in_code(center, day),
            resident=resident,
            phone=resident.phone or "",
            issued_at=at,
            token_nonce=_new_nonce(),
        )
        _open_period(ticket, at, None)
        _confirm_booking_by_sms(ticket, at)
        transaction.on_commit(lambda: _schedule_lapse(ticket), robust=True)
    log.info(
        "queue booking %s at centre %s for %s", ticket.pk, center.pk, mask_digits(ticket.phone)
    )
    return ticket


def _check_booking_limits(resident, center: ServiceCenter, day: date) -> None:
    open_bookings = _open_bookings(resident)
    if open_bookings.filter(center=center, service_day=day).exists():
        raise QueueError(
            _(
                "Ông/bà đã có một số đặt trước tại trung tâm này trong ngày đó. Hãy hủy số cũ "
                "nếu muốn đổi giờ."
            ),
            errors.TOO_MANY_BOOKINGS,
        )
    if open_bookings.count() >= MAX_OPEN_BOOKINGS:
        raise QueueError(
            _("Mỗi người giữ tối đa %(n)s số đặt trước cùng lúc. Hãy hủy bớt số không dùng.")
            % {"n": MAX_OPEN_BOOKINGS},
            errors.TOO_MANY_BOOKINGS,
        )


def _take_slot_place(center: ServiceCenter, field: Field, slot_start: datetime, capacity: int):
    SlotUsage.objects.bulk_create(
        [SlotUsage(center=center, field=field, slot_start=slot_start)], ignore_conflicts=True
    )
    # A conditional update: of two residents racing for the last place, exactly one wins.
    taken = SlotUsage.objects.filter(
        center=center, field=field, slot_start=slot_start, booked__lt=capacity
    ).update(booked=F("booked") + 1)
    if not taken:
        raise QueueError(
            _("Khung giờ này vừa hết chỗ đặt trước. Xin chọn khung giờ khác."), errors.SLOT_FULL
        )


def _free_check_in_code(center: ServiceCenter, day: date) -> str:
    used = set(
        Ticket.objects.filter(center=center, service_day=day)
        .exclude(check_in_code="")
        .values_list("check_in_code", flat=True)
    )
    while True:
        code = f"{secrets.randbelow(10**6):06d}"
        if code not in used:
            return code


def _confirm_booking_by_sms(ticket: Ticket, at: datetime) -> None:
    from motcua.notify.services import enqueue

    local = timezone.localtime(ticket.slot_start)
    enqueue(
        "sms",
        ticket.phone,
        _(
            "motcua: Đã đặt số %(number)s tại %(center)s, %(time)s ngày %(day)s. Mã xác nhận "
            "tại máy lấy số: %(code)s."
        )
        % {
            "number": ticket.display_number,
            "center": ticket.center.name,
            "time": local.strftime("%H:%M"),
            "day": local.strftime("%d/%m/%Y"),
            "code": ticket.check_in_code,
        },
        dedupe_key=f"queue-booked:{ticket.pk}",
        at=at,
    )


def lapse_moment(ticket: Ticket) -> datetime:
    return ticket.slot_end + timedelta(minutes=settings_for(ticket.center).grace_minutes)


def _schedule_lapse(ticket: Ticket) -> None:
    from motcua.queueing.tasks import lapse_due_bookings

    lapse_due_bookings.using(run_after=lapse_moment(ticket)).enqueue()


def lapse_due_bookings_now(at: datetime | None = None) -> int:
    """Lapse every booking whose slot and grace time have passed; returns how many."""
    at = at or timezone.now()
    lapsed = 0
    candidates = Ticket.objects.filter(state=State.BOOKED, slot_end__lt=at).select_related(
        "center__queue_settings"
    )
    for ticket in candidates:
        if lapse_moment(ticket) <= at:
            with transaction.atomic():
                locked = _locked_ticket(ticket.pk)
                if locked.state == State.BOOKED:
                    _move(locked, Action.LAPSE, at=at)
                    lapsed += 1
    return lapsed


def check_in(center: ServiceCenter, code: str, *, at: datetime | None = None) -> Ticket:
    """A visitor with a booking arrives: the code from their SMS puts them in the line, in the
    place their slot gives them (see ``ordering``)."""
    at = at or timezone.now()
    code = (code or "").strip().replace(" ", "")
    day = local_today(center, at)
    found = Ticket.objects.filter(center=center, service_day=day, check_in_code=code).first()
    if not code or found is None:
        raise QueueError(
            _(
                "Không tìm thấy số đặt trước nào hôm nay với mã “%(code)s”. Kiểm tra lại mã trong "
                "tin nhắn, hoặc lấy số mới."
            )
            % {"code": code[:8]},
            errors.UNKNOWN_CODE,
        )
    settings = settings_for(center)
    with transaction.atomic():
        ticket = _locked_ticket(found.pk)
        if ticket.state != State.BOOKED:
            raise QueueError(
                _("Số %(number)s đã được xác nhận hoặc không còn hiệu lực (%(state)s).")
                % {"number": ticket.display_number, "state": ticket.get_state_display()},
                errors.NOT_ALLOWED,
            )
        earliest = ticket.slot_start - timedelta(minutes=settings.early_check_in_minutes)
        if at < earliest:
            raise QueueError(
                _("Còn sớm: số đặt lúc %(slot)s, xin xác nhận từ %(earliest)s.")
                % {
                    "slot": timezone.localtime(ticket.slot_start).strftime("%H:%M"),
                    "earliest": timezone.localtime(earliest).strftime("%H:%M"),
                },
                errors.TOO_EARLY,
            )
        if at >= lapse_moment(ticket):
            _move(ticket, Action.LAPSE, at=at)
            return ticket
        head_start = ticket.priority_group.head_start_minutes if ticket.priority_group else 0
        _move(
            ticket,
            Action.CHECK_IN,
            at=at,
            queued_at=ticket.slot_start,
            order_key=ordering.order_key(ticket.slot_start, head_start),
        )
    return ticket


def cancel(ticket: Ticket, *, at: datetime | None = None) -> Ticket:
    """The holder gives the number up; a booked place goes back to the slot."""
    at = at or timezone.now()
    with transaction.atomic():
        ticket = _locked_ticket(ticket.pk)
        was_booked = ticket.state == State.BOOKED
        _move(ticket, Action.CANCEL, at=at)
        if was_booked:
            SlotUsage.objects.filter(
                center_id=ticket.center_id,
                field_id=ticket.field_id,
                slot_start=ticket.slot_start,
                booked__gt=0,
            ).update(booked=F("booked") - 1)
    return ticket


# --------------------------------------------------------------------------- the counter


def check_officer(officer: User, counter: Counter) -> None:
    """The officer may work this counter (the access rule): 404 for a counter they may not see,
    403 for one they only watch."""
    access.require(officer, access.Kind.COUNTER, access.Action.OPERATE, counter)


def current_ticket(counter: Counter) -> Ticket | None:
    return (
        Ticket.objects.filter(counter=counter, state__in=AT_COUNTER_STATES)
        .select_related("field", "priority_group", "center")
        .first()
    )


def call_next(
    counter: Counter, officer: User, *, at: datetime | None = None, skip_locked: bool = True
) -> Ticket:
    """Call the next ticket of the fields this counter serves (``ordering`` decides which).

    ``skip_locked=False`` exists only so ``bench/queue_call_next.py`` can show what SKIP LOCKED
    buys: with it off, counters queue behind each other's row locks.
    """
    at = at or timezone.now()
    check_officer(officer, counter)
    with transaction.atomic():
        # One officer double-clicking must not take two tickets: the counter row serialises them.
        counter = (
            Counter.objects.select_for_update(of=("self",))
            .select_related("center")
            .get(pk=counter.pk)
        )
        if Ticket.objects.filter(counter=counter, state__in=AT_COUNTER_STATES).exists():
            raise QueueError(
                _(
                    "Quầy đang có người được mời. Kết thúc, chuyển hoặc đánh dấu vắng mặt trước "
                    "khi mời số tiếp theo."
                ),
                errors.COUNTER_BUSY,
            )
        ticket = _pick_next(counter, at, skip_locked)
        if ticket is None:
            raise QueueError(
                _("Không còn ai chờ ở các lĩnh vực quầy này phục vụ."), errors.NOTHING_WAITING
            )
        _move(
            ticket,
            Action.CALL,
            at=at,
            officer=officer,
            counter=counter,
            officer_id=officer.pk,
            called_at=at,
            target_counter=None,
        )
        _remind_upcoming(ticket.center, ticket.service_day, ticket.field_id, at)
    return ticket


def _pick_next(counter: Counter, at: datetime, skip_locked: bool) -> Ticket | None:
    field_ids = list(counter.fields.values_list("id", flat=True))
    waiting = Ticket.objects.filter(
        center_id=counter.center_id,
        service_day=local_today(counter.center, at),
        state=State.WAITING,
        field_id__in=field_ids,
    ).filter(Q(target_counter__isnull=True) | Q(target_counter=counter))
    reserved = counter.reserved_for_priority
    for candidates in ordering.candidates_for(
        waiting,
        reserved_for_priority=reserved,
        horizon_minutes=ordering.horizon(counter.center) if reserved else 0,
    ):
        ticket = candidates.select_for_update(skip_locked=skip_locked).first()
        if ticket is not None:
            return ticket
    return None


def _remind_upcoming(center: ServiceCenter, day: date, field_id: int, at: datetime) -> None:
    """SMS the visitors who just came within ``remind_places`` of their turn (once each).

    A ticket another transaction holds (another counter is calling it, or its owner is
    cancelling) is skipped rather than waited for: two counters reminding each other's locked
    tickets would otherwise deadlock. The skipped visitor is reminded on the next call."""
    from motcua.notify.services import enqueue

    places = settings_for(center).remind_places
    line = ordering.line_order(
        Ticket.objects.filter(
            center=center, service_day=day, field_id=field_id, state=State.WAITING
        )
    ).values_list("pk", "phone", "reminded_at")[:places]
    positions = {
        pk: position
        for position, (pk, phone, reminded_at) in enumerate(line, start=1)
        if phone and reminded_at is None
    }
    lockable = (
        Ticket.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk__in=positions, state=State.WAITING, reminded_at__isnull=True)
        .order_by("pk")
    )
    for ticket in lockable:
        enqueue(
            "sms",
            ticket.phone,
            _(
                "motcua: Số %(number)s tại %(center)s còn khoảng %(n)s lượt nữa. Xin có mặt "
                "gần khu vực chờ."
            )
            % {"number": f"{ticket.number:04d}", "center": center.name, "n": positions[ticket.pk]},
            dedupe_key=f"queue-remind:{ticket.pk}",
            at=at,
        )
        Ticket.objects.filter(pk=ticket.pk).update(reminded_at=at)


def _at_counter(counter: Counter) -> Ticket:
    ticket = current_ticket(counter)
    if ticket is None:
        raise QueueError(_("Quầy chưa mời số nào."), errors.NOT_ALLOWED)
    return _locked_ticket(ticket.pk)


def counter_action(
    counter: Counter, action: str, officer: User, *, at: datetime | None = None
) -> Ticket:
    """Recall, start, finish or mark no-show the ticket now at ``counter``."""
    at = at or timezone.now()
    check_officer(officer, counter)
    if action not in (Action.RECALL, Action.START, Action.FINISH, Action.NO_SHOW):
        raise QueueError(_("Thao tác không hợp lệ."), errors.NOT_ALLOWED)
    with transaction.atomic():
        ticket = _at_counter(counter)
        if action == Action.RECALL:
            if not allowed(action, ticket.state):
                return _move(ticket, action, at=at)  # raises the "not allowed" message
            # Calling again does not end the call: the same period goes on.
            ticket.recalls += 1
            ticket.called_at = at
            ticket.save(update_fields=["recalls", "called_at"])
            return ticket
        return _move(ticket, action, at=at, officer=officer)


def transfer(
    counter: Counter,
    officer: User,
    *,
    to_field: Field | None = None,
    to_counter: Counter | None = None,
    at: datetime | None = None,
) -> Ticket:
    """Send the visitor at ``counter`` to another field or counter. They go back into the line
    with their original ``queued_at``, so they do not start waiting from the back."""
    at = at or timezone.now()
    check_officer(officer, counter)
    if to_field is None and to_counter is None:
        raise QueueError(_("Chọn lĩnh vực hoặc quầy cần chuyển đến."), errors.NOT_ALLOWED)
    with transaction.atomic():
        ticket = _at_counter(counter)
        field = to_field or ticket.field
        if to_counter is not None:
            if to_counter.center_id != counter.center_id or not to_counter.is_active:
                raise QueueError(
                    _("Quầy nhận phải đang hoạt động tại cùng trung tâm."), errors.WRONG_CENTER
                )
            if to_counter.pk == counter.pk:
                raise QueueError(_("Hãy chọn một quầy khác."), errors.NOT_ALLOWED)
            if not to_counter.fields.filter(pk=field.pk).exists():
                raise QueueError(
                    _("%(counter)s không phục vụ lĩnh vực “%(field)s”.")
                    % {"counter": to_counter, "field": field.name_vi},
                    errors.FIELD_NOT_SERVED,
                )
        else:
            _check_field(ticket.center, field)
        return _move(
            ticket,
            Action.TRANSFER,
            at=at,
            officer=officer,
            field=field,
            counter=None,
            target_counter=to_counter,
            reminded_at=None,
        )


def _priority_state(ticket: Ticket) -> dict:
    """What the audit trail keeps of a ticket's priority: the group (by code) and who confirmed
    it (a visitor's own choice at the kiosk is unconfirmed)."""
    group = ticket.priority_group
    return {
        "priority_group": group.code if group is not None else None,
        "confirmed_by": ticket.priority_confirmed_by_id,
    }


def _record_priority(ticket: Ticket, before: dict | None, officer: User, *, at, reason=""):
    record_change(
        Kind.TICKET_PRIORITY,
        ticket,
        before=before,
        after=_priority_state(ticket),
        actor=officer,
        scope=center_scope(ticket.center),
        reason=reason,
        at=at,
    )


def set_priority(
    ticket: Ticket,
    group: PriorityGroup | None,
    officer: User,
    *,
    at: datetime | None = None,
    reason: str = "",
) -> Ticket:
    """The officer sets, corrects or confirms the ticket's priority group (None: ordinary); the
    audit trail keeps who did it and what the priority was before."""
    at = at or timezone.now()
    access.require(officer, access.Kind.TICKET, access.Action.CHANGE_PRIORITY, ticket)
    _check_group(ticket.center, group)
    with transaction.atomic():
        ticket = _locked_ticket(ticket.pk)
        if ticket.state not in OPEN_STATES:
            raise QueueError(_("Số này đã kết thúc."), errors.NOT_ALLOWED)
        before = _priority_state(ticket)
        ticket.priority_group = group
        ticket.priority_confirmed_by = officer
        ticket.priority_confirmed_at = at
        if ticket.queued_at is not None:
            ticket.order_key = ordering.order_key(
                ticket.queued_at, group.head_start_minutes if group else 0
            )
        ticket.save()
        _record_priority(ticket, before, officer, at=at, reason=reason)
    return ticket


def link_dossier(
    ticket: Ticket, dossier, officer: User, *, at: datetime | None = None
) -> VisitDossier:
    """Record that ``dossier`` came out of this visit."""
    at = at or timezone.now()
    access.require(officer, access.Kind.TICKET, access.Action.OPERATE, ticket)
    if (
        dossier.receiving_commune_id != ticket.center.commune_id
        and dossier.competent_commune_id != ticket.center.commune_id
    ):
        raise QueueError(
            _("Hồ sơ %(code)s không do xã của trung tâm này tiếp nhận.") % {"code": dossier.code},
            errors.WRONG_CENTER,
        )
    try:
        with transaction.atomic():
            return VisitDossier.objects.create(
                ticket=ticket, dossier=dossier, linked_by=officer, linked_at=at
            )
    except IntegrityError:
        raise QueueError(
            _("Hồ sơ %(code)s đã gắn với một lượt đến khác.") % {"code": dossier.code},
            errors.NOT_ALLOWED,
        ) from None


# --------------------------------------------------------------------------- end of day


def close_past_days(*, at: datetime | None = None) -> int:
    """Expire the tickets still open from earlier days; their periods end at that day's closing
    time, so an unfinished evening does not count as a night of waiting. Returns how many."""
    at = at or timezone.now()
    lapse_due_bookings_now(at)
    closed = 0
    stale = Ticket.objects.filter(state__in=OPEN_STATES).select_related("center")
    for ticket in stale.iterator():
        day = local_today(ticket.center, at)
        if ticket.service_day >= day:
            continue
        periods = opening_periods(ticket.center, ticket.service_day)
        end_of_day = periods[-1][1] if periods else at
        with transaction.atomic():
            locked = _locked_ticket(ticket.pk)
            if locked.state in OPEN_STATES:
                _move(locked, Action.EXPIRE, at=max(end_of_day, _open_since(locked)))
                closed += 1
    return closed


def _open_since(ticket: Ticket) -> datetime:
    period = ticket.periods.filter(ended_at__isnull=True).first()
    return period.started_at if period else ticket.issued_at
