"""The ticket lifecycle as data: states, actions and which action leads where.

A ticket is the paper (or screen) number a visitor holds. Services look transitions up here; the
counter page's buttons and the API's list of next actions are derived from this table.

    booked ──check_in──▶ waiting ──call──▶ called ──start──▶ serving ──finish──▶ done
       │                   ▲  │              │ ▲ recall        │
       │ cancel / lapse    │  │ cancel       │ no_show         │ transfer (back to waiting,
       ▼                   │  ▼              ▼                 │  keeps its place in line)
    cancelled/lapsed       │ cancelled     no_show             │
                           └───────────── transfer ◀───────────┘

Tickets still open when their day ends are ``expired`` by ``close_queue_days``.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    BOOKED = "booked", _("Đã đặt trước, chưa đến")
    WAITING = "waiting", _("Đang chờ")
    CALLED = "called", _("Đang được mời lên quầy")
    SERVING = "serving", _("Đang được phục vụ")
    DONE = "done", _("Đã phục vụ xong")
    NO_SHOW = "no_show", _("Vắng mặt khi được mời")
    CANCELLED = "cancelled", _("Đã hủy")
    LAPSED = "lapsed", _("Quá giờ hẹn, số đã hết hiệu lực")
    EXPIRED = "expired", _("Hết ngày làm việc, số hết hiệu lực")


class Action(models.TextChoices):
    CHECK_IN = "check_in", _("Xác nhận đã đến")
    CALL = "call", _("Mời số tiếp theo")
    RECALL = "recall", _("Mời lại")
    START = "start", _("Bắt đầu phục vụ")
    FINISH = "finish", _("Kết thúc phục vụ")
    NO_SHOW = "no_show", _("Vắng mặt")
    TRANSFER = "transfer", _("Chuyển quầy/lĩnh vực")
    CANCEL = "cancel", _("Hủy số")
    LAPSE = "lapse", _("Hết hạn giữ số đặt trước")
    EXPIRE = "expire", _("Hết ngày")


@dataclass(frozen=True)
class Transition:
    source: frozenset[str]
    target: str


TRANSITIONS: dict[str, Transition] = {
    Action.CHECK_IN: Transition(frozenset({State.BOOKED}), State.WAITING),
    Action.CALL: Transition(frozenset({State.WAITING}), State.CALLED),
    Action.RECALL: Transition(frozenset({State.CALLED}), State.CALLED),
    Action.START: Transition(frozenset({State.CALLED}), State.SERVING),
    Action.FINISH: Transition(frozenset({State.SERVING}), State.DONE),
    Action.NO_SHOW: Transition(frozenset({State.CALLED}), State.NO_SHOW),
    Action.TRANSFER: Transition(frozenset({State.CALLED, State.SERVING}), State.WAITING),
    Action.CANCEL: Transition(frozenset({State.BOOKED, State.WAITING}), State.CANCELLED),
    Action.LAPSE: Transition(frozenset({State.BOOKED}), State.LAPSED),
    Action.EXPIRE: Transition(
        frozenset({State.BOOKED, State.WAITING, State.CALLED, State.SERVING}), State.EXPIRED
    ),
}

# The actions an officer takes at the counter on the ticket in front of them, in button order.
COUNTER_ACTIONS = (Action.START, Action.RECALL, Action.NO_SHOW, Action.FINISH, Action.TRANSFER)

# States in which a ticket still holds a place (or a counter).
OPEN_STATES = frozenset({State.BOOKED, State.WAITING, State.CALLED, State.SERVING})
# States in which a ticket occupies a counter; a counter has at most one such ticket.
AT_COUNTER_STATES = frozenset({State.CALLED, State.SERVING})
# States that end a ticket's day.
FINAL_STATES = frozenset(set(State.values) - OPEN_STATES)


def allowed(action: str, state: str) -> bool:
    transition = TRANSITIONS.get(action)
    return transition is not None and state in transition.source


def actions_from(state: str, among=COUNTER_ACTIONS) -> list[str]:
    return [a for a in among if allowed(a, state)]
