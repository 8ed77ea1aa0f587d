"""Who may do what to which object: the one access rule of motcua (ADR 0023).

Every page, API route, export and service that acts for a person asks this module. The rule is
the table ``RULES`` below, written as data: for each kind of object and each action, the
relation a person of each role must have to the object —

- ``COMMUNE``: the object belongs to the person's commune (a dossier's deciding commune, a
  counter's centre's commune, the commune itself);
- ``RECEIVING``: the person's commune received the dossier (for another commune);
- ``PROVINCE``: the object lies in the person's province (province monitors);
- ``ASSISTED``: the person filed the dossier for a resident (community volunteers);
- ``ANY``: every object (superusers).

``KINDS`` says, for each kind, the model its querysets hold and the field paths from one object
to the commune, province or helper each relation compares (``accounts`` sits just above
``units`` and imports no higher app: callers pass the querysets and objects).

How to ask:

- ``scoped(user, kind, action, queryset)`` — the objects the person may do this to (lists, the
  inbox, the centres of the queue statistics);
- ``get_or_404(user, kind, action, queryset, **lookup)`` — the one object a request names;
- ``require(user, kind, action, obj)`` / ``permits(...)`` — an object already in hand (services,
  which buttons to show);
- ``own_commune(user, kind, action)`` — pages about the person's own commune (intake, the
  procedure list, assisted filing);
- ``commune_named`` / ``province_named`` — statistics pages that name a commune or province by
  code (or mean the person's own);
- ``may(user, kind, action)`` — whether the person may do it to anything at all (menus).

Refusals: an object the person may not *see* (``Action.VIEW`` of its kind) answers 404
(``PublicNotFound``), whether it is another commune's or of a kind their role sees none of, so its
existence is not revealed; an object they may see but not act on answers 403. Pages about one's
own commune answer 403 (the person named nothing). Only active accounts with a role (or
superusers) are officers: everybody else — anonymous, inactive, role-less — has no row anywhere.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property, wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import F, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import Role
from motcua.errors import PublicNotFound
from motcua.units.models import Commune, Province


class Kind(StrEnum):
    DOSSIER = "dossier"
    COMMUNE = "commune"  # the commune as an office: its procedure list, intake, assisted filing
    COMMUNE_STATISTICS = "commune_statistics"  # dashboard, step table, monthly report, index
    PROVINCE_STATISTICS = "province_statistics"  # ranking, the province's table
    INDEX_INPUTS = "index_inputs"  # the monitor's inputs to the service index (a province)
    QUEUE_CENTER = "queue_center"
    COUNTER = "counter"
    TICKET = "ticket"
    PETITION = "petition"  # a resident's report or suggestion (phản ánh, kiến nghị)


class Action(StrEnum):
    VIEW = "view"
    ACT = "act"  # a workflow action (which one: the workflow's own table, dossiers.workflow)
    DOWNLOAD = "download"  # a dossier's files and printed forms
    ATTACH = "attach"  # attach the scan of a paper handed in at the counter to a dossier
    EXPORT = "export"  # a statistics page as a spreadsheet or CSV
    EDIT = "edit"  # standardise the commune's procedure list
    RECEIVE = "receive"  # receive dossiers at the counter (intake)
    ASSIST = "assist"  # file online for a resident
    ENTER = "enter"  # enter index inputs
    OPERATE = "operate"  # issue numbers, work a counter, link a visit's dossier
    CONFIGURE = "configure"  # queue settings, priority groups, office hours (the admin)
    CHANGE_PRIORITY = "change_priority"
    AUDIT = "audit"  # read the commune's trail of look-ups in citizens' document stores
    COLLECT_FEE = "collect_fee"  # record a dossier's fee paid or waived (and print its receipt)
    HANDLE = "handle"  # work on a report: ask the reporter for more, draft the answer, reject it
    APPROVE = "approve"  # approve and publish a report's answer, or send the draft back
    ASSIGN = "assign"  # pass a report to another department or commune, merge duplicates
    MODERATE = "moderate"  # write the public text of a report, hide it from public pages
    TAKE_CALL = "take_call"  # type in a hotline call as a report for a commune


class Relation(StrEnum):
    COMMUNE = "own commune"
    RECEIVING = "receiving commune"
    PROVINCE = "own province"
    ASSISTED = "own assisted"
    ANY = "any"


SUPERUSER = "superuser"  # the column of superusers, whatever their role field says
ROLES = (*Role.values, SUPERUSER)


@dataclass(frozen=True)
class KindInfo:
    model: str  # ``app_label.modelname`` of the objects (checked on every call)
    paths: dict[Relation, tuple[str, ...]]  # field paths to the id each relation compares
    not_found: Promise  # the 404's message


@dataclass(frozen=True)
class Rule:
    roles: dict[str, tuple[Relation, ...]]  # role → relations (any one suffices)
    refusal: Promise  # the 403's message, for a person who sees the object but may not do this


_COMMUNE_OF_COMMUNE = {Relation.COMMUNE: ("pk",), Relation.PROVINCE: ("province_id",)}
_IN_A_CENTER = {
    Relation.COMMUNE: ("center__commune_id",),
    Relation.PROVINCE: ("center__commune__province_id",),
}

KINDS: dict[Kind, KindInfo] = {
    Kind.DOSSIER: KindInfo(
        "dossiers.dossier",
        {
            Relation.COMMUNE: ("competent_commune_id",),
            Relation.RECEIVING: ("receiving_commune_id",),
            Relation.PROVINCE: (
                "competent_commune__province_id",
                "receiving_commune__province_id",
            ),
            Relation.ASSISTED: ("assistance__assisted_by_id",),
        },
        gettext_lazy("Không tìm thấy hồ sơ."),
    ),
    Kind.COMMUNE: KindInfo(
        "units.commune", _COMMUNE_OF_COMMUNE, gettext_lazy("Không tìm thấy xã, phường này.")
    ),
    Kind.COMMUNE_STATISTICS: KindInfo(
        "units.commune",
        _COMMUNE_OF_COMMUNE,
        gettext_lazy("Không tìm thấy số liệu thống kê của xã, phường này."),
    ),
    Kind.PROVINCE_STATISTICS: KindInfo(
        "units.province",
        {Relation.PROVINCE: ("pk",)},
        gettext_lazy("Không tìm thấy bảng xếp hạng của tỉnh này."),
    ),
    Kind.INDEX_INPUTS: KindInfo(
        "units.province",
        {Relation.PROVINCE: ("pk",)},
        gettext_lazy("Không tìm thấy trang nhập số liệu."),
    ),
    Kind.QUEUE_CENTER: KindInfo(
        "units.servicecenter",
        {Relation.COMMUNE: ("commune_id",), Relation.PROVINCE: ("commune__province_id",)},
        gettext_lazy("Không tìm thấy trung tâm."),
    ),
    Kind.COUNTER: KindInfo("units.counter", _IN_A_CENTER, gettext_lazy("Không tìm thấy quầy.")),
    Kind.TICKET: KindInfo(
        "queueing.ticket", _IN_A_CENTER, gettext_lazy("Không tìm thấy số thứ tự.")
    ),
    Kind.PETITION: KindInfo(
        "petitions.petition",
        {Relation.COMMUNE: ("commune_id",), Relation.PROVINCE: ("commune__province_id",)},
        gettext_lazy("Không tìm thấy phản ánh, kiến nghị."),
    ),
}

# The roles' columns, as the table below writes them.
R, S, L, A = Role.RECEPTION, Role.SPECIALIST, Role.LEADER, Role.COMMUNE_ADMIN
M, V, H, SU = Role.PROVINCE_MONITOR, Role.VOLUNTEER, Role.HOTLINE_OPERATOR, SUPERUSER
# The relations, as the table below writes them.
C, CR, P = (Relation.COMMUNE,), (Relation.COMMUNE, Relation.RECEIVING), (Relation.PROVINCE,)
ASSISTED, ANY = (Relation.ASSISTED,), (Relation.ANY,)
COMMUNE_OFFICERS = (R, S, L, A)  # the officers who work in a commune's one-stop and offices


def _each(roles, relations) -> dict[str, tuple[Relation, ...]]:
    return dict.fromkeys(roles, relations)


RULES: dict[tuple[Kind, Action], Rule] = {
    # Dossiers: officers see what their commune decides or received; monitors their province's;
    # volunteers what they filed. Officers of the deciding commune act on it (the workflow's
    # table says which step each role takes); the receiving commune's one-stop too (it hands
    # results of dossiers it received for another commune).
    (Kind.DOSSIER, Action.VIEW): Rule(
        {**_each(COMMUNE_OFFICERS, CR), M: P, V: ASSISTED, SU: ANY},
        gettext_lazy("Bạn không được xem hồ sơ này."),
    ),
    (Kind.DOSSIER, Action.ACT): Rule(
        {R: CR, S: C, L: C, A: C, SU: ANY}, gettext_lazy("Hồ sơ này không thuộc đơn vị của bạn.")
    ),
    # Fees are paid where the result is handed over: the one-stop of the deciding commune, or of
    # the commune that received the dossier for it.
    (Kind.DOSSIER, Action.COLLECT_FEE): Rule(
        {R: CR, SU: ANY}, gettext_lazy("Chỉ cán bộ bộ phận một cửa được thu phí, lệ phí.")
    ),
    (Kind.DOSSIER, Action.DOWNLOAD): Rule(
        {**_each(COMMUNE_OFFICERS, CR), M: P, V: ASSISTED, SU: ANY},
        gettext_lazy("Bạn không được tải giấy tờ của hồ sơ này."),
    ),
    # Scans of the papers: the one-stop that received them (also for another commune) and the
    # specialist who holds the papers; leaders and admins read them but do not scan.
    (Kind.DOSSIER, Action.ATTACH): Rule(
        {R: CR, S: C, SU: ANY},
        gettext_lazy("Chỉ cán bộ một cửa và chuyên viên được đính kèm bản quét giấy tờ."),
    ),
    # The commune as an office: every officer and volunteer of the commune reads its procedure
    # list; its admin standardises it; reception receives dossiers; reception and volunteers
    # file online for residents (assisted filing records who helped, so it is a person's act,
    # not an operator's: superusers do not file for residents).
    (Kind.COMMUNE, Action.VIEW): Rule(
        {**_each((*COMMUNE_OFFICERS, V), C), H: P, SU: ANY},
        gettext_lazy("Trang này dành cho cán bộ của một xã, phường."),
    ),
    (Kind.COMMUNE, Action.EDIT): Rule(
        {A: C, SU: ANY}, gettext_lazy("Chỉ quản trị xã được chuẩn hóa danh mục thủ tục.")
    ),
    (Kind.COMMUNE, Action.RECEIVE): Rule(
        {R: C, SU: ANY}, gettext_lazy("Chỉ cán bộ bộ phận một cửa được tiếp nhận hồ sơ.")
    ),
    # Who looked up which citizen's papers at intake (ADR 0024): the commune admin's to read.
    (Kind.COMMUNE, Action.AUDIT): Rule(
        {A: C, SU: ANY},
        gettext_lazy("Chỉ quản trị xã xem được nhật ký tra cứu kho giấy tờ."),
    ),
    # The commune's offices that answer reports, and its places with QR placards.
    (Kind.COMMUNE, Action.CONFIGURE): Rule(
        {A: C, SU: ANY},
        gettext_lazy("Chỉ quản trị xã được sửa danh sách phòng, ban và địa điểm có mã QR."),
    ),
    # Hotline operators type in calls for any commune of their province.
    (Kind.COMMUNE, Action.TAKE_CALL): Rule(
        {H: P, SU: ANY}, gettext_lazy("Chỉ tổng đài viên đường dây nóng được nhập cuộc gọi.")
    ),
    (Kind.COMMUNE, Action.ASSIST): Rule(
        {R: C, V: C},
        gettext_lazy(
            "Chỉ thành viên tổ công nghệ số cộng đồng và cán bộ một cửa được nộp hồ sơ hộ."
        ),
    ),
    # Statistics: a commune's leaders and admins see their commune's; monitors every commune of
    # their province, the ranking and the province's table, and enter the index inputs.
    (Kind.COMMUNE_STATISTICS, Action.VIEW): Rule(
        {L: C, A: C, M: P, SU: ANY}, gettext_lazy("Bạn không được xem số liệu này.")
    ),
    (Kind.COMMUNE_STATISTICS, Action.EXPORT): Rule(
        {L: C, A: C, M: P, SU: ANY}, gettext_lazy("Bạn không được tải số liệu này.")
    ),
    (Kind.PROVINCE_STATISTICS, Action.VIEW): Rule(
        {M: P, SU: ANY}, gettext_lazy("Bạn không được xem số liệu này.")
    ),
    (Kind.PROVINCE_STATISTICS, Action.EXPORT): Rule(
        {M: P, SU: ANY}, gettext_lazy("Bạn không được tải số liệu này.")
    ),
    (Kind.INDEX_INPUTS, Action.VIEW): Rule(
        {M: P, SU: ANY}, gettext_lazy("Bạn không được xem số liệu này.")
    ),
    (Kind.INDEX_INPUTS, Action.ENTER): Rule(
        {M: P, SU: ANY}, gettext_lazy("Chỉ cán bộ giám sát của tỉnh được nhập số liệu chỉ số.")
    ),
    # The queue: a commune's officers run its centres and counters; monitors watch their
    # province's; volunteers have no part in it. Configuration is the operator's, in the admin.
    (Kind.QUEUE_CENTER, Action.VIEW): Rule(
        {**_each(COMMUNE_OFFICERS, C), M: P, SU: ANY},
        gettext_lazy("Bạn không được xem hàng đợi này."),
    ),
    (Kind.QUEUE_CENTER, Action.OPERATE): Rule(
        {**_each(COMMUNE_OFFICERS, C), SU: ANY},
        gettext_lazy("Bạn chỉ xem được hàng đợi của trung tâm này."),
    ),
    (Kind.QUEUE_CENTER, Action.CONFIGURE): Rule(
        {SU: ANY}, gettext_lazy("Chỉ quản trị hệ thống được thay đổi cấu hình hàng đợi.")
    ),
    (Kind.COUNTER, Action.VIEW): Rule(
        {**_each(COMMUNE_OFFICERS, C), M: P, SU: ANY},
        gettext_lazy("Bạn không được xem quầy này."),
    ),
    (Kind.COUNTER, Action.OPERATE): Rule(
        {**_each(COMMUNE_OFFICERS, C), SU: ANY},
        gettext_lazy("Bạn chỉ xem được quầy này, không làm việc tại quầy."),
    ),
    (Kind.TICKET, Action.VIEW): Rule(
        {**_each(COMMUNE_OFFICERS, C), M: P, SU: ANY},
        gettext_lazy("Bạn không được xem số thứ tự này."),
    ),
    (Kind.TICKET, Action.OPERATE): Rule(
        {**_each(COMMUNE_OFFICERS, C), SU: ANY},
        gettext_lazy("Bạn chỉ xem được số thứ tự này."),
    ),
    (Kind.TICKET, Action.CHANGE_PRIORITY): Rule(
        {**_each(COMMUNE_OFFICERS, C), SU: ANY},
        gettext_lazy("Bạn không được đổi nhóm ưu tiên của số này."),
    ),
    # Residents' reports: the commune's officers see and handle their commune's; a leader
    # approves and publishes the answer; the one-stop, leaders and admins pass reports on or
    # merge them; leaders and admins moderate what the public pages show. Monitors watch the
    # province's; hotline operators read back the answers of the province's reports they
    # took calls for. Residents follow their own report through its private link, not here.
    (Kind.PETITION, Action.VIEW): Rule(
        {**_each(COMMUNE_OFFICERS, C), M: P, H: P, SU: ANY},
        gettext_lazy("Bạn không được xem phản ánh này."),
    ),
    (Kind.PETITION, Action.HANDLE): Rule(
        {**_each(COMMUNE_OFFICERS, C), SU: ANY},
        gettext_lazy("Phản ánh này không thuộc xã, phường của bạn."),
    ),
    (Kind.PETITION, Action.APPROVE): Rule(
        {L: C, SU: ANY}, gettext_lazy("Chỉ lãnh đạo UBND xã được duyệt và công khai trả lời.")
    ),
    (Kind.PETITION, Action.ASSIGN): Rule(
        {R: C, L: C, A: C, SU: ANY},
        gettext_lazy("Chỉ cán bộ một cửa, lãnh đạo và quản trị xã được chuyển hoặc gộp phản ánh."),
    ),
    (Kind.PETITION, Action.MODERATE): Rule(
        {L: C, A: C, SU: ANY},
        gettext_lazy("Chỉ lãnh đạo và quản trị xã được biên tập nội dung công khai."),
    ),
}


def _check_table() -> None:
    """The table's own consistency, checked at import: every kind can be seen by someone before
    anything is done to it, and every relation used has its field paths."""
    for (kind, action), rule in RULES.items():
        assert (kind, Action.VIEW) in RULES, f"{kind} has {action} but no {Action.VIEW} row"
        for role, relations in rule.roles.items():
            assert role in ROLES, f"unknown role {role!r} in {kind}/{action}"
            for relation in relations:
                assert relation is Relation.ANY or relation in KINDS[kind].paths, (
                    f"{kind} has no path for {relation}"
                )


_check_table()


# --------------------------------------------------------------------------- who is an officer


def is_officer(user) -> bool:
    """An active staff account with a role, or a superuser. Nobody else has any row of the table:
    anonymous visitors, residents (they are not ``User`` accounts), closed and role-less
    accounts."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role)
    )


