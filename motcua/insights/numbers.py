"""Figures as people read them, in the active language — one place for charts, pages and filters.

Vietnamese writes 6.323 / 19,94 / 98,36%; English 6,323 / 19.94 / 98.36%. Values are exact
(int, Decimal, Fraction); rounding is half up to the places shown; "—" stands for no figure.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import numberformat
from django.utils.formats import get_format

from motcua.insights.exports import as_decimal

FORMATS = ("integer", "decimal2", "percent")
NO_FIGURE = "—"


def separators() -> tuple[str, str]:
    """(decimal separator, thousands separator) of the active language. Look them up once per
    table: each lookup reads the active language, which costs more than the formatting."""
    return get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")


def grouped(number: int | Decimal, places: int, seps: tuple[str, str] | None = None) -> str:
    """Thousands always grouped in threes: Django's Vietnamese formats give the separators but
    no grouping, which would print 6323 next to 6.323 elsewhere on the page."""
    decimal_sep, thousand_sep = seps or separators()
    return numberformat.format(
        number,
        decimal_sep,
        decimal_pos=places,
        grouping=3,
        thousand_sep=thousand_sep,
        force_grouping=True,
        use_l10n=True,
    )


def figure(value, fmt: str, *, decimals: int | None = None, seps=None) -> str:
    """``value`` as ``fmt``: "integer" (a count), "decimal2" (points, hours; ``decimals`` places,
    default 2) or "percent" (a ratio 0..1 shown in percent with ``decimals`` places)."""
    if value is None or value == "":
        return NO_FIGURE
    if fmt == "integer":
        return grouped(int(value), 0, seps)
    places = 2 if decimals is None else decimals
    step = Decimal(1).scaleb(-places)
    if fmt == "decimal2":
        return grouped(as_decimal(value).quantize(step, rounding=ROUND_HALF_UP), places, seps)
    if fmt == "percent":
        shown = (as_decimal(value) * 100).quantize(step, rounding=ROUND_HALF_UP)
        return grouped(shown, places, seps) + "%"
    raise ValueError(f"format {fmt!r} is not one of {FORMATS}")


def signed(value, *, decimals: int = 2, seps=None) -> str:
    """A change with its sign: "+0,49", "−0,15" (a true minus sign), "0,00"."""
    if value is None or value == "":
        return NO_FIGURE
    amount = as_decimal(value)
    shown = figure(abs(amount), "decimal2", decimals=decimals, seps=seps)
    if amount > 0:
        return f"+{shown}"
    return f"\u2212{shown}" if amount < 0 else shown
