"""A commune's dossier statistics over JSON, mounted under ``/api/v1/statistics``:

    GET /commune?commune=<code>&period=<key>[&by=field|procedure|channel|officer]

The figures are ``motcua.insights.figures`` — the definitions the dashboard and its exports use —
so an integrator gets exactly the numbers the pages show. Leaders and commune admins read their
own commune; province monitors any commune of their province; others get 404.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field as SchemaField

from motcua.accounts import access
from motcua.api.router import STAFF_AUTH
from motcua.api.schemas import errors
from motcua.insights import figures
from motcua.insights.periods import PeriodError
from motcua.insights.views.dashboard import BREAKDOWNS, commune_dossiers, read_period

router = Router()


class GroupOut(Schema):
    group: str | int | None = SchemaField(description="the value grouped by (a name or a code)")
    counts: dict[str, int]


class CommuneStatisticsOut(Schema):
    commune: str
    period: str = SchemaField(
        description="the period's key: 2026-10, 2026-Q4, 2026, a day or a range"
    )
    counts: dict[str, int] = SchemaField(description="every figure of insights.figures.FIGURES")
    percent: dict[str, str | None] = SchemaField(
        description="each figure as a percentage (2 decimals) of the figure it is a share of"
    )
    groups: list[GroupOut] = []


@router.get(
    "/commune",
    auth=STAFF_AUTH,
    response={200: CommuneStatisticsOut, **errors(401, 403, 404, 422)},
    summary="A commune's dossier figures for a period, optionally grouped",
)
def commune_statistics(request, commune: str, period: str = "", by: str = ""):
    """Figures of the dossiers the commune decides, received in the period, as they stood at its
    end (or now, while it runs); see ``insights.figures`` for what each counts."""
    found = access.commune_named(
        request.user, access.Kind.COMMUNE_STATISTICS, access.Action.VIEW, commune
    )
    try:
        chosen = read_period(request)
    except PeriodError as exc:
        raise ValidationError({"period": [str(exc)]}) from exc
    if by and by not in BREAKDOWNS:
        raise ValidationError(
            {"by": [_("Phải là một trong: %(values)s.") % {"values": ", ".join(BREAKDOWNS)}]}
        )
    dossiers = commune_dossiers(found, {})
    row = figures.counts(dossiers, chosen)
    groups = []
    if by:
        for grouped in figures.breakdown(dossiers, chosen, BREAKDOWNS[by][0]):
            value = grouped.pop("group")
            groups.append(GroupOut(group=value, counts=grouped))
    return CommuneStatisticsOut(
        commune=found.code,
        period=chosen.key,
        counts=row,
        percent={k: (None if v is None else str(v)) for k, v in figures.with_shares(row).items()},
        groups=groups,
    )
