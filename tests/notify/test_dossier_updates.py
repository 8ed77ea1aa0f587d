"""What the applicant and the reception officers are told when a dossier moves."""

import importlib.util

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import translation

from motcua.dossiers import services
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.services import perform
from motcua.notify.dossier_updates import SMS_MAX_CHARS, on_dossier_event
from motcua.notify.models import Message
from tests.world import GOOD_ID, vn

TRACK = "http://127.0.0.1:8000/tra-cuu/"


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"


def sms_about(dossier):
    return list(
        Message.objects.filter(dossier=dossier, channel="sms")
        .order_by("id")
        .values_list("body", flat=True)
    )


def last_event(dossier):
    return DossierEvent.objects.filter(dossier=dossier).order_by("id").last()


def test_counter_intake_texts_the_code_status_appointment_and_tracking_link(world):
    d = world.receive(at=vn(2025, 7, 7, 9))

    message = Message.objects.get(dossier=d)
    assert message.channel == "sms"
    assert message.recipient == "0912345678"
    assert message.dedupe_key == f"dossier-event:{last_event(d).pk}:sms"
    assert message.created_at == vn(2025, 7, 7, 9)
    assert message.body == (
        "Hồ sơ 01.00070-250707-0001: Đã tiếp nhận, tại bộ phận một cửa. "
        "Hẹn trả kết quả: 09:00 10/07/2025. "
        "Tra cứu: http://127.0.0.1:8000/tra-cuu/01.00070-250707-0001/"
    )
    # No e-mail address was given, so no e-mail.
    assert not Message.objects.filter(channel="email").exists()


