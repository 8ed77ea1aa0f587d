from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import BaseModel, Field

from motcua.api.schemas import ERRORS_PUBLIC
from motcua.catalog.queries import PAGE_SIZE, search_page
from motcua.errors import PublicNotFound
from motcua.units.models import Commune

router = Router()


class ProcedureStepOut(Schema):
    role: str
    name_vi: str
    budget_hours: Decimal


class ProcedureOut(Schema):
    code: str
    name_vi: str
    name_en: str
    field: str
    processing_amount: Decimal | None
    processing_unit: str
    legal_time: str
    fee_vnd: int | None
    fee_note: str
    online_level: str
    documents: list[str]
    steps: list[ProcedureStepOut]


class ProcedureListItemOut(BaseModel):
    """One search result: enough to choose; ``GET /procedures/{code}`` gives the whole record.

    A plain pydantic model, not a ninja ``Schema``: the list is built as dicts, and ``Schema``'s
    attribute-resolving validator would run once more per item for nothing.
    """

    code: str
    name_vi: str
    name_en: str
    field: str
    level: str = Field(description="commune, province or central")
    processing_amount: Decimal | None
    processing_unit: str
    legal_time: str = Field(description="the legal processing time as people read it")
    online_level: str = Field(description="full, partial, none or unknown")


class ProcedureFilter(Schema):
    q: str = Field(
        "", max_length=200, description="Accent-insensitive search text; empty lists all"
    )
    commune: str = Field(
        "",
        max_length=5,
        description="A commune's code: its own procedures first, then national ones, then its "
        "province's variants, then other provinces'",
    )
    limit: int = Field(PAGE_SIZE, ge=1, le=100, description="results per page")
    offset: int = Field(0, ge=0, le=10_000, description="results to skip")


@router.get(
    "",
    response={200: list[ProcedureListItemOut], **ERRORS_PUBLIC},
    summary="Search procedures",
)
def list_procedures(request, response: HttpResponse, filters: Query[ProcedureFilter]):
    """Catalogue search: ``khai sinh``, ``dang ky ket hon`` and ``ĐĂNG KÝ`` all match; the
    procedure whose name has the words as a phrase first. A page of ``limit`` results from
    ``offset``; when more follow, a ``Link: <…>; rel="next"`` header gives the next page's address.
    404 for an unknown commune code."""
    commune = None
    if filters.commune:
        commune = Commune.objects.current().filter(code=filters.commune).first()
        if commune is None:
            raise PublicNotFound(_("Không có xã/phường mã %(code)s.") % {"code": filters.commune})
    page = search_page(filters.q, commune, filters.limit, offset=filters.offset)
    if page.has_more:
        following = request.GET.copy()
        following["offset"] = str(filters.offset + filters.limit)
        response.headers["Link"] = f'<{request.path}?{following.urlencode()}>; rel="next"'
    # Plain dicts: ninja validates the answer against the schema anyway.
    return [
        {
            "code": p.code,
            "name_vi": p.name_vi,
            "name_en": p.name_en,
            "field": p.field.name_vi,
            "level": p.level,
            "processing_amount": p.processing_amount,
            "processing_unit": p.processing_unit,
            "legal_time": str(p.legal_time_display),
            "online_level": p.online_level,
        }
        for p in page.results
    ]
