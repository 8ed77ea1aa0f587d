"""The commune dashboard, the dossier list behind each figure, and the standard monthly report."""

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts import access
from motcua.accounts.access import staff_required
from motcua.catalog.models import Field, Procedure, StepRole
from motcua.dossiers.models import Channel, Dossier
from motcua.dossiers.workflow import STATES
from motcua.feedback import scoring
from motcua.feedback.models import Rating
from motcua.insights import exports, fees, figures, periods, risk, steps, trends
from motcua.insights.periods import Period, PeriodError
from motcua.queueing import queries as queue_queries
from motcua.units.models import Commune, ServiceCenter

# The breakdowns of the dashboard: query parameter -> (field path, column header).
BREAKDOWNS = {
    "field": ("procedure__field__name_vi", gettext_lazy("Lĩnh vực")),
    "procedure": ("procedure__name_vi", gettext_lazy("Thủ tục")),
    "channel": ("channel", gettext_lazy("Kênh nộp")),
    "officer": ("assigned_to__last_name", gettext_lazy("Người xử lý")),
}
# Filters that narrow every figure, and the dossier list behind it: parameter -> field.
FILTERS = {
    "field": "procedure__field_id",
    "procedure": "procedure_id",
    "channel": "channel",
    "officer": "assigned_to_id",
}
BREAKDOWN_FIGURES = (
    "received",
    "settled",
    "early",
    "on_time",
    "late",
    "in_progress",
    "overdue",
    "online",
)
CARD_FIGURES = (
    "received",
    "settled",
    "early",
    "on_time",
    "late",
    "in_progress",
    "within_time",
    "overdue",
    "with_supplement",
    "refused",
    "withdrawn",
    "online",
    "digitized",
    "e_result",
)


def wanted(request) -> access.Action:
    """What a statistics request asks the access rule for: a download (``?format=``) is an
    export, anything else a view."""
    return access.Action.EXPORT if request.GET.get("format") else access.Action.VIEW


def commune_for(request) -> Commune:
    """The commune whose statistics the request names (``?commune=<code>``, else the person's
    own), if the access rule lets the person see (or export) them; 404 otherwise."""
    return access.commune_named(
        request.user, access.Kind.COMMUNE_STATISTICS, wanted(request), request.GET.get("commune")
    )


def _watches_province(request) -> bool:
    """Someone who sees a province's table and has no commune of their own (a monitor), naming
    no commune, starts from the province's table."""
    user = request.user
    watches = access.may(user, access.Kind.PROVINCE_STATISTICS, access.Action.VIEW)
    return watches and not user.commune_id and not request.GET.get("commune")


def _query_without_commune(request) -> str:
    query = request.GET.copy()
    query.pop("commune", None)
    return f"?{query.urlencode()}" if query else ""


def default_period(now=None) -> Period:
    return periods.month_of(periods.today(now))


def read_period(request, default: Period | None = None) -> Period:
    """The period of ``?period=`` (see ``Period.key``) or of the range form's ``?from=&to=``."""
    first, last = request.GET.get("from"), request.GET.get("to")
    text = f"{first}..{last}" if first and last else request.GET.get("period")
    return periods.parse(text, default=default or default_period())


def read_filters(request) -> dict[str, int]:
    """The filters present in the query, as integers; a non-number is ignored."""
    chosen = {}
    for name in FILTERS:
        value = request.GET.get(name, "")
        if value.isdigit():
            chosen[name] = int(value)
    return chosen


def commune_dossiers(commune, filters: dict[str, int]):
    narrowed = {FILTERS[name]: value for name, value in filters.items()}
    return Dossier.objects.filter(competent_commune=commune, **narrowed)


def figure_link(commune, period: Period, figure: str, **extra) -> str:
    query = {"figure": figure, "period": period.key, "commune": commune.code}
    query.update({k: v for k, v in extra.items() if v not in (None, "")})
    return reverse("insights:figure_dossiers") + "?" + urlencode(query)


@dataclass
class Card:
    key: str
    label: str
    value: int
    share: object
    share_of_label: str
    url: str


def _cards(commune, period, row, filters) -> list[Card]:
    shares = figures.with_shares(row)
    cards = []
    for key in CARD_FIGURES:
        figure = figures.FIGURES[key]
        share_of = figures.FIGURES[figure.share_of].label if figure.share_of else ""
        cards.append(
            Card(
                key,
                figure.label,
                row[key],
                shares.get(key),
                share_of,
                figure_link(commune, period, key, **filters),
            )
        )
    return cards


