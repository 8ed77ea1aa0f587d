"""The Decision 766 service index pages: the province ranking, a commune's criteria, the dossiers
behind a criterion, the what-if form, and the monitor's inputs."""

import hashlib
from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts import access
from motcua.accounts.access import staff_required
from motcua.errors import PublicNotFound
from motcua.insights import (
    charts,
    exports,
    index_inputs,
    numbers,
    periods,
    ranking,
    rollups,
    services,
)
from motcua.insights.index import inputs as index_fields
from motcua.insights.index.scheme import scheme_for
from motcua.insights.index.scoring import score
from motcua.insights.index.whatif import gaps, rank_among
from motcua.insights.models import CommuneMonth, CommuneMonthInput, PublishedIndex
from motcua.insights.periods import Period, PeriodError
from motcua.insights.views.dashboard import wanted
from motcua.petitions import stats
from motcua.petitions.models import Petition
from motcua.units.models import Province

FROZEN = "chot"  # ?nguon=chot reads the frozen snapshot
THIS_MONTH = "this-month"  # the menu's link: whatever month it is now


def _month(text: str | None) -> Period:
    return periods.parse_month(text, default=periods.month_of(periods.today()))


def province_for(request) -> Province:
    """The province whose communes the page compares (``?province=<code>``, else the person's
    own; Hà Nội for a superuser), if the access rule lets the person see (or export) its
    statistics; 404 otherwise."""
    return access.province_named(
        request.user, access.Kind.PROVINCE_STATISTICS, wanted(request), request.GET.get("province")
    )


def _band(result_total, scheme):
    if result_total is None:
        return None
    for band in scheme.rating_bands:
        if result_total >= band.min:
            return band
    return None


@staff_required
def ranking_page(request):
    province = province_for(request)
    try:
        period = _month(request.GET.get("month"))
    except PeriodError as error:
        return HttpResponseBadRequest(str(error))
    frozen_exists = ranking.is_frozen(province.pk, period)
    frozen = frozen_exists and request.GET.get("nguon") == FROZEN
    rows = ranking.ranking(province.pk, period, frozen=frozen)
    scheme = scheme_for(period.first)
    for row in rows:
        row.band = _band(row.total, scheme)
    if request.GET.get("format"):
        return exports.export_response(request, _ranking_table(province, period, rows, scheme))
    ranked = [r for r in rows if r.total is not None]
    context = {
        "province": province,
        "period": period,
        "ranked_rows": ranked,
        "ranking_body": _ranking_body(ranked, scheme.groups, period),
        "unranked_rows": [r for r in rows if r.total is None],
        "groups": scheme.groups,
        "frozen": frozen,
        "frozen_exists": frozen_exists,
        "ranked_count": len(ranked),
        "months": _recent_months(period),
        "chart": _totals_chart(ranked) if ranked else None,
        "updated_at": _updated_at(province, period),
        "export_links": exports.export_links(request),
        "may_enter": access.permits(
            request.user, access.Kind.INDEX_INPUTS, access.Action.ENTER, province
        ),
    }
    return render(request, "insights/ranking.html", context)


def _ranking_body(rows, groups, period: Period):
    """The ranking's table rows, built in Python: 126 rows of ten cells through the template
    language cost more than the rest of the page together (docs/performance.md)."""
    seps = numbers.separators()

    def points(value):
        return numbers.figure(value, "decimal2", seps=seps)

    return format_html_join(
        "\n",
        '<tr data-commune="{}"><td class="mc-table__cell--numeric">{}{}</td>'
        '<th scope="row"><a class="mc-link" href="{}">{}</a></th>{}'
        '<td class="mc-table__cell--numeric"><strong>{}</strong></td>'
        '<td class="mc-table__cell--numeric">{}</td><td>{}</td></tr>',
        (
            (
                row.commune_code,
                row.rank,
                _rank_move(row.rank_change),
                reverse("insights:commune_index", args=[row.commune_code, period.key]),
                row.commune_name,
                format_html_join(
                    "",
                    '<td class="mc-table__cell--numeric">{}</td>',
                    ((points(row.groups.get(g.key)),) for g in groups),
                ),
                points(row.total),
                numbers.signed(row.change, seps=seps),
                row.band.name if row.band else "—",
            )
            for row in rows
        ),
    )


def _rank_move(change: int | None):
    if not change:
        return ""
    arrow = "▲" if change > 0 else "▼"
    return format_html(' <span class="mc-ranking__move">({}{})</span>', arrow, abs(change))


