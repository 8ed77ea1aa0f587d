"""Receiving, routing, handling, publishing and rating a report, through the services."""

import pytest
from django.core.exceptions import PermissionDenied

from motcua.errors import PublicNotFound
from motcua.notify.models import Message
from motcua.petitions import queries, services
from motcua.petitions.errors import PetitionError
from motcua.petitions.models import Department, DepartmentKind, EventKind, Petition, Status
from tests.petitions.support import PHONE, category, report
from tests.world import vn


def test_a_report_is_routed_timed_and_acknowledged(world):
    petition = report(world)
    assert petition.status == Status.RECEIVED
    # Phường Hoàn Kiếm is a phường: street lighting goes to its Phòng Kinh tế, Hạ tầng và Đô thị.
    assert petition.department.kind == DepartmentKind.ECONOMY_INFRASTRUCTURE
    # Received Monday 7 July 2025 09:00: 2 working days → Wed 9 July 09:00; lighting answers in 5
    # working days → Mon 14 July 09:00.
    assert petition.accept_due_at == vn(2025, 7, 9, 9)
    assert petition.due_at == vn(2025, 7, 14, 9)
    sms = Message.objects.get(dedupe_key=f"petition:{petition.pk}:received:sms")
    assert sms.recipient == PHONE and petition.reference in sms.body and petition.secret in sms.body
    assert [e.kind for e in petition.events.all()] == [EventKind.RECEIVED, EventKind.ROUTED]


def test_a_xa_routes_lighting_to_its_phong_kinh_te(world):
    world.b.kind = "xa"
    world.b.save()
    petition = report(world, commune=world.b)
    assert petition.department.kind == DepartmentKind.ECONOMY


def test_an_anonymous_report_needs_a_phone_and_changes_nothing_without_one(world):
    with pytest.raises(PetitionError) as refused:
        report(world, reporter_phone="")
    assert refused.value.field == "reporter_phone"
    assert not Petition.objects.exists() and not Message.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"description": "   "}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"reporter_phone": "12345"}, "reporter_phone"),
        ({"reporter_email": "not-an-address"}, "reporter_email"),
        ({"latitude": "91", "longitude": "105.8"}, "latitude"),
        ({"latitude": "NaN", "longitude": "105.8"}, "latitude"),
        ({"latitude": "21.03"}, "latitude"),
    ],
)
def test_bad_input_names_its_field_and_stores_nothing(world, fields, field):
    with pytest.raises(PetitionError) as refused:
        report(world, **fields)
    assert refused.value.field == field
    assert not Petition.objects.exists()


def test_control_characters_are_dropped_and_text_kept_as_written(world):
    petition = report(world, description="Đèn hỏng\x00 <script>alert(1)</script>\r\nở ngõ 5")
    assert petition.description == "Đèn hỏng <script>alert(1)</script>\nở ngõ 5"


def test_the_whole_way_to_a_published_answer_and_a_rating(world):
    petition = report(world)
    officer, leader = world.specialist, world.leader
    petition = services.accept(petition, officer, at=vn(2025, 7, 7, 14))
    petition = services.request_info(petition, officer, "Cột đèn số mấy?", at=vn(2025, 7, 8, 9))
    assert Message.objects.filter(dedupe_key__contains=":info:").count() == 1
    # The reporter answers two working days later: the answer limit moves on by those two days.
    petition = services.provide_info(petition.secret, "Cột số HB-12", at=vn(2025, 7, 10, 9))
    assert petition.due_at == vn(2025, 7, 16, 9)
    petition = services.draft_answer(
        petition, officer, "Đã thay bóng đèn ngày 11/7.", at=vn(2025, 7, 11, 9)
    )
    with pytest.raises(PermissionDenied):
        services.publish(petition, officer)
    petition = services.publish(petition, leader, at=vn(2025, 7, 11, 15))
    assert petition.status == Status.PUBLISHED and not petition.handled_late
    published = Message.objects.get(dedupe_key=f"petition:{petition.pk}:published:sms")
    assert "Đã thay bóng đèn" in published.body
    petition = services.rate(petition.secret, "satisfied", at=vn(2025, 7, 12, 9))
    assert petition.satisfaction == "satisfied"
    with pytest.raises(PetitionError):
        services.rate(petition.secret, "satisfied")


