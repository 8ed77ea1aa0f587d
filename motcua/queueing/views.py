"""Queue pages: booking from home, a number's live page, the kiosk, the waiting-room screen, and
the staff's counter, overview and statistics. Views read forms and call ``services``; every rule
lives there or in the tables it reads."""

import hashlib
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import F, Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.accounts import access
from motcua.accounts.access import Kind, staff_required
from motcua.catalog.models import Field
from motcua.dossiers.models import Dossier
from motcua.errors import PublicNotFound
from motcua.feedback.criteria import Level
from motcua.queueing import estimates, links, queries, ratelimit, services, visit_rating, visits
from motcua.queueing.errors import QueueError
from motcua.queueing.forms import CheckInForm, KioskTicketForm, TransferForm
from motcua.queueing.models import Source, Ticket
from motcua.queueing.slots import local_today, opening_periods, slots_for
from motcua.queueing.workflow import Action, State
from motcua.residents.sessions import current_resident, resident_required
from motcua.ui.qr import qr_svg
from motcua.units.models import Counter, ServiceCenter
from motcua.units.queries import communes_with_centers

# --------------------------------------------------------------------------- helpers


def _fields_served(center: ServiceCenter) -> list[Field]:
    return list(
        Field.objects.filter(counters__center=center, counters__is_active=True)
        .distinct()
        .order_by("name_vi")
    )


def _active_groups(center: ServiceCenter):
    return list(center.priority_groups.filter(is_active=True))


def _problem(request, exc: QueueError, *, title: str = ""):
    return render(
        request,
        "queueing/problem.html",
        {"message": exc.message, "title": title or _("Không thực hiện được")},
        status=exc.status,
    )


def _bookable_days(center: ServiceCenter, today: date, days_ahead: int) -> list[date]:
    return [
        today + timedelta(days=offset)
        for offset in range(days_ahead + 1)
        if opening_periods(center, today + timedelta(days=offset))
    ]


def _first_open_day(center: ServiceCenter, days: list[date], now) -> date | None:
    """The first bookable day with reception time still ahead (today's may be over already)."""
    return next((d for d in days if opening_periods(center, d)[-1][1] > now), None)


def _communes_to_book_at() -> list:
    """Step 1's choice: communes by province, each with its ``active_centers`` (main centre
    first), fetched in one query rather than one per commune."""
    communes = communes_with_centers()
    centers = ServiceCenter.objects.filter(is_active=True).order_by(
        F("parent_id").asc(nulls_first=True), "id"
    )
    prefetch_related_objects(communes, Prefetch("centers", centers, to_attr="active_centers"))
    return communes


def _sign_in_then_back(request, data):
    """Send a resident who is not signed in to the phone sign-in, and back to the same choices
    (centre, field, day, slot) afterwards: the POST's data would otherwise be lost."""
    choices = {key: data.get(key, "") for key in ("center", "field", "day", "slot")}
    back = f"{reverse('queueing:book')}?{urlencode(choices)}"
    messages.info(
        request,
        _("Đăng nhập bằng số điện thoại để giữ số. Các lựa chọn của ông/bà được giữ nguyên."),
    )
    return redirect(f"{reverse('residents:sign_in')}?{urlencode({'next': back})}")


def _pk(value: str | None) -> int:
    """A primary key from a form or query string. Anything but a plain number ("all", "abc", 30
    digits) names nothing: a filter on it would be a server error."""
    value = value or ""
    return int(value) if value.isdecimal() and len(value) < 10 else 0


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


# --------------------------------------------------------------------------- booking from home


@require_http_methods(["GET", "POST"])
def book(request):
    """Take a number from home: commune → field → day → slot. Signing in is asked at the end."""
    center_id = request.POST.get("center") or request.GET.get("center")
    if not center_id:
        return render(request, "queueing/book_center.html", {"communes": _communes_to_book_at()})
    center = ServiceCenter.objects.filter(pk=_pk(center_id), is_active=True).first()
    if center is None:
        messages.error(request, _("Không tìm thấy trung tâm đã chọn. Xin chọn lại."))
        return redirect("queueing:book")
    settings = services.settings_for(center)
    now = timezone.now()
    fields = _fields_served(center)
    days = _bookable_days(center, local_today(center, now), settings.booking_days_ahead)
    data = request.POST if request.method == "POST" else request.GET
    field = next((f for f in fields if str(f.pk) == data.get("field")), None)
    if field is None and len(fields) == 1:
        field = fields[0]
    day = _parse_day(data.get("day")) or _first_open_day(center, days, now)
    error, status = "", 200
    if request.method == "POST":
        resident = current_resident(request)
        if resident is None:
            return _sign_in_then_back(request, data)
        try:
            ticket = _book_from_form(request, resident, center, field, data.get("slot"))
        except QueueError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("Đã đặt số %(n)s.") % {"n": ticket.display_number})
            return redirect(links.ticket_path(ticket))
    context = {
        "center": center,
        "settings": settings,
        "fields": fields,
        "days": days,
        "field": field,
        "day": day,
        "slots": slots_for(center, field.pk, day, settings, at=now)
        if field and day in days
        else None,
        "slot": data.get("slot", ""),
        "error": error,
        "resident": current_resident(request),
    }
    return render(request, "queueing/book.html", context, status=status)


