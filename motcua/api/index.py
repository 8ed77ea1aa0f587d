"""The Decision 766 service index over JSON.

Mounted under ``/api/v1/index``:

    POST /score      score any inputs (open, no login; at most 60 calls a minute per address)
    GET  /communes   the ranking of a province's communes for a month (province monitors)

``POST /score`` reads no stored data: it takes the inputs of service_index.md Appendix A and
returns the criterion scores (keys as in Appendix B, e.g. ``2.1_ON_TIME``), the six group scores
and the total, computed by ``motcua.insights.index.scoring.score`` — the function the pages use —
plus, per criterion, its numerator, denominator and ratio. Refusals have the API's
``{code, message, fields}`` shape: 422 ``invalid`` names each wrong field
(``commune.dossiers_on_time``), 429 ``rate_limited`` when an address calls too often.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import BaseModel, ConfigDict, StrictBool, create_model, model_validator
from pydantic import Field as SchemaField

from motcua import ratelimit
from motcua.accounts import access
from motcua.api.router import STAFF_AUTH
from motcua.api.schemas import BODY_ERRORS, ErrorOut, errors
from motcua.api.throttling import PerAddress
from motcua.insights import ranking as ranking_rows
from motcua.insights.index import inputs as index_inputs
from motcua.insights.index.scheme import Scheme, SchemeError, scheme_for
from motcua.insights.index.scoring import CriterionScore, IndexResult, score
from motcua.insights.periods import PeriodError, parse_month

router = Router()

CALLS_PER_WINDOW = 60
WINDOW_SECONDS = 60


def scoring_calls() -> ratelimit.Limit:
    """At most ``CALLS_PER_WINDOW`` calls per ``WINDOW_SECONDS`` from one address."""
    return ratelimit.Limit(
        "index-score",
        CALLS_PER_WINDOW,
        timedelta(seconds=WINDOW_SECONDS),
        _("Bạn đã gọi quá nhiều lần trong thời gian ngắn. Xin thử lại sau %(wait)s."),
    )


# --------------------------------------------------------------------------- input


# Input models are plain pydantic models, not ninja Schemas: a Schema hands validators a wrapper
# of the body (for reading ORM objects), and ScoreIn's check needs the body itself.
class _Inputs(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _section_schema(model_name: str, section: str, doc: str) -> type[BaseModel]:
    """A schema with one field per Appendix A input of ``section``, built from the single table
    in ``insights.index.inputs`` so names and descriptions cannot drift apart."""
    fields = {
        field.name: (
            (StrictBool, SchemaField(description=field.description))
            if field.kind == index_inputs.FLAG
            else (int, SchemaField(ge=0, description=field.description))
        )
        for field in index_inputs.fields_of(section)
    }
    return create_model(model_name, __base__=_Inputs, __doc__=doc, **fields)


ProvinceLevelIn = _section_schema(
    "ProvinceLevelIn",
    index_inputs.PROVINCE_LEVEL,
    "Criteria 1.1–1.3, measured for the whole province; every commune inherits them.",
)
CommuneIn = _section_schema(
    "CommuneIn", index_inputs.COMMUNE, "The commune's own inputs for the period."
)


class ScoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    province_level: ProvinceLevelIn  # type: ignore[valid-type]
    commune: CommuneIn  # type: ignore[valid-type]
    portal_compatible: bool = SchemaField(
        False,
        description="round groups 3 and 4 as the National Public Service Portal does "
        "(service_index.md Appendix C); exact arithmetic when false",
    )
    on: date | None = SchemaField(
        None, description="the day whose criteria apply (default: today in Vietnam)"
    )

    @model_validator(mode="before")
    @classmethod
    def _check_inputs(cls, data):
        """Check the inputs with ``validate_inputs`` before pydantic does, so every refusal
        carries its Vietnamese message keyed by field. Its ``ValidationError`` is Django's, which
        pydantic does not catch: it reaches the API's handler as a 422 ``invalid``."""
        if not isinstance(data, dict):
            index_inputs.validate_inputs(data)  # raises its "not a JSON object" message
        errors = {
            str(key): [_("Không có mục “%(key)s” trong yêu cầu.") % {"key": key}]
            for key in data
            if key not in cls.model_fields
        }
        try:
            index_inputs.validate_inputs(
                {key: value for key, value in data.items() if key in index_inputs.SECTIONS}
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)
        return data

    def inputs(self) -> dict:
        return {
            index_inputs.PROVINCE_LEVEL: self.province_level.model_dump(),
            index_inputs.COMMUNE: self.commune.model_dump(),
        }


# --------------------------------------------------------------------------- output


class CriterionDetailOut(Schema):
    code: str
    group: str
    name: str
    name_en: str
    max: float
    shape: str = SchemaField(description="linear or threshold")
    threshold: str | None = SchemaField(description='for threshold criteria, e.g. "0.8"')
    numerator: int | None
    denominator: int | None
    ratio_percent: str | None = SchemaField(
        description='numerator ÷ denominator as a percentage rounded to 2 decimals, e.g. "99.68"; '
        "null when the denominator is 0. Scores use the exact ratio, never this display value"
    )
    points: float


