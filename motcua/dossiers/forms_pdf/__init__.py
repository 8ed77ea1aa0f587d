"""Printable forms of Circular 03/2025/TT-VPCP (domain.md §7), filled from the dossier's real data.

    render_form("receipt", dossier, tracking_url=..., rating_url=...) -> PDF bytes

The addresses printed as QR codes come from the caller: the tracking page and, on the receipt,
the satisfaction-rating page (the feedback app signs it; dossiers do not know the feedback app).

All forms are A5 portrait, as the circular asks, except the control slip (06): its hand-over table
needs the width, so it is A5 landscape.
"""

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from motcua.dossiers.forms_pdf import layout as L
from motcua.dossiers.models import Dossier, Extension
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
    fee = d.procedure.fee_vnd
    fee_text = f"{fee:,} đồng".replace(",", ".") if fee else ("Miễn phí" if fee == 0 else "")
    story = _head(d, d.received_at, "01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    story += [L.para(f"Mã hồ sơ: {L.text(d.code)}", L.CODE), Spacer(1, 2 * mm)]
    story += L.rows(
        [("Bộ phận tiếp nhận", d.center.name if d.center else d.receiving_commune.name)]
        + _applicant(d)
        + [("Nội dung yêu cầu giải quyết", f"{d.procedure.name_vi} (mã {d.procedure.code})")]
    )
    if documents:
        story += [
            Spacer(1, 2 * mm),
            L.table(
                ["STT", "Tên giấy tờ", "Bản chính", "Bản sao"],
                documents,
                [11 * mm, 74 * mm, 19 * mm, 19 * mm],
            ),
            Spacer(1, 2 * mm),
        ]
    story += L.rows(
        [
            ("Số lượng hồ sơ", f"{d.sets_count} bộ"),
            ("Thời gian giải quyết theo quy định", d.procedure.legal_time_display),
            ("Thời gian nhận hồ sơ", L.clock_and_date(d.received_at)),
            ("Thời gian trả kết quả", L.clock_and_date(d.due_at)),
            (
                "Đăng ký nhận kết quả tại",
                d.get_return_method_display()
                + (f": {d.postal_address}" if d.postal_address else ""),
            ),
            ("Lệ phí", fee_text),
            ("Vào Sổ theo dõi hồ sơ, Quyển số", "……  Số thứ tự: ……"),
        ]
    )
    story += [Spacer(1, 3 * mm), L.qr_block(links.tracking, links.rating), Spacer(1, 3 * mm)]
    story.append(
        L.signatures(
            [
                ("NGƯỜI NỘP HỒ SƠ", "Ký và ghi rõ họ tên", d.applicant_name),
                ("NGƯỜI TIẾP NHẬN HỒ SƠ", "Ký và ghi rõ họ tên", _officer(d.received_by)),
            ]
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
        "01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", lambda d: bool(d.received_at), _receipt
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
    return L.build(story, title_text=f"{form.title} – {dossier.code}", pagesize=form.pagesize)
