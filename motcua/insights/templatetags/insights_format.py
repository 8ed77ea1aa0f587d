"""Template filters for figures, in the active language (``insights.numbers`` does the work):

{{ count|num }} 6.323   {{ points|dec }} 19,94   {{ percent|pct }} 13,92%
{{ ratio|ratio_pct }} 98,36%   {{ change|signed }} −0,15   {{ row.groups|get_item:key }}
"""

from decimal import Decimal

from django import template

from motcua.insights import numbers

register = template.Library()


@register.filter
def num(value) -> str:
    """An integer count with thousands separators; empty for None."""
    if value is None or value == "":
        return ""
    return numbers.figure(value, "integer")


@register.filter
def dec(value, places: int = 2) -> str:
    """A decimal with ``places`` decimals (half up): points, hours. Dash for None."""
    return numbers.figure(value, "decimal2", decimals=int(places))


@register.filter
def pct(value, places: int = 2) -> str:
    """A figure already in percent (13.92 → "13,92%"); dash for None."""
    if value is None or value == "":
        return numbers.NO_FIGURE
    return numbers.figure(Decimal(str(value)) / 100, "percent", decimals=int(places))


@register.filter
def ratio_pct(value, places: int = 2) -> str:
    """A ratio 0..1 (Decimal or Fraction, exact) shown as a percentage."""
    return numbers.figure(value, "percent", decimals=int(places))


@register.filter
def signed(value, places: int = 2) -> str:
    """A change with its sign and a true minus: "+0,49", "−0,15"."""
    return numbers.signed(value, decimals=int(places))


@register.filter
def get_item(mapping, key):
    """``{{ row.groups|get_item:g.key }}``: a dict value by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
