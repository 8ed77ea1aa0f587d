"""The dossier workflow as data: states, their national status codes, and the allowed transitions.

This table is the single place where "who may do what, when" is written (architecture.md: rules that
are tables are data). Services look transitions up here; the inbox, the dossier page's buttons and
the API's list of next actions are all derived from it.

States follow domain.md §5.1: each internal sub-state carries the national status code that
provincial systems synchronise with the National Public Service Portal (Decree 118 Art. 27(2)(d)).
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.accounts.models import Role


class State(models.TextChoices):
    SUBMITTED_ONLINE = "submitted_online", _("Mới đăng ký (trực tuyến, chờ tiếp nhận)")
    RECEIVED = "received", _("Đã tiếp nhận, tại bộ phận một cửa")
    REFUSED_AT_RECEPTION = "refused_at_reception", _("Không được tiếp nhận")
    AT_SPECIALIST = "at_specialist", _("Đang thẩm định (chuyên viên)")
    AWAITING_SIGNATURE = "awaiting_signature", _("Chờ lãnh đạo phê duyệt")
    AWAITING_INTERLINK = "awaiting_interlink", _("Đang xử lý liên thông tại cơ quan khác")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Chờ bổ sung hồ sơ")
    SUPPLEMENT_SUBMITTED = "supplement_submitted", _("Đã bổ sung trực tuyến, chờ kiểm tra")
    RESULT_READY = "result_ready", _("Đã có kết quả, chờ trả")
    REFUSED_AFTER_APPRAISAL = "refused_after_appraisal", _("Từ chối giải quyết, chờ trả")
    STOPPED = "stopped", _("Dừng xử lý (công dân rút hồ sơ)")
    CLOSED_NO_SUPPLEMENT = "closed_no_supplement", _("Dừng xử lý (quá hạn bổ sung)")
    RETURNED_AT_COUNTER = "returned_at_counter", _("Đã trả kết quả tại quầy")
    RETURNED_BY_POST = "returned_by_post", _("Đã trả kết quả qua bưu chính")
    RETURNED_ONLINE = "returned_online", _("Đã trả kết quả trực tuyến")


class NationalStatus(models.IntegerChoices):
    """Status codes synchronised with the National Public Service Portal (domain.md §5.1)."""

    NEW = 1, _("Mới đăng ký")
    ACCEPTED = 2, _("Được tiếp nhận")
    NOT_ACCEPTED = 3, _("Không được tiếp nhận")
    IN_PROCESS = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung giấy tờ")
    PAYMENT_REQUESTED = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWAL_REQUESTED = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    FINISHED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


@dataclass(frozen=True)
class StateInfo:
    national: NationalStatus
    # The internal step that runs while the dossier is in this state ("" = no step runs: the clock
    # is paused or processing is over).
    step_role: str
    # Processing is over (domain.md §8.3 "end of processing"): timeliness is classified on entry.
    ends_processing: bool = False
    # The applicant has the result or the dossier is closed: nothing more can happen.
    is_final: bool = False


STATES: dict[str, StateInfo] = {
    State.SUBMITTED_ONLINE: StateInfo(NationalStatus.NEW, ""),
    State.RECEIVED: StateInfo(NationalStatus.ACCEPTED, "reception"),
    State.REFUSED_AT_RECEPTION: StateInfo(
        NationalStatus.NOT_ACCEPTED, "", ends_processing=True, is_final=True
    ),
    State.AT_SPECIALIST: StateInfo(NationalStatus.IN_PROCESS, "specialist"),
    State.AWAITING_SIGNATURE: StateInfo(NationalStatus.IN_PROCESS, "leader"),
    State.AWAITING_INTERLINK: StateInfo(NationalStatus.IN_PROCESS, "specialist"),
    State.AWAITING_SUPPLEMENT: StateInfo(NationalStatus.SUPPLEMENT_REQUESTED, ""),
    State.SUPPLEMENT_SUBMITTED: StateInfo(NationalStatus.SUPPLEMENT_REQUESTED, ""),
    State.RESULT_READY: StateInfo(NationalStatus.FINISHED, "return", ends_processing=True),
    State.REFUSED_AFTER_APPRAISAL: StateInfo(
        NationalStatus.FINISHED, "return", ends_processing=True
    ),
    State.STOPPED: StateInfo(NationalStatus.STOPPED, "", ends_processing=True, is_final=True),
    State.CLOSED_NO_SUPPLEMENT: StateInfo(
        NationalStatus.STOPPED, "", ends_processing=True, is_final=True
    ),
    State.RETURNED_AT_COUNTER: StateInfo(NationalStatus.RETURNED, "", is_final=True),
    State.RETURNED_BY_POST: StateInfo(NationalStatus.RETURNED, "", is_final=True),
    State.RETURNED_ONLINE: StateInfo(NationalStatus.RETURNED, "", is_final=True),
}

# States in which the applicant may still withdraw: until the decision is issued (Art. 21).
BEFORE_DECISION = frozenset(
    {
        State.SUBMITTED_ONLINE,
        State.RECEIVED,
        State.AT_SPECIALIST,
        State.AWAITING_SIGNATURE,
        State.AWAITING_INTERLINK,
        State.AWAITING_SUPPLEMENT,
        State.SUPPLEMENT_SUBMITTED,
    }
)
# States in which the competent unit still works on the dossier and may ask for an extension.
PROCESSING = frozenset(
    {State.RECEIVED, State.AT_SPECIALIST, State.AWAITING_SIGNATURE, State.AWAITING_INTERLINK}
)
AWAITING_RETURN = frozenset({State.RESULT_READY, State.REFUSED_AFTER_APPRAISAL})

SYSTEM = "system"  # the background scan that closes unanswered supplement requests


class Action(models.TextChoices):
    ACCEPT_ONLINE = "accept_online", _("Tiếp nhận hồ sơ trực tuyến")
    REFUSE_AT_RECEPTION = "refuse_at_reception", _("Từ chối tiếp nhận")
    FORWARD = "forward", _("Chuyển xử lý")
    ASSIGN = "assign", _("Phân công chuyên viên")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung hồ sơ")
    RECEIVE_SUPPLEMENT = "receive_supplement", _("Nhận hồ sơ bổ sung")
    CLOSE_NO_SUPPLEMENT = "close_no_supplement", _("Dừng xử lý do quá hạn bổ sung")
    SEND_INTERLINK = "send_interlink", _("Chuyển liên thông cơ quan khác")
    RECEIVE_INTERLINK = "receive_interlink", _("Nhận kết quả liên thông")
    PROPOSE = "propose", _("Trình lãnh đạo ký")
    SEND_BACK = "send_back", _("Trả lại chuyên viên")
    APPROVE = "approve", _("Phê duyệt, ký kết quả")
    REFUSE = "refuse", _("Từ chối giải quyết")
    EXTEND = "extend", _("Xin lỗi và gia hạn")
    WITHDRAW = "withdraw", _("Công dân rút hồ sơ")
    RETURN_AT_COUNTER = "return_at_counter", _("Trả kết quả tại quầy")
    RETURN_BY_POST = "return_by_post", _("Trả kết quả qua bưu chính")
    RETURN_ONLINE = "return_online", _("Trả kết quả trực tuyến")


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[str]
    # None: the state does not change (assignment, extension) or is decided by the service
    # (receiving a supplement resumes the state in which it was requested).
    target: str | None
    roles: frozenset[str]
    # How the button looks: one primary action per screen, warnings in red.
    style: str = "secondary"
    # Form inputs the action needs (the view and the API validate these).
    needs: tuple[str, ...] = field(default_factory=tuple)


def _t(action, sources, target, roles, style="secondary", needs=()):
    return Transition(action, frozenset(sources), target, frozenset(roles), style, tuple(needs))


R, S, L = Role.RECEPTION, Role.SPECIALIST, Role.LEADER

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t(Action.ACCEPT_ONLINE, {State.SUBMITTED_ONLINE}, State.RECEIVED, {R}, "primary"),
        _t(
            Action.REFUSE_AT_RECEPTION,
            {State.SUBMITTED_ONLINE},
            State.REFUSED_AT_RECEPTION,
            {R},
            "warning",
            ["reason"],
        ),
        _t(Action.FORWARD, {State.RECEIVED}, State.AT_SPECIALIST, {R}, "primary"),
        _t(Action.ASSIGN, {State.AT_SPECIALIST}, None, {L, S}, needs=["assignee"]),
        # From an online dossier not yet accepted, this is "return for correction" (Art. 17(2)).
        _t(
            Action.REQUEST_SUPPLEMENT,
            {State.SUBMITTED_ONLINE, State.RECEIVED, State.AT_SPECIALIST},
            State.AWAITING_SUPPLEMENT,
            {R, S},
            needs=["items", "reason"],
        ),
        _t(
            Action.RECEIVE_SUPPLEMENT,
            {State.AWAITING_SUPPLEMENT, State.SUPPLEMENT_SUBMITTED},
            None,
            {R},
            "primary",
        ),
        _t(
            Action.CLOSE_NO_SUPPLEMENT,
            {State.AWAITING_SUPPLEMENT},
            State.CLOSED_NO_SUPPLEMENT,
            {SYSTEM, R},
            "warning",
        ),
        _t(
            Action.SEND_INTERLINK,
            {State.AT_SPECIALIST},
            State.AWAITING_INTERLINK,
            {S},
            needs=["agency", "task", "days"],
        ),
        _t(
            Action.RECEIVE_INTERLINK,
            {State.AWAITING_INTERLINK},
            State.AT_SPECIALIST,
            {S},
            "primary",
            ["note"],
        ),
        _t(Action.PROPOSE, {State.AT_SPECIALIST}, State.AWAITING_SIGNATURE, {S}, "primary"),
        _t(Action.SEND_BACK, {State.AWAITING_SIGNATURE}, State.AT_SPECIALIST, {L}, needs=["note"]),
        _t(
            Action.APPROVE,
            {State.AWAITING_SIGNATURE},
            State.RESULT_READY,
            {L},
            "primary",
            ["result_summary"],
        ),
        _t(
            Action.REFUSE,
            {State.AT_SPECIALIST, State.AWAITING_SIGNATURE},
            State.REFUSED_AFTER_APPRAISAL,
            {S, L},
            "warning",
            ["reason"],
        ),
        _t(Action.EXTEND, PROCESSING, None, {S, L}, needs=["reason", "new_due_at"]),
        _t(Action.WITHDRAW, BEFORE_DECISION, State.STOPPED, {R}, "warning", ["reason"]),
        _t(
            Action.RETURN_AT_COUNTER,
            AWAITING_RETURN,
            State.RETURNED_AT_COUNTER,
            {R},
            "primary",
            ["collected_by", "collector_name", "collector_id_number"],
        ),
        _t(
            Action.RETURN_BY_POST,
            AWAITING_RETURN,
            State.RETURNED_BY_POST,
            {R},
            needs=["waybill_number"],
        ),
        _t(Action.RETURN_ONLINE, AWAITING_RETURN, State.RETURNED_ONLINE, {R}),
    ]
}


def transitions_from(state: str, role: str) -> list[Transition]:
    """The actions a person holding ``role`` may take on a dossier in ``state``, table order."""
    return [t for t in TRANSITIONS.values() if state in t.sources and role in t.roles]


def states_needing(role: str) -> frozenset[str]:
    """States in which ``role`` holds the dossier: where the role's main (primary) action is
    the next step. Secondary actions (withdraw, extend, assign) do not fill an inbox."""
    return frozenset(
        s
        for t in TRANSITIONS.values()
        if role in t.roles and t.style == "primary"
        for s in t.sources
    )


def action_label(action: str) -> str:
    try:
        return Action(action).label
    except ValueError:
        return EVENT_LABELS.get(action, action)


# Events that are not transitions but appear in the audit trail.
EVENT_LABELS = {
    "receive": pgettext_lazy("event", "Tiếp nhận hồ sơ"),
    "submit_online": pgettext_lazy("event", "Nộp hồ sơ trực tuyến"),
    "refuse_at_counter": pgettext_lazy("event", "Từ chối tiếp nhận tại quầy"),
    "answer_supplement_online": pgettext_lazy("event", "Công dân bổ sung hồ sơ trực tuyến"),
    "record_payment": pgettext_lazy("event", "Thu phí, lệ phí"),
    "attach_scan": pgettext_lazy("event", "Đính kèm bản quét giấy tờ"),
}
