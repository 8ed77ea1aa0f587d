"""Printable forms of Circular 03/2025/TT-VPCP (domain.md §7), filled from the dossier's real data.

    render_form("receipt", dossier, tracking_url=..., rating_url=...) -> PDF bytes

The addresses printed as QR codes come from the caller: the tracking page and, on the receipt,
the satisfaction-rating page (the feedback app signs it; dossiers do not know the feedback app).

All forms are A5 portrait, as the circular asks, except the control slip (06): its hand-over table
needs the width, so it is A5 landscape.
"""

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from motcua.dossiers.fees import fee_due, vnd
from motcua.dossiers.forms_pdf import layout as L
from motcua.dossiers.models import Dossier, Extension, Payment, PaymentMethod
from motcua.dossiers.workflow import State


@dataclass(frozen=True)
class Links:
    """The addresses a form prints as QR codes."""

    tracking: str
    rating: str = ""


class FormNotAvailable(Exception):
    """The dossier has no data for this form yet (e.g. no extension for form 04)."""


@dataclass(frozen=True)
class Form:
    number: str
    title: str
    applies: Callable[[Dossier], bool]
    story: Callable[[Dossier, "Links"], list]
    pagesize: tuple = A5
    # Shrink the content to fit one page if it would spill (the receipt: handed over as one
    # sheet, its signatures never alone on a second page).
    one_page: bool = False


def _issuer(d: Dossier) -> tuple[str, str, str]:
    province = d.competent_commune.province
    center = d.center.name if d.center else f"UBND {d.competent_commune.name}"
    return f"UBND {province.full_name}", center, d.competent_commune.name.split(" ", 1)[-1]


def _head(d: Dossier, at, number: str, title: str, subtitle: str = "") -> list:
    upper, issuer, place = _issuer(d)
    return [
        L.header(upper, issuer, place, at),
        *L.title(title, subtitle or f"Mẫu số {number}"),
    ]


def _applicant(d: Dossier, full_id: bool = True) -> list[tuple[str, object]]:
    return [
        ("Tổ chức/cá nhân", d.applicant_name),
        ("Số định danh cá nhân/Mã số doanh nghiệp", d.applicant_id_number if full_id else ""),
        ("Địa chỉ", d.applicant_address),
        ("Số điện thoại", d.applicant_phone),
        ("Thư điện tử", d.applicant_email),
        ("Người nộp thay (ủy quyền)", d.proxy_name),
    ]


def _officer(user) -> str:
    return user.get_full_name() if user else ""