def _book_from_form(request, resident, center, field, slot_value):
    from datetime import datetime

    if field is None:
        raise QueueError(_("Chọn lĩnh vực cần làm thủ tục."), "slot_invalid")
    try:
        slot_start = datetime.fromisoformat(slot_value or "")
    except ValueError:
        raise QueueError(_("Chọn một khung giờ còn chỗ."), "slot_invalid") from None
    if slot_start.tzinfo is None:
        raise QueueError(_("Chọn một khung giờ còn chỗ."), "slot_invalid")
    now = timezone.now()
    ratelimit.count_booking_attempt(
        phone=resident.phone or "", address=ratelimit.client_address(request), at=now
    )
    return services.book(resident, center, field, slot_start, at=now)


@require_GET
def book_slots(request):
    """The slot radios for a centre, field and day (HTMX swaps them in as the choice changes)."""
    center = get_object_or_404(ServiceCenter, pk=_pk(request.GET.get("center")), is_active=True)
    field = get_object_or_404(Field, pk=_pk(request.GET.get("field")))
    day = _parse_day(request.GET.get("day"))
    settings = services.settings_for(center)
    now = timezone.now()
    days = _bookable_days(center, local_today(center, now), settings.booking_days_ahead)
    slots = slots_for(center, field.pk, day, settings, at=now) if day in days else None
    return render(request, "queueing/_slots.html", {"slots": slots, "day": day, "field": field})


@resident_required
@require_GET
def my_tickets(request):
    return render(
        request,
        "queueing/mine.html",
        {"tickets": [(t, links.ticket_path(t)) for t in queries.open_tickets_of(request.resident)]},
    )


# --------------------------------------------------------------------------- one number


def _ticket_context(request, ticket: Ticket) -> dict:
    now = timezone.now()
    resident = current_resident(request)
    owner = resident is not None and ticket.resident_id == resident.pk
    context = {
        "ticket": ticket,
        "token": request.resolver_match.kwargs["token"],
        "estimate": estimates.estimate_for(ticket, now),
        "owner": owner,
        "can_cancel": ticket.state in (State.BOOKED, State.WAITING),
        "rateable": visit_rating.rateable(ticket) and getattr(ticket, "rating", None) is None,
        "lapses_at": services.lapse_moment(ticket) if ticket.state == State.BOOKED else None,
        "live": ticket.state in (State.BOOKED, State.WAITING, State.CALLED, State.SERVING),
    }
    return {**context, "version": _status_version(context)}


def _status_version(context: dict) -> str:
    """A digest of what the status part shows. The page polls with it and gets 204 while it
    holds, so the part is redrawn (and read out by a screen reader) only when something changed."""
    ticket = context["ticket"]
    shown = (ticket.state, ticket.counter_id, ticket.recalls, context["estimate"])
    return hashlib.sha256(repr(shown).encode()).hexdigest()[:12]


@never_cache
@require_GET
def ticket(request, token):
    try:
        found = links.open_ticket(token)
    except QueueError as exc:
        return _problem(request, exc)
    return render(request, "queueing/ticket.html", _ticket_context(request, found))


@never_cache
@require_GET
def ticket_status(request, token):
    """The live part of the ticket page, polled by HTMX (286 stops the polling when it is over)."""
    try:
        found = links.open_ticket(token)
    except QueueError as exc:
        return HttpResponse(exc.message, status=exc.status)
    context = _ticket_context(request, found)
    if context["live"] and request.GET.get("v") == context["version"]:
        return HttpResponse(status=204)  # nothing new: htmx keeps the part and polls on
    response = render(request, "queueing/_ticket_status.html", context)
    if not context["live"]:
        response.status_code = 286
    return response


