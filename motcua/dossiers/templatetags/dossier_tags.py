from django import template

from motcua.dossiers.workflow import State
from motcua.dossiers.workflow import action_label as _action_label

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return str(_action_label(action))


@register.filter
def state_label(state: str) -> str:
    try:
        return str(State(state).label)
    except ValueError:
        return state
