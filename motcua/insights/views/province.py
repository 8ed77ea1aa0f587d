"""The province monitor's live table of every commune: the dashboard's figures side by side."""

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.accounts.access import staff_required
from motcua.dossiers.models import Dossier
from motcua.insights import charts, exports, figures, rollups
from motcua.insights.models import CommuneMonth
from motcua.insights.periods import Period, PeriodError
from motcua.insights.views.dashboard import default_period, period_choices, read_period
from motcua.insights.views.index import province_for

COLUMNS = ("received", "settled", "early", "on_time", "late", "in_progress", "overdue", "online")
COUNTED = (*COLUMNS, "settled_in_time")  # the rates need it


def province_rows(province, period: Period) -> list[dict]:
    """One row of figures per commune of the province. A month reads the rollups (refreshed if
    needed); any other period counts the dossiers directly, in one grouped query."""
    communes = {c.pk: c for c in rollups.province_communes(province.pk, period)}
    if period.kind == "month":
        rollups.ensure_fresh(province.pk, period)
        stored = CommuneMonth.objects.filter(commune_id__in=communes, month=period.first)
        counted = {row.commune_id: row.figures for row in stored}
    else:
        dossiers = Dossier.objects.filter(competent_commune_id__in=communes)
        grouped = figures.breakdown(dossiers, period, "competent_commune_id", keys=COUNTED)
        counted = {row.pop("group"): row for row in grouped}
    rows = []
    for commune_id, commune in communes.items():
        row = dict.fromkeys(COUNTED, 0) | counted.get(commune_id, {})
        row["commune"] = commune
        row["on_time_rate"] = figures.percent(row["settled_in_time"], row["settled"])
        row["online_rate"] = figures.percent(row["online"], row["received"])
        rows.append(row)
    return sorted(rows, key=lambda r: (-r["received"], r["commune"].name))


@staff_required
def overview(request):
    province = province_for(request)
    try:
        period = read_period(request, default=default_period())
    except PeriodError as error:
        return HttpResponseBadRequest(str(error))
    rows = province_rows(province, period)
    if request.GET.get("format"):
        return exports.export_response(request, _table(province, period, rows))
    total = {key: sum(r[key] for r in rows) for key in COUNTED}
    with_dossiers = [r for r in rows if r["settled"]]
    chart = None
    if with_dossiers:
        ordered = sorted(with_dossiers, key=lambda r: -(r["on_time_rate"] or 0))
        chart = charts.bar_chart(
            [r["commune"].name for r in ordered],
            [float(r["on_time_rate"]) / 100 for r in ordered],
            title=_("Tỷ lệ giải quyết trước hạn, đúng hạn theo xã, phường"),
            value_format="percent",
            label_header=_("Xã, phường"),
        )
    context = {
        "province": province,
        "period": period,
        "choices": period_choices(),
        "rows": rows,
        "total": total,
        "total_on_time_rate": figures.percent(total["settled_in_time"], total["settled"]),
        "total_online_rate": figures.percent(total["online"], total["received"]),
        "chart": chart,
        "columns": [figures.FIGURES[k] for k in COLUMNS],
        "export_links": exports.export_links(request),
    }
    return render(request, "insights/province.html", context)


def _table(province, period, rows) -> exports.Table:
    columns = [exports.Column("name", _("Xã, phường"), "text")]
    columns += [exports.Column(k, figures.FIGURES[k].label, "integer") for k in COLUMNS]
    columns += [
        exports.Column("on_time_ratio", _("Tỷ lệ trước hạn, đúng hạn"), "percent"),
        exports.Column("online_ratio", _("Tỷ lệ trực tuyến"), "percent"),
    ]
    data = [
        {
            "name": r["commune"].name,
            **{k: r[k] for k in COLUMNS},
            "on_time_ratio": r["settled_in_time"] / r["settled"] if r["settled"] else None,
            "online_ratio": r["online"] / r["received"] if r["received"] else None,
        }
        for r in rows
    ]
    return exports.Table(
        title=_("Tình hình giải quyết hồ sơ của các xã, phường"),
        subtitle=f"{province.name} · {period.label}",
        columns=columns,
        rows=data,
        filename_stem=f"tinh-hinh-{province.code}-{period.key}",
    )