def _satisfaction(commune, period: Period):
    start, end = period.bounds()
    ratings = Rating.objects.filter(
        dossier__competent_commune=commune, submitted_at__gte=start, submitted_at__lt=end
    )
    return {
        "count": ratings.count(),
        "shares": scoring.three_level_shares(ratings).get(scoring.OVERALL),
        "points": scoring.points(ratings),
    }


def _queue(commune, period: Period):
    centers = list(ServiceCenter.objects.filter(commune=commune))
    if not centers:
        return None
    _rows, total = queue_queries.queue_statistics(centers, period.first, period.last)
    return total if total.tickets else None


AT_RISK_SHOWN = 10
AT_RISK = (risk.Level.OVERDUE, risk.Level.HIGH, risk.Level.MEDIUM)


def _at_risk(commune, now) -> list[tuple]:
    """The commune's open dossiers most at risk of missing their due time, worst first (the
    inbox's order, ``risk.sort_by_risk``): a leader acts before they are late."""
    open_states = [
        s for s, info in STATES.items() if not info.ends_processing and not info.is_final
    ]
    dossiers = list(
        Dossier.objects.filter(competent_commune=commune, state__in=open_states)
        .exclude(received_at=None)
        .select_related("procedure", "assigned_to", "competent_commune")
    )
    risks = risk.risks_for(dossiers, now)
    ordered = risk.sort_by_risk(dossiers, now, risks=risks)
    worst = [(d, risks[d.pk]) for d in ordered if risks[d.pk].level in AT_RISK]
    return worst[:AT_RISK_SHOWN]


def _breakdown_rows(commune, period, by, filters):
    path, _header = BREAKDOWNS[by]
    rows = figures.breakdown(
        commune_dossiers(commune, filters),
        period,
        path,
        keys=(*BREAKDOWN_FIGURES, "settled_in_time"),
    )
    id_path = {"field": "procedure__field_id", "procedure": "procedure_id"}.get(by)
    ids = _group_ids(commune, period, id_path, filters) if id_path else {}
    for row in rows:
        row["label"] = _group_label(by, row["group"])
        row["shares"] = figures.with_shares(row)
        row["on_time_rate"] = figures.percent(row["settled_in_time"], row["settled"])
        link_filter = dict(filters)
        if by in ("field", "procedure"):
            link_filter[by] = ids.get(row["group"])
        elif by == "channel":
            link_filter["channel"] = row["group"]
        elif by == "officer":
            link_filter.pop("officer", None)
        row["links"] = {
            key: figure_link(commune, period, key, **link_filter) for key in BREAKDOWN_FIGURES
        }
    return rows


def _group_ids(commune, period, id_path, filters) -> dict:
    """Name -> id for the field and procedure breakdowns, so each row links to its dossiers."""
    name_path = id_path.replace("_id", "__name_vi")
    start, end = period.bounds()
    pairs = (
        commune_dossiers(commune, filters)
        .filter(received_at__gte=start, received_at__lt=end)
        .values_list(name_path, id_path)
        .distinct()
    )
    return dict(pairs)


def _group_label(by: str, value) -> str:
    if value is None:
        return _("(chưa phân công)") if by == "officer" else "—"
    if by == "channel":
        return str(Channel(value).label)
    return str(value)


@staff_required
def commune_dashboard(request):
    if _watches_province(request):
        return redirect(reverse("insights:province") + _query_without_commune(request))
    commune = commune_for(request)
    try:
        period = read_period(request)
    except PeriodError as error:
        return HttpResponseBadRequest(str(error))
    filters = read_filters(request)
    by = request.GET.get("by") if request.GET.get("by") in BREAKDOWNS else "field"
    rows = _breakdown_rows(commune, period, by, filters)
    if request.GET.get("format"):
        return exports.export_response(request, _breakdown_table(commune, period, by, rows))
    row = figures.counts(commune_dossiers(commune, filters), period)
    context = {
        "commune": commune,
        "period": period,
        "choices": period_choices(),
        "filters": filters,
        "filter_labels": _filter_labels(filters),
        "cards": _cards(commune, period, row, filters),
        "row": row,
        "on_time_rate": figures.percent(row["settled_in_time"], row["settled"]),
        "online_rate": figures.percent(row["online"], row["received"]),
        "digitized_rate": figures.percent(row["digitized"], row["received"]),
        "satisfaction": _satisfaction(commune, period),
        "queue": _queue(commune, period),
        "by": by,
        "breakdowns": [(key, label) for key, (_p, label) in BREAKDOWNS.items()],
        "rows": rows,
        "charts": trends.commune_charts(commune, period),
        "at_risk": _at_risk(commune, timezone.now()),
        "query": {"commune": commune.code},
        "export_links": exports.export_links(request),
    }
    return render(request, "insights/dashboard.html", context)