def _receipt(d: Dossier, links: Links) -> list:
    documents = [
        [str(i), doc.name, str(doc.originals), str(doc.copies)]
        for i, doc in enumerate(d.documents.all(), start=1)
    ]
    due = fee_due(d.procedure, d.channel)
    if due.amount_vnd is None:
        fee_text = "Theo quy định của HĐND tỉnh"
    else:
        fee_text = "Miễn phí" if due.is_free else vnd(due.amount_vnd)
    story = _head(d, d.received_at, "01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    story += [L.para(f"Mã hồ sơ: {L.text(d.code)}", L.CODE), Spacer(1, 2 * mm)]
    # Compact: several facts share a line, so eight papers with long names, both QR codes and
    # the signatures fit one A5 page (the page is also shrunk to fit, ``Form.one_page``).
    story += [
        L.inline([("Bộ phận tiếp nhận", d.center.name if d.center else d.receiving_commune.name)]),
        L.inline(
            [
                ("Tổ chức/cá nhân", d.applicant_name),
                ("Số định danh cá nhân/Mã số doanh nghiệp", d.applicant_id_number),
            ]
        ),
        L.inline([("Địa chỉ", d.applicant_address)]),
        L.inline([("Số điện thoại", d.applicant_phone), ("Thư điện tử", d.applicant_email)]),
        L.inline([("Người nộp thay (ủy quyền)", d.proxy_name)]),
        L.inline(
            [("Nội dung yêu cầu giải quyết", f"{d.procedure.name_vi} (mã {d.procedure.code})")]
        ),
    ]
    if documents:
        story += [
            Spacer(1, 1.5 * mm),
            L.table(
                ["STT", "Tên giấy tờ", "Bản chính", "Bản sao"],
                documents,
                [10 * mm, 80 * mm, 16 * mm, 16 * mm],
                font_size=7,
            ),
            Spacer(1, 1.5 * mm),
        ]
    story += [
        L.inline(
            [
                ("Số lượng hồ sơ", f"{d.sets_count} bộ"),
                ("Thời gian giải quyết theo quy định", d.procedure.legal_time_display),
            ]
        ),
        L.inline([("Thời gian nhận hồ sơ", L.clock_and_date(d.received_at))]),
        L.inline([("Thời gian trả kết quả", L.clock_and_date(d.due_at))]),
        L.inline(
            [
                (
                    "Đăng ký nhận kết quả tại",
                    d.get_return_method_display()
                    + (f": {d.postal_address}" if d.postal_address else ""),
                ),
                ("Lệ phí", fee_text),
            ]
        ),
        L.inline([("Vào Sổ theo dõi hồ sơ, Quyển số", "……  Số thứ tự: ……")]),
    ]
    story += [
        Spacer(1, 2 * mm),
        L.qr_block(links.tracking, links.rating, size=22 * mm),
        Spacer(1, 2 * mm),
    ]
    story.append(
        L.signatures(
            [
                ("NGƯỜI NỘP HỒ SƠ", "Ký và ghi rõ họ tên", d.applicant_name),
                ("NGƯỜI TIẾP NHẬN HỒ SƠ", "Ký và ghi rõ họ tên", _officer(d.received_by)),
            ],
            space=12 * mm,
        )
    )
    return story


def _supplement(d: Dossier, links: Links) -> list:
    request = d.supplements.order_by("-requested_at").first()
    story = _head(d, request.requested_at, "02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ")
    story += L.rows(
        [("Mã hồ sơ", d.code)]
        + _applicant(d, full_id=False)
        + [("Nội dung yêu cầu giải quyết", d.procedure.name_vi)]
    )
    story += [L.para("<b>Đề nghị bổ sung, hoàn thiện các nội dung sau:</b>")]
    story += L.numbered(request.items)
    story += L.rows(
        [
            ("Lý do", request.reason),
            ("Thời hạn bổ sung", f"trước ngày {L.day_only(request.answer_by)}"),
            ("Nơi liên hệ hỗ trợ", _contact(d)),
        ]
    )
    story += [
        L.para(
            "Quá thời hạn trên mà không bổ sung, hồ sơ sẽ dừng xử lý "
            "(Nghị định 118/2025/NĐ-CP, Điều 19, khoản 5).",
            L.SMALL,
        ),
        Spacer(1, 3 * mm),
        L.signatures([("NGƯỜI HƯỚNG DẪN", "Ký và ghi rõ họ tên", _officer(request.requested_by))]),
    ]
    return story


def _contact(d: Dossier) -> str:
    if d.center is None:
        return d.competent_commune.name
    return ", ".join(p for p in [d.center.name, d.center.address, d.center.phone] if p)


def _refusal(d: Dossier, links: Links) -> list:
    at = d.finished_at or d.submitted_at
    story = _head(d, at, "03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ")
    story += L.rows(
        _applicant(d) + [("Mã hồ sơ", d.code), ("Nội dung yêu cầu giải quyết", d.procedure.name_vi)]
    )
    story += [L.para("<b>Hồ sơ không được tiếp nhận, giải quyết vì các lý do sau:</b>")]
    story += L.numbered([line for line in d.refusal_reasons.splitlines() if line.strip()])
    story += [
        L.para("Xin thông báo để ông/bà được biết và thực hiện."),
        Spacer(1, 3 * mm),
        L.signatures([("NGƯỜI LẬP PHIẾU", "Ký và ghi rõ họ tên", _last_actor_name(d))]),
    ]
    return story


def _last_actor_name(d: Dossier) -> str:
    event = d.events.exclude(actor=None).order_by("-at", "-id").first()
    return _officer(event.actor) if event else ""


def _apology(d: Dossier, links: Links) -> list:
    ext: Extension = d.extension
    story = _head(d, ext.issued_at, "04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT")
    story += [L.para(f"<b>Kính gửi:</b> Ông/Bà {L.text(d.applicant_name)}"), Spacer(1, 2 * mm)]
    story += [
        L.para(
            f"Ngày {L.day_only(d.received_at)}, {L.text(_issuer(d)[1])} tiếp nhận hồ sơ "
            f"{L.text(d.procedure.name_vi)} của ông/bà (số định danh "
            f"{L.text(d.applicant_id_number)}), mã hồ sơ <b>{L.text(d.code)}</b>."
        ),
        L.para(
            f"Thời gian hẹn trả kết quả giải quyết hồ sơ: "
            f"{L.clock_and_date(ext.previous_due_at)}. Tuy nhiên đến nay, cơ quan giải quyết "
            "chưa trả kết quả giải quyết hồ sơ cho ông/bà đúng hẹn."
        ),
        L.para(f"<b>Lý do:</b> {L.text(ext.reason)}"),
        L.para(
            "Sự chậm trễ này đã gây phiền hà cho ông/bà. Chúng tôi xin lỗi ông/bà và sẽ trả "
            f"kết quả giải quyết hồ sơ vào <b>{L.clock_and_date(ext.new_due_at)}</b>."
        ),
        L.para("Xin trân trọng cảm ơn sự hợp tác của ông/bà."),
        Spacer(1, 3 * mm),
        L.signatures(
            [("TM. ỦY BAN NHÂN DÂN", "Ký, ghi rõ họ tên và đóng dấu", _officer(ext.issued_by))]
        ),
    ]
    return story


def _stop(d: Dossier, links: Links) -> list:
    story = _head(d, d.finished_at, "05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ")
    story += L.rows(
        [("Mã hồ sơ", d.code)]
        + _applicant(d, full_id=False)
        + [
            ("Nội dung yêu cầu giải quyết", d.procedure.name_vi),
            ("Ngày tiếp nhận", L.day_only(d.received_at or d.submitted_at)),
            ("Lý do dừng giải quyết", d.withdrawal_reason),
            ("Thời điểm dừng", L.clock_and_date(d.finished_at)),
        ]
    )
    story += [
        L.para("Hồ sơ gốc (nếu có) được trả lại cho ông/bà tại bộ phận một cửa."),
        Spacer(1, 3 * mm),
        L.signatures([("NGƯỜI THÔNG BÁO", "Ký và ghi rõ họ tên", _last_actor_name(d))]),
    ]
    return story


def _control(d: Dossier, links: Links) -> list:
    partners = ", ".join(sorted({link.agency for link in d.interlinks.all()}))
    story = _head(d, d.received_at, "06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ")
    story += L.rows(
        [
            ("Mã hồ sơ", d.code),
            ("Cơ quan, đơn vị giải quyết", d.competent_commune.name),
            ("Cơ quan phối hợp", partners),
            ("Thời gian nhận hồ sơ", L.clock_and_date(d.received_at)),
            ("Thời gian trả kết quả", L.clock_and_date(d.due_at)),
        ]
    )
    rows = []
    previous = d.received_by
    for step in d.steps.select_related("handled_by"):
        handover = (
            f"Giao lúc {L.clock_and_date(step.started_at)}. "
            f"Người giao: {_officer(previous) or '……'}. "
            f"Người nhận: {_officer(step.handled_by) or '……'}"
        )
        rows.append(
            [
                step.name,
                handover,
                L.clock_and_date(step.due_at),
                step.get_timeliness_display(),
                step.note,
            ]
        )
        previous = step.handled_by or previous
    if d.returned_at:
        rows.append(
            [
                "Trả kết quả cho tổ chức, cá nhân",
                f"Trả lúc {L.clock_and_date(d.returned_at)}",
                "",
                "",
                d.waybill_number,
            ]
        )
    story += [
        Spacer(1, 2 * mm),
        L.table(
            ["Bước xử lý", "Giao, nhận hồ sơ", "Hạn bước", "Kết quả bàn giao", "Ghi chú"],
            rows,
            [34 * mm, 70 * mm, 32 * mm, 25 * mm, 24 * mm],
        ),
    ]
    return story


FORMS: dict[str, Form] = {
    "receipt": Form(
        "01",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        lambda d: bool(d.received_at),
        _receipt,
        one_page=True,
    ),
    # The same receipt on A4, for counters whose printer holds only A4 paper.
    "receipt_a4": Form(
        "01",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (khổ A4)",
        lambda d: bool(d.received_at),
        _receipt,
        A4,
        one_page=True,
    ),
    "supplement": Form(
        "02",
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        lambda d: d.supplements.exists(),
        _supplement,
    ),
    "refusal": Form(
        "03",
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        lambda d: bool(d.refusal_reasons),
        _refusal,
    ),
    "apology": Form(
        "04",
        "Văn bản xin lỗi và đề nghị gia hạn",
        lambda d: Extension.objects.filter(dossier=d).exists(),
        _apology,
    ),
    "stop": Form(
        "05",
        "Thông báo dừng giải quyết hồ sơ",
        lambda d: d.state in (State.STOPPED, State.CLOSED_NO_SUPPLEMENT),
        _stop,
    ),
    "control": Form(
        "06",
        "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        lambda d: bool(d.received_at),
        _control,
        landscape(A5),
    ),
}


def available_forms(dossier: Dossier) -> list[tuple[str, str]]:
    """(kind, title) of the forms this dossier has data for, in form-number order."""
    return [(kind, f"{f.number} · {f.title}") for kind, f in FORMS.items() if f.applies(dossier)]


def render_form(kind: str, dossier: Dossier, *, tracking_url: str, rating_url: str = "") -> bytes:
    form = FORMS[kind]  # KeyError for an unknown kind: the view answers 404
    if not form.applies(dossier):
        raise FormNotAvailable(
            f"Hồ sơ {dossier.code} chưa có dữ liệu cho mẫu số {form.number} ({form.title})."
        )
    L.register_fonts()  # before any Paragraph is made: they resolve fonts when created
    story = form.story(dossier, Links(tracking=tracking_url, rating=rating_url))
    if form.one_page:
        story = [L.one_page(story, form.pagesize)]
    return L.build(story, title_text=f"{form.title} – {dossier.code}", pagesize=form.pagesize)


# --------------------------------------------------------------------------- result and fee receipt


def render_result(dossier: Dossier, *, issued_at, tracking_url: str = "") -> bytes:
    """The electronic copy of the result the system issues when the leader approves without
    uploading a signed file: an A4 page naming the commune, the dossier, the applicant, the
    procedure and the result, dated the day of approval and marked as the electronic copy."""
    L.register_fonts()
    d = dossier
    upper, issuer, place = _issuer(d)
    story = [
        L.header(upper, f"UBND {d.competent_commune.name}", place, issued_at),
        *L.title((d.result_summary or d.procedure.name_vi).upper(), "Bản điện tử"),
    ]
    story += L.rows(
        [
            ("Mã hồ sơ", d.code),
            ("Cấp cho", d.applicant_name),
            ("Số định danh cá nhân/Mã số doanh nghiệp", d.applicant_id_number),
            ("Địa chỉ", d.applicant_address),
            ("Thủ tục", f"{d.procedure.name_vi} (mã {d.procedure.code})"),
            ("Kết quả giải quyết", d.result_summary or d.procedure.name_vi),
            ("Ngày ký, phê duyệt", L.day_only(issued_at)),
            ("Cơ quan cấp", f"Ủy ban nhân dân {d.competent_commune.name}"),
        ]
    )
    story += [
        Spacer(1, 4 * mm),
        L.para(
            "Đây là bản điện tử của kết quả giải quyết thủ tục hành chính, do hệ thống một cửa "
            "điện tử lập từ hồ sơ trên khi lãnh đạo phê duyệt, lưu trong kho dữ liệu điện tử "
            "của tổ chức, cá nhân (Nghị định 118/2025/NĐ-CP, Điều 22). Bản giấy có chữ ký và "
            "đóng dấu được trả tại bộ phận một cửa.",
            L.SMALL,
        ),
        Spacer(1, 3 * mm),
    ]
    if tracking_url:
        story += [L.qr_block(tracking_url), Spacer(1, 3 * mm)]
    story.append(
        L.signatures([("TM. ỦY BAN NHÂN DÂN", "Đã phê duyệt trên hệ thống", _approver(d))])
    )
    title_text = f"{d.result_summary or d.procedure.name_vi} – {d.code}"
    return L.build(story, title_text=title_text, pagesize=A4)


def _approver(d: Dossier) -> str:
    event = d.events.filter(action="approve").select_related("actor").order_by("-at").first()
    return _officer(event.actor) if event and event.actor else ""


def render_fee_receipt(payment: Payment) -> bytes:
    """The fee receipt (biên lai thu phí, lệ phí) of one payment, A5: who paid what for which
    dossier, how, and who collected it; a waiver prints as a zero receipt with its reason."""
    L.register_fonts()
    d = payment.dossier
    waived = payment.method == PaymentMethod.WAIVED
    story = _head(d, payment.at, "", "BIÊN LAI THU PHÍ, LỆ PHÍ", f"Số: {payment.receipt_number}")
    due = fee_due(d.procedure, d.channel)
    story += L.rows(
        [
            ("Người nộp", d.collector_name or d.proxy_name or d.applicant_name),
            ("Chủ hồ sơ", d.applicant_name),
            ("Mã hồ sơ", d.code),
            ("Nội dung thu", f"Phí, lệ phí {d.procedure.name_vi} (mã {d.procedure.code})"),
            ("Mức thu theo quy định", vnd(due.amount_vnd) or due.note or "……"),
            ("Số tiền", "0 đồng (miễn)" if waived else vnd(payment.amount_vnd)),
            ("Hình thức thu", payment.get_method_display()),
            ("Lý do miễn, giảm", payment.reason),
            ("Thời gian thu", L.clock_and_date(payment.at)),
        ]
    )
    story += [
        Spacer(1, 4 * mm),
        L.signatures(
            [
                ("NGƯỜI NỘP TIỀN", "Ký và ghi rõ họ tên", ""),
                ("NGƯỜI THU TIỀN", "Ký và ghi rõ họ tên", _officer(payment.recorded_by)),
            ]
        ),
    ]
    return L.build(story, title_text=f"Biên lai {payment.receipt_number}", pagesize=A5)
