"""The dossier figures of the statistics pages, each defined once, here.

Every figure is a condition on a dossier, given a reporting period (``periods.Period``) and the
moment open dossiers are judged at, ``t = period.measured_at(now)`` (the period's end, or now for
a period not over yet). Pages, the API, the exports and the rollups all count with ``counts`` /
``breakdown``; the list of dossiers behind a figure is ``dossiers_behind`` with the same condition,
so a number and its list can never disagree.

Conventions shared by every figure:

- **Whose dossiers.** A commune's dossiers are those it must decide (``competent_commune``): the
  unit the service index and the official report form measure. A dossier received at another
  commune's centre counts for the commune that decides it.
- **Which date decides the period.** The *receive date* (``received_at``): the figures describe the
  cohort of dossiers received in the period and where each stood at ``t``. That is how the index
  (criterion 2.1: "received in the period") and the seeds count: "received 6,323, settled 6,050,
  273 in progress". A dossier filed online and not yet accepted has no receive date and counts
  nowhere; one refused at the counter was never received.
- **Settled** means processing ended before the period's end (``finished_at``: result ready,
  refused, stopped or withdrawn, whichever came first; domain.md §8.3). Its class is the one
  stored when it ended (``Dossier.timeliness``): early, on time (by calendar day), late (after the
  due minute). Refusals and withdrawals are settled dossiers too, and are also shown on their own.
- **In progress** at ``t`` means received in the period and not settled before the period's end
  (a dossier of September finished on 3 October was still in progress at the end of September).
  It is **overdue** if its due time (after any extension, as it stands now) is before ``t``; a
  dossier waiting for the applicant's supplement is judged at the moment of the request instead,
  since the clock stopped then (domain.md §8.3).
- **Supplements** count dossiers with at least one supplement request. Extensions move the due
  time (form 04): a dossier finished by its extended due time is on time, as Decree 118 allows.
- **Index on time** is criterion 2.1's numerator (service_index.md §4.2): settled early or on
  time, or still in progress and not overdue at ``t``; a dossier with more than one supplement
  request is never on time.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from motcua.docstore.models import Source, StoredDocument
from motcua.dossiers.models import Channel, Dossier, DossierDocument, SupplementRequest, Timeliness
from motcua.feedback.criteria import Level
from motcua.feedback.models import RatingAnswer
from motcua.insights.periods import Period

PAUSED_SINCE = "paused_since"  # an annotation of ``with_facts``


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    # The condition, given the period's [start, end) and the judging moment t.
    condition: Callable[[datetime, datetime, datetime], Q]
    # What the figure is a share of, for the percentage shown beside it ("" = no percentage).
    share_of: str = ""
    # The annotations of ``with_facts`` the condition reads.
    facts: tuple[str, ...] = ()


def _received(start, end, t) -> Q:
    return Q(received_at__gte=start, received_at__lt=end)


def _settled(start, end, t) -> Q:
    return _received(start, end, t) & Q(finished_at__lt=end)


def _settled_as(timeliness: str):
    return lambda start, end, t: _settled(start, end, t) & Q(timeliness=timeliness)


def _settled_in_time(start, end, t) -> Q:
    return _settled(start, end, t) & Q(timeliness__in=[Timeliness.EARLY, Timeliness.ON_TIME])


def _refused(start, end, t) -> Q:
    return _settled(start, end, t) & ~Q(refusal_reasons="")


def _withdrawn(start, end, t) -> Q:
    return _settled(start, end, t) & ~Q(withdrawal_reason="")


def _in_progress(start, end, t) -> Q:
    return _received(start, end, t) & (Q(finished_at__isnull=True) | Q(finished_at__gte=end))


def _overdue(start, end, t) -> Q:
    return _in_progress(start, end, t) & Q(due_at__lt=Coalesce(F(PAUSED_SINCE), t))


def _within_time(start, end, t) -> Q:
    return _in_progress(start, end, t) & ~Q(due_at__lt=Coalesce(F(PAUSED_SINCE), t))


def _with_supplement(start, end, t) -> Q:
    return _received(start, end, t) & Q(supplement_count__gt=0)


def _online(start, end, t) -> Q:
    return _received(start, end, t) & Q(channel=Channel.ONLINE)


def _digitized(start, end, t) -> Q:
    return _received(start, end, t) & Q(has_digitized=True)


def _e_result(start, end, t) -> Q:
    return _received(start, end, t) & Q(has_e_result=True)


def _not_satisfied(start, end, t) -> Q:
    return _received(start, end, t) & Q(has_dislike=True)


def _index_on_time(start, end, t) -> Q:
    in_time = _settled_in_time(start, end, t) | _within_time(start, end, t)
    return Q(supplement_count__lte=1) & in_time


FIGURES: dict[str, Figure] = {
    f.key: f
    for f in [
        Figure("received", _("Tiếp nhận"), _received),
        Figure("settled", _("Đã giải quyết"), _settled, "received"),
        Figure("early", _("Trước hạn"), _settled_as(Timeliness.EARLY), "settled"),
        Figure("on_time", _("Đúng hạn"), _settled_as(Timeliness.ON_TIME), "settled"),
        Figure("late", _("Quá hạn"), _settled_as(Timeliness.LATE), "settled"),
        Figure(
            "settled_in_time", _("Giải quyết trước hạn, đúng hạn"), _settled_in_time, "received"
        ),
        Figure("refused", _("Từ chối giải quyết"), _refused, "received"),
        Figure("withdrawn", _("Dừng xử lý, rút hồ sơ"), _withdrawn, "received"),
        Figure("in_progress", _("Đang giải quyết"), _in_progress, "received"),
        Figure(
            "within_time",
            _("Đang giải quyết trong hạn"),
            _within_time,
            "in_progress",
            (PAUSED_SINCE,),
        ),
        Figure("overdue", _("Đang giải quyết quá hạn"), _overdue, "in_progress", (PAUSED_SINCE,)),
        Figure("with_supplement", _("Có yêu cầu bổ sung"), _with_supplement, "received"),
        Figure("online", _("Nộp trực tuyến"), _online, "received"),
        Figure("digitized", _("Đã số hóa thành phần"), _digitized, "received", ("has_digitized",)),
        Figure("e_result", _("Có kết quả điện tử"), _e_result, "received", ("has_e_result",)),
        Figure(
            "not_satisfied",
            _("Có đánh giá không hài lòng"),
            _not_satisfied,
            "received",
            ("has_dislike",),
        ),
        Figure(
            "index_on_time",
            _("Trước hạn, đúng hạn (Chỉ số 766)"),
            _index_on_time,
            "received",
            (PAUSED_SINCE,),
        ),
    ]
}


def with_facts(dossiers: QuerySet[Dossier], t: datetime, facts=None) -> QuerySet[Dossier]:
    """Annotate the facts about a dossier's related rows that figures test, so every figure is a
    plain condition on one row (and aggregates need no correlated filter):

    - ``paused_since``: when the clock stopped for a supplement still unanswered at ``t`` (None if
      it was not waiting at ``t``): such a dossier is judged at that moment instead of ``t``;
    - ``has_digitized``: at least one component is digitised, i.e. has a file behind it (a scan
      made at the counter, an upload, or a paper reused from the store); a paper handed in on
      paper and never scanned does not count (ADR 0028);
    - ``has_e_result``: its electronic result is in the owner's document store;
    - ``has_dislike``: its rating answered "not satisfied" to at least one question.

    ``facts`` names the ones to add (default: all); each costs a correlated subquery per row.
    """
    waiting = SupplementRequest.objects.filter(dossier=OuterRef("pk"), requested_at__lt=t).filter(
        Q(answered_at__isnull=True) | Q(answered_at__gte=t)
    )
    issued = StoredDocument.objects.filter(
        source=Source.ISSUED, origin_dossier_code=OuterRef("code")
    )
    available = {
        PAUSED_SINCE: lambda: Subquery(
            waiting.order_by("-requested_at").values("requested_at")[:1]
        ),
        # A file behind the component, not the ``digitized`` flag: the flag once marked every
        # counter paper digitised whether anyone scanned it or not (ADR 0028).
        "has_digitized": lambda: Exists(
            DossierDocument.objects.filter(dossier=OuterRef("pk"), stored_document__isnull=False)
        ),
        "has_e_result": lambda: Exists(issued),
        "has_dislike": lambda: Exists(
            RatingAnswer.objects.filter(rating__dossier=OuterRef("pk"), level=Level.NOT_SATISFIED)
        ),
    }
    chosen = available if facts is None else {k: v for k, v in available.items() if k in facts}
    return dossiers.annotate(**{name: make() for name, make in chosen.items()})


def _facts_of(chosen) -> set[str]:
    return {fact for figure in chosen for fact in figure.facts}


def _judging(period: Period, now: datetime | None) -> tuple[datetime, datetime, datetime]:
    start, end = period.bounds()
    return start, end, period.measured_at(now)


def _counting(dossiers: QuerySet[Dossier], period: Period, now, keys):
    """The cohort of ``dossiers`` received in ``period`` with the facts the chosen figures read,
    and one ``COUNT(*) FILTER (…)`` per figure."""
    start, end, t = _judging(period, now)
    chosen = [FIGURES[k] for k in (keys or FIGURES)]
    aggregates = {f.key: Count("pk", filter=f.condition(start, end, t)) for f in chosen}
    narrowed = with_facts(dossiers.filter(_received(start, end, t)), t, _facts_of(chosen))
    return narrowed.order_by(), aggregates


def counts(dossiers: QuerySet[Dossier], period: Period, *, now=None, keys=None) -> dict[str, int]:
    """Every figure (or those named in ``keys``) over ``dossiers`` for ``period``, in one query."""
    narrowed, aggregates = _counting(dossiers, period, now, keys)
    return narrowed.aggregate(**aggregates)


def breakdown(
    dossiers: QuerySet[Dossier], period: Period, by: str, *, now=None, keys=None
) -> list[dict]:
    """``counts`` per value of ``by`` (a field path such as ``procedure__field``), one query; each
    row also carries the grouping value under ``"group"``. Rows come with the most received
    first."""
    narrowed, aggregates = _counting(dossiers, period, now, keys)
    rows = narrowed.values(group=F(by)).annotate(**aggregates)
    return sorted(rows, key=lambda row: (-row.get("received", 0), str(row["group"])))


def dossiers_behind(
    dossiers: QuerySet[Dossier], figure: str, period: Period, *, now=None
) -> QuerySet[Dossier]:
    """The dossiers a figure counts: the same condition as ``counts``, as a list to open."""
    start, end, t = _judging(period, now)
    chosen = FIGURES[figure]
    return with_facts(dossiers, t, _facts_of([chosen])).filter(chosen.condition(start, end, t))


def percent(numerator: int | None, denominator: int | None) -> Decimal | None:
    """numerator ÷ denominator in percent, half up to 2 decimals (13.92, 98.36); None for 0/0.

    Exact: computed on integers, never through a float, so 1.985 % rounds to 1.99 %."""
    if not denominator:
        return None
    return (Decimal(100 * (numerator or 0)) / Decimal(denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def with_shares(row: dict) -> dict[str, Decimal | None]:
    """The percentage of each figure of ``row`` against the figure it is a share of."""
    return {
        key: percent(row.get(key), row.get(FIGURES[key].share_of))
        for key in row
        if key in FIGURES and FIGURES[key].share_of
    }