def test_every_state_change_is_told_and_nothing_else(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    d = perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    perform(d, "assign", actor=world.leader, at=vn(2025, 7, 7, 11), assignee=world.specialist)

    texts = sms_about(d)
    assert len(texts) == 2  # the assignment changes nothing the applicant sees
    assert texts[1].startswith(f"Hồ sơ {d.code}: Đang thẩm định (chuyên viên). Hẹn trả kết quả")


def test_supplement_request_says_what_to_bring_and_by_when(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    d = perform(
        d,
        "request_supplement",
        actor=world.specialist,
        at=vn(2025, 7, 8, 9),
        items=["Bản sao giấy khai sinh", "Giấy xác nhận cư trú"],
        reason="Thiếu giấy tờ chứng minh nhân thân",
    )
    assert sms_about(d)[-1] == (
        f"Hồ sơ {d.code}: Chờ bổ sung hồ sơ. "
        "Cần bổ sung: Bản sao giấy khai sinh; Giấy xác nhận cư trú. Hạn bổ sung: 23/07/2025. "
        f"Tra cứu: {TRACK}{d.code}/"
    )

    d = perform(d, "receive_supplement", actor=world.reception, at=vn(2025, 7, 9, 9))
    # The clock restarted: a new appointment three working days on.
    assert "Hẹn trả kết quả: 09:00 14/07/2025." in sms_about(d)[-1]


def test_a_long_supplement_list_is_shortened_to_fit_one_sms(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    items = [f"Bản sao có chứng thực giấy tờ số {i} theo mẫu quy định" for i in range(12)]
    d = perform(
        d,
        "request_supplement",
        actor=world.reception,
        at=vn(2025, 7, 7, 10),
        items=items,
        reason="Thiếu nhiều giấy tờ",
    )
    text = sms_about(d)[-1]
    assert len(text) <= SMS_MAX_CHARS
    assert "Cần bổ sung: Bản sao có chứng thực giấy tờ số 0" in text
    assert "…. Hạn bổ sung: 22/07/2025." in text
    assert text.endswith(f"Tra cứu: {TRACK}{d.code}/")


def test_extension_apologises_and_gives_the_new_date(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    d = perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    d = perform(
        d,
        "extend",
        actor=world.leader,
        at=vn(2025, 7, 8, 9),
        reason="Cần xác minh thêm",
        new_due_at=vn(2025, 7, 15, 9),
    )
    assert sms_about(d)[-1] == (
        f"Hồ sơ {d.code} được gia hạn giải quyết. Thành thật xin lỗi ông/bà vì sự chậm trễ. "
        f"Hẹn trả kết quả: 09:00 15/07/2025. Tra cứu: {TRACK}{d.code}/"
    )


def test_applicant_with_email_gets_the_full_story_by_email(world):
    applicant = services.Applicant(
        name="Lê Văn Minh", id_number=GOOD_ID, phone="0912345678", email="minh@example.vn"
    )
    d = world.receive(at=vn(2025, 7, 7, 9), applicant=applicant)
    d = perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    perform(d, "refuse", actor=world.specialist, at=vn(2025, 7, 8, 9), reason="Không đủ điều kiện")

    email = Message.objects.filter(dossier=d, channel="email").order_by("id").last()
    assert email.recipient == "minh@example.vn"
    assert email.subject == f"Hồ sơ {d.code}: Từ chối giải quyết, chờ trả"
    assert email.body.splitlines() == [
        "Kính gửi ông/bà Lê Văn Minh,",
        "",
        f"Hồ sơ {d.code}: Từ chối giải quyết, chờ trả.",
        "Thủ tục: Cấp Giấy xác nhận tình trạng hôn nhân",
        "Trạng thái: Từ chối giải quyết, chờ trả (Đã xử lý xong)",
        "Lý do: Không đủ điều kiện",
        "Mời ông/bà đến nhận tại bộ phận một cửa.",
        "",
        f"Tra cứu hồ sơ: {TRACK}{d.code}/",
        "",
        "Thư này được gửi tự động từ Trung tâm Phục vụ hành chính công Phường Hoàn Kiếm; "
        "xin ông/bà không trả lời thư này.",
    ]


def returned(world, method="return_at_counter", **inputs):
    d = world.receive(at=vn(2025, 7, 7, 9))
    d = perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    d = perform(d, "propose", actor=world.specialist, at=vn(2025, 7, 8, 9))
    d = perform(d, "approve", actor=world.leader, at=vn(2025, 7, 8, 15), result_summary="GXN 12")
    track = f"{django_settings.PUBLIC_BASE_URL}/tra-cuu/"
    assert sms_about(d)[-1] == (
        f"Hồ sơ {d.code}: Đã có kết quả, chờ trả. Mời ông/bà đến nhận tại bộ phận một cửa. "
        f"Tra cứu: {track}{d.code}/"
    )
    return perform(d, method, actor=world.reception, at=vn(2025, 7, 9, 9), **inputs)


@pytest.mark.skipif(
    importlib.util.find_spec("motcua.feedback.links") is None,
    reason="the rating link comes from motcua.feedback.links",
)
def test_returned_result_brings_the_rating_link(world):
    d = returned(world, "return_by_post", waybill_number="EV123456789VN")
    text = sms_about(d)[-1]
    assert text.startswith(
        f"Hồ sơ {d.code}: Đã trả kết quả qua bưu chính. Mã vận đơn: EV123456789VN. "
    )
    assert "Đánh giá: http://127.0.0.1:8000/" in text
    assert len(text) <= SMS_MAX_CHARS


@pytest.mark.skipif(
    importlib.util.find_spec("motcua.feedback.links") is None,
    reason="the rating link comes from motcua.feedback.links",
)
def test_with_a_long_site_address_the_rating_link_wins_over_tracking(world, settings):
    settings.PUBLIC_BASE_URL = "https://motcua.dichvucong.hanoi.gov.vn/phuong-hoan-kiem"
    d = returned(world, "return_by_post", waybill_number="EV123456789VN")
    text = sms_about(d)[-1]
    assert len(text) <= SMS_MAX_CHARS
    assert "Tra cứu:" not in text
    assert "Đánh giá: https://motcua.dichvucong.hanoi.gov.vn/phuong-hoan-kiem/" in text


def test_messages_are_in_vietnamese_whatever_the_officers_language(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    with translation.override("en"):
        perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    assert "Đang thẩm định (chuyên viên)" in sms_about(d)[-1]


def test_an_event_is_never_told_twice(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    on_dossier_event(sender=DossierEvent, event=last_event(d))
    assert Message.objects.filter(dossier=d).count() == 1


def test_a_change_that_rolls_back_tells_nobody(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    with pytest.raises(RuntimeError), transaction.atomic():
        perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
        raise RuntimeError("something after the change failed")
    assert len(sms_about(d)) == 1


def online(world):
    return services.submit_online(
        procedure=world.procedure,
        commune=world.a,
        applicant=services.Applicant(name="Trần Thị Bích Ngọc", id_number=GOOD_ID),
        at=vn(2025, 7, 7, 9),
    )


def test_online_dossier_alerts_the_communes_reception_officers_by_email(world):
    world.reception.email = "tiepnhan.hoankiem@example.vn"
    world.reception.save()
    world.officers_a["specialist"].email = "chuyenvien@example.vn"  # not reception: not alerted
    world.officers_a["specialist"].save()
    world.officers_b["reception"].email = "tiepnhan.cuanam@example.vn"  # another commune
    world.officers_b["reception"].save()

    d = online(world)

    (alert,) = Message.objects.filter(dossier=d, channel="email")
    assert alert.recipient == "tiepnhan.hoankiem@example.vn"
    assert alert.dedupe_key == (f"dossier-event:{last_event(d).pk}:reception:{world.reception.pk}")
    # Monday 09:00 + 8 working hours (08:00–12:00, 13:00–17:00) = Tuesday 09:00.
    assert alert.subject == (
        f"Hồ sơ trực tuyến mới {d.code}: tiếp nhận hoặc trả lại trước 09:00 08/07/2025"
    )
    assert alert.body.splitlines() == [
        "Có hồ sơ trực tuyến mới chờ tiếp nhận.",
        "",
        f"Mã hồ sơ: {d.code}",
        "Thủ tục: Cấp Giấy xác nhận tình trạng hôn nhân",
        "Người nộp: Trần T. B. N.",
        "Nộp lúc: 09:00 07/07/2025",
        "",
        "Cần tiếp nhận hoặc trả lại để bổ sung, hoàn thiện trong 8 giờ làm việc, tức trước "
        "09:00 08/07/2025 (Nghị định 118/2025/NĐ-CP, Điều 17 khoản 2).",
        f"Mở hồ sơ: http://127.0.0.1:8000/can-bo/ho-so/{d.code}/",
    ]
    # The applicant gave no phone: no SMS for them.
    assert not Message.objects.filter(channel="sms").exists()


def test_inactive_officers_and_officers_without_email_are_not_alerted(world):
    world.reception.email = "tiepnhan.hoankiem@example.vn"
    world.reception.is_active = False
    world.reception.save()
    d = online(world)
    assert not Message.objects.filter(dossier=d).exists()


def test_internal_hand_overs_send_no_sms(world):
    """Once 'in process' (national status 4), the applicant hears of the next national status,
    not of every hand-over between officers."""
    from motcua.dossiers.workflow import Action

    dossier = world.receive()
    perform(dossier, Action.FORWARD, actor=world.reception, at=vn(2025, 7, 7, 10))
    before = Message.objects.count()
    perform(
        dossier, Action.ASSIGN, actor=world.leader, at=vn(2025, 7, 7, 11), assignee=world.specialist
    )
    perform(dossier, Action.PROPOSE, actor=world.specialist, at=vn(2025, 7, 7, 14))
    assert Message.objects.count() == before
