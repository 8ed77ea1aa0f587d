"""The residents' portal: sign in, file online, follow one's dossiers, answer a supplement
request, see one's stored documents; and assisted filing for volunteers and officers.

Views are thin: forms parse, ``services`` (here and in dossiers/docstore) decide and write.
"""

import logging
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts import access
from motcua.accounts.access import staff_required
from motcua.catalog.models import Procedure
from motcua.catalog.queries import search_procedures
from motcua.docstore import consent as docstore_consent
from motcua.docstore import queries as docstore_queries
from motcua.docstore.downloads import file_response, result_response
from motcua.docstore.models import AccessEvent
from motcua.dossiers import queries as dossier_queries
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.dossiers.views import tracking_url
from motcua.dossiers.workflow import State
from motcua.errors import PublicNotFound
from motcua.feedback.links import rating_url
from motcua.idempotency.services import Answer, fingerprint_of, once
from motcua.privacy import mask_digits
from motcua.ratelimit import client_address
from motcua.residents import consent, filing, identity, pending, queries, services, sessions
from motcua.residents.forms import (
    AssistedSubmissionForm,
    CodeForm,
    FakeVneidForm,
    OnlineSubmissionForm,
    PhoneForm,
    SupplementAnswerForm,
)
from motcua.residents.sessions import current_resident, resident_required
from motcua.ui.forms import add_service_errors
from motcua.units.models import Commune, Province
from motcua.units.queries import communes_with_centers

log = logging.getLogger(__name__)

PHONE_SESSION_KEY = "residents_sign_in_phone"


# --------------------------------------------------------------------------- sign-in