def _breakdown_table(commune, period, by, rows) -> exports.Table:
    columns = [exports.Column("label", BREAKDOWNS[by][1], "text")]
    columns += [
        exports.Column(key, figures.FIGURES[key].label, "integer") for key in BREAKDOWN_FIGURES
    ]
    columns.append(exports.Column("on_time_ratio", _("Tỷ lệ trước hạn, đúng hạn"), "percent"))
    data = []
    for row in rows:
        out = {key: row[key] for key in BREAKDOWN_FIGURES}
        out["label"] = row["label"]
        out["on_time_ratio"] = (row["settled_in_time"] / row["settled"]) if row["settled"] else None
        data.append(out)
    return exports.Table(
        title=_("Thống kê hồ sơ"),
        subtitle=f"{commune.name} · {period.label} · {BREAKDOWNS[by][1]}",
        columns=columns,
        rows=data,
        filename_stem=f"thong-ke-{commune.code}-{period.key}-{by}",
    )


def _filter_labels(filters: dict[str, int]) -> list[str]:
    labels = []
    if "field" in filters:
        found = Field.objects.filter(pk=filters["field"]).first()
        labels.append(_("Lĩnh vực: %(name)s") % {"name": found.name_vi if found else "?"})
    if "procedure" in filters:
        found = Procedure.objects.filter(pk=filters["procedure"]).first()
        labels.append(_("Thủ tục: %(name)s") % {"name": found.name_vi if found else "?"})
    if "channel" in filters and filters["channel"] in Channel.values:
        labels.append(_("Kênh: %(name)s") % {"name": Channel(filters["channel"]).label})
    if "officer" in filters:
        labels.append(_("Theo người xử lý"))
    return labels


def period_choices(now=None) -> list[tuple[str, str]]:
    """The quick choices above every statistics page: today, this and last month, this quarter,
    this year."""
    day = periods.today(now)
    this_month = periods.month_of(day)
    return [
        (periods.day_of(day).key, _("Hôm nay")),
        (this_month.key, _("Tháng này")),
        (this_month.previous().key, _("Tháng trước")),
        (periods.quarter_of(day).key, _("Quý này")),
        (periods.year_of(day.year).key, _("Năm nay")),
    ]


# --------------------------------------------------------------------------- the list behind


STEP_TITLES = {
    steps.HANDOVERS: gettext_lazy("Hồ sơ đã chuyển bước"),
    steps.LATE: gettext_lazy("Hồ sơ chuyển bước trễ"),
    steps.RUNNING_OVERDUE: gettext_lazy("Hồ sơ đang giữ quá hạn bước"),
}


@staff_required
def figure_dossiers(request):
    commune = commune_for(request)
    try:
        period = read_period(request)
    except PeriodError as error:
        return HttpResponseBadRequest(str(error))
    key = request.GET.get("figure", "")
    filters = read_filters(request)
    if key in STEP_TITLES:
        role = request.GET.get("role") or None
        dossiers = steps.dossiers_behind(
            commune, period, key, role=role, officer_id=filters.get("officer")
        )
        title = str(STEP_TITLES[key])
        if role in StepRole.values:
            title = f"{title} · {StepRole(role).label}"
    elif key in figures.FIGURES:
        dossiers = figures.dossiers_behind(commune_dossiers(commune, filters), key, period)
        title = str(figures.FIGURES[key].label)
    else:
        return HttpResponseBadRequest(_("Không có chỉ tiêu '%(key)s'.") % {"key": key[:40]})
    dossiers = dossiers.select_related("procedure", "assigned_to").order_by("received_at", "pk")
    if request.GET.get("format"):
        return exports.export_response(request, _dossier_table(commune, period, title, dossiers))
    page = Paginator(dossiers, 50).get_page(request.GET.get("page"))
    context = {
        "commune": commune,
        "period": period,
        "title": title,
        "page_obj": page,
        "filter_labels": _filter_labels(filters),
        "back": reverse("insights:dashboard")
        + "?"
        + urlencode({"period": period.key, "commune": commune.code, **filters}),
        "now": timezone.now(),
        "export_links": exports.export_links(request),
    }
    return render(request, "insights/figure_dossiers.html", context)


