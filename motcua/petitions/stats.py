"""The report (PAKN) figures, each defined once, here: the statistics page, its exports and the
service index (criteria 5.1–5.4, service_index.md §4.5) all count with these conditions.

Every figure is a condition on one report, given a reporting period ``[start, end)`` and the
moment open reports are judged at, ``t`` (``insights.periods.Period.measured_at``: the period's
end, or now for a period not over yet). This module takes any object with ``bounds()`` and
``measured_at(now)`` (a ``Period``), so it does not import the statistics app above it.

Conventions shared by every figure (the same as the dossier figures of ``insights.figures``):

- **Whose reports.** A commune's reports are those addressed to it now (``Petition.commune``;
  a transfer moves the report, and its clocks restart there).
- **Which date decides the period.** The receive date: the page describes the reports received
  in the period and where each stood at ``t``. The index's 5.2 adds the reports received before
  the period and handled in it ("received or handled in the period").
- **Handled** means the commune's part ended: the answer was handed to the leader
  (``answered_at``), or the report was merged into another (the merge event), or rejected
  (``closed_at``), whichever came first. Handled in the period = before its end.
- **Late** (criterion 5.2's limits: classify or reject within 2 working days, first request for
  more within 5, answer within the category's days, publish within 2 of the draft): the report
  crossed a limit (``handled_late``, set for good by the step that crossed it), or, at ``t``,
  it still runs past the limit it runs against. For a report still open at the period's end
  that limit is the one of its status: classification while received, the answer while in
  progress (a report handled after the period's end was in progress at its end, so its answer
  limit decides; a rejection's, its classification limit); waiting for the reporter stops the
  clock. A handled report waiting for the leader is late once its publication limit passed.
- **Merged** reports are duplicates: they are shown on their own and left out of the index
  (the report they were merged into carries the matter).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from motcua.petitions.models import (
    CLASSIFICATION,
    EventKind,
    Petition,
    PetitionEvent,
    Satisfaction,
    Status,
)

MERGED_AT = "merged_at"
HANDLED_AT = "handled_at"
REPEATED_BY = "repeated_by"  # an annotation: when the reporter first came back about it


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    # The condition, given the period's [start, end) and the judging moment t.
    condition: Callable[[datetime, datetime, datetime], Q]
    # What the figure is a share of, for the percentage shown beside it ("" = none).
    share_of: str = ""


def with_facts(petitions: QuerySet[Petition]) -> QuerySet[Petition]:
    """Annotate what the conditions read beyond the report's own columns, so each figure is a
    plain condition on one row:

    - ``merged_at``: when it was merged into another report (its merge event), or None;
    - ``handled_at``: when the commune's part ended (answer drafted, merged, or rejected);
    - ``repeated_by``: when the reporter first reported the same matter again (a report with
      ``repeat_of`` this one), or None.
    """
    merged = PetitionEvent.objects.filter(petition=OuterRef("pk"), kind=EventKind.MERGED)
    repeats = Petition.objects.filter(repeat_of=OuterRef("pk")).order_by("received_at")
    return petitions.annotate(
        **{
            MERGED_AT: Subquery(merged.order_by("at").values("at")[:1]),
            REPEATED_BY: Subquery(repeats.values("received_at")[:1]),
        }
    ).annotate(
        **{
            HANDLED_AT: Coalesce(
                "answered_at",
                MERGED_AT,
                # closed_at is set by a rejection and by a publication; a published report has
                # an answered_at before it, so only a rejection reaches this far.
                "closed_at",
            )
        }
    )


# --------------------------------------------------------------------------- conditions


def received(start, end, t) -> Q:
    """Received in the period (the receive date, or the transfer date for a transferred one)."""
    return Q(received_at__gte=start, received_at__lt=end)


def handled_before(end) -> Q:
    return Q(**{f"{HANDLED_AT}__lt": end})


def handled_in(start, end, t) -> Q:
    """Handled in the period: answer drafted, merged or rejected between start and end."""
    return Q(**{f"{HANDLED_AT}__gte": start, f"{HANDLED_AT}__lt": end})


def open_at(start, end, t) -> Q:
    """Not handled before the period's end."""
    return Q(**{f"{HANDLED_AT}__isnull": True}) | Q(**{f"{HANDLED_AT}__gte": end})


