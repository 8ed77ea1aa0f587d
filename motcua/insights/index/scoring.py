"""The Decision 766 service index of one commune and period, computed from its inputs.

``score(inputs)`` is the one scoring function: the pages, the rollups, the what-if form and
``POST /api/v1/index/score`` all call it. The rules (service_index.md §3–5):

- each criterion's ratio r is an exact fraction of Appendix A inputs (``scheme.RATIO_KINDS``);
- points = max × r (linear) or max × min(1, r ÷ threshold) (threshold), rounded half-up to
  2 decimals, computed exactly so that 6 × 397/1200 = 1.985 gives 1.99;
- a ratio whose denominator is 0 scores 0, or the full points for the criteria whose zero rule is
  "full" (5.2 and 5.3: no petitions in the period);
- a group is the sum of its rounded criteria, the total the sum of the groups.

With ``portal_compatible=True`` the criteria of the scheme's ``portal_compatible_groups`` (groups
3 and 4) are computed the way the National Public Service Portal computes them (Appendix C): the
ratio is first rounded half-up to a percentage with 2 decimals, then the points are evaluated in
binary floating point as max × pct / 100 or max × min(1, pct / (100 × threshold)), and the
resulting double (its exact value) is rounded half-up to 2 decimals. So 6 × 78.75 / 100 gives the
double 4.72499… and 4.72, where the exact rule gives 4.73. Off by default: exact arithmetic is the
specification; on, totals match the portal's to the last digit. Other groups are always exact.
"""

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from motcua.insights.index.inputs import validate_inputs
from motcua.insights.index.scheme import (
    FULL,
    THRESHOLD,
    Criterion,
    Group,
    RatioSpec,
    Scheme,
    localized,
    scheme_for,
)

__all__ = [
    "CriterionScore",
    "GroupScore",
    "IndexResult",
    "round_half_up",
    "score",
    "validate_inputs",
]


@dataclass(frozen=True)
class CriterionScore:
    key: str
    code: str
    group: str
    name_vi: str
    name_en: str
    max: Decimal
    shape: str
    threshold: Fraction | None
    numerator: int | None  # None when the criterion has no counts (none so far)
    denominator: int | None
    ratio: Fraction | None  # None when the denominator is 0
    points: Decimal

    @property
    def name(self) -> str:
        return localized(self.name_vi, self.name_en)

    @property
    def available(self) -> Decimal:
        """Points still to be gained: max − points."""
        return self.max - self.points

    @property
    def ratio_percent(self) -> Decimal | None:
        """The ratio as a percentage rounded half-up to 2 decimals, for display only."""
        return None if self.ratio is None else round_half_up(self.ratio * 100)


@dataclass(frozen=True)
class GroupScore:
    key: str
    name_vi: str
    name_en: str
    max: Decimal
    points: Decimal
    criteria: tuple[str, ...]

    @property
    def name(self) -> str:
        return localized(self.name_vi, self.name_en)


@dataclass(frozen=True)
class IndexResult:
    scheme: str  # version (effective date) of the scheme used
    portal_compatible: bool
    criteria: tuple[CriterionScore, ...]  # in the scheme's order
    groups: tuple[GroupScore, ...]
    total: Decimal

    def criterion(self, key: str) -> CriterionScore:
        return next(c for c in self.criteria if c.key == key)

    def group(self, key: str) -> GroupScore:
        return next(g for g in self.groups if g.key == key)

    def as_dict(self) -> dict:
        """``{"criteria": {key: points}, "groups": {key: points}, "total": points}`` with the keys
        of Appendix B, ready for JSON. Values are floats: every value has at most 2 decimals, and
        the float nearest to it prints as exactly those digits, so ``Decimal(str(value))`` gives
        the score back."""
        return {
            "criteria": {c.key: float(c.points) for c in self.criteria},
            "groups": {g.key: float(g.points) for g in self.groups},
            "total": float(self.total),
        }


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """``value`` (≥ 0, exact) rounded half-up to ``places`` decimals: 1.985 → 1.99."""
    scaled = Fraction(value) * 10**places
    return Decimal(math.floor(scaled + Fraction(1, 2))).scaleb(-places)


def score(
    inputs: dict,
    *,
    on: date | None = None,
    portal_compatible: bool = False,
    scheme: Scheme | None = None,
) -> IndexResult:
    """The index for ``inputs`` (``{"province_level": {...}, "commune": {...}}``, exactly the
    Appendix A names; checked by ``validate_inputs``, which raises ``ValidationError``) under the
    scheme in force on ``on`` (default: today in Vietnam), or under ``scheme`` when given."""
    clean = validate_inputs(inputs)
    scheme = scheme or scheme_for(on or timezone.localdate())
    values = {**clean["province_level"], **clean["commune"]}
    portal_groups = scheme.portal_compatible_groups if portal_compatible else frozenset()
    criteria = tuple(
        _score_criterion(criterion, values, portal=criterion.group in portal_groups)
        for criterion in scheme.criteria
    )
    groups = tuple(_score_group(group, criteria) for group in scheme.groups)
    return IndexResult(
        scheme=scheme.version,
        portal_compatible=portal_compatible,
        criteria=criteria,
        groups=groups,
        total=sum((g.points for g in groups), Decimal("0.00")),
    )


