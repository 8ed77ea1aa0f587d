"""The commune's own list of procedures: officers read it, the commune admin standardises it."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts import access
from motcua.accounts.access import staff_required
from motcua.catalog.models import OnlineLevel, Procedure
from motcua.catalog.portal import CHANNEL_LABELS, FEE_KIND_LABELS, time_text
from motcua.catalog.queries import (
    PAGE_SIZE,
    commune_handles,
    has_standardized_list,
    procedures_a_commune_may_list,
    procedures_for_commune,
    search_page,
)
from motcua.catalog.services import standardize_procedures
from motcua.units.models import Commune
from motcua.units.queries import communes_with_centers, where_to_go

# Paging stops here: nobody reads 500 pages of results, and offsets stay cheap.
MAX_PAGE = 500

# The optional reason the audit trail keeps with the change (the field also refuses NUL characters).
REASON = forms.CharField(required=False, max_length=500)


def _reason_from(request) -> tuple[str, str]:
    """(reason, error): the posted reason for the change, or why it cannot be kept."""
    try:
        return REASON.clean(request.POST.get("reason", "")), ""
    except ValidationError as exc:
        return "", _("Lý do thay đổi: %(problem)s") % {"problem": " ".join(exc.messages)}


@staff_required
def commune_procedures(request):
    commune = access.own_commune(request.user, access.Kind.COMMUNE, access.Action.VIEW)
    can_edit = access.permits(request.user, access.Kind.COMMUNE, access.Action.EDIT, commune)
    error, error_field = "", "codes"
    if request.method == "POST":
        access.own_commune(request.user, access.Kind.COMMUNE, access.Action.EDIT)
        chosen = Procedure.objects.filter(is_active=True, code__in=request.POST.getlist("codes"))
        reason, error = _reason_from(request)
        if error:
            error_field = "reason"
        elif not chosen.exists():
            error = _("Chọn ít nhất một thủ tục mà xã tiếp nhận, giải quyết.")
        else:
            tally = standardize_procedures(commune, chosen, actor=request.user, reason=reason)
            messages.success(
                request,
                _("Đã lưu danh mục: %(n)s thủ tục (%(tally)s).")
                % {"n": chosen.count(), "tally": tally},
            )
            return redirect("catalog:commune_procedures")
    standardized = has_standardized_list(commune)
    handled = set(procedures_for_commune(commune).values_list("code", flat=True))
    if error:
        handled = set(request.POST.getlist("codes"))  # the choice is shown again, not lost
    return render(
        request,
        "catalog/commune_procedures.html",
        {
            "commune": commune,
            "procedures": procedures_a_commune_may_list(handled),
            "handled": handled,
            "standardized": standardized,
            "can_edit": can_edit,
            "error": error,
            "error_field": error_field,
            "reason": request.POST.get("reason", "")[:500].replace("\x00", "") if error else "",
        },
        status=400 if error else 200,
    )


def public_search(request):
    """Residents find a procedure by typing the way they speak, accents optional; 20 a page.
    With ``?xa=<commune code>`` that commune's own procedures come first."""
    q = (request.GET.get("q") or "").strip()[:200]
    try:
        page_number = max(1, min(int(request.GET.get("page") or 1), MAX_PAGE))
    except ValueError:
        page_number = 1
    commune = None
    commune_code = (request.GET.get("xa") or "")[:5]
    if commune_code:
        commune = Commune.objects.current().filter(code=commune_code).first()
    page = None
    if q:
        page = search_page(q, commune, PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
    template = (
        "catalog/_results.html" if request.headers.get("HX-Request") else "catalog/search.html"
    )
    return render(
        request,
        template,
        {
            "q": q,
            "commune": commune,
            "results": page.results if page else [],
            "page_number": page_number,
            "first_shown": (page_number - 1) * PAGE_SIZE + 1,
            "last_shown": (page_number - 1) * PAGE_SIZE + len(page.results) if page else 0,
            "previous_page": page_number - 1 if page and page_number > 1 else None,
            "next_page": page_number + 1 if page and page.has_more else None,
            "loose": page.loose if page else False,
        },
    )


def public_procedure(request, code):
    """What to bring, the fee, the time, online or not, and where to go (with opening hours)."""
    procedure = get_object_or_404(
        Procedure.objects.select_related("field"), code=code, is_active=True
    )
    communes = communes_with_centers()
    chosen = None
    commune_code = request.GET.get("xa", "")
    if commune_code:
        chosen = next((c for c in communes if c.code == commune_code), None)
    places = where_to_go(chosen, procedure.field_id) if chosen else []
    return render(
        request,
        "catalog/procedure.html",
        {
            "p": procedure,
            "channels": _channels_shown(procedure),
            "cases": _cases_shown(procedure),
            "files_online": procedure.online_level in (OnlineLevel.FULL, OnlineLevel.PARTIAL),
            "online": ONLINE_EXPLAINED[procedure.online_level],
            "communes": communes,
            "chosen": chosen,
            "places": places,
            "handles": commune_handles(chosen, procedure) if chosen else None,
        },
    )


def _channels_shown(procedure: Procedure) -> list[dict]:
    """Each channel with its time and fees in words (the portal's structure, ADR 0026)."""
    several_cases = len(procedure.processing_cases) > 1
    shown = []
    for channel in procedure.channels:
        fees = []
        for fee in channel.get("fees", []):
            amount, text = fee.get("amount_vnd"), fee.get("text", "")
            fees.append(
                {
                    "label": FEE_KIND_LABELS.get(fee.get("kind"), _("Phí, lệ phí")),
                    "amount": amount if amount else None,
                    "free": amount == 0 and not text,
                    "text": text,
                }
            )
        time = time_text(channel.get("time") or {})
        if not time:
            time = _("Theo từng trường hợp (xem bên dưới)") if several_cases else ""
        shown.append(
            {
                "method": channel.get("method"),
                "label": CHANNEL_LABELS.get(channel.get("method"), channel.get("method")),
                "time": time or procedure.legal_time_display,
                "fees": fees,
                "note": channel.get("note", ""),
            }
        )
    return shown


def _cases_shown(procedure: Procedure) -> list[dict]:
    """Times per case, when the portal gives more than one."""
    cases = procedure.processing_cases
    if len(cases) < 2:
        return []
    return [{"case": c.get("case", ""), "time": time_text(c) or _("Chưa rõ")} for c in cases]


# Plain words for residents (the catalogue's labels are for officers).
ONLINE_EXPLAINED = {
    OnlineLevel.FULL: gettext_lazy(
        "Làm hoàn toàn trực tuyến: nộp hồ sơ, theo dõi và nhận kết quả mà không cần đến trung tâm."
    ),
    OnlineLevel.PARTIAL: gettext_lazy(
        "Nộp trực tuyến được, nhưng vẫn cần đến trung tâm một lần (xuất trình bản chính hoặc "
        "nhận kết quả)."
    ),
    OnlineLevel.NONE: gettext_lazy("Chỉ nộp trực tiếp tại trung tâm hoặc qua bưu chính."),
    OnlineLevel.UNKNOWN: gettext_lazy(
        "Chưa có thông tin về nộp trực tuyến; hỏi bộ phận một cửa hoặc nộp trực tiếp."
    ),
}