@require_POST
def ticket_cancel(request, token):
    try:
        services.cancel(links.open_ticket(token))
    except QueueError as exc:
        return _problem(request, exc)
    messages.success(
        request, _("Đã hủy số. Cảm ơn ông/bà đã báo để người khác được phục vụ sớm hơn.")
    )
    return redirect("queueing:ticket", token=token)


@require_http_methods(["GET", "POST"])
def ticket_rate(request, token):
    try:
        found = links.open_ticket(token)
    except QueueError as exc:
        return _problem(request, exc)
    if getattr(found, "rating", None) is not None:
        return render(request, "queueing/rated.html", {"ticket": found})
    chosen = {q.key: request.POST.get(q.key, "") for q in visit_rating.QUESTIONS}
    error, status = "", 200
    if request.method == "POST":
        try:
            visit_rating.submit(
                found,
                {k: v for k, v in chosen.items() if v},
                request.POST.get("comment", ""),
            )
        except QueueError as exc:
            if exc.code != "missing_answer":
                return _problem(request, exc)
            error, status = exc.message, 400
        else:
            return render(request, "queueing/rated.html", {"ticket": found, "thanks": True})
    if not visit_rating.rateable(found):
        return _problem(
            request,
            QueueError(
                _("Chỉ đánh giá được sau khi đã được phục vụ xong tại quầy."), "not_allowed"
            ),
        )
    context = {
        "ticket": found,
        "questions": [(q, chosen.get(q.key, "")) for q in visit_rating.QUESTIONS],
        "levels": Level.choices,
        "error": error,
        "comment": request.POST.get("comment", ""),
    }
    return render(request, "queueing/rate.html", context, status=status)


@require_GET
def ticket_qr(request, token):
    try:
        found = links.open_ticket(token)
    except QueueError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain")
    return HttpResponse(qr_svg(links.ticket_url(found)), content_type="image/svg+xml")


# --------------------------------------------------------------------------- kiosk


