"""Tell people what happened to a dossier.

- The applicant, by SMS and (when they gave one) e-mail, whenever the dossier's state changes, and
  when the appointment moves (extension, Decree 118 Art. 19(6): the one-stop "informs the
  applicant") or a supplement is taken in: the code, the new status in plain words, what is asked
  of them, the appointment, the tracking link, and once the result is returned the rating link.
- The receiving commune's reception officers, by e-mail, when an online dossier arrives: they must
  accept it or return it for correction within 8 working hours, and the system must alert them
  within 2 hours (Art. 17(2)).

``on_dossier_event`` listens to ``motcua.dossiers.signals.dossier_event_recorded`` and runs inside
the transaction that wrote the event, so the messages commit with the change; the dedupe keys come
from the event id, so an event is never told twice.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.accounts.models import Role, User
from motcua.dossiers.models import Dossier, DossierEvent, ReturnMethod
from motcua.dossiers.queries import ONLINE_ACCEPT_WITHIN_HOURS, online_acceptance
from motcua.dossiers.workflow import STATES, State
from motcua.notify.services import enqueue
from motcua.privacy import mask_name
from motcua.workdays import VIETNAM_TZ

SMS_MAX_CHARS = 320
# Events that leave the state as it was but that the applicant must still hear about.
TOLD_WITHOUT_STATE_CHANGE = frozenset({"extend", "receive_supplement"})
RETURNED = frozenset({State.RETURNED_AT_COUNTER, State.RETURNED_BY_POST, State.RETURNED_ONLINE})


def on_dossier_event(sender, event: DossierEvent, **kwargs) -> None:
    # Residents read Vietnamese whatever language the acting officer's screen is in.
    with translation.override(settings.LANGUAGE_CODE):
        if tells_applicant(event):
            tell_applicant(event)
        if event.action == "submit_online":
            alert_reception(event)
        elif event.action == "answer_supplement_online":
            alert_reception_of_supplement(event)


def tells_applicant(event: DossierEvent) -> bool:
    """Only what the applicant would see on the national portal: a change of national status
    (domain.md §5.1), a moved appointment, or a supplement taken in. Internal hand-overs
    (forward, propose, send back) would cost several SMS each and tell them nothing."""
    if event.action in TOLD_WITHOUT_STATE_CHANGE:
        return True
    return _national(event.from_state) != _national(event.to_state)


def _national(state: str):
    return STATES[state].national if state else None


# --------------------------------------------------------------------------- the applicant


def tell_applicant(event: DossierEvent) -> None:
    dossier = event.dossier
    key = f"dossier-event:{event.pk}"
    if dossier.applicant_phone:
        enqueue(
            "sms",
            dossier.applicant_phone,
            applicant_sms(dossier, event),
            dedupe_key=f"{key}:sms",
            dossier=dossier,
            at=event.at,
        )
    if dossier.applicant_email:
        enqueue(
            "email",
            dossier.applicant_email,
            applicant_email_body(dossier, event),
            subject=_("Hồ sơ %(code)s: %(status)s")
            % {"code": dossier.code, "status": dossier.get_state_display()},
            dedupe_key=f"{key}:email",
            dossier=dossier,
            at=event.at,
        )


def applicant_sms(dossier: Dossier, event: DossierEvent) -> str:
    """At most ``SMS_MAX_CHARS`` characters, in Vietnamese with diacritics (the gateways take
    Unicode). To fit, the list of papers to bring is shortened first; then, for a returned
    dossier, the tracking link gives way to the rating link. Links are never cut."""
    supplement = open_supplement(dossier)
    rating = rating_link(dossier)
    items = "; ".join(supplement.items) if supplement else ""
    text = _sms_text(dossier, event, supplement, items, rating)
    if len(text) > SMS_MAX_CHARS and items:
        room = max(len(items) - (len(text) - SMS_MAX_CHARS) - 1, 0)
        items = items[:room].rstrip(" ;,") + "…"
        text = _sms_text(dossier, event, supplement, items, rating)
    if len(text) > SMS_MAX_CHARS and rating:
        text = _sms_text(dossier, event, supplement, items, rating, tracking=False)
    return text


def _sms_text(dossier, event, supplement, items: str, rating: str, tracking=True) -> str:
    parts = [headline(dossier, event)]
    if supplement:
        parts.append(
            _("Cần bổ sung: %(items)s. Hạn bổ sung: %(date)s.")
            % {"items": items, "date": local_date(supplement.answer_by)}
        )
    parts += [p for p in (pickup(dossier), appointment_line(dossier), waybill_line(dossier)) if p]
    if tracking:
        parts.append(_("Tra cứu: %(url)s") % {"url": tracking_url(dossier)})
    if rating:
        parts.append(_("Đánh giá: %(url)s") % {"url": rating})
    return " ".join(parts)


def applicant_email_body(dossier: Dossier, event: DossierEvent) -> str:
    lines = [
        _("Kính gửi ông/bà %(name)s,") % {"name": dossier.applicant_name},
        "",
        headline(dossier, event),
        _("Thủ tục: %(name)s") % {"name": dossier.procedure.name_vi},
        _("Trạng thái: %(status)s (%(national)s)")
        % {"status": dossier.get_state_display(), "national": dossier.national_status.label},
    ]
    supplement = open_supplement(dossier)
    if supplement:
        lines += ["", _("Ông/bà cần bổ sung:")]
        lines += [f"  - {item}" for item in supplement.items]
        lines.append(_("Lý do: %(reason)s") % {"reason": supplement.reason})
        lines.append(_("Hạn bổ sung: %(date)s") % {"date": local_date(supplement.answer_by)})
    reason = reason_given(dossier)
    if reason:
        lines.append(_("Lý do: %(reason)s") % {"reason": reason})
    lines += [p for p in (pickup(dossier), appointment_line(dossier), waybill_line(dossier)) if p]
    lines += ["", _("Tra cứu hồ sơ: %(url)s") % {"url": tracking_url(dossier)}]
    rating = rating_link(dossier)
    if rating:
        lines.append(_("Mời ông/bà đánh giá mức độ hài lòng: %(url)s") % {"url": rating})
    lines += [
        "",
        _("Thư này được gửi tự động từ %(unit)s; xin ông/bà không trả lời thư này.")
        % {"unit": sender_name(dossier)},
    ]
    return "\n".join(lines)


def headline(dossier: Dossier, event: DossierEvent) -> str:
    if event.action == "extend":
        return _(
            "Hồ sơ %(code)s được gia hạn giải quyết. Thành thật xin lỗi ông/bà vì sự chậm trễ."
        ) % {"code": dossier.code}
    return _("Hồ sơ %(code)s: %(status)s.") % {
        "code": dossier.code,
        "status": dossier.get_state_display(),
    }


def open_supplement(dossier: Dossier):
    """The supplement request the applicant must answer now, if any."""
    if dossier.state != State.AWAITING_SUPPLEMENT:
        return None
    return dossier.supplements.filter(answered_at__isnull=True).order_by("-requested_at").first()


def appointment_line(dossier: Dossier) -> str:
    """The appointment, while the legal clock runs (not before acceptance, not while waiting
    for a supplement, not once processing is over)."""
    info = dossier.state_info
    if not dossier.due_at or not info.step_role or info.ends_processing:
        return ""
    return _("Hẹn trả kết quả: %(when)s.") % {"when": local_time(dossier.due_at)}


def pickup(dossier: Dossier) -> str:
    """Where the result (or the refusal) waits, once processing is over."""
    if dossier.state not in (State.RESULT_READY, State.REFUSED_AFTER_APPRAISAL):
        return ""
    return {
        ReturnMethod.COUNTER: _("Mời ông/bà đến nhận tại bộ phận một cửa."),
        ReturnMethod.POST: _("Kết quả sẽ được gửi qua bưu chính."),
        ReturnMethod.ONLINE: _("Kết quả sẽ được trả trực tuyến."),
    }.get(dossier.return_method, "")


def waybill_line(dossier: Dossier) -> str:
    if dossier.state != State.RETURNED_BY_POST or not dossier.waybill_number:
        return ""
    return _("Mã vận đơn: %(number)s.") % {"number": dossier.waybill_number}


def reason_given(dossier: Dossier) -> str:
    if dossier.state in (State.REFUSED_AT_RECEPTION, State.REFUSED_AFTER_APPRAISAL):
        return dossier.refusal_reasons
    if dossier.state in (State.STOPPED, State.CLOSED_NO_SUPPLEMENT):
        return dossier.withdrawal_reason
    return ""


def tracking_url(dossier: Dossier) -> str:
    return settings.PUBLIC_BASE_URL + reverse("dossiers:track", args=[dossier.code])


def rating_link(dossier: Dossier) -> str:
    """The satisfaction-rating link, once the result has been returned; "" when the feedback
    app does not offer one (yet)."""
    if dossier.state not in RETURNED:
        return ""
    try:
        from motcua.feedback.links import rating_url
    except ImportError:
        return ""
    url = rating_url(dossier) or ""
    return settings.PUBLIC_BASE_URL + url if url.startswith("/") else url


def sender_name(dossier: Dossier) -> str:
    return dossier.center.name if dossier.center_id else dossier.receiving_commune.name


def local_time(at) -> str:
    return timezone.localtime(at, VIETNAM_TZ).strftime("%H:%M %d/%m/%Y")


def local_date(at) -> str:
    return timezone.localtime(at, VIETNAM_TZ).strftime("%d/%m/%Y")


# --------------------------------------------------------------------------- the reception officers


def alert_reception(event: DossierEvent) -> None:
    """E-mail every active reception officer of the receiving commune about a new online
    dossier, with the time by which it must be accepted or returned for correction."""
    dossier = event.dossier
    officers = _reception_officers(dossier)
    if not officers:
        return
    deadline = online_acceptance(dossier, event.at).accept_by
    subject = _("Hồ sơ trực tuyến mới %(code)s: tiếp nhận hoặc trả lại trước %(when)s") % {
        "code": dossier.code,
        "when": local_time(deadline),
    }
    body = reception_alert_body(dossier, event, deadline)
    for officer in officers:
        enqueue(
            "email",
            officer.email,
            body,
            subject=subject,
            dedupe_key=f"dossier-event:{event.pk}:reception:{officer.pk}",
            dossier=dossier,
            at=event.at,
        )


def alert_reception_of_supplement(event: DossierEvent) -> None:
    """A resident sent the requested papers online: the one-stop checks them and takes them in
    (the legal clock restarts only then, Art. 19(5))."""
    dossier = event.dossier
    url = settings.PUBLIC_BASE_URL + reverse("dossiers:detail", args=[dossier.code])
    body = "\n".join(
        [
            _("Công dân đã gửi bổ sung hồ sơ %(code)s trực tuyến.") % {"code": dossier.code},
            _("Kiểm tra giấy tờ bổ sung và bấm “Nhận hồ sơ bổ sung” khi đã đầy đủ."),
            _("Mở hồ sơ: %(url)s") % {"url": url},
        ]
    )
    for officer in _reception_officers(dossier):
        enqueue(
            "email",
            officer.email,
            body,
            subject=_("Hồ sơ %(code)s đã được bổ sung") % {"code": dossier.code},
            dedupe_key=f"dossier-event:{event.pk}:reception:{officer.pk}",
            dossier=dossier,
            at=event.at,
        )


def _reception_officers(dossier: Dossier):
    return User.objects.filter(
        role=Role.RECEPTION, commune_id=dossier.receiving_commune_id, is_active=True
    ).exclude(email="")


def reception_alert_body(dossier: Dossier, event: DossierEvent, deadline) -> str:
    # The e-mail leaves our servers: the applicant's name is masked, the rest is in the system.
    return "\n".join(
        [
            _("Có hồ sơ trực tuyến mới chờ tiếp nhận."),
            "",
            _("Mã hồ sơ: %(code)s") % {"code": dossier.code},
            _("Thủ tục: %(name)s") % {"name": dossier.procedure.name_vi},
            _("Người nộp: %(name)s") % {"name": mask_name(dossier.applicant_name)},
            _("Nộp lúc: %(when)s") % {"when": local_time(event.at)},
            "",
            _(
                "Cần tiếp nhận hoặc trả lại để bổ sung, hoàn thiện trong %(n)s giờ làm việc, "
                "tức trước %(when)s (Nghị định 118/2025/NĐ-CP, Điều 17 khoản 2)."
            )
            % {"n": ONLINE_ACCEPT_WITHIN_HOURS, "when": local_time(deadline)},
            _("Mở hồ sơ: %(url)s")
            % {"url": settings.PUBLIC_BASE_URL + reverse("dossiers:detail", args=[dossier.code])},
        ]
    )
