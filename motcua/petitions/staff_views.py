"""Officers' pages for residents' reports (phản ánh, kiến nghị): the inbox ordered by the limit
each report runs against, a report's page with the steps the person may take now, the hotline
operator's screen, and the commune admin's departments and places with their QR placards.

Thin: parse, authorize (``motcua.accounts.access``), call a service (``services``, ``places``)
or a query, render. A service's refusal (``PetitionError``) is shown next to the field it names
and changes nothing; ``PermissionDenied`` is a 403, an object out of sight a 404.
"""

import contextlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from motcua.accounts import access
from motcua.accounts.access import Action, Kind, staff_required
from motcua.errors import PublicNotFound
from motcua.notify.adapters import masked_recipient
from motcua.petitions import places as place_services
from motcua.petitions import queries, services, tasks
from motcua.petitions.errors import PetitionError
from motcua.petitions.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    Channel,
    Department,
    Petition,
    Place,
    Status,
)
from motcua.petitions.staff_forms import (
    AnswerForm,
    CallSearchForm,
    DepartmentForm,
    DraftAnswerForm,
    EmptyForm,
    HotlineForm,
    InboxFilterForm,
    MergeForm,
    ModerateForm,
    PlaceForm,
    QuestionForm,
    ReasonForm,
    ReassignForm,
)
from motcua.petitions.workflow import STEPS
from motcua.phones import normalize_phone
from motcua.privacy import mask_digits, mask_email, mask_name, mask_text
from motcua.ui.forms import add_service_errors
from motcua.ui.qr import qr_svg
from motcua.units.models import Commune

INBOX_PAGE_SIZE = 30
RECENT_CALLS = 20
# The step a report's page offers as its main action, by status (the others are secondary).
MAIN_STEP = {
    Status.RECEIVED: "accept",
    Status.IN_PROGRESS: "draft_answer",
    Status.AWAITING_APPROVAL: "publish",
}
# Steps with nothing to type: one button on the report's page.
DIRECT_STEPS = ("accept",)
MODERATE = "moderate"
LIGHT_LABELS = {
    queries.Light.GREEN: ("green", gettext_lazy("Trong hạn")),
    queries.Light.AMBER: ("amber", gettext_lazy("Sắp đến hạn")),
    queries.Light.RED: ("red", gettext_lazy("Quá hạn")),
    queries.Light.NONE: ("grey", gettext_lazy("Không tính giờ")),
}


def _light(code: str) -> dict:
    colour, label = LIGHT_LABELS[code]
    return {"code": code, "colour": colour, "label": label}


# --------------------------------------------------------------------------- inbox


def _current_limit():
    """``queries.current_limit`` in SQL, to order by it."""
    return Case(
        When(status=Status.RECEIVED, then=F("accept_due_at")),
        When(status=Status.IN_PROGRESS, then=F("due_at")),
        When(status=Status.AWAITING_APPROVAL, then=F("publish_due_at")),
        default=None,
    )


def _overdue(now) -> Q:
    """Open and past the limit the report runs against now (the inbox's red light)."""
    return (
        Q(status=Status.RECEIVED, accept_due_at__lt=now)
        | Q(status=Status.IN_PROGRESS, due_at__lt=now)
        | Q(status=Status.AWAITING_APPROVAL, publish_due_at__lt=now)
    )


STATUS_FILTERS = {
    InboxFilterForm.OPEN: Q(status__in=OPEN_STATUSES),
    InboxFilterForm.AWAITING: Q(status=Status.AWAITING_APPROVAL),
    InboxFilterForm.CLOSED: Q(status__in=CLOSED_STATUSES),
    InboxFilterForm.ALL: Q(),
}


class Lights:
    """Traffic lights for a list: the commune's calendar is read once per commune, not per row."""

    def __init__(self, now):
        self.now = now
        self.calendars: dict[int, object] = {}

    def __call__(self, petition: Petition) -> dict:
        if queries.current_limit(petition) is None:
            return _light(queries.Light.NONE)
        calendar = self.calendars.get(petition.commune_id)
        if calendar is None:
            calendar = self.calendars[petition.commune_id] = queries.calendar_of(petition.commune)
        return _light(queries.light(petition, self.now, calendar=calendar))


