"""The residents' reports (PAKN) statistics: a commune's month by category and by department,
and a province's communes side by side, with CSV/XLSX exports of the same figures.

The figures are ``petitions.stats.FIGURES`` (each defined once there); this view only picks the
commune, the month and the grouping, under the same access rule as the other statistics pages.
"""

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts import access
from motcua.accounts.access import staff_required
from motcua.insights import exports, periods, rollups
from motcua.insights.periods import Period, PeriodError
from motcua.insights.views.dashboard import commune_for, wanted
from motcua.insights.views.index import _recent_months
from motcua.petitions import stats
from motcua.petitions.models import Petition

# The columns of every table, in order.
COLUMNS = (
    "received",
    "answered_on_time",
    "answered_late",
    "open",
    "overdue",
    "rejected",
    "merged",
    "very_satisfied",
    "satisfied",
    "not_satisfied",
)
# The breakdowns: key -> (field path, heading).
BREAKDOWNS = {
    "category": ("category__name", gettext_lazy("Theo lĩnh vực")),
    "department": ("department__name", gettext_lazy("Theo phòng, ban xử lý")),
}


def _month(request) -> Period:
    return periods.parse_month(
        request.GET.get("month") or request.GET.get("period"),
        default=periods.month_of(periods.today()),
    )


def _on_time_rate(row: dict):
    answered = (row.get("answered_on_time") or 0) + (row.get("answered_late") or 0)
    return (row.get("answered_on_time") or 0) / answered if answered else None


def _cells(row: dict) -> dict:
    row["cells"] = [row[key] for key in COLUMNS]
    return row


def _rows(petitions, period: Period, by: str) -> list[dict]:
    path, _heading = BREAKDOWNS[by]
    rows = stats.breakdown(petitions, period, path, keys=COLUMNS)
    for row in rows:
        row["label"] = row["group"] if row["group"] else _("(chưa phân phòng, ban)")
        row["on_time_rate"] = _on_time_rate(row)
        _cells(row)
    return rows


def _total(rows: list[dict]) -> dict:
    total = {key: sum(r[key] for r in rows) for key in COLUMNS}
    total["label"] = _("Tổng cộng")
    total["on_time_rate"] = _on_time_rate(total)
    return _cells(total)


def _wants_province(request) -> bool:
    """A province's table: asked for by name, or the starting page of someone who watches a
    province and has no commune of their own (a monitor)."""
    if request.GET.get("province"):
        return True
    user = request.user
    watches = access.may(user, access.Kind.PROVINCE_STATISTICS, access.Action.VIEW)
    return watches and not user.commune_id and not request.GET.get("commune")


@staff_required
def petition_statistics(request):
    try:
        period = _month(request)
    except PeriodError as error:
        return HttpResponseBadRequest(str(error))
    if _wants_province(request):
        return _province_page(request, period)
    commune = commune_for(request)
    petitions = Petition.objects.filter(commune=commune)
    tables = [
        {"key": by, "heading": heading, "rows": _rows(petitions, period, by)}
        for by, (_path, heading) in BREAKDOWNS.items()
    ]
    for table in tables:
        table["total"] = _total(table["rows"])
    if request.GET.get("format"):
        return exports.export_response(request, _commune_table(commune, period, tables))
    context = {
        "commune": commune,
        "period": period,
        "months": _recent_months(period),
        "keep": {"commune": commune.code},
        "tables": tables,
        "total": tables[0]["total"],
        "columns": [(key, stats.FIGURES[key].label) for key in COLUMNS],
        "export_links": exports.export_links(request),
        "may_see_province": access.may(
            request.user, access.Kind.PROVINCE_STATISTICS, access.Action.VIEW
        ),
    }
    return render(request, "insights/petitions.html", context)


def _columns() -> list[exports.Column]:
    columns = [exports.Column(key, stats.FIGURES[key].label, "integer") for key in COLUMNS]
    columns.append(
        exports.Column("on_time_rate", _("Tỷ lệ đúng hạn trong số đã trả lời"), "percent")
    )
    return columns


def _commune_table(commune, period: Period, tables: list[dict]) -> exports.Table:
    columns = [
        exports.Column("breakdown", _("Nhóm"), "text"),
        exports.Column("label", _("Lĩnh vực / phòng, ban"), "text"),
        *_columns(),
    ]
    data = []
    for table in tables:
        for row in [*table["rows"], table["total"]]:
            data.append({"breakdown": str(table["heading"]), **row})
    return exports.Table(
        title=_("Thống kê phản ánh, kiến nghị"),
        subtitle=f"{commune.name} · {period.label}",
        columns=columns,
        rows=data,
        filename_stem=f"phan-anh-{commune.code}-{period.key}",
    )


def _province_page(request, period: Period):
    province = access.province_named(
        request.user, access.Kind.PROVINCE_STATISTICS, wanted(request), request.GET.get("province")
    )
    communes = list(rollups.province_communes(province.pk, period).order_by("name"))
    petitions = Petition.objects.filter(commune__in=[c.pk for c in communes])
    counted = {
        row.pop("group"): row
        for row in stats.breakdown(petitions, period, "commune_id", keys=COLUMNS)
    }
    rows = []
    for commune in communes:
        row = dict.fromkeys(COLUMNS, 0) | counted.get(commune.pk, {})
        row["commune"], row["label"] = commune, commune.name
        row["on_time_rate"] = _on_time_rate(row)
        rows.append(_cells(row))
    rows.sort(key=lambda r: (-r["received"], r["label"]))
    total = _total(rows)
    if request.GET.get("format"):
        table = exports.Table(
            title=_("Thống kê phản ánh, kiến nghị theo xã, phường"),
            subtitle=f"{province.name} · {period.label}",
            columns=[exports.Column("label", _("Xã, phường"), "text"), *_columns()],
            rows=[*rows, total],
            filename_stem=f"phan-anh-{province.code}-{period.key}",
        )
        return exports.export_response(request, table)
    context = {
        "province": province,
        "period": period,
        "months": _recent_months(period),
        "keep": {"province": province.code},
        "rows": [r for r in rows if r["received"]],
        "quiet": [r for r in rows if not r["received"]],
        "total": total,
        "columns": [(key, stats.FIGURES[key].label) for key in COLUMNS],
        "export_links": exports.export_links(request),
    }
    return render(request, "insights/petitions_province.html", context)
