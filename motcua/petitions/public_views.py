"""Residents' pages for reports ("phản ánh, kiến nghị"): the form (portal, a place's QR placard,
the centre's kiosk), the confirmation, the reporter's private follow page (add information, rate
the answer, report again) and the public answers of a commune.

Views are thin: forms parse and check every field at once, ``services`` decide and write,
``queries`` read; nobody here saves a model. Public pages show ``queries.public_view`` only: no
reporter, personal data in the text masked.
"""

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from motcua.errors import PublicNotFound
from motcua.idempotency.services import Answer, fingerprint_of, once
from motcua.petitions import queries, services, spam, tasks
from motcua.petitions.errors import PetitionError
from motcua.petitions.forms import AgainForm, InfoForm, RatingForm, ReportForm, add_petition_error
from motcua.petitions.models import Channel, EventKind, PetitionPhoto, Place, Status, Subject
from motcua.queueing import links as queue_links
from motcua.queueing.errors import QueueError
from motcua.ratelimit import Refused, client_address
from motcua.residents import queries as resident_queries
from motcua.residents.sessions import current_resident
from motcua.ui.qr import qr_svg
from motcua.units.models import Commune
from motcua.units.queries import communes_with_centers

log = logging.getLogger(__name__)

PER_PAGE = 20
# What the reporter reads of each step on their private page; the other steps (drafts, a
# leader's remarks, moderation, escalations) are the officers' own and are not shown.
FOLLOW_EVENTS = {
    EventKind.RECEIVED: False,  # kind: show its note?
    EventKind.ROUTED: False,
    EventKind.ACCEPTED: False,
    EventKind.REASSIGNED: False,
    EventKind.INFO_REQUESTED: True,
    EventKind.INFO_PROVIDED: True,
    EventKind.PUBLISHED: True,
    EventKind.REJECTED: True,
    EventKind.MERGED: False,
    EventKind.RATED: False,
}
STATUS_WORDS = {
    Status.RECEIVED: _("Xã, phường đã nhận phản ánh và đang phân loại, chuyển đến bộ phận xử lý."),
    Status.NEEDS_INFO: _(
        "Xã, phường cần bạn cho biết thêm thông tin. Hãy trả lời ở ô bên dưới; thời gian chờ bạn "
        "không tính vào hạn trả lời."
    ),
    Status.IN_PROGRESS: _("Bộ phận được giao đang xem xét, xử lý phản ánh của bạn."),
    Status.AWAITING_APPROVAL: _("Câu trả lời đã được soạn và đang chờ lãnh đạo xã, phường duyệt."),
    Status.PUBLISHED: _("Xã, phường đã trả lời phản ánh của bạn và công khai câu trả lời."),
    Status.REJECTED: _("Xã, phường không tiếp nhận phản ánh này. Lý do ở bên dưới."),
    Status.MERGED: _(
        "Phản ánh của bạn trùng với một phản ánh khác về cùng sự việc và được xử lý chung; bạn "
        "nhận cùng câu trả lời."
    ),
}
# Categories first in the list for what the form was opened from.
SUBJECT_FIRST = {"place": Subject.PLACE, "ticket": Subject.VISIT, "dossier": Subject.DOSSIER}


# --------------------------------------------------------------------------- helpers


def _problem(request, message: str, status: int = 404, *, kiosk_token: str = ""):
    return render(
        request,
        "petitions/public/problem.html",
        {"message": message, "kiosk_token": kiosk_token},
        status=status,
    )


def _commune(code: str | None) -> Commune | None:
    code = code or ""
    if not code or len(code) > 20:
        return None
    return Commune.objects.current().select_related("province").filter(code=code).first()


def _ordered(categories, subject: str | None) -> list:
    categories = list(categories)
    if subject:
        categories.sort(key=lambda c: c.subject != subject)  # stable: keeps the order within
    return categories


def _open_ticket(token: str):
    """The visit a ticket's token names, or None for no token; QueueError for a bad one."""
    if not token:
        return None
    if len(token) > 200:
        raise QueueError(_("Liên kết lượt đến quầy không hợp lệ."), "invalid_token")
    return queue_links.open_ticket(token)


def _sent_url(petition, kiosk_token: str = "") -> str:
    if kiosk_token:
        return reverse("petitions:kiosk_sent", args=[kiosk_token, petition.secret])
    return reverse("petitions:sent", args=[petition.secret])