def _recent_months(period: Period) -> list[Period]:
    """The last 12 months for the month picker, newest first, and the month shown when it is
    older (else the picker would show the current month as chosen while the page shows another)."""
    current = periods.month_of(periods.today())
    months = [current]
    while len(months) < 12:
        months.append(months[-1].previous())
    if all(m.key != period.key for m in months):
        months.append(period)
    return months


def _updated_at(province, period):
    return (
        CommuneMonth.objects.filter(commune__province=province, month=period.first)
        .order_by("-computed_at")
        .values_list("computed_at", flat=True)
        .first()
    )


def _totals_chart(rows):
    """The bar chart of totals; drawn once per set of totals and language, then kept (drawing
    126 bars at two widths costs more than reading the ranking)."""
    shown = tuple((r.commune_name, str(r.total)) for r in rows)
    key = (
        "insights:totals-chart:"
        + hashlib.sha256(repr((get_language(), shown)).encode()).hexdigest()
    )
    chart = cache.get(key)
    if chart is None:
        chart = _draw_totals_chart(rows)
        cache.set(key, chart, timeout=3600)
    return chart


def _draw_totals_chart(rows):
    return charts.bar_chart(
        [r.commune_name for r in rows],
        [r.total for r in rows],
        title=_("Tổng điểm chỉ số theo xã, phường"),
        value_format="decimal2",
        label_header=_("Xã, phường"),
        value_header=_("Tổng điểm"),
    )


def _ranking_table(province, period, rows, scheme) -> exports.Table:
    columns = [
        exports.Column("rank", _("Hạng"), "integer"),
        exports.Column("name", _("Xã, phường"), "text"),
    ]
    columns += [exports.Column(g.key, g.name, "decimal2") for g in scheme.groups]
    columns += [
        exports.Column("total", _("Tổng điểm"), "decimal2"),
        exports.Column("change", _("Thay đổi so với tháng trước"), "decimal2"),
        exports.Column("band", _("Xếp loại tham khảo"), "text"),
    ]
    data = [
        {
            "rank": r.rank,
            "name": r.commune_name,
            **{g.key: r.groups.get(g.key) if r.total is not None else None for g in scheme.groups},
            "total": r.total,
            "change": r.change,
            "band": r.band.name if r.band else _("Chưa có dữ liệu"),
        }
        for r in rows
    ]
    return exports.Table(
        title=_("Xếp hạng chỉ số phục vụ (Quyết định 766/QĐ-TTg)"),
        subtitle=f"{province.name} · {period.label}",
        columns=columns,
        rows=data,
        filename_stem=f"chi-so-766-{province.code}-{period.key}",
    )


# --------------------------------------------------------------------------- one commune


@dataclass
class CommuneIndex:
    commune: object
    period: Period
    row: CommuneMonth
    result: object
    rank: int | None
    ranked_count: int
    sources: dict
    _measured: dict | None = None

    @property
    def measured(self) -> dict:
        """The commune inputs as motcua measures them, before the monitor's entries (computed
        on first use: a page needs them only when something was entered)."""
        if self._measured is None:
            found = index_inputs.measured_inputs([self.commune.pk], self.period)
            self._measured = found[self.commune.pk]
        return self._measured

    def entered_names(self) -> list[str]:
        """The commune inputs a monitor's entry replaced this month (the flag excepted: it is
        always entered)."""
        return [
            name
            for name, source in self.sources.items()
            if source == "entered" and name in index_inputs.ENTERABLE
        ]


def commune_index_of(request, commune_code: str, month: str) -> CommuneIndex:
    commune = access.commune_named(
        request.user, access.Kind.COMMUNE_STATISTICS, wanted(request), commune_code
    )
    period = periods.parse_month(month)
    rows = ranking.ranking(commune.province_id, period)
    mine = next((r for r in rows if r.commune_id == commune.pk), None)
    row = CommuneMonth.objects.filter(commune=commune, month=period.first).first()
    if row is None:  # a commune not in force that month (merged, or not yet created)
        raise PublicNotFound(_("Không có số liệu của xã, phường này trong tháng đã chọn."))
    portal = rollups.settings_for(commune.province_id).portal_compatible
    result = score(row.inputs, on=period.first, portal_compatible=portal)
    entered = index_inputs.entered_for([commune.pk], period.first).get(commune.pk)
    return CommuneIndex(
        commune=commune,
        period=period,
        row=row,
        result=result,
        rank=mine.rank if mine else None,
        ranked_count=sum(1 for r in rows if r.rank is not None),
        sources=index_inputs.sources_of(entered),
    )


