"""What a commune could still gain, and where a total would rank (the what-if view).

Both work on results of ``scoring.score``, so a changed input shows its new score and rank with
the same rules as the ranking itself.
"""

from collections.abc import Iterable
from decimal import Decimal

from motcua.insights.index.scoring import CriterionScore, IndexResult


def gaps(result: IndexResult) -> list[CriterionScore]:
    """The criteria that still have points to gain, the largest gain (max − points, i.e.
    ``CriterionScore.available``) first; equal gains keep the scheme's criterion order (Appendix B
    order). Criteria already at their maximum are left out."""
    open_criteria = [c for c in result.criteria if c.available > 0]
    # sorted() is stable, so ties stay in the scheme's order.
    return sorted(open_criteria, key=lambda c: c.available, reverse=True)


def rank_among(total: Decimal, other_totals: Iterable[Decimal]) -> int:
    """Competition rank of ``total`` among the other communes' totals (service_index.md §5.6):
    1 + the number of totals strictly higher, so equal totals share a rank."""
    return 1 + sum(1 for other in other_totals if other > total)
