"""The satisfaction figures, derived from raw answers only (domain.md §9.2, "Recommendation").

    three_level_shares(source) -> {criterion key | "overall": Shares}
    points(source)             -> {criterion key: Decimal}

``source`` is any queryset of ratings (``Rating``), of dossiers (``Dossier``: their ratings, if
any) or of answers (``RatingAnswer``), so a page, the API or an export narrows it (a commune, a
period, a procedure) and every one of them gets the same figures. Each function runs one grouped
query. The level → points mapping is ``criteria.POINTS``; nothing here repeats it.
"""

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet

from motcua.dossiers.models import Dossier
from motcua.feedback.criteria import CRITERIA, POINTS, Level
from motcua.feedback.models import Rating, RatingAnswer

OVERALL = "overall"
ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Shares:
    answers: int  # how many answers the shares are of
    percent: dict[str, Decimal]  # Level value -> share of those answers, in %, 1 decimal


def answers_of(source: QuerySet) -> QuerySet[RatingAnswer]:
    """The stored answers behind a queryset of ratings, dossiers or answers."""
    if source.model is RatingAnswer:
        return source
    if source.model is Rating:
        return RatingAnswer.objects.filter(rating__in=source)
    if source.model is Dossier:
        return RatingAnswer.objects.filter(rating__dossier__in=source)
    raise TypeError(f"Expected ratings, dossiers or rating answers, got {source.model.__name__}.")


def _counts(source: QuerySet) -> Counter:
    """(criterion, level) -> number of answers."""
    rows = (
        answers_of(source)
        .order_by()
        .values("criterion", "level")
        .annotate(n=Count("id"))
        .values_list("criterion", "level", "n")
    )
    return Counter({(criterion, level): n for criterion, level, n in rows})


def _round(numerator: int, denominator: int) -> Decimal:
    """numerator ÷ denominator to 1 decimal, half up (as Circular 01/2018 rounds scores)."""
    return (Decimal(numerator) / Decimal(denominator)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def _shares(by_level: Counter) -> Shares:
    total = sum(by_level.values())
    return Shares(total, {level: _round(100 * by_level[level], total) for level in Level.values})


def three_level_shares(source: QuerySet) -> dict[str, Shares]:
    """For each criterion with at least one answer, in Art. 33 order, then ``"overall"``: the
    share of answers at each level, in percent.

    - A criterion's shares count that criterion's answers: one per rating that answered it (an
      optional criterion left blank is not an answer and counts nowhere).
    - ``"overall"`` pools every answer to every criterion, each counting once; so a rating that
      answered nine criteria weighs nine answers.
    - Each share is rounded half up to 1 decimal on its own; the three may sum to 99.9 or 100.1.
    - No answers at all gives ``{}``.
    """
    counts = _counts(source)
    result: dict[str, Shares] = {}
    for criterion in CRITERIA:
        by_level = Counter({lvl: counts[(criterion.key, lvl)] for lvl in Level.values})
        if sum(by_level.values()):
            result[criterion.key] = _shares(by_level)
    if result:
        pooled = Counter()
        for (_criterion, level), n in counts.items():
            pooled[level] += n
        result[OVERALL] = _shares(pooled)
    return result


def points(source: QuerySet) -> dict[str, Decimal]:
    """For each criterion with at least one answer, in Art. 33 order: the Circular 01/2018 score,
    the sum of the answers' points (``criteria.POINTS``: 2 / 1 / 0) divided by the number of
    answers, rounded half up to 1 decimal (domain.md §9.2, "Aggregation").

    A rating answers each criterion at most once, so the divisor is the number of rated dossiers
    that answered it. Criteria without answers are left out, as the Circular leaves out
    indicators without data.
    """
    counts = _counts(source)
    result: dict[str, Decimal] = {}
    for criterion in CRITERIA:
        answered = {lvl: counts[(criterion.key, lvl)] for lvl in Level.values}
        total = sum(answered.values())
        if total:
            earned = sum(POINTS[lvl] * n for lvl, n in answered.items())
            result[criterion.key] = _round(earned, total)
    return result
