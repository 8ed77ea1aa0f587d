"""Step bottlenecks of a commune: where processing time goes, per internal step and officer."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from motcua.accounts.access import staff_required
from motcua.insights import exports, periods, steps
from motcua.insights.periods import PeriodError
from motcua.insights.views.dashboard import commune_for, period_choices, read_period


@staff_required
def bottlenecks(request):
    """Per step role (and per officer in it): hand-overs, working hours used against the budget,
    share handed over late, steps running past due; ``?period=`` picks the period (default: this
    month), ``?commune=`` the commune for a province monitor (``dashboard.commune_for``)."""
    commune = commune_for(request)
    keep = {"commune": commune.code}
    picker = {"choices": period_choices(), "keep": keep}
    try:
        period = read_period(request)
    except PeriodError as error:
        default = periods.month_of(periods.today())
        context = {"commune": commune, "error": str(error), "period": default, **picker}
        context["roles"] = []
        return render(request, "insights/steps.html", context, status=400)
    found = steps.step_bottlenecks(commune, period)
    if request.GET.get("format"):
        return exports.export_response(request, _table(commune, period, found))
    scale = steps.scale_of(found)
    query = {"period": period.key, "commune": commune.code}
    context = {
        "commune": commune,
        "period": period,
        **picker,
        "roles": [_role_rows(b, scale, query) for b in found],
        "dashboard_url": reverse("insights:dashboard") + "?" + urlencode(query),
        "export_links": exports.export_links(request),
    }
    return render(request, "insights/steps.html", context)


def _role_rows(bottleneck: steps.RoleBottleneck, scale, query: dict) -> dict:
    return {
        "role": bottleneck.role,
        "label": bottleneck.total.role_label,
        "total": _row(bottleneck.total, scale, query),
        "officers": [_row(f, scale, query) for f in bottleneck.officers],
    }


def _row(figures: steps.StepFigures, scale, query: dict) -> dict:
    """One table row: the figures, the bar's widths and the links to the dossiers behind."""
    narrowed = {"role": figures.role}
    if figures.officer_id is not None:
        narrowed["officer"] = figures.officer_id
    narrowed.update(query)
    used = steps.bar_percent(figures.median_hours, scale)
    budget = steps.bar_percent(figures.mean_budget_hours, scale)
    return {
        "f": figures,
        "used_width": used,
        "budget_at": budget,
        # The bar shows the median, so its colour says whether the median went over the budget.
        "over_budget": bool(
            figures.median_hours is not None
            and figures.mean_budget_hours is not None
            and figures.median_hours > figures.mean_budget_hours
        ),
        "links": {
            key: reverse("insights:figure_dossiers") + "?" + urlencode({"figure": key, **narrowed})
            for key in steps.FIGURE_KEYS
        },
    }


def _table(commune, period, found) -> exports.Table:
    """The page's table as a file: a row per step, then a row per officer of that step."""
    columns = [
        exports.Column("step", _("Bước"), "text"),
        exports.Column("officer", _("Cán bộ"), "text"),
        exports.Column("handovers", _("Số lượt"), "integer"),
        exports.Column("median_hours", _("Thời gian dùng, trung vị (giờ làm việc)"), "decimal2"),
        exports.Column("mean_hours", _("Thời gian dùng, trung bình (giờ làm việc)"), "decimal2"),
        exports.Column("budget", _("Định mức (giờ)"), "decimal2"),
        exports.Column("used_to_budget", _("Tỷ lệ dùng/định mức"), "decimal2"),
        exports.Column("late", _("Số lượt chuyển trễ"), "integer"),
        exports.Column("running_overdue", _("Đang giữ quá hạn bước"), "integer"),
    ]
    rows = []
    for bottleneck in found:
        for f in (bottleneck.total, *bottleneck.officers):
            rows.append(
                {
                    "step": bottleneck.total.role_label,
                    "officer": f.officer_name if f.officer_id is not None else _("Cả bước"),
                    "handovers": f.handovers,
                    "median_hours": f.median_hours,
                    "mean_hours": f.mean_hours,
                    "budget": f.mean_budget_hours,
                    "used_to_budget": f.used_to_budget,
                    "late": f.late,
                    "running_overdue": f.running_overdue,
                }
            )
    return exports.Table(
        title=_("Thời gian xử lý theo bước"),
        subtitle=f"{commune.name} · {period.label}",
        columns=columns,
        rows=rows,
        filename_stem=f"buoc-xu-ly-{commune.code}-{period.key}",
    )
