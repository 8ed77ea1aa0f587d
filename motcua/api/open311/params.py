"""What a client sends, checked: jurisdiction, filters and the date window of ``GET requests``,
the attributes and location of a POST. Each problem is an ``Open311Error`` naming the parameter,
in words a developer can act on; nothing here writes."""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from motcua.api.open311.errors import Open311Error, bad_parameter, missing, not_found
from motcua.petitions.models import Category, Place
from motcua.units.models import Commune

WINDOW = timedelta(days=90)
MAX_IDS = 100
MAX_CODES = 50
# Years a date may name: enough for any report, small enough that no arithmetic overflows.
YEARS = (1970, 2999)
STRING_MAX = 500
TEXT_MAX = 5000
MEDIA_URL_MAX = 500
_ID = re.compile(r"^[0-9]{1,18}$")
_JURISDICTION = re.compile(r"^[0-9]{5}$")
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,100})\](\[\])?$")
# A "+" left unescaped in a query string arrives as a space: "…T09:00:00 07:00".
_SPACED_OFFSET = re.compile(r" (\d\d:?\d\d)$")


def text(data, name: str) -> str:
    value = data.get(name, "")
    return value.strip() if isinstance(value, str) else ""


# --------------------------------------------------------------------------- jurisdiction


def jurisdiction(data, *, required: bool = False) -> Commune | None:
    """The commune ``jurisdiction_id`` names (its 5-digit code), or None when it is absent."""
    raw = text(data, "jurisdiction_id")
    if not raw:
        if required:
            raise missing("jurisdiction_id")
        return None
    commune = None
    if _JURISDICTION.match(raw):
        commune = Commune.objects.current().filter(code=raw).select_related("province").first()
    if commune is None:
        raise not_found(
            _(
                "jurisdiction_id: không có xã, phường mã '%(code)s'. Mã là 5 chữ số của xã, "
                "phường (danh mục đơn vị hành chính hiện hành)."
            )
            % {"code": raw[:20]}
        )
    return commune


# --------------------------------------------------------------------------- GET requests


def id_of(raw: str) -> int | None:
    return int(raw) if _ID.match(raw or "") else None


def request_ids(data) -> list[int] | None:
    raw = text(data, "service_request_id")
    if not raw:
        return None
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if len(parts) > MAX_IDS:
        raise bad_parameter("service_request_id", _("tối đa %(n)s mã mỗi lần.") % {"n": MAX_IDS})
    ids = []
    for part in parts:
        number = id_of(part)
        if number is None:
            raise bad_parameter(
                "service_request_id",
                _("'%(value)s' không phải mã phản ánh (một số nguyên).") % {"value": part[:30]},
            )
        ids.append(number)
    return ids


def codes(data) -> list[str]:
    parts = [p.strip() for p in text(data, "service_code").split(",") if p.strip()]
    if len(parts) > MAX_CODES:
        raise bad_parameter("service_code", _("tối đa %(n)s mã mỗi lần.") % {"n": MAX_CODES})
    return parts


def statuses(data) -> list[str]:
    parts = [p.strip().lower() for p in text(data, "status").split(",") if p.strip()]
    for part in parts:
        if part not in ("open", "closed"):
            raise bad_parameter(
                "status",
                _("'%(value)s' không phải trạng thái; dùng open, closed hoặc open,closed.")
                % {"value": part[:30]},
            )
    return parts