def test_a_late_draft_marks_the_report_late_for_good(world):
    petition = report(world)
    petition = services.draft_answer(petition, world.specialist, "Đã sửa.", at=vn(2025, 7, 15, 9))
    assert petition.handled_late
    assert queries.is_late(petition)


def test_officers_of_another_commune_can_neither_see_nor_act(world):
    petition = report(world)
    with pytest.raises(PublicNotFound):
        services.accept(petition, world.officers_b["specialist"])
    assert Petition.objects.get(pk=petition.pk).status == Status.RECEIVED


def test_a_step_from_the_wrong_status_is_refused(world):
    petition = report(world)
    with pytest.raises(PetitionError):
        services.publish(petition, world.leader)


def test_merged_reporters_hear_the_answer(world):
    first = report(world)
    second = report(world, reporter_phone="0987654321")
    services.merge(second, world.reception, first, "Cùng cột đèn")
    first = services.draft_answer(first, world.specialist, "Đã sửa đèn.")
    services.publish(first, world.leader)
    second.refresh_from_db()
    assert second.status == Status.MERGED and second.answer == "Đã sửa đèn."
    assert Message.objects.filter(
        recipient="0987654321", dedupe_key__endswith="published:sms"
    ).exists()


def test_reassign_within_the_commune_and_to_another_commune(world):
    petition = report(world)
    office = Department.objects.get(commune=world.a, kind=DepartmentKind.OFFICE)
    petition = services.reassign(
        petition, world.reception, "Không phải chiếu sáng", department=office
    )
    assert petition.department == office
    with pytest.raises(PetitionError):
        services.reassign(petition, world.reception, "", department=office)
    petition = services.reassign(
        petition, world.reception, "Địa bàn phường Cửa Nam", commune=world.b, at=vn(2025, 7, 8, 9)
    )
    assert petition.commune == world.b and petition.accept_due_at == vn(2025, 7, 10, 9)
    with pytest.raises(PetitionError):
        services.reassign(petition, world.officers_b["reception"], "Huế", commune=world.h)


def test_moderation_keeps_the_reporters_text(world):
    petition = report(world, description="Ông Nguyễn Văn A số 0912345678 đổ rác")
    assert "0912345678" not in queries.public_text(petition)
    petition = services.moderate(
        petition, world.leader, public_text="Có người đổ rác", hidden=False, reason="Bỏ tên người"
    )
    assert petition.description.startswith("Ông Nguyễn Văn A")
    assert queries.public_text(petition) == "Có người đổ rác"
    assert petition.events.get(kind=EventKind.MODERATED).data["before"]["public_text"] == ""


def test_hotline_operator_takes_calls_for_the_province_only(world, hotline):
    petition = report(world, channel="hotline", entered_by=hotline)
    assert petition.entered_by == hotline
    with pytest.raises(PublicNotFound):
        report(world, commune=world.h, channel="hotline", entered_by=hotline)


def test_overdue_reports_escalate_once_by_the_rules(world):
    world.leader.email = "lanhdao@example.vn"
    world.leader.save()
    petition = services.accept(report(world), world.specialist)
    # due Mon 14 July 09:00; two working days later the leader hears of it.
    first = services.escalate_overdue(now=vn(2025, 7, 16, 10))
    again = services.escalate_overdue(now=vn(2025, 7, 16, 11))
    assert first.fired == 2 and again.fired == 0  # remind + raise to the leader, once each
    assert Message.objects.filter(recipient="lanhdao@example.vn").count() == 1
    assert petition.escalations.count() == 2


def test_a_category_of_the_province_replaces_the_national_one(world):
    national = category(world)
    from motcua.petitions.models import Category

    own = Category.objects.create(
        province=world.hanoi,
        code="chieu-sang",
        name="Đèn chiếu sáng (Hà Nội)",
        subject="place",
        department_kind="economy_infra",
        response_days=3,
    )
    assert queries.category_by_code(world.hanoi, "chieu-sang") == own
    assert queries.category_by_code(world.hue, "chieu-sang") == national


def test_a_reporter_who_chose_zalo_hears_by_zalo(world):
    petition = report(world, reply_by="zalo")
    message = Message.objects.get(dedupe_key=f"petition:{petition.pk}:received:sms")
    assert message.channel == "zalo" and message.recipient == PHONE