def past_limit(start, end, t) -> Q:
    """Open at the period's end and past the limit it was running against at ``t`` (see the
    module's conventions); a report waiting for the reporter has no running clock."""
    classifying = Q(status__in=[Status.RECEIVED, Status.REJECTED], accept_due_at__lt=t)
    answering = Q(
        status__in=[Status.IN_PROGRESS, Status.AWAITING_APPROVAL, Status.PUBLISHED],
        due_at__lt=t,
    )
    return open_at(start, end, t) & (classifying | answering)


def publication_overdue(start, end, t) -> Q:
    """Handled, waiting for the leader, and past the publication limit at ``t``."""
    return (
        handled_before(end)
        & Q(status=Status.AWAITING_APPROVAL)
        & Q(publish_due_at__isnull=False, publish_due_at__lt=t)
    )


def late(start, end, t) -> Q:
    """Late on criterion 5.2's terms at ``t``: crossed a limit, or still runs past one."""
    return Q(handled_late=True) | past_limit(start, end, t) | publication_overdue(start, end, t)


def not_merged(start, end, t) -> Q:
    """Not merged into another report before the period's end."""
    return Q(**{f"{MERGED_AT}__isnull": True}) | Q(**{f"{MERGED_AT}__gte": end})


def _received_as(extra: Callable[[datetime, datetime, datetime], Q]):
    return lambda start, end, t: received(start, end, t) & extra(start, end, t)


def _answered(start, end, t) -> Q:
    return Q(answered_at__lt=end)


def _answered_on_time(start, end, t) -> Q:
    return _answered(start, end, t) & ~late(start, end, t)


def _answered_late(start, end, t) -> Q:
    return _answered(start, end, t) & late(start, end, t)


def _rejected(start, end, t) -> Q:
    return Q(status=Status.REJECTED, closed_at__lt=end)


def _merged(start, end, t) -> Q:
    return Q(**{f"{MERGED_AT}__lt": end})


def _open(start, end, t) -> Q:
    return open_at(start, end, t)


def _overdue(start, end, t) -> Q:
    return past_limit(start, end, t)


def _rated(level: str):
    return lambda start, end, t: Q(satisfaction=level, rated_at__lt=end)


def _repeated(start, end, t) -> Q:
    return Q(**{f"{REPEATED_BY}__lt": end})


def _subject_in(kind: str):
    subjects = [subject for subject, class_ in CLASSIFICATION.items() if class_ == kind]
    return lambda start, end, t: Q(subject__in=subjects)


FIGURES: dict[str, Figure] = {
    f.key: f
    for f in [
        Figure("received", _("Tiếp nhận"), received),
        Figure(
            "answered_on_time",
            _("Đã trả lời đúng hạn"),
            _received_as(_answered_on_time),
            "received",
        ),
        Figure("answered_late", _("Đã trả lời quá hạn"), _received_as(_answered_late), "received"),
        Figure("open", _("Đang xử lý"), _received_as(_open), "received"),
        Figure("overdue", _("Đang xử lý quá hạn"), _received_as(_overdue), "open"),
        Figure("rejected", _("Không tiếp nhận"), _received_as(_rejected), "received"),
        Figure("merged", _("Đã gộp"), _received_as(_merged), "received"),
        Figure(
            "very_satisfied",
            _("Rất hài lòng"),
            _received_as(_rated(Satisfaction.VERY_SATISFIED)),
            "rated",
        ),
        Figure("satisfied", _("Hài lòng"), _received_as(_rated(Satisfaction.SATISFIED)), "rated"),
        Figure(
            "not_satisfied",
            _("Không hài lòng"),
            _received_as(_rated(Satisfaction.NOT_SATISFIED)),
            "rated",
        ),
        Figure(
            "rated",
            _("Đã đánh giá"),
            _received_as(lambda s, e, t: ~Q(satisfaction="") & Q(rated_at__lt=e)),
            "received",
        ),
        Figure("repeated", _("Bị phản ánh lại"), _received_as(_repeated), "received"),
        # Criterion 5.1 (shown, 0 points): the classification of the reports received.
        Figure(
            "about_procedures",
            _("Về thủ tục hành chính"),
            _received_as(_subject_in("procedure")),
            "received",
        ),
        Figure(
            "about_officials",
            _("Về cán bộ, công chức"),
            _received_as(_subject_in("official")),
            "received",
        ),
        Figure("about_other", _("Nội dung khác"), _received_as(_subject_in("other")), "received"),
    ]
}
CLASSIFICATION_FIGURES = ("about_procedures", "about_officials", "about_other")