@staff_required
def inbox(request):
    """The reports the person may see, open ones first, the one whose limit comes first at the
    top; filters by status, department, category and overdue, with a count per status."""
    user = request.user
    if not access.may(user, Kind.PETITION, Action.VIEW):
        raise PermissionDenied(access.RULES[(Kind.PETITION, Action.VIEW)].refusal)
    now = timezone.now()
    seen = access.scoped(user, Kind.PETITION, Action.VIEW, Petition.objects.all())
    departments = Department.objects.filter(pk__in=seen.values("department_id")).select_related(
        "commune"
    )
    categories = Category.objects.filter(pk__in=seen.values("category_id"))
    form = InboxFilterForm(request.GET or None, departments=departments, categories=categories)
    criteria = form.criteria()
    counts = seen.aggregate(
        **{
            key: Count("pk", filter=condition) if condition else Count("pk")
            for key, condition in STATUS_FILTERS.items()
        },
        overdue=Count("pk", filter=_overdue(now)),
    )
    rows = seen.filter(STATUS_FILTERS[criteria["status"]])
    if criteria.get("department"):
        rows = rows.filter(department_id=criteria["department"])
    if criteria.get("category"):
        rows = rows.filter(category_id=criteria["category"])
    if criteria.get("overdue"):
        rows = rows.filter(_overdue(now))
    rows = (
        rows.select_related("commune", "category", "department")
        .annotate(
            closed_rank=Case(
                When(status__in=OPEN_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            limit=_current_limit(),
        )
        .order_by("closed_rank", F("limit").asc(nulls_last=True), "-received_at", "-pk")
    )
    page = Paginator(rows, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    lights = Lights(now)
    tasks.keep_running()
    return render(
        request,
        "petitions/staff/inbox.html",
        {
            "form": form,
            "page": page,
            "rows": [
                {
                    "petition": p,
                    "light": lights(p),
                    "title": p.title if _sees_contact(user, p) else mask_text(p.title),
                }
                for p in page
            ],
            "counts": counts,
            "status": criteria["status"],
            "status_tabs": [
                (key, label, counts[key]) for key, label in InboxFilterForm.STATUS_CHOICES
            ],
            "watching": not user.commune_id,
            "may_configure": access.permits(
                user, Kind.COMMUNE, Action.CONFIGURE, user.commune if user.commune_id else None
            ),
        },
        status=400 if form.errors else 200,
    )


# --------------------------------------------------------------------------- one report


def _petitions():
    return Petition.objects.select_related(
        "commune__province",
        "category",
        "department",
        "assigned_to",
        "place",
        "dossier",
        "ticket",
        "entered_by",
        "answered_by",
        "approved_by",
        "merged_into",
        "repeat_of",
    )


def _sees_contact(user, petition: Petition) -> bool:
    """The reporter's contact in clear: for the officers who may answer the report and for the
    hotline operator who typed the call in; monitors (and other operators) read it masked."""
    return access.permits(user, Kind.PETITION, Action.HANDLE, petition) or (
        petition.entered_by_id is not None and petition.entered_by_id == user.pk
    )


@dataclass
class StepLink:
    key: str
    label: str
    main: bool
    direct: bool


def _available_steps(user, petition: Petition) -> list[StepLink]:
    """What the person may do to the report now: the workflow's table and the access rule."""
    found = []
    for key, step in STEPS.items():
        if petition.status in step.sources and access.permits(
            user, Kind.PETITION, step.action, petition
        ):
            found.append(
                StepLink(
                    key,
                    str(step.label),
                    MAIN_STEP.get(petition.status) == key,
                    key in DIRECT_STEPS,
                )
            )
    if access.permits(user, Kind.PETITION, Action.MODERATE, petition):
        found.append(StepLink(MODERATE, _("Biên tập nội dung công khai"), False, False))
    found.sort(key=lambda s: not s.main)
    return found


def _notifications(petitions: list[Petition]) -> dict[int, list[dict]]:
    """The messages to each report's reporter (SMS, e-mail), masked, as the pages show them."""
    return {
        pk: [
            {
                "message": message,
                "to": masked_recipient(message),
                "published_sms": message.dedupe_key == f"petition:{pk}:published:sms",
                "colour": {"sent": "green", "failed": "red"}.get(message.status, "grey"),
            }
            for message in messages
        ]
        for pk, messages in queries.reporter_messages([p.pk for p in petitions]).items()
    }


def _map_url(petition) -> str:
    if petition.latitude is None or petition.longitude is None:
        return ""
    lat, lon = petition.latitude, petition.longitude
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"


def _detail_context(user, petition: Petition) -> dict:
    clear = _sees_contact(user, petition)
    contact = {
        "name": petition.reporter_name if clear else mask_name(petition.reporter_name),
        "phone": petition.reporter_phone if clear else mask_digits(petition.reporter_phone),
        "email": petition.reporter_email if clear else mask_email(petition.reporter_email),
        "masked": not clear,
    }
    events = petition.events.select_related("actor").order_by("at", "pk")
    notes = _notifications([petition])[petition.pk]
    return {
        "petition": petition,
        "light": _light(queries.light(petition)),
        "limit": queries.current_limit(petition),
        "contact": contact,
        "description": petition.description if clear else mask_text(petition.description),
        "title": petition.title if clear else mask_text(petition.title),
        "public_text": queries.public_text(petition),
        "photos": list(petition.photos.all()),
        "events": [
            {
                "at": e.at,
                "action": e.get_kind_display(),
                "actor": str(e.actor) if e.actor else "",
                "note": e.note if clear or e.kind != "info_provided" else mask_text(e.note),
            }
            for e in events
        ],
        "escalations": petition.escalations.select_related("rule").order_by("at"),
        "notifications": notes,
        "published_sms": next((n for n in notes if n["published_sms"]), None),
        "steps": _available_steps(user, petition),
        "map_url": _map_url(petition),
        "dossier_visible": petition.dossier_id is not None
        and access.permits(user, Kind.DOSSIER, Action.VIEW, petition.dossier),
        "ticket_visible": petition.ticket_id is not None
        and access.permits(user, Kind.TICKET, Action.VIEW, petition.ticket),
    }


@staff_required
def detail(request, pk: int):
    petition = access.get_or_404(request.user, Kind.PETITION, Action.VIEW, _petitions(), pk=pk)
    return render(request, "petitions/staff/detail.html", _detail_context(request.user, petition))


@staff_required
def photo(request, pk: int, photo_pk: int):
    """A photo of the report, for those who may see the report."""
    petition = access.get_or_404(request.user, Kind.PETITION, Action.VIEW, Petition.objects, pk=pk)
    found = petition.photos.filter(pk=photo_pk).first()
    if found is None:
        raise PublicNotFound(_("Không tìm thấy ảnh."))
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError):
        raise PublicNotFound(_("Không tìm thấy ảnh.")) from None
    response = FileResponse(handle, content_type=found.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="{petition.reference}-{found.pk}.{found.extension}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- steps


def _step_form(step: str, petition: Petition, data=None, files=None):
    if step == "accept":
        return EmptyForm(data)
    if step == "request_info":
        return QuestionForm(data)
    if step == "draft_answer":
        return DraftAnswerForm(data, files, initial={"answer": petition.answer})
    if step == "publish":
        return AnswerForm(data, initial={"answer": petition.answer})
    if step == "reassign":
        departments = Department.objects.filter(commune=petition.commune, is_active=True)
        communes = (
            Commune.objects.current()
            .filter(province_id=petition.commune.province_id)
            .exclude(pk=petition.commune_id)
            .order_by("name")
        )
        return ReassignForm(data, departments=departments, communes=communes)
    if step == "merge":
        return MergeForm(data)
    if step == MODERATE:
        return ModerateForm(
            data, initial={"public_text": petition.public_text, "hidden": petition.is_hidden}
        )
    return ReasonForm(data)  # return_answer, reject


REFERENCE = re.compile(r"^\s*(?:PA\s*-?\s*)?(\d{1,12})\s*$", re.IGNORECASE)


def _merge_target(user, petition: Petition, raw: str) -> Petition:
    match = REFERENCE.match(raw or "")
    target = None
    if match:
        target = (
            access.scoped(user, Kind.PETITION, Action.VIEW, Petition.objects.all())
            .filter(pk=int(match.group(1)))
            .first()
        )
    if target is None:
        raise PetitionError(
            _("Không tìm thấy phản ánh '%(ref)s'. Hãy nhập mã dạng PA-125.")
            % {"ref": (raw or "").strip()[:40]},
            "merge_target",
            "into",
        )
    return target


def _run_step(step: str, petition: Petition, user, data: dict) -> Petition:
    if step == "accept":
        return services.accept(petition, user)
    if step == "request_info":
        return services.request_info(petition, user, data["question"])
    if step == "draft_answer":
        return services.draft_answer(petition, user, data["answer"], data["photos"])
    if step == "publish":
        return services.publish(petition, user, data["answer"])
    if step == "return_answer":
        return services.return_answer(petition, user, data["reason"])
    if step == "reject":
        return services.reject(petition, user, data["reason"])
    if step == "reassign":
        department = commune = None
        if data.get("department"):
            department = Department.objects.filter(
                pk=data["department"], commune=petition.commune
            ).first()
        if data.get("commune"):
            commune = Commune.objects.current().filter(code=data["commune"]).first()
        return services.reassign(
            petition, user, data["reason"], department=department, commune=commune
        )
    if step == "merge":
        target = _merge_target(user, petition, data["into"])
        return services.merge(petition, user, target, data["reason"])
    return services.moderate(
        petition,
        user,
        public_text=data["public_text"],
        hidden=data["hidden"],
        reason=data["reason"],
    )


DONE = {
    "accept": gettext_lazy("Bạn đã nhận xử lý phản ánh %(ref)s."),
    "request_info": gettext_lazy("Đã gửi câu hỏi cho người phản ánh %(ref)s."),
    "draft_answer": gettext_lazy("Đã trình lãnh đạo duyệt câu trả lời phản ánh %(ref)s."),
    "publish": gettext_lazy(
        "Đã công khai câu trả lời phản ánh %(ref)s; người phản ánh được báo qua tin nhắn."
    ),
    "return_answer": gettext_lazy("Đã trả lại dự thảo trả lời phản ánh %(ref)s."),
    "reject": gettext_lazy("Đã không tiếp nhận phản ánh %(ref)s; người phản ánh được báo lý do."),
    "reassign": gettext_lazy("Đã chuyển xử lý phản ánh %(ref)s."),
    "merge": gettext_lazy("Đã gộp phản ánh %(ref)s."),
    MODERATE: gettext_lazy("Đã lưu nội dung công khai của phản ánh %(ref)s."),
}


@staff_required
@require_http_methods(["GET", "POST"])
def step(request, pk: int, step: str):
    """One step on one report: its form (GET), and the service call (POST, then back to the
    report's page with a confirmation)."""
    user = request.user
    petition = access.get_or_404(user, Kind.PETITION, Action.VIEW, _petitions(), pk=pk)
    if step == MODERATE:
        action = Action.MODERATE
    elif step in STEPS:
        action = STEPS[step].action
    else:
        raise PublicNotFound(_("Không có bước xử lý này."))
    access.require(user, Kind.PETITION, action, petition)
    if request.method == "GET" and step in STEPS and petition.status not in STEPS[step].sources:
        messages.warning(
            request,
            _("Không thể %(step)s: phản ánh đang ở trạng thái '%(status)s'.")
            % {"step": str(STEPS[step].label).lower(), "status": petition.get_status_display()},
        )
        return redirect("petitions:staff_detail", petition.pk)
    posted = request.method == "POST"
    form = _step_form(
        step, petition, request.POST if posted else None, request.FILES if posted else None
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _run_step(step, petition, user, form.cleaned_data)
            except PetitionError as exc:
                if exc.field in form.fields:
                    form.add_error(exc.field, exc.messages)
                else:
                    add_service_errors(form, exc)
            else:
                messages.success(request, DONE[step] % {"ref": petition.reference})
                return redirect("petitions:staff_detail", petition.pk)
        status = 400
    label = _("Biên tập nội dung công khai") if step == MODERATE else str(STEPS[step].label)
    return render(
        request,
        "petitions/staff/step.html",
        {"petition": petition, "step": step, "step_label": label, "form": form},
        status=status,
    )


# --------------------------------------------------------------------------- hotline


def _call_rows(petitions: list[Petition]) -> list[dict]:
    notes = _notifications(petitions)
    return [
        {
            "petition": p,
            "sms": next((n for n in notes[p.pk] if n["published_sms"]), None),
        }
        for p in petitions
    ]


@staff_required
@require_http_methods(["GET", "POST"])
def hotline(request):
    """Type in a call as a report for a commune of the operator's province; below, the calls the
    operator entered (or found by reference or phone), with the answer to read back."""
    user = request.user
    if not access.may(user, Kind.COMMUNE, Action.TAKE_CALL):
        raise PermissionDenied(access.RULES[(Kind.COMMUNE, Action.TAKE_CALL)].refusal)
    communes = list(
        access.scoped(
            user,
            Kind.COMMUNE,
            Action.TAKE_CALL,
            Commune.objects.current().select_related("province"),
        ).order_by("province__code", "name")
    )
    categories = list(queries.categories_for(user.province))
    form = HotlineForm(
        request.POST if request.method == "POST" else None,
        communes=communes,
        categories=categories,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            commune = next((c for c in communes if c.code == data["commune"]), None)
            category = (
                queries.category_by_code(commune.province, data["category"]) if commune else None
            )
            try:
                petition = services.submit(
                    services.Report(
                        commune=commune,
                        category=category,
                        description=data["description"],
                        channel=Channel.HOTLINE,
                        reporter_name=data["reporter_name"],
                        reporter_phone=data["reporter_phone"],
                        address=data["address"],
                        entered_by=user,
                    )
                )
            except PetitionError as exc:
                if exc.field in form.fields:
                    form.add_error(exc.field, exc.messages)
                else:
                    add_service_errors(form, exc)
            else:
                tasks.keep_running()
                messages.success(
                    request,
                    _(
                        "Đã nhập cuộc gọi thành phản ánh %(ref)s, chuyển cho %(commune)s. Đọc mã "
                        "%(ref)s cho người gọi; họ nhận tin nhắn xác nhận."
                    )
                    % {"ref": petition.reference, "commune": petition.commune.name},
                )
                return redirect("petitions:hotline")
        status = 400
    search = CallSearchForm(request.GET or None)
    seen = access.scoped(user, Kind.PETITION, Action.VIEW, Petition.objects.all())
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    calls = seen.filter(_call_matches(q)) if q else seen.filter(entered_by=user)
    calls = list(
        calls.select_related("commune", "category").order_by("-received_at", "-pk")[:RECENT_CALLS]
    )
    return render(
        request,
        "petitions/staff/hotline.html",
        {
            "form": form,
            "search": search,
            "q": q,
            "calls": _call_rows(calls),
            "communes": communes,
        },
        status=status,
    )


def _call_matches(q: str) -> Q:
    match = REFERENCE.match(q)
    found = Q(pk__in=[])
    if match and q.strip().upper().startswith("PA"):
        return Q(pk=int(match.group(1)))
    with contextlib.suppress(ValidationError):  # not a phone: a bare number may be a reference
        found |= Q(reporter_phone=normalize_phone(q))
    if match:
        found |= Q(pk=int(match.group(1)))
    return found


# --------------------------------------------------------------------------- departments


def _save_department(request, commune, form, department=None) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.save_department(
            request.user,
            commune,
            name=data["name"],
            kind=data["kind"],
            is_active=data["is_active"],
            department=department,
        )
    except PetitionError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.messages)
        return False
    return True


@staff_required
@require_http_methods(["GET", "POST"])
def departments(request):
    """The commune's departments that answer reports: the reform's default set (made on the
    admin's request), added ones, renamed or closed ones."""
    commune = access.own_commune(request.user, Kind.COMMUNE, Action.CONFIGURE)
    form = DepartmentForm(initial={"is_active": True})
    status = 200
    if request.method == "POST":
        if request.POST.get("defaults"):
            services.ensure_departments(commune)
            messages.success(request, _("Đã tạo danh sách phòng, ban mặc định."))
            return redirect("petitions:departments")
        form = DepartmentForm(request.POST)
        if _save_department(request, commune, form):
            messages.success(
                request, _("Đã thêm phòng, ban '%(name)s'.") % {"name": form.cleaned_data["name"]}
            )
            return redirect("petitions:departments")
        status = 400
    rows = (
        Department.objects.filter(commune=commune)
        .annotate(open_count=Count("petitions", filter=Q(petitions__status__in=OPEN_STATUSES)))
        .order_by("-is_active", "kind", "name")
    )
    return render(
        request,
        "petitions/staff/departments.html",
        {"commune": commune, "departments": rows, "form": form},
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def department(request, pk: int):
    commune = access.own_commune(request.user, Kind.COMMUNE, Action.CONFIGURE)
    found = Department.objects.filter(commune=commune, pk=pk).first()
    if found is None:
        raise PublicNotFound(_("Không tìm thấy phòng, ban này."))
    form = DepartmentForm(
        initial={"name": found.name, "kind": found.kind, "is_active": found.is_active}
    )
    status = 200
    if request.method == "POST":
        form = DepartmentForm(request.POST)
        if _save_department(request, commune, form, found):
            messages.success(request, _("Đã lưu phòng, ban '%(name)s'.") % {"name": found.name})
            return redirect("petitions:departments")
        status = 400
    return render(
        request,
        "petitions/staff/department.html",
        {"commune": commune, "department": found, "form": form},
        status=status,
    )


# --------------------------------------------------------------------------- places


def placard_url(place: Place) -> str:
    """Where a placard's QR code leads: the residents' report form for the place."""
    return settings.PUBLIC_BASE_URL + reverse("petitions:place", args=[place.key])


def _save_place(request, commune, form, place=None) -> Place | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return place_services.save_place(
            request.user,
            commune,
            name=data["name"],
            address=data["address"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            is_active=data["is_active"],
            place=place,
        )
    except PetitionError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.messages)
        return None


def _own_place(request, pk: int) -> tuple[Commune, Place]:
    commune = access.own_commune(request.user, Kind.COMMUNE, Action.CONFIGURE)
    found = Place.objects.filter(commune=commune, pk=pk).first()
    if found is None:
        raise PublicNotFound(_("Không tìm thấy địa điểm này."))
    return commune, found


@staff_required
@require_http_methods(["GET", "POST"])
def places(request):
    """The commune's places with a QR placard: add one, edit, print its placard."""
    commune = access.own_commune(request.user, Kind.COMMUNE, Action.CONFIGURE)
    form = PlaceForm(initial={"is_active": True})
    status = 200
    if request.method == "POST":
        form = PlaceForm(request.POST)
        saved = _save_place(request, commune, form)
        if saved is not None:
            messages.success(request, _("Đã thêm địa điểm '%(name)s'.") % {"name": saved.name})
            return redirect("petitions:places")
        status = 400
    rows = Place.objects.filter(commune=commune).order_by("-is_active", "name")
    return render(
        request,
        "petitions/staff/places.html",
        {"commune": commune, "places": rows, "form": form},
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def place_edit(request, pk: int):
    commune, found = _own_place(request, pk)
    form = PlaceForm(
        initial={
            "name": found.name,
            "address": found.address,
            "latitude": found.latitude if found.latitude is not None else "",
            "longitude": found.longitude if found.longitude is not None else "",
            "is_active": found.is_active,
        }
    )
    status = 200
    if request.method == "POST":
        form = PlaceForm(request.POST)
        saved = _save_place(request, commune, form, found)
        if saved is not None:
            messages.success(request, _("Đã lưu địa điểm '%(name)s'.") % {"name": saved.name})
            return redirect("petitions:places")
        status = 400
    return render(
        request,
        "petitions/staff/place.html",
        {"commune": commune, "place": found, "form": form},
        status=status,
    )


@staff_required
def placard(request, pk: int):
    """An A4 page to print and put up at the place: the commune, the call to report, the QR."""
    commune, found = _own_place(request, pk)
    url = placard_url(found)
    return render(
        request,
        "petitions/staff/placard.html",
        {"commune": commune, "place": found, "url": url, "qr": qr_svg(url, scale=8)},
    )
