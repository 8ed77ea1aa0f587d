"""Month-by-month series for the charts: received and settled, on-time rate, online rate.

Each point is a ``figures.counts`` of one month (the same definitions as the figure cards), so a
chart and the table under it can never disagree with the dashboard.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier
from motcua.insights import charts, figures
from motcua.insights.periods import Period, month_of

MONTHS_SHOWN = 12
TREND_FIGURES = ("received", "settled", "settled_in_time", "online")


@dataclass(frozen=True)
class MonthPoint:
    period: Period
    counts: dict

    @property
    def on_time_rate(self):
        return figures.percent(self.counts["settled_in_time"], self.counts["settled"])

    @property
    def online_rate(self):
        return figures.percent(self.counts["online"], self.counts["received"])


def last_months(period: Period, count: int = MONTHS_SHOWN) -> list[Period]:
    """``count`` calendar months ending with the month of the period's last day."""
    months = [month_of(period.last)]
    while len(months) < count:
        months.insert(0, months[0].previous())
    return months


def commune_points(commune, period: Period, *, now=None) -> list[MonthPoint]:
    dossiers = Dossier.objects.filter(competent_commune=commune)
    return [
        MonthPoint(month, figures.counts(dossiers, month, now=now, keys=TREND_FIGURES))
        for month in last_months(period)
    ]


def commune_charts(commune, period: Period, *, now=None) -> list:
    points = commune_points(commune, period, now=now)
    while points and not points[0].counts["received"]:
        points.pop(0)  # months before the commune's first dossier say nothing
    if not points:
        return []
    labels = [f"{p.period.first:%m/%Y}" for p in points]
    volume = charts.line_chart(
        labels,
        [
            charts.Series(_("Tiếp nhận"), [p.counts["received"] for p in points]),
            charts.Series(_("Đã giải quyết"), [p.counts["settled"] for p in points]),
        ],
        title=_("Hồ sơ tiếp nhận và đã giải quyết theo tháng"),
        y_format="integer",
    )
    rates = charts.line_chart(
        labels,
        [
            charts.Series(_("Tỷ lệ trước hạn, đúng hạn"), [_ratio(p.on_time_rate) for p in points]),
            charts.Series(_("Tỷ lệ nộp trực tuyến"), [_ratio(p.online_rate) for p in points]),
        ],
        title=_("Tỷ lệ đúng hạn và tỷ lệ trực tuyến theo tháng"),
        y_format="percent",
        y_max=1,
    )
    return [volume, rates]


def _ratio(percent):
    return None if percent is None else float(percent) / 100
