"""Numbers as people read them on the statistics pages, in the active language.

Vietnamese writes 6.323 and 13,92 %; English 6,323 and 13.92%. Figures are exact Decimals or
integers; nothing here rounds except to the stated places (half up).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language

register = template.Library()


def _vietnamese() -> bool:
    return (get_language() or "vi").startswith("vi")


def _grouped(text: str) -> str:
    """Swap separators for Vietnamese: "6,323.50" → "6.323,50"."""
    if not _vietnamese():
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


@register.filter
def num(value) -> str:
    """An integer count with thousands separators; empty for None."""
    if value is None or value == "":
        return ""
    try:
        return _grouped(f"{int(value):,}")
    except (TypeError, ValueError):
        return str(value)


@register.filter
def dec(value, places: int = 2) -> str:
    """A decimal with ``places`` decimals (half up): points, hours. Dash for None."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(places)), ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    return _grouped(f"{amount:,}")


@register.filter
def pct(value, places: int = 2) -> str:
    """A percentage already in percent (13.92 → "13,92 %"); dash for None."""
    if value is None or value == "":
        return "—"
    shown = dec(value, places)
    return f"{shown} %" if _vietnamese() else f"{shown}%"


@register.filter
def ratio_pct(value, places: int = 2) -> str:
    """A ratio 0..1 (Decimal or Fraction) shown as a percentage."""
    if value is None or value == "":
        return "—"
    if hasattr(value, "denominator"):  # Fraction (or int): exact
        percent = Decimal(100 * value.numerator) / Decimal(value.denominator)
    else:
        percent = Decimal(str(value)) * 100
    return pct(percent, places)


@register.filter
def get_item(mapping, key):
    """``{{ row.groups|get_item:g.key }}``: a dict value by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def signed(value, places: int = 2) -> str:
    """A change with its sign: "+0,49", "−0,15" (a true minus sign), "0,00"; dash for None."""
    if value is None or value == "":
        return "—"
    shown = dec(abs(Decimal(str(value))), places)
    if Decimal(str(value)) > 0:
        return f"+{shown}"
    if Decimal(str(value)) < 0:
        return f"\u2212{shown}"
    return shown
