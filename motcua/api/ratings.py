"""Satisfaction ratings over JSON, for kiosks at the counter, the portal and apps.

Mount with ``api.add_router("/ratings", ratings.router, tags=["ratings"])``:

    GET  /ratings/criteria   every criterion and level (with its points)
    GET  /ratings/{token}    the dossier behind a rating link and the criteria it is asked
    POST /ratings/{token}    rate it: {"answers": {"a": "very_satisfied", …}, "comment": "…"}

No login: the signed token from the rating link is the permission. Errors come in the API's
``{code, message, fields}`` shape: 400 forged token, 404 dossier gone, 409 already rated or result
not yet received, 422 an answer missing or wrong (``fields`` names each criterion).
"""

from typing import Literal

from ninja import Router, Schema, Status
from pydantic import Field

from motcua.api.errors import ApiError
from motcua.api.schemas import BODY_ERRORS, errors
from motcua.feedback import queries, services
from motcua.feedback.criteria import CRITERIA, POINTS, Criterion, Level, criteria_for
from motcua.feedback.errors import RatingError
from motcua.feedback.links import open_link
from motcua.feedback.models import RatingChannel
from motcua.workdays import VIETNAM_TZ

router = Router()

ERRORS = errors(400, 404, 409, 422)


class CriterionOut(Schema):
    key: str
    question: str
    hint: str
    legal_reference: str
    indicator: int | None = Field(description="Circular 01/2018 indicator it mirrors, if any")
    optional: bool
    online_only: bool


class LevelOut(Schema):
    key: str
    label: str
    points: int


class CriteriaOut(Schema):
    criteria: list[CriterionOut]
    levels: list[LevelOut]


class RatingFormOut(Schema):
    dossier_code: str
    procedure_name: str
    criteria: list[CriterionOut]


class RatingIn(Schema):
    answers: dict[str, str] = Field(
        max_length=20,
        description='criterion key → level, e.g. {"a": "very_satisfied", "đ": "satisfied"}',
    )
    comment: str = Field("", max_length=2000)
    channel: Literal["portal", "kiosk", "sms_link", "receipt_qr"] = RatingChannel.PORTAL.value


class RatingOut(Schema):
    dossier_code: str
    submitted_at: str
    channel: str
    answers: dict[str, str]


def _criterion_out(c: Criterion) -> CriterionOut:
    return CriterionOut(
        key=c.key,
        question=str(c.question),
        hint=str(c.hint),
        legal_reference=c.legal_reference,
        indicator=c.indicator,
        optional=c.optional,
        online_only=c.online_only,
    )


def _error(exc: RatingError) -> ApiError:
    return ApiError(exc.status, exc.code, exc.message, exc.errors)


@router.get(
    "/criteria",
    auth=None,
    response={200: CriteriaOut, **errors(422)},
    summary="Rating criteria and levels",
)
def criteria(request):
    """The Decree 118 Art. 33 criteria in order, and the 3-level scale with the Circular 01/2018
    points of each level. ``online_only`` criteria are asked only about dossiers filed or
    returned online; ``optional`` ones may be left out."""
    return CriteriaOut(
        criteria=[_criterion_out(c) for c in CRITERIA],
        levels=[LevelOut(key=v, label=str(label), points=POINTS[v]) for v, label in Level.choices],
    )


@router.get(
    "/{token}",
    auth=None,
    response={200: RatingFormOut, **ERRORS},
    summary="What a rating link asks",
)
def rating_form(request, token: str):
    """The dossier (code and procedure only, no personal data) and the criteria its applicant is
    asked. 409 when it was already rated or its result is not yet received."""
    try:
        dossier = open_link(token).dossier
        queries.check_open(dossier)
    except RatingError as exc:
        raise _error(exc) from exc
    return RatingFormOut(
        dossier_code=dossier.code,
        procedure_name=dossier.procedure.name_vi,
        criteria=[_criterion_out(c) for c in criteria_for(dossier)],
    )


@router.post(
    "/{token}",
    auth=None,
    response={201: RatingOut, **ERRORS, **errors(*BODY_ERRORS)},
    summary="Rate a dossier once its result is received",
)
def submit(request, token: str, payload: RatingIn):
    """Store the rating; once per dossier. Nothing is stored when any error is returned."""
    try:
        rating = services.submit_rating(
            token, payload.answers, channel=payload.channel, comment=payload.comment
        )
    except RatingError as exc:
        raise _error(exc) from exc
    return Status(
        201,
        RatingOut(
            dossier_code=rating.dossier.code,
            submitted_at=rating.submitted_at.astimezone(VIETNAM_TZ).isoformat(),
            channel=rating.channel,
            answers={a.criterion: a.level for a in rating.answers.all()},
        ),
    )