class GroupDetailOut(Schema):
    name: str
    name_en: str
    max: float
    points: float


class RatingBandOut(Schema):
    key: str
    name: str


class ScoreOut(Schema):
    scheme: str = SchemaField(description="effective date of the criteria used")
    portal_compatible: bool
    criteria: dict[str, float] = SchemaField(description="criterion key → points")
    groups: dict[str, float] = SchemaField(description="group key → points")
    total: float
    details: dict[str, CriterionDetailOut] = SchemaField(description="criterion key → detail")
    group_details: dict[str, GroupDetailOut]
    rating: RatingBandOut | None = SchemaField(
        description="reference rating band (a proposal, not defined by Decision 766)"
    )


def _detail(criterion: CriterionScore) -> CriterionDetailOut:
    percent = criterion.ratio_percent
    return CriterionDetailOut(
        code=criterion.code,
        group=criterion.group,
        name=criterion.name_vi,
        name_en=criterion.name_en,
        max=float(criterion.max),
        shape=criterion.shape,
        threshold=str(float(criterion.threshold)) if criterion.threshold is not None else None,
        numerator=criterion.numerator,
        denominator=criterion.denominator,
        ratio_percent=str(percent) if percent is not None else None,
        points=float(criterion.points),
    )


def _score_out(result: IndexResult, scheme: Scheme) -> ScoreOut:
    band = scheme.band_for(result.total)
    return ScoreOut(
        scheme=result.scheme,
        portal_compatible=result.portal_compatible,
        **result.as_dict(),
        details={c.key: _detail(c) for c in result.criteria},
        group_details={
            g.key: GroupDetailOut(
                name=g.name_vi, name_en=g.name_en, max=float(g.max), points=float(g.points)
            )
            for g in result.groups
        },
        rating=RatingBandOut(key=band.key, name=band.name_vi) if band else None,
    )


@router.post(
    "/score",
    auth=None,
    throttle=[PerAddress(scoring_calls)],
    response={200: ScoreOut, **errors(*BODY_ERRORS, 429)},
    summary="Score a commune's inputs (Decision 766 service index)",
)
def score_inputs(request, payload: ScoreIn):
    """The index of one commune and period from the inputs of service_index.md Appendix A:
    exact ratios, each criterion rounded half-up to 2 decimals, groups the sums of their
    criteria, the total the sum of the groups. Nothing is read or stored. 422 ``invalid`` names
    every wrong field (unknown or missing name, a count that is not a whole number ≥ 0, a part
    larger than its whole such as ``dossiers_on_time`` > ``dossiers_received``)."""
    on = payload.on or timezone.localdate()
    try:
        scheme = scheme_for(on)
    except SchemeError as exc:  # a day before the index existed
        raise ValidationError({"on": [str(exc)]}) from exc
    result = score(payload.inputs(), scheme=scheme, portal_compatible=payload.portal_compatible)
    return _score_out(result, scheme)


# --------------------------------------------------------------------------- the ranking


class RankedCommuneOut(Schema):
    rank: int | None = SchemaField(
        description="competition rank; null when no dossier was received"
    )
    code: str = SchemaField(description="the commune's code (5 digits)")
    name: str
    total: float | None = SchemaField(description="index total, 2 decimals; null = no data")
    groups: dict[str, float] = SchemaField(description="group scores keyed as in Appendix B")
    previous_total: float | None = SchemaField(description="the previous month's total")
    change: float | None = SchemaField(description="total − previous_total")
    rank_change: int | None = SchemaField(description="places gained since the previous month")


class RankingOut(Schema):
    province: str
    month: str
    frozen: bool = SchemaField(description="true: the snapshot frozen on the cut-off day")
    communes: list[RankedCommuneOut]


def _float(value):
    return None if value is None else float(value)


@router.get(
    "/communes",
    auth=STAFF_AUTH,
    response={200: RankingOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The monthly ranking of a province's communes by the service index",
)
def communes(request, province: str, month: str, frozen: bool = False):
    """``province`` is the province code (``01`` = Hà Nội), ``month`` is ``YYYY-MM``. Live values
    by default (refreshed from the rollups), or with ``frozen=true`` the snapshot frozen on the
    province's cut-off day (an empty list before it). Province monitors read their own province;
    other roles get 404."""
    found = access.province_named(
        request.user, access.Kind.PROVINCE_STATISTICS, access.Action.VIEW, province
    )
    try:
        period = parse_month(month)
    except PeriodError as exc:
        raise ValidationError({"month": [str(exc)]}) from exc
    rows = ranking_rows.ranking(found.pk, period, frozen=frozen)
    return RankingOut(
        province=found.code,
        month=period.key,
        frozen=frozen,
        communes=[
            RankedCommuneOut(
                rank=r.rank,
                code=r.commune_code,
                name=r.commune_name,
                total=_float(r.total),
                groups={k: float(v) for k, v in r.groups.items()} if r.total is not None else {},
                previous_total=_float(r.previous_total),
                change=_float(r.change),
                rank_change=r.rank_change,
            )
            for r in rows
        ],
    )