def _open_kiosk(token):
    queue_settings = links.open_kiosk(token)
    return queue_settings, queue_settings.center


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk(request, token):
    """The touch screen at the door: one question per block, big targets, no sign-in."""
    try:
        queue_settings, center = _open_kiosk(token)
    except QueueError as exc:
        return _problem(request, exc)
    form = KioskTicketForm(
        request.POST or None, fields=_fields_served(center), groups=_active_groups(center)
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.issue_ticket(
                center,
                Field.objects.get(pk=form.cleaned_data["field"]),
                source=Source.KIOSK,
                priority_group=form.cleaned_data["priority"],
                phone=form.cleaned_data["phone"],
            )
        except QueueError as exc:
            error = exc.message
        else:
            return redirect(
                "queueing:kiosk_slip", token=token, ticket_token=links.ticket_token(issued)
            )
    status = 400 if form.errors else (409 if error else 200)
    context = {"center": center, "form": form, "error": error, "token": token}
    return render(request, "queueing/kiosk.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_check_in(request, token):
    try:
        _settings, center = _open_kiosk(token)
    except QueueError as exc:
        return _problem(request, exc)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            checked = services.check_in(center, form.cleaned_data["code"])
        except QueueError as exc:
            form.add_error("code", exc.message)
        else:
            if checked.state == State.LAPSED:
                form.add_error(
                    "code",
                    _("Số %(n)s đã quá giờ hẹn và hết hiệu lực. Xin lấy số mới.")
                    % {"n": checked.display_number},
                )
            else:
                return redirect(
                    "queueing:kiosk_slip", token=token, ticket_token=links.ticket_token(checked)
                )
    status = 400 if form.errors else 200
    return render(
        request,
        "queueing/kiosk_check_in.html",
        {"center": center, "form": form, "token": token},
        status=status,
    )


@never_cache
@require_GET
def kiosk_slip(request, token, ticket_token):
    try:
        _settings, center = _open_kiosk(token)
        issued = links.open_ticket(ticket_token)
    except QueueError as exc:
        return _problem(request, exc)
    if issued.center_id != center.pk:
        raise Http404
    url = links.ticket_url(issued)
    context = {
        "center": center,
        "ticket": issued,
        "token": token,
        "ticket_url": url,
        "qr_svg": qr_svg(url, scalable=True),  # 30 mm wide on the printed slip
        "estimate": estimates.estimate_for(issued, timezone.now()),
    }
    return render(request, "queueing/kiosk_slip.html", context)


# --------------------------------------------------------------------------- waiting-room screen


@xframe_options_sameorigin
@require_GET
def display(request, center_id):
    center = get_object_or_404(ServiceCenter, pk=center_id, is_active=True)
    data = queries.board(center, timezone.now())
    return render(request, "queueing/display.html", {"center": center, "board": data})


@never_cache
@require_GET
def display_board(request, center_id):
    """The screen's data as JSON; 204 when nothing changed since the version the screen has."""
    center = get_object_or_404(ServiceCenter, pk=center_id, is_active=True)
    data = queries.board(center, timezone.now())
    if request.GET.get("v") == data["version"]:
        return HttpResponse(status=204)
    return JsonResponse(data)


# --------------------------------------------------------------------------- staff


def _chosen_center(request):
    """The centre named by ``?center=`` (404 outside the person's scope, like any object the
    request names), else the first in scope; and every centre in scope, for the picker."""
    active = ServiceCenter.objects.filter(is_active=True).select_related("commune")
    centers = access.scoped(request.user, Kind.QUEUE_CENTER, access.Action.VIEW, active)
    named = request.GET.get("center", "")
    # ``center`` may be "all" (statistics): then the first centre is the one shown above the table.
    if named and named != "all":
        chosen = access.get_or_404(
            request.user, Kind.QUEUE_CENTER, access.Action.VIEW, active, pk=_pk(named)
        )
    else:
        chosen = centers.first()
    if chosen is None:
        raise PublicNotFound(_("Tài khoản của bạn không gắn với trung tâm nào."))
    return chosen, centers


@staff_required
@require_http_methods(["GET", "POST"])
def overview(request):
    """A centre's queue at a glance: counters, the line, the kiosk and screen addresses; and
    a number issued by an officer (for someone who cannot use the kiosk)."""
    center, centers = _chosen_center(request)
    can_act = access.permits(request.user, Kind.QUEUE_CENTER, access.Action.OPERATE, center)
    now = timezone.now()
    form = KioskTicketForm(
        request.POST or None, fields=_fields_served(center), groups=_active_groups(center)
    )
    if request.method == "POST":
        access.require(request.user, Kind.QUEUE_CENTER, access.Action.OPERATE, center)
        if form.is_valid():
            try:
                issued = services.issue_ticket(
                    center,
                    Field.objects.get(pk=form.cleaned_data["field"]),
                    source=Source.COUNTER,
                    priority_group=form.cleaned_data["priority"],
                    phone=form.cleaned_data["phone"],
                    officer=request.user,
                )
            except QueueError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã cấp số %(n)s.") % {"n": issued.display_number})
                return redirect(f"{reverse('queueing:overview')}?center={center.pk}")
    day = local_today(center, now)
    waiting = queries.line_of(center, day)
    context = {
        "center": center,
        "centers": centers,
        "can_act": can_act,
        "counters": queries.counters_overview(center, now),
        "waiting": waiting,
        "groups": _active_groups(center),
        "form": form,
        "kiosk_path": links.kiosk_path(services.settings_for(center)) if can_act else "",
        "open_today": bool(opening_periods(center, day)),
    }
    return render(request, "queueing/overview.html", context, status=400 if form.errors else 200)


def _counter_for(request, counter_id) -> Counter:
    counters = Counter.objects.select_related("center__commune")
    return access.get_or_404(
        request.user, Kind.COUNTER, access.Action.OPERATE, counters, pk=counter_id
    )


COUNTER_POSTS = {
    "call": None,
    "recall": Action.RECALL,
    "start": Action.START,
    "finish": Action.FINISH,
    "no_show": Action.NO_SHOW,
}


@staff_required
@require_http_methods(["GET", "POST"])
def counter(request, counter_id):
    """The counter officer's page: one main button at a time (call, start, finish)."""
    found = _counter_for(request, counter_id)
    center = found.center
    if request.method == "POST":
        return _counter_post(request, found)
    current = services.current_ticket(found)
    others = center.counters.filter(is_active=True).exclude(pk=found.pk)
    context = {
        "counter": found,
        "center": center,
        "ticket": current,
        "waited": queries.waited_minutes(current) if current else None,
        "line": queries.line_for_counter(found, timezone.now())[:10],
        "groups": _active_groups(center),
        "transfer_form": TransferForm(fields=_fields_served(center), counters=others),
        "fields": ", ".join(f.name_vi for f in found.fields.all()),
    }
    if request.headers.get("HX-Request") and request.GET.get("part") == "line":
        return render(request, "queueing/_counter_line.html", context)
    return render(request, "queueing/counter.html", context)


def _counter_post(request, found: Counter):
    action = request.POST.get("action", "")
    try:
        if action == "call":
            called = services.call_next(found, request.user)
            messages.success(request, _("Đã mời số %(n)s.") % {"n": called.display_number})
        elif action in COUNTER_POSTS:
            services.counter_action(found, COUNTER_POSTS[action], request.user)
        elif action == "transfer":
            _transfer_from_form(request, found)
        elif action == "priority":
            _priority_from_form(request, found)
        elif action == "intake":
            current = services.current_ticket(found)
            if current is None:
                raise QueueError(_("Quầy chưa mời số nào."), "not_allowed")
            visits.remember(request, current)
            return redirect("dossiers:intake")
        elif action == "link":
            _link_from_form(request, found)
        else:
            raise QueueError(_("Thao tác không hợp lệ."), "not_allowed")
    except QueueError as exc:
        messages.error(request, exc.message)
    return redirect("queueing:counter", counter_id=found.pk)


def _transfer_from_form(request, found: Counter) -> None:
    others = found.center.counters.filter(is_active=True).exclude(pk=found.pk)
    form = TransferForm(request.POST, fields=_fields_served(found.center), counters=others)
    if not form.is_valid():
        raise QueueError(_("Chọn lĩnh vực hoặc quầy cần chuyển đến."), "not_allowed")
    to_field = Field.objects.filter(pk=form.cleaned_data["to_field"] or 0).first()
    to_counter = others.filter(pk=form.cleaned_data["to_counter"] or 0).first()
    moved = services.transfer(found, request.user, to_field=to_field, to_counter=to_counter)
    messages.success(
        request,
        _("Đã chuyển số %(n)s; người dân giữ nguyên thời gian đã chờ.")
        % {"n": moved.display_number},
    )


def _priority_from_form(request, found: Counter) -> None:
    current = services.current_ticket(found)
    if current is None:
        raise QueueError(_("Quầy chưa mời số nào."), "not_allowed")
    value = request.POST.get("group", "")
    group = found.center.priority_groups.filter(pk=value, is_active=True).first() if value else None
    services.set_priority(current, group, request.user)
    messages.success(request, _("Đã ghi nhận nhóm ưu tiên."))


def _link_from_form(request, found: Counter) -> None:
    current = services.current_ticket(found)
    code = (request.POST.get("code") or "").strip()
    if current is None:
        raise QueueError(_("Quầy chưa mời số nào."), "not_allowed")
    # Only a dossier the officer may see: another commune's code reads as unknown.
    visible = access.scoped(request.user, Kind.DOSSIER, access.Action.VIEW, Dossier.objects.all())
    dossier = visible.filter(code=code).first()
    if dossier is None:
        raise QueueError(_("Không có hồ sơ mã “%(code)s”.") % {"code": code[:40]}, "unknown_code")
    services.link_dossier(current, dossier, request.user)
    messages.success(request, _("Đã gắn hồ sơ %(code)s với số này.") % {"code": dossier.code})


@staff_required
@require_GET
def staff_ticket(request, ticket_id):
    tickets = Ticket.objects.select_related("center", "field", "priority_group")
    found = access.get_or_404(request.user, Kind.TICKET, access.Action.VIEW, tickets, pk=ticket_id)
    return render(request, "queueing/staff_ticket.html", queries.visit_path(found))


@staff_required
@require_GET
def stats(request):
    center, centers = _chosen_center(request)
    now = timezone.now()
    today = local_today(center, now)
    end = _parse_day(request.GET.get("den")) or today
    start = _parse_day(request.GET.get("tu")) or end - timedelta(days=29)
    if start > end:
        start, end = end, start
    by = request.GET.get("theo") if request.GET.get("theo") in queries.GROUPINGS else "day"
    chosen = centers if request.GET.get("center") == "all" else [center]
    rows, total = queries.queue_statistics(chosen, start, end, by)
    context = {
        "center": center,
        "centers": centers,
        "all_centers": request.GET.get("center") == "all",
        "start": start,
        "end": end,
        "by": by,
        "rows": rows,
        "total": total,
        "groupings": [
            ("day", _("Ngày")),
            ("field", _("Lĩnh vực")),
            ("counter", _("Quầy")),
            ("center", _("Trung tâm")),
        ],
    }
    return render(request, "queueing/stats.html", context)