def moment(data, name: str) -> datetime | None:
    """A W3C date-time (``2025-07-07T09:00:00+07:00``, ``…Z``) or date; without an offset it is
    Vietnam's time, a date alone its midnight."""
    raw = text(data, name)
    if not raw:
        return None
    raw = _SPACED_OFFSET.sub(r"+\1", raw)
    value = None
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            value = datetime.combine(day, time()) if isinstance(day, date) else None
    except (ValueError, OverflowError):
        value = None
    if value is None or not YEARS[0] <= value.year <= YEARS[1]:
        raise bad_parameter(
            name,
            _(
                "'%(value)s' không phải ngày giờ theo W3C (ISO 8601), ví dụ "
                "2025-07-07T09:00:00+07:00 hoặc 2025-07-07."
            )
            % {"value": raw[:40]},
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def window(data, now: datetime) -> tuple[datetime, datetime]:
    """``start_date`` … ``end_date``, at most 90 days: the last 90 days when neither is given,
    90 days from the one given when only one is."""
    start, end = moment(data, "start_date"), moment(data, "end_date")
    if start is None and end is None:
        end = now
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if end < start:
        raise bad_parameter("end_date", _("phải sau start_date."))
    if end - start > WINDOW:
        raise bad_parameter(
            "end_date",
            _(
                "từ start_date đến end_date tối đa 90 ngày (bạn hỏi %(days)s ngày); hãy hỏi "
                "từng khoảng."
            )
            % {"days": (end - start).days},
        )
    return start, end


# --------------------------------------------------------------------------- POST requests


def media_url(data) -> str:
    raw = text(data, "media_url")
    if not raw:
        return ""
    try:
        if len(raw) > MEDIA_URL_MAX:
            raise ValidationError("too long")
        URLValidator(schemes=["http", "https"])(raw)
    except ValidationError:
        raise bad_parameter(
            "media_url",
            _("cần một địa chỉ http hoặc https, tối đa %(n)s ký tự.") % {"n": MEDIA_URL_MAX},
        ) from None
    return raw


def place(data, commune: Commune) -> Place | None:
    """``address_id``: the key of one of the commune's places with a QR placard."""
    raw = text(data, "address_id")
    if not raw:
        return None
    found = Place.objects.filter(key=raw[:24], commune=commune, is_active=True).first()
    if found is None or found.key != raw:
        raise bad_parameter(
            "address_id",
            _("xã, phường không có địa điểm mã '%(value)s'.") % {"value": raw[:30]},
        )
    return found


def has_location(data) -> bool:
    return bool(
        (text(data, "lat") and text(data, "long"))
        or text(data, "address_string")
        or text(data, "address_id")
    )


def submitted_attributes(data) -> dict[str, list[str]]:
    """``attribute[CODE]=v`` and ``attribute[CODE][]=v1&attribute[CODE][]=v2`` as lists."""
    found: dict[str, list[str]] = {}
    for key in data:
        match = _ATTRIBUTE.match(key)
        if match is None:
            if key.startswith("attribute"):
                raise bad_parameter(
                    key[:60],
                    _("viết attribute[MÃ]=giá trị, hoặc attribute[MÃ][]=giá trị cho danh sách."),
                )
            continue
        values = [v.strip() for v in data.getlist(key) if isinstance(v, str) and v.strip()]
        found.setdefault(match.group(1), []).extend(values)
    return found


def attributes(category: Category, data) -> dict:
    """The attributes of the POST, checked against the category's definition: every one named
    exists, the required ones are there, each value fits its datatype and list."""
    definitions = {
        str(a["code"]): a
        for a in category.attributes or []
        if isinstance(a, dict) and a.get("code") and a.get("variable", True)
    }
    sent = submitted_attributes(data)
    for code in sent:
        if code not in definitions:
            raise bad_parameter(
                f"attribute[{code}]",
                _("lĩnh vực '%(service)s' không có thông tin bổ sung mã này.")
                % {"service": category.code},
            )
    checked: dict = {}
    for code, definition in definitions.items():
        name = f"attribute[{code}]"
        values = sent.get(code, [])
        if not values:
            if definition.get("required"):
                raise bad_parameter(
                    name,
                    _("bắt buộc (%(what)s).") % {"what": definition.get("description") or code},
                )
            continue
        checked[code] = _value(definition, name, values)
    return checked


def _value(definition: dict, name: str, values: list[str]):
    datatype = definition.get("datatype") or "string"
    if datatype == "multivaluelist":
        allowed = _keys(definition)
        for value in values:
            _in_list(name, value, allowed)
        return list(dict.fromkeys(values))
    if len(values) > 1:
        raise bad_parameter(name, _("chỉ nhận một giá trị."))
    value = values[0]
    if datatype == "singlevaluelist":
        _in_list(name, value, _keys(definition))
        return value
    if datatype == "number":
        try:
            number = Decimal(value)
        except (InvalidOperation, ValueError):
            number = None
        if number is None or not number.is_finite() or len(value) > 40:
            raise bad_parameter(name, _("cần một số, ví dụ 12 hoặc 3.5."))
        return str(number)
    if datatype == "datetime":
        return moment({name: value}, name).isoformat()
    limit = TEXT_MAX if datatype == "text" else STRING_MAX
    if len(value) > limit:
        raise bad_parameter(name, _("tối đa %(n)s ký tự.") % {"n": limit})
    return value


def _keys(definition: dict) -> list[str]:
    return [
        str(v.get("key"))
        for v in definition.get("values") or []
        if isinstance(v, dict) and v.get("key") is not None
    ]


def _in_list(name: str, value: str, allowed: list[str]) -> None:
    if value not in allowed:
        raise bad_parameter(
            name,
            _("'%(value)s' không có trong danh sách; chọn một trong: %(keys)s.")
            % {"value": value[:40], "keys": ", ".join(allowed)},
        )


def form_body(request) -> None:
    """The spec's POST is form-encoded; a JSON (or other) body would look like missing fields."""
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise Open311Error(
            400,
            _(
                "Nội dung POST phải là application/x-www-form-urlencoded (hoặc "
                "multipart/form-data), như đặc tả GeoReport v2."
            ),
        )
