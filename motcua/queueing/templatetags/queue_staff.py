"""Filters for the queue's staff pages: durations in minutes and the words of a visit rating."""

from datetime import timedelta

from django import template

from motcua.queueing import visit_rating

register = template.Library()


@register.filter
def minutes(value) -> int | str:
    """A duration as whole minutes, rounded (``""`` while it is still running)."""
    if not isinstance(value, timedelta):
        return ""
    return round(value.total_seconds() / 60)


@register.filter
def visit_question(key: str) -> str:
    """The question of a visit rating answer, as the visitor read it."""
    return visit_rating.question_text(key)


@register.filter
def level_label(value: str) -> str:
    """``satisfied`` → ``Hài lòng``: a level of the 3-level scale in words."""
    return visit_rating.level_text(value)