def sign_in(request):
    """Step 1: the phone number (or an identity provider). Step 2 is ``sign_in_code``."""
    next_url = sessions.safe_next(request, reverse("residents:my_dossiers"))
    form = PhoneForm(request.POST or None)
    error, retry_after = "", None
    if request.method == "POST" and form.is_valid():
        try:
            services.request_code(form.cleaned_data["phone"], address=client_address(request))
        except services.SignInError as exc:
            error, retry_after = exc.message, exc.retry_after
        else:
            request.session[PHONE_SESSION_KEY] = form.cleaned_data["phone"]
            return redirect(f"{reverse('residents:sign_in_code')}?next={_quote(next_url)}")
    response = render(
        request,
        "residents/sign_in.html",
        {
            "form": form,
            "error": error,
            "next": next_url,
            "providers": identity.enabled_providers(),
        },
        status=(429 if retry_after else 400) if request.method == "POST" else 200,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def sign_in_code(request):
    phone = request.session.get(PHONE_SESSION_KEY)
    if not phone:
        return redirect("residents:sign_in")
    next_url = sessions.safe_next(request, reverse("residents:my_dossiers"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.verify_code(phone, form.cleaned_data["code"])
        except services.SignInError as exc:
            form.add_error("code", exc.message)
        else:
            request.session.pop(PHONE_SESSION_KEY, None)
            sessions.sign_in(request, resident)
            return redirect(next_url)
    return render(
        request,
        "residents/sign_in_code.html",
        {
            "form": form,
            "masked_phone": mask_digits(phone),
            "next": next_url,
            "sms_is_simulated": _sms_is_simulated(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _sms_is_simulated() -> bool:
    """The demo prints messages instead of sending them; say so where the code is asked for."""
    adapter = settings.MOTCUA_NOTIFY_ADAPTERS.get("sms", "")
    return adapter.endswith(("ConsoleAdapter", "FileAdapter"))


def sso_start(request, key):
    provider = identity.provider(key)
    if provider is None:
        raise Http404(_("Không có phương thức đăng nhập này."))
    next_url = sessions.safe_next(request, reverse("residents:my_dossiers"))
    try:
        return redirect(identity.begin_sign_in(request, provider, next_url))
    except identity.IdentityError as exc:
        return _sign_in_failed(request, str(exc), next_url)


def sso_callback(request, key):
    """The provider sends the resident back here; every refusal is the sign-in page with 400."""
    provider = identity.provider(key)
    try:
        if provider is None:
            raise identity.IdentityError(_("Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại."))
        pending = identity.take_pending(request, key)
        verified = provider.complete(request, pending)
        resident = services.sign_in_verified(verified)
    except identity.IdentityError as exc:
        return _sign_in_failed(request, str(exc))
    except ValidationError as exc:
        return _sign_in_failed(request, " ".join(exc.messages))
    sessions.sign_in(request, resident)
    return redirect(pending.next_url)


def _sign_in_failed(request, message, next_url=""):
    form = PhoneForm()
    context = {
        "form": form,
        "error": message,
        "next": next_url,
        "providers": identity.enabled_providers(),
    }
    return render(request, "residents/sign_in.html", context, status=400)


def fake_vneid(request):
    """The demo's stand-in for the VNeID consent page."""
    provider = identity.provider("fake")
    state = request.GET.get("state", "")
    if not isinstance(provider, identity.FakeProvider) or not state:
        raise Http404(_("Không có phương thức đăng nhập này."))
    form = FakeVneidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assertion = provider.assertion(
            id_number=form.cleaned_data["id_number"],
            full_name=form.cleaned_data["full_name"],
            phone=form.cleaned_data["phone"],
            state=state,
        )
        url = reverse("residents:sso_callback", args=["fake"])
        return redirect(f"{url}?assertion={_quote(assertion)}")
    return render(request, "residents/fake_vneid.html", {"form": form})


@require_POST
def sign_out(request):
    sessions.sign_out(request)
    messages.success(request, _("Bạn đã đăng xuất."))
    return redirect("home")


def _quote(value: str) -> str:
    return quote(value, safe="")


# --------------------------------------------------------------------------- filing online


def _procedure_for_online(code: str) -> Procedure:
    return get_object_or_404(Procedure.objects.select_related("field"), code=code, is_active=True)


def _chosen_commune(request) -> Commune | None:
    code = request.POST.get("xa") or request.GET.get("xa")
    if not code:
        return None
    return next((c for c in communes_with_centers() if c.code == code), None)


def _commune_picker(request, procedure, template_args=None):
    """Where to file: the province first, then its communes (a short list, a light page)."""
    provinces = Province.objects.filter(communes__centers__isnull=False).distinct()
    province = provinces.filter(code=request.GET.get("tinh", "")).first()
    communes = [c for c in communes_with_centers() if province and c.province_id == province.pk]
    return render(
        request,
        "residents/pick_commune.html",
        {
            "procedure": procedure,
            "provinces": provinces.order_by("name"),
            "province": province,
            "communes": communes,
            **(template_args or {}),
        },
    )


@resident_required
def submit(request, code):
    procedure = _procedure_for_online(code)
    commune = _chosen_commune(request)
    if commune is None:
        return _commune_picker(request, procedure)
    resident = current_resident(request)
    return _filing_page(request, procedure, commune, resident=resident, helper=None)


def _filing_page(request, procedure, commune, *, resident, helper):
    refusal = filing.online_refusal(procedure, commune)
    if refusal:
        return render(
            request,
            "residents/cannot_file.html",
            {"procedure": procedure, "commune": commune, "message": refusal},
            status=409,
        )
    # Stored documents are offered only to a resident whose ID an identity provider verified.
    owner = resident.verified_id_number if resident is not None else ""
    stored = list(docstore_queries.valid_documents(owner)) if owner else []
    extra = {}
    if helper is not None:
        extra["can_check_id_card"] = _may_check_id_card(helper)
    form_class = AssistedSubmissionForm if helper is not None else OnlineSubmissionForm
    owner = pending.owner_key(resident=resident, helper=helper)
    kept = pending.kept_for(request.POST, owner=owner) if request.method == "POST" else {}
    form = form_class(
        request.POST or None,
        request.FILES or None,
        procedure=procedure,
        stored_documents=stored,
        initial=_initial_applicant(resident),
        kept=kept,
        **extra,
    )
    if request.method == "POST" and form.is_valid():
        try:
            return _file_once(
                request, form, procedure, commune, resident=resident, helper=helper, stored=stored
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    if request.method == "POST":
        _keep_good_files(request, form, owner)
    return render(
        request,
        "residents/submit.html",
        {
            "procedure": procedure,
            "commune": commune,
            "form": form,
            "rows": form.bound_rows(),
            "assisted": helper is not None,
            "consent_text": services.CONSENT_TEXT_VI,
            "max_mb": _max_mb(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _keep_good_files(request, form, owner: str) -> None:
    """After a failed try, keep every newly sent file that passed the check (a file with its own
    error is not kept: the error says to choose another), replacing the one kept for the same
    paper, so the next try need not send it again (``residents.pending``)."""
    for position in range(len(form.document_names)):
        field = f"file_{position}"
        upload = request.FILES.get(field)
        if not upload or form.errors.get(field):
            continue
        kept = pending.keep(upload, owner=owner, position=position)
        if kept is not None:
            previous = form.kept.get(position)
            if previous is not None:
                pending.discard([previous])
            form.kept[position] = kept


def _initial_applicant(resident) -> dict:
    if resident is None:
        return {}
    return {
        "applicant_name": resident.full_name,
        "applicant_id_number": resident.verified_id_number or "",
        "applicant_phone": resident.phone or "",
        "applicant_email": resident.email,
    }


def _max_mb() -> int:
    return settings.MOTCUA_UPLOAD_MAX_BYTES // (1024 * 1024)


def _file_once(request, form, procedure, commune, *, resident, helper, stored):
    """File the dossier and go to its page. The same form sent twice (a double click, the browser
    sending it again) files once: the copy, even one arriving while the first is being filed,
    waits for it and is sent to the first dossier's page (``motcua.idempotency``)."""

    def file_and_answer() -> Answer:
        dossier = _file(form, procedure, commune, resident=resident, helper=helper, stored=stored)
        pending.discard(form.kept.values())  # filed: the kept files are in the dossier now
        target = "residents:assisted_done" if helper else "residents:submitted"
        return Answer(302, reverse(target, args=[dossier.code]))

    key = form.cleaned_data.get("submission_key")
    if not key:
        return redirect(file_and_answer().body)
    caller = f"user:{helper.pk}" if helper is not None else f"resident:{resident.pk}"
    answer = once(
        caller=caller,
        key=key,
        # One form, one dossier, whatever was changed before sending it again.
        fingerprint=fingerprint_of("web filing form"),
        produce=file_and_answer,
    )
    if answer.replayed:
        messages.info(
            request,
            _(
                "Hồ sơ này đã được nộp từ trước, hệ thống không tạo hồ sơ thứ hai. Muốn nộp "
                "thêm một hồ sơ khác, hãy mở lại trang nộp hồ sơ."
            ),
        )
    return redirect(answer.body)


def _file(form, procedure, commune, *, resident, helper, stored) -> Dossier:
    """The form's answers, handed to the filing steps shared with the API (``filing``)."""
    data = form.cleaned_data
    by_uuid = {str(d.uuid): d for d in stored}
    count = len(form.document_names)
    consent = None
    if helper is not None:
        consent = services.AssistedConsent(given_by=data["consent_given_by"])
    checked_by = helper if helper is not None and data.get("id_card_checked") else None
    return filing.file_online(
        procedure=procedure,
        commune=commune,
        applicant=dossier_services.Applicant(
            name=data["applicant_name"],
            id_number=data["applicant_id_number"],
            phone=data["applicant_phone"],
            email=data.get("applicant_email", ""),
            address=data["applicant_address"],
        ),
        document_names=form.document_names,
        uploads={i: _upload_for(form, i) for i in range(count)},
        reused={i: by_uuid[data[f"reuse_{i}"]] for i in range(count) if data.get(f"reuse_{i}")},
        return_method=data["return_method"],
        postal_address=data.get("postal_address", ""),
        summary=data.get("summary", ""),
        resident=resident,
        helper=helper,
        consent=consent,
        id_card_checked_by=checked_by,
    )


def _upload_for(form, position: int):
    """The file for paper ``position``: a newly chosen one, else the one kept from a failed try."""
    chosen = form.cleaned_data.get(f"file_{position}")
    if chosen:
        return chosen
    kept = form.kept.get(position)
    return pending.as_upload(kept) if kept is not None else None


@resident_required
def submitted(request, code):
    dossier = queries.my_dossier(current_resident(request), code)
    return render(request, "residents/submitted.html", {"dossier": dossier})


# --------------------------------------------------------------------------- my dossiers


@resident_required
def my_dossiers(request):
    resident = current_resident(request)
    rows = [_row(d) for d in queries.my_dossiers(resident)[:100]]
    return render(request, "residents/my_dossiers.html", {"rows": rows})


def _row(dossier: Dossier) -> dict:
    return {
        "dossier": dossier,
        "asks": queries.what_is_asked(dossier),
        "light": dossier_queries.dossier_light(dossier),
    }


@resident_required
def my_dossier(request, code):
    resident = current_resident(request)
    dossier = queries.my_dossier(resident, code)
    form = SupplementAnswerForm()
    return _dossier_page(request, dossier, form)


def _dossier_page(request, dossier, form, status=200):
    open_request = dossier.supplements.filter(answered_at__isnull=True).first()
    returned = dossier.national_status == 10
    return render(
        request,
        "residents/my_dossier.html",
        {
            "dossier": dossier,
            "asks": queries.what_is_asked(dossier),
            "light": dossier_queries.dossier_light(dossier),
            "supplement": open_request,
            "can_answer": dossier.state == State.AWAITING_SUPPLEMENT,
            "form": form,
            "documents": dossier.documents.select_related("stored_document"),
            "timeline": dossier_queries.public_dossier(dossier.code).events,
            "rating_url": rating_url(dossier, channel="portal") if returned else "",
            "rated": returned and hasattr(dossier, "rating"),
            "max_mb": _max_mb(),
        },
        status=status,
    )


@resident_required
@require_POST
def answer_supplement(request, code):
    resident = current_resident(request)
    dossier = queries.my_dossier(resident, code)
    form = SupplementAnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            filing.answer_supplement(
                dossier,
                resident=resident,
                note=form.cleaned_data["note"],
                uploads={n: form.cleaned_data[n] for n in ("file_1", "file_2", "file_3")},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except dossier_services.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Đã gửi giấy tờ bổ sung. Bộ phận một cửa sẽ kiểm tra và báo cho bạn."),
            )
            return redirect("residents:my_dossier", code=dossier.code)
    return _dossier_page(request, dossier, form, status=400)


@resident_required
def document_file(request, code, uuid):
    """A component file of one's own dossier, as a download (never rendered inline)."""
    dossier = queries.my_dossier(current_resident(request), code)
    component = dossier_queries.component_with_file(dossier, uuid)
    if component is None:
        raise PublicNotFound(_("Không tìm thấy tệp trong hồ sơ của bạn."))
    document = component.stored_document
    return file_response(document, filing.document_type_code(document.name))


@resident_required
def result_file(request, code):
    """The e-result of one's own dossier (the signed or rendered PDF), as a download."""
    dossier = queries.my_dossier(current_resident(request), code)
    response = result_response(dossier, tracking_url=tracking_url(dossier.code, request))
    if response is None:
        raise PublicNotFound(_("Hồ sơ của bạn chưa có kết quả giải quyết."))
    return response


# What a citizen sees of who looked at their store: the officers' look-ups, codes and grants, by
# commune and time (not the officer's name, which is for the commune's administrator).
SHOWN_ACCESSES = 20
CITIZEN_SEES = {
    AccessEvent.NO_CONSENT,
    AccessEvent.CODE_SENT,
    AccessEvent.GRANTED,
    AccessEvent.LOOKED_UP,
}


@resident_required
def my_documents(request):
    resident = current_resident(request)
    owner = resident.verified_id_number
    documents = docstore_queries.documents_of(owner) if owner else []
    accesses = (
        list(docstore_consent.accesses_of(owner).filter(event__in=CITIZEN_SEES)[:SHOWN_ACCESSES])
        if owner
        else []
    )
    return render(
        request,
        "residents/my_documents.html",
        {
            "documents": documents,
            "accesses": accesses,
            "verified": bool(owner),
            "today": timezone.localdate(),
            "providers": identity.enabled_providers(),
        },
    )


@resident_required
def share_code(request):
    """A code the resident shows the officer at the counter, so that officer may see and reuse
    their stored papers for that one intake (ADR 0024). Made on POST and shown once, large."""
    resident = current_resident(request)
    if not resident.verified_id_number:
        return redirect("residents:my_documents")
    made = None
    if request.method == "POST":
        grant, code = consent.make_share_code(resident)
        made = {"code": f"{code[:3]} {code[3:]}", "expires_at": grant.code_expires_at}
    return render(
        request,
        "residents/share_code.html",
        {
            "made": made,
            "minutes": int(docstore_consent.CODE_LIFETIME.total_seconds() // 60),
            "grant_minutes": int(docstore_consent.GRANT_LIFETIME.total_seconds() // 60),
        },
    )


# --------------------------------------------------------------------------- assisted filing


def _may_check_id_card(user) -> bool:
    """Who may vouch for an applicant's identity by checking the ID card: an officer who receives
    dossiers at the one-stop; not a volunteer (ADR 0024)."""
    return access.may(user, access.Kind.COMMUNE, access.Action.RECEIVE)


def _require_helper(request):
    """Volunteers and reception officers file for residents of their commune (the access
    rule's ``access.Kind.COMMUNE``, ``access.Action.ASSIST``); 403 for everybody else."""
    access.own_commune(request.user, access.Kind.COMMUNE, access.Action.ASSIST)


@staff_required
def assisted_submit(request, code):
    _require_helper(request)
    procedure = _procedure_for_online(code)
    commune = _chosen_commune(request)
    if commune is None:
        commune = request.user.commune
    return _filing_page(request, procedure, commune, resident=None, helper=request.user)


@staff_required
def assisted_done(request, code):
    _require_helper(request)
    dossier = get_object_or_404(
        Dossier.objects.select_related("procedure"), code=code, assistance__assisted_by=request.user
    )
    return render(request, "residents/submitted.html", {"dossier": dossier, "assisted": True})


@staff_required
def assisted_start(request):
    """The volunteer's page: find the procedure, then file for the resident beside them."""
    _require_helper(request)
    q = (request.GET.get("q") or "").strip()[:200]
    results = list(search_procedures(q, commune=request.user.commune, limit=20)) if q else []
    recent = (
        Dossier.objects.filter(assistance__assisted_by=request.user)
        .select_related("procedure")
        .order_by("-submitted_at")[:20]
    )
    return render(
        request, "residents/assisted_start.html", {"q": q, "results": results, "recent": recent}
    )
