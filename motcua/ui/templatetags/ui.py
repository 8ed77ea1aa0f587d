"""Template filters and tags shared by every page: money, Vietnamese dates, and form widgets.

Load with ``{% load ui %}``.

Money and time follow the rules of the house (architecture.md): amounts are Vietnamese đồng with
dots between thousands ("12.000 ₫"); times are stored in UTC and shown in Asia/Ho_Chi_Minh as
"14:05 ngày 23/11/2026".

The widget helpers let ``includes/field.html`` render any Django ``BoundField`` with the design
system's classes, ``aria-describedby`` pointing at its hint and error, and ``aria-invalid``.
Hint and error ids follow Django's own convention (``<auto_id>_helptext``, ``<auto_id>_error``).
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django import forms, template
from django.core.paginator import Page
from django.forms.boundfield import BoundField, BoundWidget
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


# --- money -------------------------------------------------------------------------------------


@register.filter
def vnd(value) -> str:
    """Format an amount of đồng: ``12000`` → ``"12.000 ₫"``; empty input gives ``""``.

    The đồng has no subunit in use, so fractions are rounded half up.
    """
    if value is None or value == "" or isinstance(value, bool):
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,} ₫".replace(",", ".")


# --- dates and times ---------------------------------------------------------------------------


def _in_vietnam(value: datetime) -> datetime:
    # A naive datetime is taken to be Vietnam time already, as Django's own filters would show it.
    return value.astimezone(VIETNAM) if timezone.is_aware(value) else value


@register.filter
def local_date(value) -> str:
    """``23/11/2026``: a date, or the Vietnam-time date of a datetime."""
    if isinstance(value, datetime):
        value = _in_vietnam(value).date()
    if not isinstance(value, date):
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


@register.filter
def local_time(value) -> str:
    """``14:05``: the Vietnam-time clock time of a datetime."""
    if not isinstance(value, datetime):
        return ""
    value = _in_vietnam(value)
    return f"{value.hour:02d}:{value.minute:02d}"


@register.filter
def local_dt(value) -> str:
    """``14:05 ngày 23/11/2026``: a datetime in Vietnam time (a plain date shows just the date)."""
    if not isinstance(value, datetime):
        return local_date(value)
    # Translators: a time then a date, e.g. "14:05 ngày 23/11/2026"; in English "23/11/2026, 14:05".
    return gettext("%(time)s ngày %(date)s") % {
        "time": local_time(value),
        "date": local_date(value),
    }


# --- form widgets ------------------------------------------------------------------------------


def field_kind(field: BoundField) -> str:
    """How ``includes/field.html`` lays a field out.

    ``hidden``; ``radios`` / ``checkboxes`` (a fieldset of options); ``checkbox`` (one tick box);
    ``fieldset`` (any other multi-part widget, e.g. a split date); ``input`` (label, then control).
    """
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if getattr(widget, "use_fieldset", False):
        return "fieldset"
    return "input"


register.filter("field_kind", field_kind)


def _control_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "mc-checkboxes__input"
    if isinstance(widget, forms.Select):  # also SelectMultiple, NullBooleanSelect
        return "mc-select"
    if isinstance(widget, forms.Textarea):
        return "mc-textarea"
    if isinstance(widget, forms.FileInput):
        return "mc-file-upload"
    return "mc-input"


def _merge_classes(*parts: str) -> str:
    seen: list[str] = []
    for part in parts:
        for name in (part or "").split():
            if name not in seen:
                seen.append(name)
    return " ".join(seen)


@register.simple_tag
def ui_describedby(field: BoundField, hint="") -> str:
    """The ids of the field's hint and error, space-separated, for ``aria-describedby``."""
    ids = []
    if field.auto_id:
        if hint or field.help_text:
            ids.append(f"{field.auto_id}_helptext")
        if field.errors:
            ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.simple_tag
def ui_widget(field: BoundField, hint="", width="", css_class="") -> SafeString:
    """Render the field's control with the design system's class, error state and ARIA links.

    ``width`` picks ``mc-input--width-<width>`` (4, 5, 10, 20, 30); ``css_class`` adds classes.
    """
    widget = field.field.widget
    base = _control_class(widget)
    classes = [widget.attrs.get("class", ""), base, css_class]
    if width and base in {"mc-input", "mc-select"}:
        classes.append(f"mc-input--width-{width}")
    if field.errors and base in {"mc-input", "mc-select", "mc-textarea"}:
        classes.append(f"{base}--error")
    attrs = {"class": _merge_classes(*classes)}
    # A group's hint and error are announced by its fieldset (see field.html), not by each option.
    describedby = ui_describedby(field, hint)
    if describedby and field_kind(field) not in {"radios", "checkboxes", "fieldset"}:
        attrs["aria-describedby"] = describedby
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def ui_choice(choice: BoundWidget, css_class: str) -> SafeString:
    """Render one radio or checkbox of a multiple-choice field (no label) with ``css_class``."""
    data = dict(choice.data)
    data["attrs"] = {**data.get("attrs", {}), "class": css_class}
    return choice.parent_widget._render(
        choice.template_name, {"widget": {**data, "wrap_label": False}}, choice.renderer
    )


@register.filter
def add_class(field: BoundField, css_class: str) -> SafeString:
    """``{{ form.name|add_class:"mc-input mc-input--width-20" }}``: render with extra classes."""
    existing = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": _merge_classes(existing, css_class)})


@register.filter
def anchor_id(field: BoundField) -> str:
    """The id an error-summary link should jump to: the control, or the first option of a group."""
    if field_kind(field) in {"radios", "checkboxes"}:
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id or field.html_name


# --- pagination and navigation -----------------------------------------------------------------


@register.filter
def elided_pages(page: Page, on_each_side: int = 1) -> list:
    """Page numbers around the current one, ``None`` for a gap: ``[1, None, 4, 5, 6, None, 20]``."""
    pages = page.paginator.get_elided_page_range(page.number, on_each_side=on_each_side, on_ends=1)
    return [number if isinstance(number, int) else None for number in pages]


@register.simple_tag(takes_context=True)
def aria_current(context, *view_names: str) -> SafeString:
    """``aria-current="page"`` when the current view is one of ``view_names``.

    ``{% aria_current "dossiers:inbox" %}`` compares with ``request.resolver_match.view_name``.
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in view_names:
        return mark_safe(' aria-current="page"')
    return mark_safe("")