def column_of(user) -> str | None:
    """The table's column for ``user`` (``superuser`` for a superuser), None for a non-officer."""
    if not is_officer(user):
        return None
    return SUPERUSER if user.is_superuser else user.role


def relations(user, kind: Kind, action: Action) -> tuple[Relation, ...]:
    column = column_of(user)
    return RULES[(kind, action)].roles.get(column, ()) if column else ()


def _anchor(user, relation: Relation):
    """What the object's path must equal for ``relation`` to hold (None: it cannot hold)."""
    if relation in (Relation.COMMUNE, Relation.RECEIVING):
        return user.commune_id
    if relation is Relation.PROVINCE:
        return user.province_id
    return user.pk  # Relation.ASSISTED


# --------------------------------------------------------------------------- asking


def may(user, kind: Kind, action: Action) -> bool:
    """Whether the person may do ``action`` to some object of ``kind`` at all (menus, links)."""
    return any(
        r is Relation.ANY or _anchor(user, r) is not None for r in relations(user, kind, action)
    )


def scope(user, kind: Kind, action: Action) -> Q:
    """The filter of the objects of ``kind`` the person may do ``action`` to."""
    found = Q(pk__in=[])
    for relation in relations(user, kind, action):
        if relation is Relation.ANY:
            return Q()
        anchor = _anchor(user, relation)
        if anchor is None:
            continue
        for path in KINDS[kind].paths[relation]:
            found |= Q(**{path: anchor})
    return found


