from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from motcua.api.schemas import ERRORS_PUBLIC
from motcua.errors import PublicNotFound
from motcua.units.calendars import calendar_for_center
from motcua.units.models import ServiceCenter
from motcua.workdays import VIETNAM_TZ, due_at

router = Router()


class DueQuery(Schema):
    received_at: datetime = Field(description="ISO 8601 with offset, e.g. 2025-07-07T09:00+07:00")
    amount: Decimal = Field(ge=0, le=3650)
    unit: Literal["working_day", "calendar_day", "hour", "same_day"]
    center: int | None = Field(None, description="Service centre id (its office hours)")


class DueOut(Schema):
    due_at: str


@router.get("/due", response={200: DueOut, **ERRORS_PUBLIC}, summary="Compute a due time")
def compute_due(request, query: Query[DueQuery]):
    """The appointment time for a dossier received at ``received_at`` with a legal processing
    time of ``amount`` ``unit`` (domain.md §8): working days count 8 working hours each, skipping
    weekends, Vietnamese public holidays and official day swaps."""
    received = query.received_at
    if received.tzinfo is None:
        received = received.replace(tzinfo=VIETNAM_TZ)
    center = None
    if query.center is not None:
        center = ServiceCenter.objects.filter(pk=query.center).first()
        if center is None:
            raise PublicNotFound(
                _("Không có trung tâm phục vụ hành chính công số %(id)s.") % {"id": query.center}
            )
    due = due_at(received, query.amount, query.unit, calendar_for_center(center))
    return DueOut(due_at=due.astimezone(VIETNAM_TZ).isoformat())
