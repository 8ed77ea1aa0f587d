"""The dossier lifecycle told as stories: each test follows one dossier through the services."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent, DossierSequence, Timeliness
from motcua.dossiers.services import WorkflowError, perform
from motcua.dossiers.workflow import NationalStatus, State
from tests.world import GOOD_ID, vn


def test_counter_intake_assigns_national_code_and_due_time(world):
    dossier = world.receive(at=vn(2025, 7, 7, 9))

    assert dossier.code == "01.00070-250707-0001"
    assert dossier.state == State.RECEIVED
    assert dossier.national_status == NationalStatus.ACCEPTED
    # 3 working days = 24 working hours from Monday 09:00 → Thursday 09:00.
    dossier.refresh_from_db()
    assert dossier.due_at == vn(2025, 7, 10, 9)
    step = dossier.current_step()
    assert step.role == "reception"
    # Reception has 4 working hours: 09:00–12:00 plus 13:00–14:00.
    assert step.due_at == vn(2025, 7, 7, 14)
    assert [e.action for e in dossier.events.all()] == ["receive"]
    assert world.receive(at=vn(2025, 7, 7, 10)).code == "01.00070-250707-0002"
    assert world.receive(at=vn(2025, 7, 8, 10)).code == "01.00070-250708-0001"


def test_sequence_widens_past_9999(world):
    DossierSequence.objects.create(agency_id="01.00070", day=vn(2025, 7, 7).date(), last_value=9999)
    assert world.receive().code == "01.00070-250707-10000"


def test_happy_path_from_intake_to_return_at_counter(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    d = perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    d = perform(
        d, "assign", actor=world.leader, at=vn(2025, 7, 7, 10, 30), assignee=world.specialist
    )
    d = perform(d, "propose", actor=world.specialist, at=vn(2025, 7, 8, 11))
    d = perform(
        d,
        "approve",
        actor=world.leader,
        at=vn(2025, 7, 8, 15),
        result_summary="Giấy xác nhận số 12",
    )
    assert d.state == State.RESULT_READY
    assert d.national_status == NationalStatus.FINISHED
    assert d.finished_at == vn(2025, 7, 8, 15)
    assert d.timeliness == Timeliness.EARLY  # finished Tuesday, due Thursday
    d = perform(d, "return_at_counter", actor=world.reception, at=vn(2025, 7, 9, 8, 30))
    assert d.state == State.RETURNED_AT_COUNTER
    assert d.national_status == NationalStatus.RETURNED

    events = list(d.events.values_list("action", "from_state", "to_state"))
    assert events == [
        ("receive", "", "received"),
        ("forward", "received", "at_specialist"),
        ("assign", "at_specialist", "at_specialist"),
        ("propose", "at_specialist", "awaiting_signature"),
        ("approve", "awaiting_signature", "result_ready"),
        ("return_at_counter", "result_ready", "returned_at_counter"),
    ]
    steps = list(d.steps.values_list("role", "timeliness"))
    # Reception due Mon 14:00, done Mon 10:00 (same day: on time); specialist due Tue 15:00, done
    # Tue 11:00 (on time); leader due Wed 11:00, signed Tue 15:00 (early); return is not counted.
    assert steps == [
        ("reception", "on_time"),
        ("specialist", "on_time"),
        ("leader", "early"),
        ("return", ""),
    ]
    assert d.steps.filter(finished_at__isnull=True).count() == 0


def test_step_timeliness_against_budgets(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))  # budget to 14:00 same day
    # Specialist has 12 h from Mon 10:00 → Tue 15:00; takes until Wed 09:00: late.
    perform(d, "propose", actor=world.specialist, at=vn(2025, 7, 9, 9))
    # Leader has 8 h from Wed 09:00 → Thu 09:00; signs Wed 16:00, a day before: early.
    perform(d, "approve", actor=world.leader, at=vn(2025, 7, 9, 16))
    roles = dict(d.steps.exclude(role="return").values_list("role", "timeliness"))
    assert roles == {"reception": "on_time", "specialist": "late", "leader": "early"}


def test_classify_by_minute_for_late_and_by_day_for_early():
    due = vn(2025, 7, 10, 9)
    assert services.classify(vn(2025, 7, 10, 9, 1), due) == Timeliness.LATE
    assert services.classify(vn(2025, 7, 10, 8, 0), due) == Timeliness.ON_TIME
    assert services.classify(vn(2025, 7, 9, 16, 0), due) == Timeliness.EARLY


def test_late_dossier_is_classified_late(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    perform(d, "propose", actor=world.specialist, at=vn(2025, 7, 10, 16))
    d = perform(d, "approve", actor=world.leader, at=vn(2025, 7, 11, 9))
    assert d.timeliness == Timeliness.LATE


def test_supplement_pauses_and_restarts_the_clock(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    d = perform(
        d,
        "request_supplement",
        actor=world.specialist,
        at=vn(2025, 7, 8, 9),
        items=["Bản sao giấy khai sinh"],
        reason="Thiếu giấy tờ chứng minh nhân thân",
    )
    assert d.state == State.AWAITING_SUPPLEMENT
    assert d.national_status == NationalStatus.SUPPLEMENT_REQUESTED
    assert d.current_step() is None  # the clock is paused: no step runs
    request = d.supplements.get()
    assert request.answer_by == vn(2025, 7, 23, 9)  # 15 days after the notice

    # Resubmitted Friday 11 July 10:00: the 3 working days restart from zero → Wednesday 10:00.
    d = perform(d, "receive_supplement", actor=world.reception, at=vn(2025, 7, 11, 10))
    assert d.state == State.AT_SPECIALIST
    assert d.legal_due_at == vn(2025, 7, 16, 10)
    assert d.due_at == vn(2025, 7, 16, 10)
    request.refresh_from_db()
    assert (request.due_before, request.due_after) == (vn(2025, 7, 10, 9), vn(2025, 7, 16, 10))
    assert d.supplement_count == 1
    # The specialist gets the full budget again: 12 h from Fri 10:00 → Mon 15:00.
    assert d.current_step().due_at == vn(2025, 7, 14, 15)


def test_unanswered_supplement_closes_after_15_days(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    perform(
        d,
        "request_supplement",
        actor=world.specialist,
        at=vn(2025, 7, 8, 9),
        items=["Tờ khai"],
        reason="Thiếu",
    )
    assert services.close_expired_supplements(at=vn(2025, 7, 23, 8, 59)) == 0
    with pytest.raises(WorkflowError, match="Chưa hết hạn bổ sung"):
        perform(d, "close_no_supplement", actor=None, at=vn(2025, 7, 20, 9))
    assert services.close_expired_supplements(at=vn(2025, 7, 23, 9)) == 1
    d.refresh_from_db()
    assert d.state == State.CLOSED_NO_SUPPLEMENT
    assert d.national_status == NationalStatus.STOPPED
    assert d.events.last().actor is None and d.events.last().actor_role == "system"


def test_extension_only_once_and_at_least_a_day_before(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    with pytest.raises(ValidationError):
        perform(
            d,
            "extend",
            actor=world.specialist,
            at=vn(2025, 7, 8, 9),
            reason="Cần xác minh",
            new_due_at=vn(2025, 7, 9, 9),
        )
    with pytest.raises(WorkflowError, match="01 ngày"):
        perform(
            d,
            "extend",
            actor=world.specialist,
            at=vn(2025, 7, 9, 10),
            reason="Cần xác minh",
            new_due_at=vn(2025, 7, 14, 9),
        )
    d = perform(
        d,
        "extend",
        actor=world.specialist,
        at=vn(2025, 7, 8, 9),
        reason="Cần xác minh",
        new_due_at=vn(2025, 7, 14, 16),
    )
    assert d.due_at == vn(2025, 7, 14, 16)
    assert d.legal_due_at == vn(2025, 7, 10, 9)
    assert d.extension.previous_due_at == vn(2025, 7, 10, 9)
    events_before = d.events.count()
    with pytest.raises(WorkflowError, match="một lần"):
        perform(
            d,
            "extend",
            actor=world.leader,
            at=vn(2025, 7, 9, 9),
            reason="Lần hai",
            new_due_at=vn(2025, 7, 18, 16),
        )
    d.refresh_from_db()
    assert d.due_at == vn(2025, 7, 14, 16)
    assert d.events.count() == events_before


def test_refusal_after_appraisal_is_returned_to_the_applicant(world):
    d = world.receive()
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    d = perform(
        d, "refuse", actor=world.specialist, at=vn(2025, 7, 8, 10), reason="Không đủ điều kiện"
    )
    assert d.state == State.REFUSED_AFTER_APPRAISAL
    assert d.national_status == NationalStatus.FINISHED
    assert d.refusal_reasons == "Không đủ điều kiện"
    with pytest.raises(ValidationError) as exc:
        perform(d, "return_by_post", actor=world.reception, at=vn(2025, 7, 8, 11))
    assert "waybill_number" in exc.value.message_dict
    d = perform(
        d,
        "return_by_post",
        actor=world.reception,
        at=vn(2025, 7, 8, 11),
        waybill_number="EB123456789VN",
    )
    assert d.state == State.RETURNED_BY_POST and d.waybill_number == "EB123456789VN"


def test_withdrawal_stops_processing(world):
    d = world.receive()
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    d = perform(
        d, "withdraw", actor=world.reception, at=vn(2025, 7, 7, 15), reason="Công dân xin rút"
    )
    assert d.state == State.STOPPED and d.national_status == NationalStatus.STOPPED
    assert d.current_step() is None
    with pytest.raises(WorkflowError):
        perform(d, "propose", actor=world.specialist, at=vn(2025, 7, 8, 9))


def test_interlink_and_send_back_keep_step_history(world):
    d = world.receive()
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    d = perform(
        d,
        "send_interlink",
        actor=world.specialist,
        at=vn(2025, 7, 7, 11),
        agency="Công an xã",
        task="Xác minh cư trú",
        days=1,
    )
    assert d.state == State.AWAITING_INTERLINK
    assert d.interlinks.get().due_at == vn(2025, 7, 8, 11)
    d = perform(
        d, "receive_interlink", actor=world.specialist, at=vn(2025, 7, 8, 9), note="Đã xác minh"
    )
    perform(d, "propose", actor=world.specialist, at=vn(2025, 7, 8, 10))
    with pytest.raises(ValidationError):
        perform(d, "send_back", actor=world.leader, at=vn(2025, 7, 8, 11))
    d = perform(
        d, "send_back", actor=world.leader, at=vn(2025, 7, 8, 11), note="Bổ sung căn cứ pháp lý"
    )
    assert d.state == State.AT_SPECIALIST
    roles = list(d.steps.values_list("role", flat=True))
    assert roles == ["reception", "specialist", "leader", "specialist"]
    # The second specialist visit gets only what is left of 12 h: Mon 10:00–Tue 10:00 used 8 h.
    assert d.current_step().budget_hours == 4


def test_online_dossier_waits_for_acceptance_before_the_clock_starts(world):
    d = services.submit_online(
        procedure=world.procedure,
        commune=world.a,
        applicant=services.Applicant(name="Lê Văn Hùng", id_number=GOOD_ID),
        at=vn(2025, 7, 6, 21),
    )
    assert d.state == State.SUBMITTED_ONLINE and d.national_status == NationalStatus.NEW
    assert d.due_at is None and d.received_at is None
    d = perform(d, "accept_online", actor=world.reception, at=vn(2025, 7, 7, 8, 30))
    assert d.received_at == vn(2025, 7, 7, 8, 30)
    assert d.due_at == vn(2025, 7, 10, 8, 30)


@pytest.mark.parametrize(
    "id_number, message",
    [
        ("12345", "12 chữ số"),
        ("123456789", "chứng minh nhân dân"),
        ("003085012345", "mã tỉnh"),
        ("00108501234a", "chữ số"),
        ("001985012345", "năm sinh"),
    ],
)
def test_invalid_id_number_is_refused_and_nothing_is_written(world, id_number, message):
    with pytest.raises(ValidationError) as exc:
        world.receive(applicant=services.Applicant(name="Nguyễn Văn A", id_number=id_number))
    assert message in " ".join(exc.value.message_dict["applicant_id_number"])
    assert Dossier.objects.count() == 0
    assert DossierSequence.objects.count() == 0


def test_actions_not_allowed_change_nothing(world):
    d = world.receive()
    before = list(DossierEvent.objects.values_list("id", flat=True))
    with pytest.raises(WorkflowError) as wrong_state:
        perform(d, "approve", actor=world.leader, at=vn(2025, 7, 7, 10))
    assert wrong_state.value.code == "state"
    with pytest.raises(WorkflowError) as wrong_role:
        perform(d, "forward", actor=world.specialist, at=vn(2025, 7, 7, 10))
    assert wrong_role.value.code == "role"
    with pytest.raises(WorkflowError) as other_commune:
        perform(d, "forward", actor=world.officers_b["reception"], at=vn(2025, 7, 7, 10))
    assert other_commune.value.code == "scope"
    with pytest.raises(WorkflowError) as monitor:
        perform(d, "forward", actor=world.monitor, at=vn(2025, 7, 7, 10))
    assert monitor.value.code == "scope"
    with pytest.raises(WorkflowError) as unknown:
        perform(d, "teleport", actor=world.reception)
    assert unknown.value.code == "unknown"
    d.refresh_from_db()
    assert d.state == State.RECEIVED
    assert list(DossierEvent.objects.values_list("id", flat=True)) == before


def test_only_reception_officers_receive(world):
    with pytest.raises(WorkflowError):
        world.receive(officer=world.specialist)
    assert Dossier.objects.count() == 0


def test_audit_trail_is_append_only(world):
    d = world.receive()
    event = d.events.get()
    event.note = "sửa"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    # Even a raw UPDATE is stopped by the database trigger.
    table = DossierEvent._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET note = 'x' WHERE id = %s", [event.id])
    assert DossierEvent.objects.get(pk=event.pk).note == ""


def test_audit_trail_refuses_a_raw_or_bulk_delete_on_every_database(world):
    """SQLite too (it used to refuse UPDATE only): neither raw SQL nor a bulk delete, which
    bypasses ``DossierEvent.delete``, removes an event."""
    event = world.receive().events.get()
    table = DossierEvent._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.id])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        DossierEvent.objects.filter(pk=event.pk)._raw_delete(DossierEvent.objects.db)
    assert DossierEvent.objects.filter(pk=event.pk).exists()


def test_code_pattern_matches_the_national_format(world):
    code = world.receive().code
    assert re.fullmatch(r"[\w.]+-\d{6}-\d{4,}", code)
    assert services.next_dossier_code(world.a, vn(2025, 7, 7, 9) + timedelta(days=1)).endswith(
        "-250708-0001"
    )
