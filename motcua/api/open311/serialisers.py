"""Our rows as GeoReport v2 documents (plain dicts and lists; ``formats`` writes them as JSON or
XML). Reports are shown as anyone may read them (``petitions.queries.public_text``): never the
reporter's name, phone or e-mail, personal data in free text masked."""

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import formats as dj_formats
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua import runmode
from motcua.api.open311.formats import MEDIA_TYPES
from motcua.petitions import queries
from motcua.petitions.models import OPEN_STATUSES, Category, Petition, Status
from motcua.privacy import mask_text

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed in a way a client may notice (discovery's ``changeset``).
CHANGESET = "2026-12-08T00:00:00+07:00"
LIST_TYPES = ("singlevaluelist", "multivaluelist")


def when(value: datetime | None) -> str | None:
    """W3C date and time with Vietnam's offset: ``2025-07-07T09:00:00+07:00``."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def base_url() -> str:
    discovery = reverse("open311:discovery", kwargs={"fmt": "json"})
    return settings.PUBLIC_BASE_URL + discovery.removesuffix("discovery.json")


def discovery() -> dict:
    return {
        "changeset": CHANGESET,
        "contact": _(
            "Hỏi Trung tâm Phục vụ hành chính công của xã, phường, hoặc đơn vị vận hành hệ thống "
            "qua trang %(url)s."
        )
        % {"url": settings.PUBLIC_BASE_URL + reverse("support")},
        "key_service": _(
            "Khóa API do đơn vị vận hành hệ thống cấp (lệnh motcua create_open311_key); hãy liên "
            "hệ qua trang %(url)s."
        )
        % {"url": settings.PUBLIC_BASE_URL + reverse("support")},
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url(),
                "changeset": CHANGESET,
                "type": "test" if runmode.is_demo_mode() else "production",
                "formats": list(MEDIA_TYPES),
            }
        ],
    }


def _attributes(category: Category) -> list[dict]:
    """The category's attributes as they are stored, skipping malformed entries."""
    return [a for a in category.attributes or [] if isinstance(a, dict) and a.get("code")]


def service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(_attributes(category)),
        "type": "realtime",
        "keywords": category.keywords,
        "group": str(category.get_subject_display()),
    }


def attribute(definition: dict, position: int) -> dict:
    datatype = str(definition.get("datatype") or "string")
    values = definition.get("values") if datatype in LIST_TYPES else None
    return {
        "variable": bool(definition.get("variable", True)),
        "code": str(definition["code"]),
        "datatype": datatype,
        "required": bool(definition.get("required", False)),
        "datatype_description": definition.get("datatype_description") or None,
        "order": definition.get("order", position),
        "description": str(definition.get("description") or ""),
        "values": [
            {"key": str(v.get("key")), "name": str(v.get("name") or v.get("key"))}
            for v in values or []
            if isinstance(v, dict) and v.get("key") is not None
        ],
    }


def definition(category: Category) -> dict:
    return {
        "service_code": category.code,
        "attributes": [
            attribute(a, position) for position, a in enumerate(_attributes(category), start=1)
        ],
    }


def status_of(petition: Petition) -> str:
    return "open" if petition.status in OPEN_STATUSES else "closed"


def status_notes(petition: Petition) -> str:
    """The published answer; the reason of a refusal; where a duplicate went; else the step."""
    if petition.published_at is not None and petition.answer:
        return mask_text(petition.answer)
    if petition.status == Status.REJECTED:
        return _("Không tiếp nhận: %(reason)s") % {"reason": mask_text(petition.rejection_reason)}
    if petition.status == Status.MERGED:
        return _(
            "Cùng sự việc với phản ánh %(id)s; câu trả lời của phản ánh đó là câu trả lời cho "
            "phản ánh này."
        ) % {"id": petition.merged_into_id}
    return str(petition.get_status_display())


def agency(petition: Petition) -> str:
    if petition.department is None:
        return petition.commune.name
    return f"{petition.commune.name} – {petition.department.name}"


def expected(petition: Petition) -> datetime | None:
    """When the answer is due while the report is open (the 5.2 limit it runs against)."""
    if petition.status not in OPEN_STATUSES:
        return None
    if petition.status == Status.AWAITING_APPROVAL and petition.publish_due_at:
        return petition.publish_due_at
    return petition.due_at


def coordinate(value) -> float | None:
    return None if value is None else float(value)


def service_request(petition: Petition) -> dict:
    """One report as ``GET requests`` shows it. ``petition.updated`` (annotated by the view) is
    its latest step."""
    updated = getattr(petition, "updated", None) or petition.received_at
    return {
        "service_request_id": str(petition.pk),
        "status": status_of(petition),
        "status_notes": status_notes(petition),
        "service_name": petition.category.name,
        "service_code": petition.category.code,
        "description": queries.public_text(petition),
        "agency_responsible": agency(petition),
        "service_notice": _("Mã phản ánh %(ref)s") % {"ref": petition.reference},
        "requested_datetime": when(petition.received_at),
        "updated_datetime": when(updated),
        "expected_datetime": when(expected(petition)),
        "address": mask_text(petition.address) or None,
        "address_id": petition.place.key if petition.place_id else None,
        "zipcode": None,
        "lat": coordinate(petition.latitude),
        "long": coordinate(petition.longitude),
        "media_url": petition.media_url or public_photo_url(petition),
    }


def public_photo_url(petition: Petition) -> str | None:
    """The first photo anyone may see (``queries.photo_is_public``), as an absolute address."""
    if petition.status != Status.PUBLISHED:
        return None  # no photo is public before the answer; skips the photos' query
    photos = queries.public_photos(petition)
    return settings.PUBLIC_BASE_URL + queries.photo_path(photos[0]) if photos else None


def receipt(petition: Petition) -> dict:
    """The answer to a POST: the report exists at once, so its id (no token)."""
    due = dj_formats.date_format(timezone.localtime(petition.due_at), "d/m/Y")
    return {
        "service_request_id": str(petition.pk),
        "service_notice": _("%(commune)s đã tiếp nhận phản ánh %(ref)s; hạn trả lời: %(due)s.")
        % {"commune": petition.commune.name, "ref": petition.reference, "due": due},
        "account_id": None,
    }


def token(petition: Petition) -> dict:
    return {"service_request_id": str(petition.pk), "token": str(petition.pk)}
