"""Officers' pages that put several apps on one screen: the inbox ordered by overdue risk, intake
at the counter with the applicant's stored papers, the dossier page, its workflow actions, files
and printed forms. Thin: parse, authorize, call a service or query, render."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts import access
from motcua.accounts.access import staff_required
from motcua.catalog.models import Procedure
from motcua.catalog.queries import search_procedures
from motcua.desk import services as desk_services
from motcua.desk.forms import InboxSearchForm, IntakeForm, ScanForm, typed_owner_id
from motcua.docstore import consent
from motcua.docstore import queries as docstore_queries
from motcua.docstore.downloads import file_response, result_response
from motcua.docstore.uploads import size_label
from motcua.dossiers import queries, services
from motcua.dossiers.fees import fee_due
from motcua.dossiers.forms import ActionForm, PaymentForm
from motcua.dossiers.forms_pdf import (
    FormNotAvailable,
    available_forms,
    render_fee_receipt,
    render_form,
)
from motcua.dossiers.models import Channel, PaymentMethod
from motcua.dossiers.views import tracking_url
from motcua.dossiers.workflow import TRANSITIONS, Action, State
from motcua.dvcqg.queries import sync_state_of
from motcua.errors import PublicNotFound
from motcua.feedback.links import rating_url
from motcua.feedback.models import RatingChannel
from motcua.insights import risk
from motcua.notify.adapters import masked_recipient
from motcua.notify.queries import notifications_of
from motcua.queueing import visits
from motcua.queueing.queries import ticket_of_dossier
from motcua.residents.consent import send_reuse_code
from motcua.residents.queries import assistance_of
from motcua.ui.forms import add_service_errors

# An inbox is sorted by overdue risk when it holds at most this many open dossiers (a commune has
# a few hundred at most). A province-wide watch list beyond it keeps the due-time order of
# ``queries.inbox`` and measures the risk of the page shown only, so it stays fast.
RISK_SORT_LIMIT = 2000
INBOX_PAGE_SIZE = 30
MAX_RECEIPT_NUMBER = 32767  # Payment.number is a small integer on every database


@staff_required
def inbox(request):
    """The user's inbox, most at risk of missing its due time first (``insights.risk``); or, when
    the officer searches (code, name, ID number or phone, and filters), every dossier they may
    see that matches, the latest filed first (``queries.find_dossiers``)."""
    now = timezone.now()
    search = InboxSearchForm(request.GET or None, procedures=queries.procedure_choices())
    criteria = search.criteria()
    searching = bool(criteria) or bool(search.errors)
    if searching:
        dossiers = queries.find_dossiers(request.user, criteria, now)
        if search.errors:
            dossiers = dossiers.none()
        by_risk = False
    else:
        dossiers = queries.inbox(request.user)
        by_risk = dossiers.count() <= RISK_SORT_LIMIT
    if by_risk:
        everything = list(dossiers)
        risks = risk.risks_for(everything, now)
        ordered = risk.sort_by_risk(everything, now, risks=risks)
        page = Paginator(ordered, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
        online = _online_acceptances(everything, now)
    else:
        page = Paginator(dossiers, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
        risks = risk.risks_for(page.object_list, now)
        online = _online_acceptances(page.object_list, now)
    rows = []
    for d in page:
        step = d.running_steps[0] if d.running_steps else None
        rows.append(
            {
                "dossier": d,
                "light": queries.dossier_light(d, now),
                "step": step,
                "step_light": queries.step_light(step, now),
                "online": online.get(d.pk),
                "risk": risks[d.pk],
            }
        )
    watching = queries.watches_everything(request.user)
    # The banner names the earliest acceptance deadline among all online dossiers waiting.
    waiting_online = [{"online": o} for o in sorted(online.values(), key=lambda o: o.accept_by)]
    return render(
        request,
        "dossiers/inbox.html",
        {
            "page": page,
            "rows": rows,
            "watching": watching,
            "waiting_online": waiting_online,
            "by_risk": by_risk,
            "search": search,
            "searching": searching,
        },
        status=400 if search.errors else 200,
    )


def _online_acceptances(dossiers, now) -> dict:
    """The acceptance deadlines of the online dossiers not yet accepted, by primary key."""
    found = {}
    for d in dossiers:
        if d.state == State.SUBMITTED_ONLINE:
            found[d.pk] = queries.online_acceptance(d, now)
    return found


@staff_required
def intake(request):
    """Step 1: find the procedure (accent-insensitive). Step 2: the intake form for it."""
    access.own_commune(request.user, access.Kind.COMMUNE, access.Action.RECEIVE)
    code = request.GET.get("procedure") or request.POST.get("procedure")
    if not code:
        q = request.GET.get("q", "")
        results = search_procedures(q, commune=request.user.commune, limit=20) if q else []
        template = (
            "dossiers/_procedure_results.html"
            if request.headers.get("HX-Request")
            else "dossiers/intake_pick.html"
        )
        return render(
            request,
            template,
            {"q": q, "results": results, "queue_visit": visits.remembered(request)},
        )
    procedure = get_object_or_404(Procedure, code=code, is_active=True)
    data = request.POST if request.method == "POST" else None
    owner = typed_owner_id(data)
    # One intake, one id: the citizen's consent to reuse their papers is bound to it.
    intake_id = consent.as_intake(data.get("intake")) if data else None
    intake_id = intake_id or uuid.uuid4()
    options = {
        "procedure": procedure,
        "owner_id": owner,
        # The same applicant filed this procedure within a day: the form warns, beside any other
        # error, so the officer sees everything at once.
        "find_earlier": lambda number: queries.earlier_filing(
            request.user, id_number=number, procedure=procedure
        ),
    }
    options.update(_store_step(request, data, owner, intake_id))
    if data is not None and ("lookup" in data or "consent" in data):
        # The look-up and consent buttons: show, receive nothing.
        form = IntakeForm.redisplay(data, **options)
    else:
        form = IntakeForm(data, request.FILES if data is not None else None, **options)
    if form.is_bound and form.is_valid():
        if form.offers_unseen():
            messages.info(request, _unseen_message(form))
        else:
            try:
                dossier = desk_services.receive_at_counter(
                    officer=request.user,
                    intake=intake_id,
                    procedure=procedure,
                    applicant=form.applicant(),
                    id_card_checked=form.cleaned_data["id_card_checked"],
                    channel=form.cleaned_data["channel"],
                    documents=form.document_list(),
                    return_method=form.cleaned_data["return_method"],
                    postal_address=form.cleaned_data.get("postal_address", ""),
                    sets_count=form.cleaned_data["sets_count"],
                    scans=form.scans(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except services.WorkflowError as exc:
                form.add_error(None, exc.message)
            except consent.ConsentRefused as exc:
                form.add_error("reuse", exc.message)
            else:
                # The banner on the dossier page offers to print the receipt (form 01).
                messages.success(
                    request,
                    _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code},
                    extra_tags="print-receipt",
                )
                # A dossier received for the visitor at the counter joins their visit's path.
                visits.link_remembered(request, dossier)
                return redirect("dossiers:detail", code=dossier.code)
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "form": form,
        "procedure": procedure,
        "fees": _fees_by_channel(procedure),
        "queue_visit": visits.remembered(request),
        "intake_id": intake_id,
        "upload_max": size_label(settings.MOTCUA_UPLOAD_MAX_BYTES),
    }
    return render(request, "dossiers/intake_form.html", context, status=status)


def _fees_by_channel(procedure) -> list[tuple[str, object]]:
    """The fee due by each channel the counter takes (``fees.fee_due``), for the intake form."""
    return [(ch.label, fee_due(procedure, ch)) for ch in (Channel.COUNTER, Channel.POST)]


def _unseen_message(form) -> str:
    if form.stored_documents:
        return _(
            "Chủ hồ sơ đã có giấy tờ còn hiệu lực trong kho dữ liệu. Chọn giấy tờ dùng lại (nếu "
            "có), rồi bấm “Tiếp nhận và cấp mã hồ sơ” lần nữa."
        )
    return _(
        "Chủ hồ sơ có giấy tờ trong kho dữ liệu. Để dùng lại, hỏi công dân đồng ý và nhập mã "
        "công dân đọc cho bạn; nếu không, bấm “Tiếp nhận và cấp mã hồ sơ” lần nữa để tiếp nhận "
        "với giấy tờ bản giấy."
    )


@staff_required
@require_POST
def intake_stored_documents(request):
    """The stored-documents part of the intake form, for the number just typed, and its consent
    step: send the citizen a code, confirm the code they read out (HTMX swaps it in). A POST, so
    the ID number never appears in a URL or an access log."""
    access.own_commune(request.user, access.Kind.COMMUNE, access.Action.RECEIVE)
    procedure = get_object_or_404(Procedure, code=request.POST.get("procedure", ""), is_active=True)
    owner = typed_owner_id(request.POST)
    intake_id = consent.as_intake(request.POST.get("intake"))
    form = IntakeForm.redisplay(
        request.POST,
        procedure=procedure,
        owner_id=owner,
        **_store_step(request, request.POST, owner, intake_id),
    )
    return render(request, "dossiers/_stored_documents.html", {"form": form})


def _store_step(request, data, owner: str, intake_id) -> dict:
    """The consent step and what the officer may see of the store of the number typed at this
    intake, as IntakeForm options.

    Only reception officers reach the intake, one number at a time, never a list to browse; and
    they see a store's papers only under the citizen's consent for this intake (ADR 0024):
    without it, only that there are papers to ask consent for. When the officer asked, a code is
    sent to the citizen's verified phone, or the code the citizen read out is confirmed. Every
    look-up, code and grant is recorded (``docstore.consent``), the number masked.
    """
    if not owner:
        return {"store": None}
    note = error = ""
    action = _consent_action(data)
    try:
        if action == "send":
            phone = send_reuse_code(owner=owner, officer=request.user, intake=intake_id)
            note = _(
                "Đã gửi mã đến số điện thoại %(phone)s của công dân. Mời công dân đọc mã cho bạn."
            ) % {"phone": phone}
        elif action == "confirm":
            consent.redeem(
                owner=owner,
                code=data.get("consent_code", ""),
                officer=request.user,
                intake=intake_id,
            )
    except consent.ConsentRefused as exc:
        error = exc.message
    store = consent.look_up(owner=owner, officer=request.user, intake=intake_id)
    return {"store": store, "consent_note": note, "consent_error": error}


def _consent_action(data) -> str:
    """What the officer asked of the consent step: "send" a code, "confirm" the one typed (also
    when they pressed Enter in the code field, which submits with the look-up button), or ""."""
    if not data:
        return ""
    action = data.get("consent", "")
    if action in ("send", "confirm"):
        return action
    if "lookup" in data and str(data.get("consent_code", "")).strip():
        return "confirm"
    return ""


@staff_required
def detail(request, code, scan_form=None, status=200):
    dossier = queries.dossier_for(request.user, code)
    documents = list(dossier.documents.select_related("stored_document"))
    to_scan = [d for d in documents if d.stored_document_id is None]
    may_scan = dossier.state in services.SCAN_STATES and access.permits(
        request.user, access.Kind.DOSSIER, access.Action.ATTACH, dossier
    )
    return render(
        request,
        "dossiers/detail.html",
        {
            "may_scan": may_scan,
            "scan_form": scan_form or ScanForm(papers=to_scan),
            "papers_to_scan": to_scan,
            "upload_max": size_label(settings.MOTCUA_UPLOAD_MAX_BYTES),
            "notifications": [
                {"message": m, "to": masked_recipient(m)} for m in notifications_of(dossier)
            ],
            "dossier": dossier,
            "light": queries.dossier_light(dossier),
            "actions": queries.next_actions(dossier, request.user),
            "events": queries.timeline(dossier),
            "steps": dossier.steps.select_related("handled_by"),
            "documents": documents,
            "supplements": dossier.supplements.all(),
            "forms": (forms := available_forms(dossier)),
            "receipt_url": _form_url(dossier, forms, "receipt"),
            "receipt_a4_url": _form_url(dossier, forms, "receipt_a4"),
            "tracking_url": tracking_url(dossier.code, request),
            "online": queries.online_acceptance(dossier),
            "assistance": assistance_of(dossier),
            "identity_check": docstore_queries.identity_check_of(dossier),
            "sync_state": sync_state_of(dossier),
            "visit": ticket_of_dossier(dossier),
            "fee": fee_due(dossier.procedure, dossier.channel),
            "payments": dossier.payments.select_related("recorded_by"),
            "may_collect_fee": access.permits(
                request.user, access.Kind.DOSSIER, access.Action.COLLECT_FEE, dossier
            ),
        },
        status=status,
    )


def _form_url(dossier, forms, kind: str) -> str:
    if kind not in {k for k, _title in forms}:
        return ""
    return reverse("dossiers:form_pdf", args=[dossier.code, kind])


@staff_required
@require_POST
def attach_scan(request, code):
    """Attach the scan of a paper handed in at the counter, from the dossier page (ADR 0028).
    The file is checked by its content as portal uploads are; a refused file changes nothing and
    the page says what was wrong with it."""
    dossier = queries.dossier_for(request.user, code, access.Action.ATTACH)
    papers = dossier.documents.filter(stored_document__isnull=True)
    form = ScanForm(request.POST, request.FILES, papers=papers)
    if form.is_valid():
        try:
            paper = desk_services.attach_scan(
                officer=request.user,
                dossier=dossier,
                position=form.cleaned_data["position"],
                checked=form.checked,
            )
        except services.WorkflowError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã đính kèm bản quét: %(name)s.") % {"name": paper.name})
            return redirect("dossiers:detail", code=code)
    return detail(request, code, scan_form=form, status=400)


@staff_required
def document_file(request, code, uuid):
    """A component file of a dossier the officer may see, as a download (never inline)."""
    dossier = queries.dossier_for(request.user, code, access.Action.DOWNLOAD)
    component = queries.component_with_file(dossier, uuid)
    if component is None:
        raise PublicNotFound(_("Không tìm thấy tệp trong hồ sơ."))
    return file_response(component.stored_document, f"{dossier.code}-{component.position}")


@staff_required
@require_http_methods(["GET", "POST"])
def action(request, code, name):
    dossier = queries.dossier_for(request.user, code, access.Action.ACT)
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise Http404(_("Không có thao tác này."))
    data = request.POST if request.method == "POST" else None  # an empty POST is still a POST
    files = request.FILES if request.method == "POST" else None
    form = ActionForm(data, files, transition=transition, dossier=dossier)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if transition.action == Action.APPROVE:
                    desk_services.approve_with_result(
                        dossier,
                        leader=request.user,
                        result_summary=form.cleaned_data.get("result_summary", ""),
                        note=form.cleaned_data.get("note", ""),
                        signed_file=form.cleaned_data.get("result_file"),
                        tracking_url=tracking_url(dossier.code, request),
                    )
                else:
                    services.perform(
                        dossier, name, actor=request.user, **_inputs_for(transition, form)
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 400
            except services.WorkflowError as exc:
                messages.error(request, exc.message)
                return redirect("dossiers:detail", code=code)
            else:
                messages.success(
                    request, _("Đã thực hiện: %(a)s.") % {"a": transition.action.label}
                )
                return redirect("dossiers:detail", code=code)
        else:
            status = 400
    return render(
        request,
        "dossiers/action.html",
        {"dossier": dossier, "transition": transition, "form": form},
        status=status,
    )


@staff_required
def form_pdf(request, code, kind):
    dossier = queries.dossier_for(request.user, code, access.Action.DOWNLOAD)
    try:
        pdf = render_form(
            kind,
            dossier,
            tracking_url=tracking_url(dossier.code, request),
            # The receipt carries a second QR for rating the service once the result is out.
            rating_url=rating_url(dossier, channel=RatingChannel.RECEIPT_QR),
        )
    except FormNotAvailable as exc:
        raise Http404(str(exc)) from exc
    except KeyError as exc:
        raise Http404(_("Không có biểu mẫu này.")) from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-{dossier.code}.pdf"'
    return response


@staff_required
def result_file(request, code):
    """The dossier's result document (the signed or rendered PDF), as a download."""
    dossier = queries.dossier_for(request.user, code, access.Action.DOWNLOAD)
    response = result_response(dossier, tracking_url=tracking_url(dossier.code, request))
    if response is None:
        raise PublicNotFound(_("Hồ sơ chưa có kết quả giải quyết."))
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def payment(request, code):
    """Record a fee paid (cash, transfer) or waived with a reason; then print its receipt."""
    dossier = queries.dossier_for(request.user, code, access.Action.COLLECT_FEE)
    due = fee_due(dossier.procedure, dossier.channel)
    paid = sum(p.amount_vnd for p in dossier.payments.all())
    outstanding = max(0, due.amount_vnd - paid) if due.amount_vnd else None
    initial = {"amount_vnd": f"{outstanding:,}".replace(",", ".") if outstanding else ""}
    if due.is_free:
        initial["method"] = PaymentMethod.WAIVED
    form = PaymentForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                made = services.record_payment(
                    dossier,
                    officer=request.user,
                    amount_vnd=form.cleaned_data["amount_vnd"],
                    method=form.cleaned_data["method"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except services.WorkflowError as exc:
                messages.error(request, exc.message)
                return redirect("dossiers:detail", code=code)
            else:
                messages.success(
                    request,
                    _("Đã ghi nhận khoản thu, biên lai số %(n)s.") % {"n": made.receipt_number},
                )
                return redirect("dossiers:detail", code=code)
        status = 400
    return render(
        request,
        "dossiers/payment.html",
        {
            "dossier": dossier,
            "form": form,
            "fee": due,
            "payments": dossier.payments.select_related("recorded_by"),
        },
        status=status,
    )


@staff_required
def fee_receipt(request, code, number):
    """The fee receipt (biên lai) of one payment of the dossier, as a PDF."""
    dossier = queries.dossier_for(request.user, code, access.Action.DOWNLOAD)
    made = None
    if number <= MAX_RECEIPT_NUMBER:  # beyond the column's range no row can match
        made = (
            dossier.payments.select_related("recorded_by", "dossier").filter(number=number).first()
        )
    if made is None:
        raise PublicNotFound(_("Không tìm thấy biên lai trong hồ sơ."))
    response = HttpResponse(render_fee_receipt(made), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{made.receipt_number}.pdf"'
    return response


def _inputs_for(transition, form) -> dict:
    data = form.service_inputs()
    return {k: v for k, v in data.items() if k in transition.needs or k == "note"}
