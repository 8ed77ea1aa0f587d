"""Reads about reports, for pages, the Open311 API, statistics and exports (no writes)."""

import hmac
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.errors import PublicNotFound
from motcua.notify.models import Message
from motcua.petitions.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    Petition,
    PetitionPhoto,
    Status,
    Subject,
)
from motcua.privacy import mask_text
from motcua.units.calendars import calendar_for_center
from motcua.units.models import Commune, Province, ServiceCenter

NOT_FOUND = _("Không tìm thấy phản ánh. Hãy kiểm tra lại đường dẫn trong tin nhắn.")


def categories_for(province: Province | None) -> QuerySet[Category]:
    """The active categories residents of ``province`` choose from: the province's own, and the
    national ones whose code the province has not replaced with its own."""
    own = Category.objects.filter(province=province) if province is not None else None
    national = Category.objects.filter(province__isnull=True)
    if own is not None:
        national = national.exclude(code__in=own.values("code"))
        chosen = Q(pk__in=own.values("pk")) | Q(pk__in=national.values("pk"))
    else:
        chosen = Q(pk__in=national.values("pk"))
    return Category.objects.filter(chosen, is_active=True).order_by("order", "name")


def category_by_code(province: Province | None, code: str) -> Category | None:
    return categories_for(province).filter(code=code).first()


def calendar_of(commune: Commune):
    """The working calendar of the commune's main service centre (its office hours and the
    official day swaps), or the default hours when it has none."""
    center = (
        ServiceCenter.objects.filter(commune=commune, parent__isnull=True, is_active=True)
        .order_by("pk")
        .first()
    )
    return calendar_for_center(center)


def by_secret(secret: str, *, lock: bool = False) -> Petition:
    """The report a reporter's private link names, or 404. The lookup is by the unique column;
    the comparison after it is constant-time so the link cannot be guessed byte by byte."""
    secret = secret if isinstance(secret, str) else ""
    if not secret or len(secret) > 40:
        raise PublicNotFound(NOT_FOUND)
    rows = Petition.objects.select_related("commune", "category", "department")
    if lock:
        rows = rows.select_for_update(of=("self",))  # PostgreSQL: not the outer-joined department
    petition = rows.filter(secret=secret).first()
    if petition is None or not hmac.compare_digest(petition.secret, secret):
        raise PublicNotFound(NOT_FOUND)
    return petition


# --------------------------------------------------------------------------- time and lights


class Light:
    """The traffic light of a report in the officers' inbox."""

    GREEN = "green"  # more than a working day left
    AMBER = "amber"  # due within a working day
    RED = "red"  # overdue
    NONE = "none"  # closed, or waiting for the reporter


def current_limit(petition: Petition) -> datetime | None:
    """The limit the report is running against now (None when no clock runs)."""
    if petition.status == Status.RECEIVED:
        return petition.accept_due_at
    if petition.status == Status.IN_PROGRESS:
        return petition.due_at
    if petition.status == Status.AWAITING_APPROVAL:
        return petition.publish_due_at
    return None


def light(petition: Petition, now: datetime | None = None, calendar=None) -> str:
    """``calendar``: the commune's (``calendar_of``), when the caller already has it (a list
    reads it once per commune instead of once per row)."""
    limit = current_limit(petition)
    if limit is None:
        return Light.NONE
    now = now or timezone.now()
    if now > limit:
        return Light.RED
    calendar = calendar or calendar_of(petition.commune)
    left = calendar.working_time_between(now, limit)
    return Light.AMBER if left.total_seconds() <= 8 * 3600 else Light.GREEN


def is_late(petition: Petition, at: datetime | None = None) -> bool:
    """Late on criterion 5.2's terms: a step was taken after its limit, or the report is still
    open past the limit it runs against."""
    if petition.handled_late:
        return True
    limit = current_limit(petition)
    return limit is not None and (at or timezone.now()) > limit


# --------------------------------------------------------------------------- lists


def for_commune(commune: Commune) -> QuerySet[Petition]:
    return Petition.objects.filter(commune=commune)


