from django import template

from motcua.dossiers.workflow import State
from motcua.dossiers.workflow import action_label as _action_label
from motcua.privacy import mask_digits

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


@register.filter
def masked(value) -> str:
    """An ID number with all but its last digits hidden, for pages (rules of the house)."""
    return mask_digits(str(value or ""))