@staff_required
def commune_index(request, commune_code, month):
    chosen = request.GET.get("month")
    if month == THIS_MONTH:
        chosen = periods.month_of(periods.today()).key
    if chosen and chosen != month:  # the month picker (a plain GET form, no script)
        # The rule first: a commune out of scope answers 404, never a redirect.
        access.commune_named(
            request.user, access.Kind.COMMUNE_STATISTICS, access.Action.VIEW, commune_code
        )
        return redirect("insights:commune_index", commune_code, chosen)
    try:
        index = commune_index_of(request, commune_code, month)
    except PeriodError as error:
        return HttpResponseBadRequest(str(error))
    if request.GET.get("format"):
        return exports.export_response(request, _criteria_table(index))
    scheme = scheme_for(index.period.first)
    published = PublishedIndex.objects.filter(commune=index.commune).order_by("-period_start")
    entered = _entered_inputs(index)
    context = {
        "index": index,
        "commune": index.commune,
        "period": index.period,
        "result": index.result,
        "groups": _grouped(index.result),
        "entered_inputs": entered,
        "entered_criteria": _criteria_reading(scheme, {e["name"] for e in entered}),
        "petition_classes": _petition_classes(index),
        "band": _band(index.row.total, scheme),
        "gaps": gaps(index.result)[:6],
        "whatif_fields": _whatif_fields(index.row.inputs),
        "published": published.first(),
        "has_data": index.row.total is not None,
        "months": _recent_months(index.period),
        "export_links": exports.export_links(request),
    }
    return render(request, "insights/commune_index.html", context)


def _entered_inputs(index: CommuneIndex) -> list[dict]:
    """Each input a monitor entered for the month, the value used and the measured value it
    replaced (the page shows both: an entry must never pass for a measurement)."""
    names = index.entered_names()
    if not names:
        return []
    section = index.row.inputs.get(index_fields.COMMUNE, {})
    return [
        {
            "name": name,
            "label": index_fields.BY_NAME[name].label,
            "value": section.get(name),
            "measured": index.measured.get(name),
        }
        for name in names
        if name in index_fields.BY_NAME
    ]


def _criteria_reading(scheme, names: set[str]) -> set[str]:
    """The keys of the criteria whose ratio reads one of ``names``."""
    if not names:
        return set()
    return {c.key for c in scheme.criteria if names & set(c.ratio.input_names())}


def _petition_classes(index: CommuneIndex) -> list[tuple[str, int]]:
    """Criterion 5.1 (shown, 0 points): the month's reports by classification."""
    keys = stats.CLASSIFICATION_FIGURES
    row = stats.counts(Petition.objects.filter(commune=index.commune), index.period, keys=keys)
    return [(stats.FIGURES[key].label, row[key]) for key in keys]


def _criteria_table(index: CommuneIndex) -> exports.Table:
    columns = [
        exports.Column("group", _("Nhóm tiêu chí"), "text"),
        exports.Column("code", _("Mã"), "text"),
        exports.Column("name", _("Tiêu chí"), "text"),
        exports.Column("numerator", _("Tử số"), "integer"),
        exports.Column("denominator", _("Mẫu số"), "integer"),
        exports.Column("ratio", _("Tỷ lệ"), "percent"),
        exports.Column("points", _("Điểm"), "decimal2"),
        exports.Column("max", _("Điểm tối đa"), "decimal2"),
    ]
    rows = [
        {
            "group": group.name,
            "code": c.code,
            "name": c.name,
            "numerator": c.numerator,
            "denominator": c.denominator,
            "ratio": c.ratio,
            "points": c.points,
            "max": c.max,
        }
        for group, criteria in _grouped(index.result)
        for c in criteria
    ]
    rows.append(
        {
            "group": _("Tổng điểm"),
            "code": "",
            "name": "",
            "numerator": None,
            "denominator": None,
            "ratio": None,
            "points": index.result.total,
            "max": 100,
        }
    )
    return exports.Table(
        title=_("Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)"),
        subtitle=f"{index.commune.name} · {index.period.label}",
        columns=columns,
        rows=rows,
        filename_stem=f"chi-so-766-{index.commune.code}-{index.period.key}",
    )


def _grouped(result):
    return [(g, [result.criterion(key) for key in g.criteria]) for g in result.groups]


def _whatif_fields(inputs: dict):
    """Every input with its current value, grouped as the scoring input is."""
    out = []
    for section in index_fields.SECTIONS:
        for field in index_fields.fields_of(section):
            out.append((field, inputs[section][field.name]))
    return out


