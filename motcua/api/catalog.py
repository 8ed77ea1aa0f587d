from decimal import Decimal

from ninja import Query, Router, Schema
from pydantic import Field

from motcua.api.schemas import ERRORS_PUBLIC
from motcua.catalog.queries import search_procedures

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


class ProcedureFilter(Schema):
    q: str = Field("", max_length=200, description="Accent-insensitive search text")
    limit: int = Field(50, ge=1, le=200)


@router.get("", response={200: list[ProcedureOut], **ERRORS_PUBLIC}, summary="Search procedures")
def list_procedures(request, filters: Query[ProcedureFilter]):
    """Catalogue search: ``khai sinh``, ``dang ky ket hon`` and ``ĐĂNG KÝ`` all match."""
    results = search_procedures(filters.q, limit=filters.limit)
    return [
        ProcedureOut(
            code=p.code,
            name_vi=p.name_vi,
            name_en=p.name_en,
            field=p.field.name_vi,
            processing_amount=p.processing_amount,
            processing_unit=p.processing_unit,
            legal_time=str(p.legal_time_display),
            fee_vnd=p.fee_vnd,
            fee_note=p.fee_note,
            online_level=p.online_level,
            documents=list(p.documents),
            steps=[
                ProcedureStepOut(role=s.role, name_vi=s.name_vi, budget_hours=s.budget_hours)
                for s in p.steps.all()
            ],
        )
        for p in results
    ]