def scoped(user, kind: Kind, action: Action, queryset: QuerySet) -> QuerySet:
    _check_model(kind, queryset.model)
    return queryset.filter(scope(user, kind, action))


def permits(user, kind: Kind, action: Action, obj) -> bool:
    """Whether the person may do ``action`` to ``obj`` (the same table as ``scope``, read on the
    object in hand: no query unless a path crosses a relation not loaded yet)."""
    if obj is None:
        return False
    _check_model(kind, type(obj))
    for relation in relations(user, kind, action):
        if relation is Relation.ANY:
            return True
        anchor = _anchor(user, relation)
        if anchor is not None and any(
            _value(obj, path) == anchor for path in KINDS[kind].paths[relation]
        ):
            return True
    return False


def require(user, kind: Kind, action: Action, obj) -> None:
    """Raise 404 when the person may not see ``obj``, 403 when they may see it but not do this."""
    if not permits(user, kind, Action.VIEW, obj):
        raise PublicNotFound(KINDS[kind].not_found)
    if action != Action.VIEW and not permits(user, kind, action, obj):
        raise PermissionDenied(RULES[(kind, action)].refusal)


def get_or_404(user, kind: Kind, action: Action, queryset: QuerySet, **lookup):
    """The object of ``queryset`` matching ``lookup`` that the request names: 404 when it does not
    exist or the person may not see it, 403 when they see it but may not do ``action``."""
    found = scoped(user, kind, Action.VIEW, queryset).filter(**lookup).first()
    if found is None:
        raise PublicNotFound(KINDS[kind].not_found)
    require(user, kind, action, found)
    return found