@staff_required
@require_POST
def whatif(request, commune_code, month):
    """Score the commune with the inputs of the form, and rank the new total among the other
    communes' live totals: nothing is stored."""
    try:
        index = commune_index_of(request, commune_code, month)
    except PeriodError as error:
        return HttpResponseBadRequest(str(error))
    changed, errors = _read_whatif(request.POST, index.row.inputs)
    result = None
    rank = None
    if not errors:
        try:
            portal = rollups.settings_for(index.commune.province_id).portal_compatible
            result = score(changed, on=index.period.first, portal_compatible=portal)
        except ValidationError as error:
            errors = error.message_dict
    if result is not None:
        others = (
            CommuneMonth.objects.filter(
                commune__in=rollups.province_communes(index.commune.province_id, index.period),
                month=index.period.first,
                total__isnull=False,
            )
            .exclude(commune=index.commune)
            .values_list("total", flat=True)
        )
        rank = rank_among(result.total, others)
    context = {
        "index": index,
        "before": index.result,
        "after": result,
        "rank": rank,
        "errors": errors,
        "changes": _changes(index.row.inputs, changed) if result else [],
    }
    template = "insights/includes/whatif_result.html"
    if not request.headers.get("HX-Request"):
        template = "insights/whatif_page.html"
    return render(request, template, context, status=422 if errors else 200)


def _read_whatif(data, inputs: dict) -> tuple[dict, dict]:
    changed = {section: dict(values) for section, values in inputs.items()}
    errors = {}
    for section in index_fields.SECTIONS:
        for field in index_fields.fields_of(section):
            key = f"{section}.{field.name}"
            if field.kind == index_fields.FLAG:
                changed[section][field.name] = data.get(key) == "on"
                continue
            raw = (data.get(key) or "").strip().replace(".", "").replace(",", "")
            if raw == "":
                continue
            if not raw.isdigit():
                errors[key] = [
                    _("“%(label)s”: nhập một số nguyên không âm.") % {"label": field.label}
                ]
                continue
            changed[section][field.name] = int(raw)
    return changed, errors


def _changes(before: dict, after: dict) -> list:
    out = []
    for section in index_fields.SECTIONS:
        for field in index_fields.fields_of(section):
            old, new = before[section][field.name], after[section][field.name]
            if old != new:
                out.append((field, old, new))
    return out


# --------------------------------------------------------------------------- a criterion


@staff_required
def criterion(request, commune_code, month, criterion):
    try:
        index = commune_index_of(request, commune_code, month)
    except PeriodError as error:
        return HttpResponseBadRequest(str(error))
    keys = {c.key: c for c in index.result.criteria}
    found = keys.get(criterion)
    if found is None:
        raise PublicNotFound(_("Không có tiêu chí này."))
    spec = next(c for c in scheme_for(index.period.first).criteria if c.key == criterion).ratio
    parts = _ratio_parts(spec, index, request)
    side = request.GET.get("side", "")
    chosen = next((p for p in parts if p["role"] == side and p["dossiers"] is not None), None)
    chosen = chosen or next((p for p in parts if p["dossiers"] is not None), None)
    page = None
    if chosen is not None:
        listed = chosen["dossiers"].select_related("procedure").order_by("received_at", "pk")
        page = Paginator(listed, 50).get_page(request.GET.get("page"))
    context = {
        "index": index,
        "commune": index.commune,
        "period": index.period,
        "criterion": found,
        "ratio_note": RATIO_NOTES.get(spec.kind, ""),
        "parts": parts,
        "chosen": chosen,
        "page_obj": page,
    }
    return render(request, "insights/criterion.html", context)


# How a ratio is formed when it is not simply numerator ÷ denominator (the scheme's ratio kinds).
RATIO_NOTES = {
    "sync": gettext_lazy(
        "Tỷ lệ = hồ sơ đã đồng bộ ÷ số lớn hơn trong hai số: hồ sơ tiếp nhận theo báo cáo và hồ sơ "
        "đã đồng bộ."
    ),
    "share_times_sync": gettext_lazy(
        "Tỷ lệ = tử số ÷ mẫu số, nhân với tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG (tiêu chí 1.4): hồ "
        "sơ chưa đồng bộ làm giảm điểm tiêu chí này."
    ),
    "complement": gettext_lazy("Tỷ lệ = (mẫu số − số phản ánh không đạt) ÷ mẫu số."),
    "receiving_satisfaction": gettext_lazy(
        "Tỷ lệ = (hồ sơ tiếp nhận − hồ sơ quá hạn − hồ sơ có phản ánh hoặc đánh giá không hài "
        "lòng) ÷ hồ sơ tiếp nhận; hồ sơ quá hạn = tiếp nhận − trước hạn, đúng hạn."
    ),
    "flag": gettext_lazy("100 % nếu xã cung cấp dịch vụ, 0 % nếu không (số liệu nhập tay)."),
}