def _file_once(request, form, *, caller: str, produce) -> Answer:
    """``produce()`` once per rendered form (its one-time key); a copy gets the first answer."""
    key = form.cleaned_data.get("submission_key")
    if not key:
        return produce()
    return once(
        caller=caller, key=key, fingerprint=fingerprint_of("petition form"), produce=produce
    )


def _follow_replayed(request, answer: Answer):
    if answer.replayed:
        messages.info(
            request,
            _(
                "Phản ánh này đã được gửi từ trước, hệ thống không tạo phản ánh thứ hai. Muốn "
                "gửi thêm một phản ánh khác, hãy mở lại trang gửi phản ánh."
            ),
        )
    return redirect(answer.body)


# --------------------------------------------------------------------------- the report form


@never_cache
@require_http_methods(["GET", "POST"])
def report(request):
    """The portal's form: choose the commune first (a short page that works without JavaScript),
    then the form for that commune. ``?luot=<ticket token>`` links a visit to the counter (the
    commune is the centre's); ``?ho-so=<code>`` preselects one of a signed-in resident's
    dossiers."""
    data = request.POST if request.method == "POST" else request.GET
    try:
        ticket = _open_ticket(data.get("luot", ""))
    except QueueError as exc:
        return _problem(request, exc.message, 404)
    resident = current_resident(request)
    dossier_code = (data.get("ho-so") or "")[:40]
    commune = ticket.center.commune if ticket else _commune(data.get("xa"))
    if commune is None and resident is not None and dossier_code:
        own = resident_queries.my_dossiers(resident).filter(code=dossier_code).first()
        commune = own.competent_commune if own else None
    if commune is None:
        return render(
            request,
            "petitions/public/pick_commune.html",
            {
                "communes": communes_with_centers(),
                "dossier_code": dossier_code if resident else "",
                "error": bool(data.get("xa")),
            },
            status=400 if data.get("xa") else 200,
        )
    subject = "ticket" if ticket else ("dossier" if dossier_code else None)
    return _report_page(
        request,
        commune=commune,
        channel=Channel.PORTAL,
        ticket=ticket,
        resident=resident,
        subject=subject,
        dossier_code=dossier_code,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def place(request, key: str):
    """The page a place's QR placard opens: the commune and the place are fixed, reports about
    places come first."""
    found = None
    if 0 < len(key) <= 40:
        found = (
            Place.objects.select_related("commune__province")
            .filter(key=key, is_active=True)
            .first()
        )
    if found is None:
        return _problem(
            request,
            _(
                "Không tìm thấy địa điểm của mã QR này. Mã có thể đã được thay; hãy gửi phản ánh "
                "trên trang của xã, phường."
            ),
        )
    return _report_page(
        request,
        commune=found.commune,
        channel=Channel.QR,
        place=found,
        resident=current_resident(request),
        subject="place",
    )


def _open_kiosk(token: str):
    if len(token) > 300:
        raise QueueError(_("Địa chỉ ki-ốt không hợp lệ."), "invalid_token")
    return queue_links.open_kiosk(token).center


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk(request, token: str):
    """The centre's kiosk: big targets, the commune is the centre's, nobody is signed in."""
    try:
        center = _open_kiosk(token)
    except QueueError as exc:
        return _problem(request, exc.message)
    return _report_page(
        request, commune=center.commune, channel=Channel.KIOSK, center=center, kiosk_token=token
    )


def _report_page(
    request,
    *,
    commune,
    channel,
    place=None,
    ticket=None,
    resident=None,
    subject=None,
    dossier_code="",
    center=None,
    kiosk_token="",
):
    categories = _ordered(
        queries.categories_for(commune.province), SUBJECT_FIRST.get(subject or "")
    )
    dossiers = []
    if resident is not None and channel == Channel.PORTAL:
        dossiers = list(
            resident_queries.my_dossiers(resident).filter(competent_commune=commune)[:50]
        )
    initial = {}
    if resident is not None:
        initial = {
            "reporter_name": resident.full_name,
            "reporter_phone": resident.phone or "",
            "reporter_email": resident.email or "",
        }
        if any(d.code == dossier_code for d in dossiers):
            initial["dossier"] = dossier_code
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        categories=categories,
        phone_required=resident is None,
        dossiers=dossiers,
        initial=initial,
    )
    status, error, retry_after = 200, "", 0
    if request.method == "POST":
        if spam.is_bot(request.POST):
            log.info("petitions: a post filled the hidden box; nothing stored")
            return render(request, "petitions/public/sent.html", {"petition": None}, status=200)
        if form.is_valid():
            data = form.cleaned_data
            report = services.Report(
                commune=commune,
                category=data["category"],
                description=data["description"],
                channel=channel,
                title=data["title"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                reporter_email=data["reporter_email"],
                resident=resident,
                address=data["address"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                place=place,
                dossier=data.get("dossier"),
                ticket=ticket,
                photos=data["photos"],
            )
            address = "" if channel == Channel.KIOSK else client_address(request)

            def produce() -> Answer:
                spam.count_report(address=address, phone=data["reporter_phone"])
                petition = services.submit(report)
                tasks.keep_running()  # the escalation loop watches the new report's limits
                return Answer(302, _sent_url(petition, kiosk_token))

            caller = f"resident:{resident.pk}" if resident is not None else "web:petitions"
            try:
                return _follow_replayed(
                    request, _file_once(request, form, caller=caller, produce=produce)
                )
            except PetitionError as exc:
                add_petition_error(form, exc)
            except Refused as refused:
                error, status, retry_after = refused.message, 429, refused.retry_after
        if status == 200:
            status = 400
    context = {
        "form": form,
        "commune": commune,
        "place": place,
        "ticket": ticket,
        "center": center,
        "kiosk_token": kiosk_token,
        "channel": channel,
        "error": error,
        "honeypot": spam.HONEYPOT,
        "dossier_code": dossier_code,
        "signed_in": resident is not None,
    }
    if kiosk_token:  # a shared screen: the browser must not offer the last visitor's details
        for name in ("reporter_name", "reporter_phone", "reporter_email"):
            form.fields[name].widget.attrs["autocomplete"] = "off"
    template = "petitions/public/kiosk.html" if kiosk_token else "petitions/public/report.html"
    response = render(request, template, context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


# --------------------------------------------------------------------------- after sending


def _follow_qr(petition) -> str:
    return qr_svg(services.follow_url(petition), scalable=True)


@never_cache
@require_GET
def sent(request, secret: str):
    petition = queries.by_secret(secret)
    return render(
        request,
        "petitions/public/sent.html",
        {"petition": petition, "follow_url": services.follow_url(petition)},
    )


@never_cache
@require_GET
def kiosk_sent(request, token: str, secret: str):
    try:
        center = _open_kiosk(token)
    except QueueError as exc:
        return _problem(request, exc.message)
    petition = queries.by_secret(secret)
    if petition.channel != Channel.KIOSK or petition.commune_id != center.commune_id:
        raise PublicNotFound(queries.NOT_FOUND)
    return render(
        request,
        "petitions/public/kiosk_sent.html",
        {
            "petition": petition,
            "center": center,
            "kiosk_token": token,
            "qr_svg": _follow_qr(petition),
        },
    )


# --------------------------------------------------------------------------- following


def _timeline(petition) -> list[dict]:
    rows = []
    for event in petition.events.all():
        if event.kind not in FOLLOW_EVENTS:
            continue
        rows.append(
            {
                "at": event.at,
                "label": event.get_kind_display(),
                "note": event.note if FOLLOW_EVENTS[event.kind] else "",
            }
        )
    return rows


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request, secret: str):
    """The reporter's private page (the link in every SMS): where the report is, the answer, and
    what the reporter can do now — add the information asked for, rate the answer once, report
    the matter again."""
    petition = queries.by_secret(secret)
    step = request.POST.get("buoc", "") if request.method == "POST" else ""
    info_form = InfoForm(
        request.POST if step == "bo-sung" else None, request.FILES if step == "bo-sung" else None
    )
    rating_form = RatingForm(request.POST if step == "danh-gia" else None)
    again_form = AgainForm(request.POST if step == "phan-anh-lai" else None)
    status = 400 if request.method == "POST" else 200
    error = ""
    if step == "bo-sung" and info_form.is_valid():
        try:
            services.provide_info(
                secret, info_form.cleaned_data["text"], info_form.cleaned_data["photos"]
            )
        except PetitionError as exc:
            add_petition_error(info_form, exc)
        else:
            messages.success(request, _("Đã gửi thông tin bổ sung cho xã, phường. Cảm ơn bạn."))
            return redirect("petitions:follow", secret=secret)
    elif step == "danh-gia" and rating_form.is_valid():
        try:
            services.rate(secret, rating_form.cleaned_data["level"])
        except PetitionError as exc:
            add_petition_error(rating_form, exc)
        else:
            messages.success(request, _("Cảm ơn bạn đã đánh giá câu trả lời."))
            return redirect("petitions:follow", secret=secret)
    elif step == "phan-anh-lai" and again_form.is_valid():
        text = again_form.cleaned_data["description"]

        def produce() -> Answer:
            spam.count_report(address=client_address(request), phone=petition.reporter_phone)
            again = services.report_again(secret, text)
            return Answer(302, _sent_url(again))

        try:
            return _follow_replayed(
                request, _file_once(request, again_form, caller="web:petitions", produce=produce)
            )
        except PetitionError as exc:
            add_petition_error(again_form, exc)
        except Refused as refused:
            error, status = refused.message, 429
    elif request.method == "POST" and step not in ("bo-sung", "danh-gia", "phan-anh-lai"):
        error = _("Không rõ bạn muốn làm gì. Hãy dùng một trong các nút trên trang.")
    petition = queries.by_secret(secret)
    view = queries.public_view(petition)
    question = (
        petition.events.filter(kind=EventKind.INFO_REQUESTED).order_by("-at", "-pk").first()
        if petition.status == Status.NEEDS_INFO
        else None
    )
    return render(
        request,
        "petitions/public/follow.html",
        {
            "petition": petition,
            "view": view,
            "status_words": STATUS_WORDS.get(petition.status, ""),
            "events": _timeline(petition),
            "info_form": info_form,
            "rating_form": rating_form,
            "again_form": again_form,
            "error": error,
            "question": question.note if question else "",
            "photo_count": petition.photos.filter(with_answer=False).count(),
            "answer_photos": list(petition.photos.filter(with_answer=True)),
            "photos_public": petition.status == Status.PUBLISHED and not petition.is_hidden,
        },
        status=status,
    )


# --------------------------------------------------------------------------- public answers


@require_GET
def answers(request):
    """Choose the commune whose answers to read."""
    code = request.GET.get("xa", "")
    commune = _commune(code)
    if commune is not None:
        return redirect("petitions:commune_answers", code=commune.code)
    return render(
        request,
        "petitions/public/answers_pick.html",
        {"communes": communes_with_centers(), "error": bool(code)},
        status=400 if code else 200,
    )


@require_GET
def commune_answers(request, code: str):
    commune = _commune(code)
    if commune is None:
        raise PublicNotFound(_("Không tìm thấy xã, phường có mã này."))
    categories = list(queries.categories_for(commune.province))
    chosen = request.GET.get("linh-vuc", "")
    rows = queries.published_answers(commune)
    category = next((c for c in categories if c.code == chosen), None)
    if category is not None:
        rows = rows.filter(category=category)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("trang"))
    items = [(p.pk, queries.public_view(p)) for p in page.object_list]
    return render(
        request,
        "petitions/public/answers.html",
        {
            "commune": commune,
            "categories": categories,
            "category": category,
            "page_obj": page,
            "items": items,
        },
    )


@require_GET
def answer(request, code: str, pk: int):
    commune = _commune(code)
    petition = queries.published_answers(commune).filter(pk=pk).first() if commune else None
    if petition is None:
        raise PublicNotFound(_("Không tìm thấy câu trả lời này. Có thể nó chưa được công khai."))
    return render(
        request,
        "petitions/public/answer.html",
        {
            "commune": commune,
            "view": queries.public_view(petition),
            "photos": queries.public_photos(petition),
        },
    )


@require_GET
def photo(request, pk: int, digest: str):
    """A report's photo, for anyone, only when its report's answer is public (published, not
    hidden) and the photo is of a place or came with the answer; everything else is 404."""
    found = PetitionPhoto.objects.select_related("petition").filter(pk=pk).first()
    if found is None or len(digest) != 12 or found.sha256[:12] != digest:
        raise Http404
    if not queries.photo_is_public(found):
        raise Http404
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=found.content_type)
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="anh-{found.pk}{found.extension}"'
    return response