def own_commune(user, kind: Kind, action: Action) -> Commune:
    """The person's own commune, for pages about it, if they may do ``action`` there; 403
    otherwise (the person named nothing, so nothing is revealed)."""
    commune = user.commune if is_officer(user) and user.commune_id else None
    if not permits(user, kind, action, commune):
        raise PermissionDenied(RULES[(kind, action)].refusal)
    return commune


def commune_named(user, kind: Kind, action: Action, code: str | None) -> Commune:
    """The commune a statistics page names by ``code`` (the person's own when it names none), if
    the person may do ``action`` to it; 404 otherwise."""
    code = (code or "").strip()
    own = user.commune if is_officer(user) and user.commune_id else None
    if not code or (own is not None and code == own.code):
        commune = own
    else:
        commune = _in_force_or_latest(Commune.objects.select_related("province"), code)
    if commune is None:
        raise PublicNotFound(KINDS[kind].not_found)
    require(user, kind, action, commune)
    return commune


DEFAULT_PROVINCE = "01"  # a person who may see any province and names none sees Hà Nội


def province_named(user, kind: Kind, action: Action, code: str | None) -> Province:
    """The province a page names by ``code`` (the person's own when it names none; Hà Nội for a
    superuser), if the person may do ``action`` to it; 404 otherwise."""
    code = (code or "").strip()
    own = user.province if is_officer(user) and user.province_id else None
    if own is not None and code in ("", own.code):
        province = own
    else:
        province = _in_force_or_latest(Province.objects.all(), code or DEFAULT_PROVINCE)
    if province is None:
        raise PublicNotFound(KINDS[kind].not_found)
    require(user, kind, action, province)
    return province


