"""The public directory of service centres (the same reads as the /trung-tam/ pages)."""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from motcua.api.schemas import ERRORS_PUBLIC
from motcua.errors import PublicNotFound
from motcua.units import queries
from motcua.units.models import ServiceCenter

router = Router()


class CenterFieldOut(Schema):
    code: str
    name_vi: str
    name_en: str


class CenterCounterOut(Schema):
    number: int
    name: str
    reserved_for_priority: bool = Field(
        description="for the elderly, pregnant women and people with disabilities"
    )
    fields: list[CenterFieldOut]


class CenterOut(Schema):
    id: int
    name: str
    main_center_id: int | None = Field(description="set for a branch (điểm tiếp nhận)")
    commune_code: str
    commune_name: str
    province_code: str
    province_name: str
    address: str
    phone: str
    hotline: str
    email: str
    office_hours: str = Field(description="Monday to Friday, e.g. 08:00-12:00,13:00-17:00")
    saturday_reception: bool
    free_services: list[str] = Field(description="codes (photocopy, wifi, …) or free text")
    free_service_labels: list[str]
    latitude: Decimal | None
    longitude: Decimal | None
    map_url: str = Field(description="a plain link to OpenStreetMap")
    page_url: str
    counters: list[CenterCounterOut]


class CenterFilter(Schema):
    province: str = Field("", max_length=2, description="two-digit province code, e.g. 01")
    commune: str = Field("", max_length=5, description="five-digit commune code, e.g. 00070")
    q: str = Field("", max_length=100, description="commune name or address, diacritics optional")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=100_000)


def _out(center: ServiceCenter) -> CenterOut:
    commune = center.commune
    return CenterOut(
        id=center.pk,
        name=center.name,
        main_center_id=center.parent_id,
        commune_code=commune.code,
        commune_name=commune.name,
        province_code=commune.province.code,
        province_name=commune.province.full_name,
        address=center.address,
        phone=center.phone,
        hotline=center.hotline,
        email=center.email,
        office_hours=center.office_hours,
        saturday_reception=center.saturday_reception,
        free_services=list(center.free_services),
        free_service_labels=center.free_service_labels,
        latitude=center.latitude,
        longitude=center.longitude,
        map_url=center.map_url,
        page_url=reverse("units:center", args=[center.pk]),
        counters=[
            CenterCounterOut(
                number=counter.number,
                name=counter.name,
                reserved_for_priority=counter.reserved_for_priority,
                fields=[
                    CenterFieldOut(code=f.code, name_vi=f.name_vi, name_en=f.name_en)
                    for f in counter.fields.all()
                ],
            )
            for counter in center.active_counters
        ],
    )


@router.get("", response={200: list[CenterOut], **ERRORS_PUBLIC}, summary="Service centres")
def list_centers(request, filters: Query[CenterFilter]):
    """Active service centres, by province then commune (main centre before its branches), with
    address, phone, hotline, hours, counters and the fields they serve, and free services."""
    centers = queries.centers_directory(
        province=filters.province, commune=filters.commune, q=filters.q
    )
    page = queries.with_counters(centers[filters.offset : filters.offset + filters.limit])
    return [_out(c) for c in page]


@router.get(
    "/{center_id}", response={200: CenterOut, **ERRORS_PUBLIC}, summary="One service centre"
)
def get_center(request, center_id: int):
    """One active centre; 404 for an unknown or closed one."""
    # A number no primary key can hold names nothing (and would overflow the database's integer).
    center = queries.center_page(center_id) if 0 < center_id < 2**63 else None
    if center is None:
        raise PublicNotFound(_("Không tìm thấy trung tâm."))
    return _out(center)
