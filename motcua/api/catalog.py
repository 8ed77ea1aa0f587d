from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import BaseModel, Field

from motcua.api.schemas import ERRORS_PUBLIC
from motcua.catalog.models import Procedure
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


class FeeOut(Schema):
    kind: str = Field(description="FEE (lệ phí), SERVICE_FEE (phí), PRICE_LEVEL (mức giá)")
    amount_vnd: int | None
    text: str


class TimeOut(Schema):
    amount: float | None
    unit: str = Field(description="WORKING_DAY, DAY (calendar days), HOUR, MONTH or OTHER")
    text: str = Field(description="The portal's wording when it gives no number")


class ChannelOut(Schema):
    method: str = Field(description="DIRECT, ONLINE or POSTAL")
    fees: list[FeeOut]
    time: TimeOut
    note: str


class CaseTimeOut(TimeOut):
    case: str


class ProcedureDocumentOut(Schema):
    name: str
    originals: int
    copies: int
    code: str
    has_eform: bool
    kind: str = Field(description="document (to hand in), heading, or condition (a sentence)")


class DocumentGroupOut(Schema):
    case: str
    items: list[ProcedureDocumentOut]


class LegalBasisOut(Schema):
    code: str
    name: str


class OfficialStepOut(Schema):
    name: str
    text: str


class ProcedureDetailOut(ProcedureOut):
    level: str
    executing_agency: str
    promulgating_agency: str
    portal_type: str
    province: str | None = Field(description="Province code, for a province's own procedure")
    has_full_record: bool
    processing_note: str
    document_groups: list[DocumentGroupOut]
    document_notes: list[str]
    channels: list[ChannelOut]
    processing_cases: list[CaseTimeOut]
    legal_basis: list[LegalBasisOut]
    results: list[str]
    subject_types: list[str] = Field(description="Who may file")
    official_steps: list[OfficialStepOut]
    requirements: str
    source: str
    source_url: str


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


@router.get(
    "/{code}",
    response={200: ProcedureDetailOut, **ERRORS_PUBLIC},
    summary="One procedure, whole",
)
def get_procedure(request, code: str):
    """Everything the catalogue holds about one procedure: documents by case (originals, copies,
    e-form), each channel's fees and time, times per case, legal basis, results, who may file and
    the official steps, as the national portal publishes them (ADR 0026)."""
    p = get_object_or_404(
        Procedure.objects.select_related("field", "province").prefetch_related("steps"),
        code=code,
        is_active=True,
    )
    return ProcedureDetailOut(
        **_summary(p),
        level=p.level,
        executing_agency=p.executing_agency,
        promulgating_agency=p.promulgating_agency,
        portal_type=p.portal_type,
        province=p.province.code if p.province else None,
        has_full_record=p.has_full_record,
        processing_note=p.processing_note,
        document_groups=p.document_groups,
        document_notes=p.document_notes,
        channels=p.channels,
        processing_cases=p.processing_cases,
        legal_basis=p.legal_basis,
        results=p.results,
        subject_types=p.subject_types,
        official_steps=p.official_steps,
        requirements=p.requirements,
        source=p.source,
        source_url=p.source_url,
    )


def _summary(p: Procedure) -> dict:
    return {
        "code": p.code,
        "name_vi": p.name_vi,
        "name_en": p.name_en,
        "field": p.field.name_vi,
        "processing_amount": p.processing_amount,
        "processing_unit": p.processing_unit,
        "legal_time": str(p.legal_time_display),
        "fee_vnd": p.fee_vnd,
        "fee_note": p.fee_note,
        "online_level": p.online_level,
        "documents": list(p.documents),
        "steps": [
            ProcedureStepOut(role=s.role, name_vi=s.name_vi, budget_hours=s.budget_hours)
            for s in p.steps.all()
        ],
    }
