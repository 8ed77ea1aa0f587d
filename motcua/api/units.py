from ninja import Query, Router, Schema

from motcua.api.schemas import ERRORS_PUBLIC
from motcua.units.models import Commune

router = Router()


class UnitOut(Schema):
    code: str
    name: str
    type: str


class UnitFilter(Schema):
    province: str | None = None


@router.get("", response={200: list[UnitOut], **ERRORS_PUBLIC}, summary="Communes of a province")
def list_units(request, filters: Query[UnitFilter]):
    """Commune-level units (xã, phường, đặc khu) valid today, optionally of one province
    (two-digit code, e.g. ``01`` for Hà Nội)."""
    qs = Commune.objects.current().order_by("code")
    if filters.province:
        qs = qs.filter(province__code=filters.province)
    return [UnitOut(code=c.code, name=c.name, type=c.get_kind_display()) for c in qs]