def open_reports(petitions: QuerySet[Petition]) -> QuerySet[Petition]:
    return petitions.filter(status__in=OPEN_STATUSES)


def closed_reports(petitions: QuerySet[Petition]) -> QuerySet[Petition]:
    return petitions.filter(status__in=CLOSED_STATUSES)


def published_answers(commune: Commune | None = None) -> QuerySet[Petition]:
    """What the public answers page lists: published reports (not merged copies, not hidden by
    a moderator), newest answer first."""
    rows = Petition.objects.filter(status=Status.PUBLISHED, is_hidden=False)
    if commune is not None:
        rows = rows.filter(commune=commune)
    return rows.select_related("commune", "category", "department").order_by("-published_at")


@dataclass(frozen=True)
class PublicView:
    """A report as anyone may read it: no reporter, personal data in the text masked."""

    reference: str
    title: str
    text: str
    category: str
    commune: str
    department: str
    status: str
    received_at: datetime
    published_at: datetime | None
    answer: str
    address: str


def public_text(petition: Petition) -> str:
    """What public pages and Open311 show of the reporter's text: the moderator's text if there
    is one, else the reporter's with ID numbers, phones and e-mail addresses masked. Reports
    about an official's conduct show no text until the answer is published (an accusation is
    not published before it was looked into)."""
    if petition.is_hidden:
        return ""
    if petition.public_text:
        return petition.public_text
    if petition.subject == "conduct" and petition.published_at is None:
        return ""
    return mask_text(petition.description)


def public_title(petition: Petition) -> str:
    if petition.is_hidden or (petition.subject == "conduct" and petition.published_at is None):
        return str(petition.category.name)
    return mask_text(petition.title)


def public_view(petition: Petition) -> PublicView:
    return PublicView(
        reference=petition.reference,
        title=public_title(petition),
        text=public_text(petition),
        category=petition.category.name,
        commune=petition.commune.name,
        department=petition.department.name if petition.department else "",
        status=petition.get_status_display(),
        received_at=petition.received_at,
        published_at=petition.published_at,
        answer=mask_text(petition.answer) if petition.published_at else "",
        address=mask_text(petition.address),
    )


# --------------------------------------------------------------------------- public photos


def photo_is_public(photo: PetitionPhoto) -> bool:
    """Anyone may see a report's photo once its answer is public (published, not hidden), if the
    photo is of a place or came with the officers' answer. Photos of a dossier, a visit or an
    official stay with the officers: they may show people or papers."""
    petition = photo.petition
    return (
        petition.status == Status.PUBLISHED
        and not petition.is_hidden
        and (photo.with_answer or petition.subject == Subject.PLACE)
    )


def public_photos(petition: Petition) -> list[PetitionPhoto]:
    # ``.all()`` sorted here rather than ``order_by``: lists prefetch the photos.
    photos = sorted(petition.photos.all(), key=lambda p: p.pk)
    return [p for p in photos if photo_is_public(p)]


def photo_path(photo: PetitionPhoto) -> str:
    """The public address of a photo (the digest prefix makes ids unwalkable)."""
    return reverse("petitions:photo", args=[photo.pk, photo.sha256[:12]])


# --------------------------------------------------------------------------- messages


def reporter_messages(petition_ids: list[int]) -> dict[int, list[Message]]:
    """The outbox's messages to the reporters of these reports (not the officers' escalation
    e-mails), oldest first, in one query. ``services`` keys them ``petition:<id>:<step>:…``."""
    found: dict[int, list[Message]] = {pk: [] for pk in petition_ids}
    if not petition_ids:
        return found
    condition = Q()
    for pk in petition_ids:
        condition |= Q(dedupe_key__startswith=f"petition:{pk}:")
    for message in (
        Message.objects.filter(condition)
        .exclude(dedupe_key__contains=":escalation:")
        .order_by("created_at", "pk")
    ):
        found[int(message.dedupe_key.split(":")[1])].append(message)
    return found