def _in_force_or_latest(queryset, code: str):
    """The unit with this code: the row in force, else the latest (units merged in a reform keep
    their rows, closed, so past periods stay readable)."""
    ordered = queryset.filter(code=code).order_by(
        F("valid_to").desc(nulls_first=True), "-valid_from"
    )
    return ordered.first()


def _value(obj, path: str):
    """The value at the end of a field path (``center__commune_id``) read on the object; None when
    a step is missing (a dossier nobody assisted)."""
    *hops, last = path.split("__")
    for hop in hops:
        try:
            obj = getattr(obj, hop)
        except ObjectDoesNotExist:
            return None
        if obj is None:
            return None
    return obj.pk if last == "pk" else getattr(obj, last)


def _check_model(kind: Kind, model) -> None:
    label = model._meta.label_lower
    if label != KINDS[kind].model:
        raise TypeError(f"access to {kind} asked with {label}, not {KINDS[kind].model}")


# --------------------------------------------------------------------------- pages


def staff_required(view):
    """Signed-in officers only: anonymous visitors (and closed accounts, which cannot sign in) go
    to the login page; signed-in accounts that are not officers (no role) get 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_officer(request.user):
            raise PermissionDenied(_("Trang này dành cho cán bộ."))
        return view(request, *args, **kwargs)

    return wrapped


class Menu:
    """What the staff menus offer, asked of the table (``{{ may.receive }}`` in templates)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def desk(self) -> bool:
        return is_officer(self.user)

    def _at_own_commune(self, kind: Kind, action: Action) -> bool:
        commune = self.user.commune if self.desk and self.user.commune_id else None
        return permits(self.user, kind, action, commune)

    @cached_property
    def receive(self) -> bool:
        return self._at_own_commune(Kind.COMMUNE, Action.RECEIVE)

    @cached_property
    def assist(self) -> bool:
        return self._at_own_commune(Kind.COMMUNE, Action.ASSIST)

    @cached_property
    def procedures(self) -> bool:
        return self._at_own_commune(Kind.COMMUNE, Action.VIEW)

    @cached_property
    def edit_procedures(self) -> bool:
        return self._at_own_commune(Kind.COMMUNE, Action.EDIT)

    @cached_property
    def store_log(self) -> bool:
        return self._at_own_commune(Kind.COMMUNE, Action.AUDIT)

    @cached_property
    def queue(self) -> bool:
        return may(self.user, Kind.QUEUE_CENTER, Action.VIEW)

    @cached_property
    def statistics(self) -> bool:
        return may(self.user, Kind.COMMUNE_STATISTICS, Action.VIEW)

    @cached_property
    def ranking(self) -> bool:
        return may(self.user, Kind.PROVINCE_STATISTICS, Action.VIEW)

    @cached_property
    def petitions(self) -> bool:
        """The residents' reports inbox (phản ánh, kiến nghị)."""
        return may(self.user, Kind.PETITION, Action.VIEW)

    @cached_property
    def hotline(self) -> bool:
        """The hotline operator's screen (type in a call)."""
        return may(self.user, Kind.COMMUNE, Action.TAKE_CALL)

    @cached_property
    def commune_index(self) -> bool:
        """The commune's own index page (leaders and admins, who see no ranking)."""
        return self._at_own_commune(Kind.COMMUNE_STATISTICS, Action.VIEW)


def context(request) -> dict:
    """Template context: ``may``, what the menus offer this person."""
    return {"may": Menu(getattr(request, "user", None))}


# --------------------------------------------------------------------------- the table, readable


def as_markdown() -> str:
    """The table as it stands, for the decision record (a test keeps the record's copy equal)."""
    columns = list(ROLES)
    lines = [
        "| kind | action | " + " | ".join(columns) + " |",
        "|---|---|" + "---|" * len(columns),
    ]
    for (kind, action), rule in RULES.items():
        cells = [" + ".join(r.value for r in rule.roles.get(c, ())) or "—" for c in columns]
        lines.append(f"| {kind} | {action} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