def index_in_period(start, end, t) -> Q:
    """Criterion 5.2's denominator: reports addressed to the commune and received or handled in
    the period, merged duplicates left out."""
    return (received(start, end, t) | handled_in(start, end, t)) & not_merged(start, end, t)


def index_on_time(start, end, t) -> Q:
    """5.2's numerator: of those, the ones handled on time or still within their limit at ``t``
    (i.e. not late)."""
    return index_in_period(start, end, t) & ~late(start, end, t)


def index_negative(start, end, t) -> Q:
    """5.3's subtrahend: reports first received in the period (merged duplicates left out) that
    were rated "not satisfied", reported again about the result, or handled late; each counted
    once (one condition with "or")."""
    negative = (
        Q(satisfaction=Satisfaction.NOT_SATISFIED, rated_at__lt=end)
        | _repeated(start, end, t)
        | late(start, end, t)
    )
    return received(start, end, t) & not_merged(start, end, t) & negative


INDEX: dict[str, Callable[[datetime, datetime, datetime], Q]] = {
    "petitions_in_period": index_in_period,
    "petitions_handled_on_time": index_on_time,
    "petitions_negative": index_negative,
}


# --------------------------------------------------------------------------- counting


def _judging(period, now) -> tuple[datetime, datetime, datetime]:
    start, end = period.bounds()
    return start, end, period.measured_at(now)


def _aggregates(conditions: dict, start, end, t) -> dict:
    return {key: Count("pk", filter=make(start, end, t)) for key, make in conditions.items()}


def _conditions(keys) -> dict:
    return {k: FIGURES[k].condition for k in (keys or FIGURES)}


def counts(petitions: QuerySet[Petition], period, *, now=None, keys=None) -> dict[str, int]:
    """Every figure (or those named in ``keys``) over the reports received in ``period``, in one
    query."""
    start, end, t = _judging(period, now)
    narrowed = with_facts(petitions.filter(received(start, end, t))).order_by()
    return narrowed.aggregate(**_aggregates(_conditions(keys), start, end, t))


def breakdown(petitions: QuerySet[Petition], period, by: str, *, now=None, keys=None):
    """``counts`` per value of ``by`` (a field path such as ``category__name``), one query; each
    row also carries the grouping value under ``"group"``, most received first."""
    start, end, t = _judging(period, now)
    narrowed = with_facts(petitions.filter(received(start, end, t))).order_by()
    rows = narrowed.values(group=F(by)).annotate(**_aggregates(_conditions(keys), start, end, t))
    return sorted(rows, key=lambda row: (-row.get("received", 0), str(row["group"])))


def index_counts(commune_ids, period, *, now=None) -> dict[int, dict[str, int]]:
    """Criteria 5.2 and 5.3's inputs per commune (``INDEX``), in one grouped query over the
    reports received or handled in the period. Communes with no report are left out."""
    start, end, t = _judging(period, now)
    window = received(start, end, t) | handled_in(start, end, t)
    rows = (
        with_facts(Petition.objects.filter(commune_id__in=list(commune_ids)))
        .filter(window)
        .order_by()
        .values("commune_id")
        .annotate(**_aggregates(INDEX, start, end, t))
    )
    return {row.pop("commune_id"): row for row in rows}


def petitions_behind(petitions: QuerySet[Petition], figure: str, period, *, now=None):
    """The reports a figure (or an ``INDEX`` input) counts: the same condition, as a list."""
    start, end, t = _judging(period, now)
    make = INDEX.get(figure) or FIGURES[figure].condition
    return with_facts(petitions).filter(make(start, end, t))


def shares(row: dict) -> dict:
    """The percentage of each figure of ``row`` against the figure it is a share of (None for
    0 ÷ 0), half up to 2 decimals as every statistics page rounds."""
    out = {}
    for key, value in row.items():
        figure = FIGURES.get(key)
        if figure is None or not figure.share_of:
            continue
        whole = row.get(figure.share_of)
        out[key] = (
            (Decimal(100 * (value or 0)) / Decimal(whole)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
            if whole
            else None
        )
    return out