def _score_group(group: Group, criteria: tuple[CriterionScore, ...]) -> GroupScore:
    members = [c for c in criteria if c.group == group.key]
    return GroupScore(
        key=group.key,
        name_vi=group.name_vi,
        name_en=group.name_en,
        max=group.max,
        points=sum((c.points for c in members), Decimal("0.00")),
        criteria=group.criteria,
    )


def _score_criterion(criterion: Criterion, values: dict, *, portal: bool) -> CriterionScore:
    numerator, denominator, ratio = RATIOS[criterion.ratio.kind](criterion.ratio, values)
    if ratio is None:
        points = round_half_up(Fraction(criterion.max) if criterion.zero == FULL else Fraction(0))
    elif portal:
        points = _portal_points(criterion, ratio)
    else:
        points = round_half_up(Fraction(criterion.max) * _shaped(criterion, ratio))
    return CriterionScore(
        key=criterion.key,
        code=criterion.code,
        group=criterion.group,
        name_vi=criterion.name_vi,
        name_en=criterion.name_en,
        max=criterion.max,
        shape=criterion.shape,
        threshold=criterion.threshold,
        numerator=numerator,
        denominator=denominator,
        ratio=ratio,
        points=points,
    )


def _shaped(criterion: Criterion, ratio: Fraction) -> Fraction:
    """f(r): r for a linear criterion, min(1, r ÷ threshold) for a threshold criterion."""
    if criterion.shape == THRESHOLD:
        return min(Fraction(1), ratio / criterion.threshold)
    return ratio


def _portal_points(criterion: Criterion, ratio: Fraction) -> Decimal:
    """The portal's evaluation of groups 3 and 4 (see the module docstring and Appendix C); the
    operations are in the portal's order, in binary floating point on purpose."""
    pct = float(round_half_up(ratio * 100))
    if criterion.shape == THRESHOLD:
        value = float(criterion.max) * min(1.0, pct / (100 * float(criterion.threshold)))
    else:
        value = float(criterion.max) * pct / 100
    return round_half_up(Fraction(value))


# --------------------------------------------------------------------------- ratio kinds
# Each returns (numerator, denominator, ratio); ratio is None when the denominator is 0.


def _fraction(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


def _share(spec: RatioSpec, values: dict):
    numerator = sum(values[name] for name in spec.names("numerator"))
    denominator = values[spec.roles["denominator"]]
    return numerator, denominator, _fraction(numerator, denominator)


def _sync(spec: RatioSpec, values: dict):
    """Criterion 1.4: synced ÷ D with D = max(reported, synced).

    The spec's fallback for D = 0 (the previous year's total ÷ 12 for a month) does not change
    anything: D = 0 means no dossier was synced either, so the numerator is 0 and the ratio is 0
    whatever the fallback denominator is. It is therefore implemented as 0 points (zero rule
    "zero"), and a fallback denominator is never needed."""
    synced = values[spec.roles["synced"]]
    denominator = max(values[spec.roles["reported"]], synced)
    return synced, denominator, _fraction(synced, denominator)


def _share_times_sync(spec: RatioSpec, values: dict):
    """Criterion 3.3: online ÷ received × the 1.4 sync ratio (taken as 0 when D = 0)."""
    numerator, denominator, share = _share(spec, values)
    if share is None:
        return numerator, denominator, None
    sync = _sync(spec, values)[2] or Fraction(0)
    return numerator, denominator, share * sync


def _complement(spec: RatioSpec, values: dict):
    """Criterion 5.3: (petitions − negative ones) ÷ petitions."""
    denominator = values[spec.roles["denominator"]]
    numerator = denominator - sum(values[name] for name in spec.names("subtract"))
    return numerator, denominator, _fraction(numerator, denominator)


def _receiving_satisfaction(spec: RatioSpec, values: dict):
    """Criterion 5.4: (received − overdue − flagged) ÷ received, overdue = received − on time.

    A dossier both overdue and flagged counts twice (service_index.md §9 item 11), so the
    numerator can fall below 0 in theory; it is then taken as 0: no criterion scores below 0."""
    received = values[spec.roles["received"]]
    overdue = received - values[spec.roles["on_time"]]
    numerator = max(0, received - overdue - values[spec.roles["flagged"]])
    return numerator, received, _fraction(numerator, received)


def _flag(spec: RatioSpec, values: dict):
    """Criterion 4.x for a commune: 100 % when it provides the service, else 0 % (1/1 or 0/1)."""
    numerator = 1 if values[spec.roles["input"]] else 0
    return numerator, 1, Fraction(numerator)


RATIOS = {
    "share": _share,
    "sync": _sync,
    "share_times_sync": _share_times_sync,
    "complement": _complement,
    "receiving_satisfaction": _receiving_satisfaction,
    "flag": _flag,
}