def _ratio_parts(spec, index: CommuneIndex, request) -> list[dict]:
    """Each input the criterion's ratio reads, with its value, where it came from, and (for a
    dossier count) the dossiers behind it."""
    parts = []
    for role in spec.roles:
        for name in spec.names(role):
            section = index_fields.BY_NAME[name].section
            dossiers = None
            if section == index_fields.COMMUNE and index.sources.get(name) == "measured":
                dossiers = index_inputs.dossiers_behind(index.commune.pk, name, index.period)
            parts.append(
                {
                    "role": role,
                    "name": name,
                    "label": index_fields.BY_NAME[name].label,
                    "value": index.row.inputs[section][name],
                    "source": "province"
                    if section == index_fields.PROVINCE_LEVEL
                    else index.sources.get(name, "measured"),
                    "from_reports": name in index_inputs.PETITION_INPUTS,
                    "measured": index.measured.get(name)
                    if section == index_fields.COMMUNE and index.sources.get(name) == "entered"
                    else None,
                    "dossiers": dossiers,
                    "url": reverse(
                        "insights:criterion",
                        args=[index.commune.code, index.period.key, spec_key(request)],
                    )
                    + f"?side={role}",
                }
            )
    return parts


def spec_key(request) -> str:
    return request.resolver_match.kwargs["criterion"]


# --------------------------------------------------------------------------- monitor inputs


@staff_required
def inputs(request):
    province = access.province_named(
        request.user, access.Kind.INDEX_INPUTS, access.Action.ENTER, request.GET.get("province")
    )
    try:
        period = _month(request.GET.get("month") or request.POST.get("month"))
    except PeriodError as error:
        return HttpResponseBadRequest(str(error))
    communes = list(rollups.province_communes(province.pk, period).order_by("name"))
    chosen_code = request.GET.get("commune") or request.POST.get("commune") or ""
    commune = next((c for c in communes if c.code == chosen_code), None)
    errors = {}
    if request.method == "POST":
        errors = _save_inputs(request, province, commune, period)
        if not errors:
            messages.success(request, _("Đã lưu số liệu. Chỉ số được tính lại ngay."))
            query = f"?month={period.key}" + (f"&commune={commune.code}" if commune else "")
            return redirect(reverse("insights:inputs") + query)
    province_row = index_inputs.province_inputs(province.pk, period.first) or {}
    entry = (
        CommuneMonthInput.objects.filter(commune=commune, month=period.first).first()
        if commune
        else None
    )
    context = {
        "province": province,
        "period": period,
        "months": _recent_months(period),
        "communes": communes,
        "commune": commune,
        "province_fields": [
            (f, request.POST.get(f.name, province_row.get(f.name, "")))
            for f in index_fields.fields_of(index_fields.PROVINCE_LEVEL)
        ],
        "commune_fields": [
            (
                index_fields.BY_NAME[name],
                request.POST.get(name, (entry.overrides if entry else {}).get(name, "")),
            )
            for name in index_inputs.ENTERABLE
        ],
        "certified": entry.certified_copy_e_service if entry else False,
        "errors": errors,
        "form": request.POST.get("form", ""),
    }
    return render(request, "insights/inputs.html", context, status=422 if errors else 200)


def _save_inputs(request, province, commune, period) -> dict:
    try:
        if request.POST.get("form") == "province":
            values = {
                f.name: request.POST.get(f.name, "")
                for f in index_fields.fields_of(index_fields.PROVINCE_LEVEL)
            }
            services.save_province_inputs(request.user, province, period, values)
        elif request.POST.get("form") == "commune" and commune is not None:
            overrides = {name: request.POST.get(name, "") for name in index_inputs.ENTERABLE}
            services.save_commune_inputs(
                request.user,
                commune,
                period,
                certified_copy=request.POST.get("certified_copy_e_service") == "on",
                overrides=overrides,
            )
        else:
            return {"__all__": [_("Chọn xã, phường trước khi lưu.")]}
    except ValidationError as error:
        return error.message_dict
    return {}