def _dossier_table(commune, period, title, dossiers) -> exports.Table:
    columns = [
        exports.Column("code", _("Mã hồ sơ"), "text"),
        exports.Column("procedure", _("Thủ tục"), "text"),
        exports.Column("channel", _("Kênh nộp"), "text"),
        exports.Column("received_at", _("Tiếp nhận"), "datetime"),
        exports.Column("due_at", _("Hẹn trả"), "datetime"),
        exports.Column("finished_at", _("Kết thúc xử lý"), "datetime"),
        exports.Column("timeliness", _("Tiến độ"), "text"),
        exports.Column("state", _("Trạng thái"), "text"),
    ]
    rows = [
        {
            "code": d.code,
            "procedure": d.procedure.name_vi,
            "channel": d.get_channel_display(),
            "received_at": d.received_at,
            "due_at": d.due_at,
            "finished_at": d.finished_at,
            "timeliness": d.get_timeliness_display(),
            "state": d.get_state_display(),
        }
        for d in dossiers.iterator()
    ]
    return exports.Table(
        title=title,
        subtitle=f"{commune.name} · {period.label}",
        columns=columns,
        rows=rows,
        filename_stem=f"ho-so-{commune.code}-{period.key}",
    )


# --------------------------------------------------------------------------- the monthly report

REPORT_FIGURES = (
    "received",
    "settled",
    "early",
    "on_time",
    "late",
    "in_progress",
    "within_time",
    "overdue",
)


@staff_required
def monthly_report(request):
    """The standard monthly report: received / settled (early, on time, late) / in progress
    (within time, overdue), per field, for the commune."""
    commune = commune_for(request)
    try:
        period = periods.parse_month(request.GET.get("period"), default=default_period().previous())
    except PeriodError as error:
        return HttpResponseBadRequest(str(error))
    rows = figures.breakdown(
        Dossier.objects.filter(competent_commune=commune),
        period,
        "procedure__field__name_vi",
        keys=REPORT_FIGURES,
    )
    rows = _with_fees(
        rows,
        fees.fees_by(
            Dossier.objects.filter(competent_commune=commune), period, "procedure__field__name_vi"
        ),
    )
    total = {key: sum(r[key] for r in rows) for key in REPORT_FIGURES + MONEY_FIGURES}
    table = _report_table(commune, period, rows, total)
    if request.GET.get("format"):
        return exports.export_response(request, table)
    months = [periods.month_of(date(period.first.year, m, 1)) for m in range(1, 13)]
    context = {
        "commune": commune,
        "period": period,
        "table": table,
        "rows": rows,
        "total": total,
        "months": months,
        "figures": [figures.FIGURES[k] for k in REPORT_FIGURES],
        "export_links": exports.export_links(request),
    }
    return render(request, "insights/monthly_report.html", context)


# Money taken in the month (``insights.fees``: by payment date), beside the dossier figures.
MONEY_FIGURES = ("fees_collected", "waived")
MONEY_LABELS = {
    "fees_collected": gettext_lazy("Phí, lệ phí đã thu (đồng)"),
    "waived": gettext_lazy("Số lần miễn phí, lệ phí"),
}


def _with_fees(rows: list[dict], money: dict) -> list[dict]:
    """The report's rows with the month's fees per field; a field that took money but received
    no dossier this month gets a row of its own."""
    zero = {"fees_collected": 0, "waived": 0}
    out = [{**r, **money.get(r["group"], zero)} for r in rows]
    seen = {r["group"] for r in rows}
    for group, amounts in sorted(money.items(), key=lambda kv: str(kv[0])):
        if group not in seen:
            out.append({"group": group, **dict.fromkeys(REPORT_FIGURES, 0), **amounts})
    return out


def _report_table(commune, period, rows, total) -> exports.Table:
    keys = REPORT_FIGURES + MONEY_FIGURES
    columns = [exports.Column("group", _("Lĩnh vực"), "text")]
    columns += [exports.Column(k, figures.FIGURES[k].label, "integer") for k in REPORT_FIGURES]
    columns += [exports.Column(k, MONEY_LABELS[k], "integer") for k in MONEY_FIGURES]
    data = [{"group": r["group"] or "—", **{k: r[k] for k in keys}} for r in rows]
    data.append({"group": _("Tổng cộng"), **total})
    return exports.Table(
        title=_("Báo cáo tình hình giải quyết hồ sơ tháng %(m)s") % {"m": f"{period.first:%m/%Y}"},
        subtitle=commune.name,
        columns=columns,
        rows=data,
        filename_stem=f"bao-cao-thang-{commune.code}-{period.key}",
    )
