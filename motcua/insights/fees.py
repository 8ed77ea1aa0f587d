"""Fees collected (phí, lệ phí đã thu), the one money figure of the statistics pages.

**Fees collected in a period** is the sum of ``dossiers.Payment.amount_vnd`` over the payments
*made* in the period (``Payment.at`` within the period's bounds, Vietnam time), for the dossiers
given (a commune's: those it decides). Unlike the dossier figures (``figures``), the payment date
decides the period, not the receive date: money is booked the day it is taken, so a dossier
received in June and paid in July counts in July. Waivers collect nothing and add 0; they are
counted apart (``waived``). Pages, the export and the API take the figure from here.
"""

from django.db.models import Count, F, Q, QuerySet, Sum

from motcua.dossiers.models import Dossier, Payment, PaymentMethod
from motcua.insights.periods import Period


def _payments(dossiers: QuerySet[Dossier], period: Period) -> QuerySet[Payment]:
    start, end = period.bounds()
    return Payment.objects.filter(dossier__in=dossiers, at__gte=start, at__lt=end)


def fees_collected(dossiers: QuerySet[Dossier], period: Period) -> int:
    """The đồng collected for ``dossiers`` in ``period`` (0 when nothing was paid)."""
    return _payments(dossiers, period).aggregate(total=Sum("amount_vnd"))["total"] or 0


def fees_by(dossiers: QuerySet[Dossier], period: Period, by: str) -> dict:
    """Fees collected and waivers in ``period`` per value of ``by`` (a path from the dossier,
    such as ``procedure__field__name_vi``): ``{value: {"fees_collected": n, "waived": k}}``."""
    rows = (
        _payments(dossiers, period)
        .values(group=F(f"dossier__{by}"))
        .annotate(
            fees_collected=Sum("amount_vnd"),
            waived=Count("id", filter=Q(method=PaymentMethod.WAIVED)),
        )
    )
    return {
        r["group"]: {"fees_collected": r["fees_collected"] or 0, "waived": r["waived"]}
        for r in rows
    }
