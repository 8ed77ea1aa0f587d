"""Reads of dossiers for pages, the API and exports. No writes here."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts import access
from motcua.accounts.models import Role, User
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierStep
from motcua.dossiers.workflow import (
    STATES,
    TRANSITIONS,
    State,
    Transition,
    action_label,
    states_needing,
)
from motcua.identity import normalize_id_number
from motcua.phones import normalize_phone
from motcua.privacy import mask_digits, mask_name
from motcua.text import search_key

# A step or dossier with less than this much working time left is shown amber.
DUE_SOON = timedelta(hours=4)


def visible_dossiers(user: User) -> QuerySet[Dossier]:
    return access.scoped(user, access.Kind.DOSSIER, access.Action.VIEW, Dossier.objects.all())


def dossier_for(user: User, code: str, action: access.Action = access.Action.VIEW) -> Dossier:
    """The dossier with this code if the user may see it (404 otherwise, its existence not
    revealed) and may do ``action`` to it (403 otherwise): ``access.get_or_404``."""
    dossiers = Dossier.objects.select_related(
        "procedure", "procedure__field", "competent_commune", "center", "extension"
    )
    return access.get_or_404(user, access.Kind.DOSSIER, action, dossiers, code=code)


def inbox(user: User) -> QuerySet[Dossier]:
    """What the user has to act on, most urgent first.

    - reception, specialist, leader: dossiers in the states where their role's main action is next
      (``workflow.states_needing``); a specialist sees those assigned to them or to nobody; a leader
      also sees dossiers at the specialist stage that nobody has been assigned to yet;
    - roles without workflow actions (province monitor, commune admin, superuser): every open
      dossier in their scope, so they can watch what is due.
    """
    role = user.role
    states = states_needing(role)
    qs = visible_dossiers(user)
    if watches_everything(user):
        open_states = [s for s, info in STATES.items() if not info.is_final]
        qs = qs.filter(state__in=open_states)
    elif role == Role.SPECIALIST:
        qs = qs.filter(state__in=states).filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
    elif role == Role.LEADER:
        unassigned = Q(state=State.AT_SPECIALIST, assigned_to__isnull=True)
        qs = qs.filter(Q(state__in=states) | unassigned)
    else:
        qs = qs.filter(state__in=states)
    running = DossierStep.objects.filter(finished_at__isnull=True)
    return (
        qs.select_related("procedure", "assigned_to", "competent_commune")
        .prefetch_related(Prefetch("steps", queryset=running, to_attr="running_steps"))
        .order_by(F("due_at").asc(nulls_first=True), "submitted_at")
    )


@dataclass(frozen=True)
class Criteria:
    """What the officer looks for from the inbox: ``text`` is a dossier code, an applicant's name
    (accents, case and punctuation ignored), ID number or phone, typed any way; the rest are
    filters ("" = any). ``due``: "overdue" (the appointment has passed) or "soon" (it comes within
    ``DUE_SOON``), both among dossiers still being processed."""

    text: str = ""
    state: str = ""
    procedure: str = ""
    due: str = ""
    channel: int | None = None

    def __bool__(self) -> bool:
        return bool(self.text.strip() or self.state or self.procedure or self.due or self.channel)


def find_dossiers(user: User, criteria: Criteria, now: datetime | None = None) -> QuerySet[Dossier]:
    """Every dossier the user may see (``access``: the commune's, as the inbox), in any state,
    that matches ``criteria``, the latest filed first. The text matches any of: the code
    (contained, any case), the folded applicant name (``Dossier.applicant_search``, contained),
    the ID number in its normal form (``identity.normalize_id_number``) or the phone in its
    normal form (``phones.normalize_phone``), each exactly: the last two are indexed."""
    now = now or timezone.now()
    qs = visible_dossiers(user)
    text = criteria.text.strip()
    if text:
        match = Q(code__icontains=text)
        key = search_key(text)
        if key:
            match |= Q(applicant_search__contains=key)
        for normal_form in (normalize_id_number, normalize_phone):
            try:
                value = normal_form(text)
            except ValidationError:
                continue
            if value:
                field = (
                    "applicant_phone" if normal_form is normalize_phone else "applicant_id_number"
                )
                match |= Q(**{field: value})
        qs = qs.filter(match)
    if criteria.state:
        qs = qs.filter(state=criteria.state)
    if criteria.procedure:
        qs = qs.filter(procedure__code=criteria.procedure)
    if criteria.channel:
        qs = qs.filter(channel=criteria.channel)
    if criteria.due:
        processing = [
            s for s, info in STATES.items() if not (info.ends_processing or info.is_final)
        ]
        qs = qs.filter(state__in=processing)
        if criteria.due == "overdue":
            qs = qs.filter(due_at__lt=now)
        else:
            qs = qs.filter(due_at__gte=now, due_at__lte=now + DUE_SOON)
    running = DossierStep.objects.filter(finished_at__isnull=True)
    return (
        qs.select_related("procedure", "assigned_to", "competent_commune")
        .prefetch_related(Prefetch("steps", queryset=running, to_attr="running_steps"))
        .order_by("-submitted_at", "-pk")
    )


def procedure_choices() -> list[tuple[str, str]]:
    """(code, name) of the procedures in force, by name: the procedure filter's choices (the
    catalogue's list, not a scan of the dossiers, so a province-wide watch list stays fast)."""
    return list(
        Procedure.objects.filter(is_active=True).order_by("name_vi").values_list("code", "name_vi")
    )


# The same applicant filing the same procedure again within this time is asked to confirm.
REPEAT_WITHIN = timedelta(days=1)


def earlier_filing(
    user: User, *, id_number: str, procedure, now: datetime | None = None
) -> Dossier | None:
    """The latest dossier the user may see of this applicant (ID number in normal form) for this
    procedure, filed within ``REPEAT_WITHIN`` and not refused at the counter; None if there is
    none. The intake form warns before a second one is received by mistake."""
    if not id_number:
        return None
    now = now or timezone.now()
    return (
        visible_dossiers(user)
        .filter(
            applicant_id_number=id_number,
            procedure=procedure,
            submitted_at__gte=now - REPEAT_WITHIN,
        )
        .exclude(state=State.REFUSED_AT_RECEPTION)
        .order_by("-submitted_at")
        .first()
    )


@dataclass(frozen=True)
class Light:
    colour: str  # green / amber / red / grey
    label: str


def due_light(due: datetime | None, now: datetime, *, paused: bool = False) -> Light:
    """The traffic light shown beside a due time (one rule for inbox, dossier page and API)."""
    if paused:
        return Light("grey", str(_("Tạm dừng")))
    if due is None:
        return Light("grey", str(_("Chưa tính hạn")))
    if now > due:
        return Light("red", str(_("Quá hạn")))
    if due - now <= DUE_SOON:
        return Light("amber", str(_("Sắp đến hạn")))
    return Light("green", str(_("Trong hạn")))


def step_light(step: DossierStep | None, now: datetime) -> Light | None:
    """The light of the running step; None for the return step, which has no budget of its own
    (domain.md §5.3: "not counted")."""
    if step is None or step.role == "return":
        return None
    return due_light(step.due_at, now)


def dossier_light(dossier: Dossier, now: datetime | None = None) -> Light:
    now = now or timezone.now()
    info = STATES[dossier.state]
    if info.ends_processing or info.is_final:
        colour = {"early": "green", "on_time": "green", "late": "red"}.get(dossier.timeliness)
        return Light(colour or "grey", dossier.get_timeliness_display() or str(_("Đã kết thúc")))
    # No step runs: the clock is paused (a supplement) or has not started (online, not accepted).
    return due_light(dossier.due_at, now, paused=not info.step_role and dossier.due_at is not None)


# Decree 118 Art. 17(2): staff are alerted within 2 hours of an online dossier's arrival and must
# accept it or ask for corrections within 8 working hours of it.
ONLINE_ALERT_WITHIN = timedelta(hours=2)
ONLINE_ACCEPT_WITHIN_HOURS = 8


@dataclass(frozen=True)
class OnlineAcceptance:
    arrived_at: datetime
    alert_by: datetime
    accept_by: datetime
    light: Light


def online_acceptance(dossier: Dossier, now: datetime | None = None) -> OnlineAcceptance | None:
    """The acceptance deadlines of an online dossier waiting for the one-stop, counted from its
    arrival or from the resident's last correction; None for any other dossier."""
    if dossier.state != State.SUBMITTED_ONLINE:
        return None
    from motcua.dossiers.services import calendar_of  # services import queries' neighbours
    from motcua.workdays import hours

    now = now or timezone.now()
    corrected = (
        dossier.supplements.filter(answered_at__isnull=False)
        .order_by("-answered_at")
        .values_list("answered_at", flat=True)
        .first()
    )
    arrived = max(filter(None, [dossier.submitted_at, corrected]))
    accept_by = calendar_of(dossier).add_working_time(arrived, hours(ONLINE_ACCEPT_WITHIN_HOURS))
    return OnlineAcceptance(
        arrived_at=arrived,
        alert_by=arrived + ONLINE_ALERT_WITHIN,
        accept_by=accept_by,
        light=due_light(accept_by, now),
    )


def component_with_file(dossier: Dossier, uuid) -> DossierDocument | None:
    """The dossier's component whose stored file has this uuid (None if the file is not part of
    this dossier: a uuid alone never opens someone's file)."""
    return (
        dossier.documents.select_related("stored_document")
        .filter(stored_document__uuid=uuid)
        .exclude(stored_document__file="")
        .first()
    )


def next_actions(dossier: Dossier, user: User) -> list[Transition]:
    """The buttons to show: the same state, role and scope rules ``services.perform`` enforces."""
    if not access.permits(user, access.Kind.DOSSIER, access.Action.ACT, dossier):
        return []
    return [
        t
        for t in TRANSITIONS.values()
        if dossier.state in t.sources and (user.is_superuser or user.role in t.roles)
    ]


def watches_everything(user: User) -> bool:
    """Roles without workflow actions (monitor, commune admin, superuser) watch every open
    dossier in their scope instead of having an inbox of their own. A volunteer's scope is the
    dossiers they filed for residents, so they too see those while open."""
    return not states_needing(user.role)


def timeline(dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.select_related("actor").order_by("at", "id")


# --------------------------------------------------------------------------- public tracking


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    action: str
    state_label: str


@dataclass(frozen=True)
class PublicDossier:
    """What anyone holding the code may see: no ID number, phone, address or officer names."""

    code: str
    procedure_name: str
    procedure_code: str
    applicant: str
    id_number: str
    commune: str
    status_code: int
    status_label: str
    state_label: str
    submitted_at: datetime
    received_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    return_method: str
    light: Light
    events: list[PublicEvent]
    waiting_for_applicant: list[str]


def public_dossier(code: str) -> PublicDossier:
    dossier = (
        Dossier.objects.select_related("procedure", "competent_commune")
        .filter(code=code.strip())
        .first()
    )
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ với mã này."))
    events = [
        PublicEvent(
            at=e.at,
            action=str(action_label(e.action)),
            state_label=str(STATES[e.to_state].national.label) if e.to_state else "",
        )
        for e in dossier.events.order_by("at", "id")
    ]
    waiting: list[str] = []
    open_request = dossier.supplements.filter(answered_at__isnull=True).first()
    if open_request is not None:
        waiting = list(open_request.items)
    return PublicDossier(
        code=dossier.code,
        procedure_name=dossier.procedure.name_vi,
        procedure_code=dossier.procedure.code,
        applicant=mask_name(dossier.applicant_name),
        id_number=mask_digits(dossier.applicant_id_number),
        commune=dossier.competent_commune.name,
        status_code=int(dossier.national_status),
        status_label=str(dossier.national_status.label),
        state_label=dossier.get_state_display(),
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        finished_at=dossier.finished_at,
        returned_at=dossier.returned_at,
        return_method=dossier.get_return_method_display(),
        light=dossier_light(dossier),
        events=events,
        waiting_for_applicant=waiting,
    )
