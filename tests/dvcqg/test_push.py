"""Pushing dossiers and their status changes to the national portal, told as stories against the
fake portal over real HTTP (tests/dvcqg/fake_portal.py)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from motcua.dossiers.services import perform
from motcua.dvcqg import services, tasks
from motcua.dvcqg.adapters import HttpPortalAdapter, PortalError
from motcua.dvcqg.models import SyncState, SyncStatus
from tests.dvcqg.fake_portal import UNIT_CODE, USERNAME
from tests.world import GOOD_ID, vn


def state_of(dossier) -> SyncState:
    return SyncState.objects.get(dossier=dossier)


def test_every_event_marks_the_dossier_not_synced_and_enqueues_one_push_per_transaction(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        d = world.receive(at=vn(2025, 7, 7, 9))
        perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))

    state = state_of(d)
    assert state.status == SyncStatus.NOT_SYNCED
    assert state.last_event is None
    assert state.latest_event == d.events.latest("id")
    assert state.next_attempt_at <= timezone.now()
    # Two events in one transaction, one push enqueued when it commits.
    assert [c for c in callbacks if c is tasks._enqueue_push] == [tasks._enqueue_push]


def test_a_received_dossier_is_pushed_with_status_2_then_each_action_as_progress_in_order(
    world, portal, adapter
):
    d = world.receive(at=vn(2025, 7, 7, 9))

    report = services.push_due(adapter=adapter)

    assert (report.claimed, report.synced, report.failed, report.progress_pushed) == (1, 1, 0, 1)
    assert len(portal.calls("login")) == 1
    [look_up] = portal.calls("TraCuuHoSo")
    assert look_up["MaHoSo"] == d.code
    assert look_up["madonvi"] == UNIT_CODE
    [push] = portal.calls("DongBoHoSoMC")
    assert push["isUpdating"] == "False"  # new on the portal
    record = portal.dossiers[d.code]
    assert record["TrangThaiHoSo"] == "2"  # Được tiếp nhận
    assert record["MaTTHC"] == "1.004873"
    assert record["HinhThuc"] == "1"  # at the counter
    assert record["NgayTiepNhan"] == "20250707090000"  # Vietnam time, yyyyMMddHHmmss
    assert record["NgayHenTra"] == "20250710090000"
    assert record["DonViXuLy"] == "Phường Hoàn Kiếm"
    assert record["TaiLieuNop"][0]["TenTepDinhKem"] == (
        "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân"
    )
    [received] = portal.progress_of(d.code)
    assert received["TrangThai"] == "2"
    assert received["ThoiDiemXuLy"] == "20250707090000"
    assert received["NoiDungXuLy"] == "Tiếp nhận hồ sơ"
    assert received["ChucDanh"] == "Cán bộ một cửa"
    state = state_of(d)
    assert state.status == SyncStatus.SYNCED
    assert state.last_event == d.events.get()
    assert state.last_synced_at is not None

    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    perform(d, "assign", actor=world.leader, at=vn(2025, 7, 7, 11), assignee=world.specialist)
    perform(d, "propose", actor=world.specialist, at=vn(2025, 7, 8, 11))
    assert state_of(d).status == SyncStatus.NOT_SYNCED

    report = services.push_due(adapter=adapter)

    assert (report.synced, report.progress_pushed) == (1, 3)
    assert portal.calls("DongBoHoSoMC")[-1]["isUpdating"] == "True"  # known now: an update
    assert portal.dossiers[d.code]["TrangThaiHoSo"] == "4"  # Đang xử lý
    progress = portal.progress_of(d.code)
    assert [(p["NoiDungXuLy"], p["TrangThai"], p["ThoiDiemXuLy"]) for p in progress] == [
        ("Tiếp nhận hồ sơ", "2", "20250707090000"),
        ("Chuyển xử lý", "4", "20250707100000"),
        ("Phân công chuyên viên", "4", "20250707110000"),
        ("Trình lãnh đạo ký", "4", "20250708110000"),
    ]
    # The step an action opened gives its start and its budgeted end: the specialist's 12 working
    # hours from Mon 10:00 end Tue 15:00; the leader's 8 from Tue 11:00 end Wed 11:00.
    assert (progress[1]["NgayBatDau"], progress[1]["NgayKetThucTheoQuyDinh"]) == (
        "20250707100000",
        "20250708150000",
    )
    assert progress[3]["NgayKetThucTheoQuyDinh"] == "20250709110000"
    assert state_of(d).last_event == d.events.latest("id")
    assert len(portal.calls("login")) == 1  # the session was kept


def test_nothing_is_pushed_twice_for_the_same_event(world, portal, adapter):
    d = world.receive()
    services.push_due(adapter=adapter)
    requests_after_first_push = len(portal.requests)

    report = services.push_due(adapter=adapter)

    assert report.claimed == 0
    assert report.run_again_at is None  # an idle run schedules nothing
    assert len(portal.requests) == requests_after_first_push

    # "Retry now" on a synced dossier sends the dossier record again, but no event twice.
    services.retry_now([state_of(d).pk])
    report = services.push_due(adapter=adapter)
    assert (report.synced, report.progress_pushed) == (1, 0)
    assert len(portal.calls("DongBoHoSoMC")) == 2
    assert len(portal.progress_of(d.code)) == 1


def test_portal_down_means_error_and_retry_later_then_synced_once_it_recovers(
    world, portal, adapter
):
    d = world.receive()
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    portal.down = True
    now = timezone.now()

    report = services.push_due(now=now, adapter=adapter)

    assert (report.claimed, report.synced, report.failed) == (1, 0, 1)
    state = state_of(d)
    assert state.status == SyncStatus.ERROR
    assert state.attempts == 1
    assert state.next_attempt_at == now + services.FIRST_RETRY
    assert "503" in state.last_error
    assert state.claimed_by == "" and state.claimed_until is None
    assert report.run_again_at == now + services.FIRST_RETRY  # the task re-enqueues for then

    # Not due yet: nothing is tried.
    assert services.push_due(now=now, adapter=adapter).claimed == 0
    # Due again, still down: the delay doubles.
    later = now + timedelta(minutes=1)
    services.push_due(now=later, adapter=adapter)
    state = state_of(d)
    assert (state.status, state.attempts) == (SyncStatus.ERROR, 2)
    assert state.next_attempt_at == later + timedelta(minutes=2)

    portal.down = False
    report = services.push_due(now=later + timedelta(minutes=2), adapter=adapter)

    assert (report.synced, report.failed, report.progress_pushed) == (1, 0, 2)
    assert report.run_again_at is None
    state = state_of(d)
    assert (state.status, state.attempts, state.last_error) == (SyncStatus.SYNCED, 0, "")
    assert state.next_attempt_at is None
    assert [p["NoiDungXuLy"] for p in portal.progress_of(d.code)] == [
        "Tiếp nhận hồ sơ",
        "Chuyển xử lý",
    ]


def test_an_error_half_way_keeps_what_the_portal_already_accepted(world, portal, adapter):
    d = world.receive()
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    perform(d, "assign", actor=world.leader, at=vn(2025, 7, 7, 11), assignee=world.specialist)
    portal.fail_progress_after = 1  # accepts "receive", then is overloaded

    report = services.push_due(adapter=adapter)

    assert (report.failed, report.progress_pushed) == (1, 1)
    state = state_of(d)
    assert state.status == SyncStatus.ERROR
    assert state.last_event == d.events.get(action="receive")

    portal.fail_progress_after = None
    services.push_due(now=timezone.now() + timedelta(minutes=5), adapter=adapter)

    assert state_of(d).status == SyncStatus.SYNCED
    assert [p["NoiDungXuLy"] for p in portal.progress_of(d.code)] == [
        "Tiếp nhận hồ sơ",
        "Chuyển xử lý",
        "Phân công chuyên viên",
    ]


def test_an_event_recorded_while_pushing_leaves_the_dossier_not_synced(world, portal, adapter):
    d = world.receive()

    class OfficerActsMeanwhile(HttpPortalAdapter):
        """Between the dossier push and its progress, the officer forwards the dossier."""

        acted = False

        def push_progress(self, payload):
            super().push_progress(payload)
            if not self.acted:
                self.acted = True
                perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))

    racing = OfficerActsMeanwhile(
        base_url=adapter.login_url.rsplit("/", 1)[0],
        username=adapter.username,
        password=adapter.password,
        unit_code=adapter.unit_code,
    )
    # The worker read the events before the forward was recorded: it pushes only "receive".
    report = services.push_due(adapter=racing)

    assert (report.synced, report.progress_pushed) == (0, 1)
    state = state_of(d)
    assert state.status == SyncStatus.NOT_SYNCED  # the forward still has to go
    assert state.last_event == d.events.get(action="receive")
    assert state.claimed_by == ""

    report = services.push_due(adapter=adapter)
    assert (report.synced, report.progress_pushed) == (1, 1)
    assert [p["NoiDungXuLy"] for p in portal.progress_of(d.code)] == [
        "Tiếp nhận hồ sơ",
        "Chuyển xử lý",
    ]


def test_an_expired_session_is_renewed_once(world, portal, adapter):
    d = world.receive()
    services.push_due(adapter=adapter)
    portal.expire_sessions()
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))

    report = services.push_due(adapter=adapter)

    assert report.synced == 1
    assert len(portal.calls("login")) == 2
    assert portal.calls("login")[0] == {"username": USERNAME, "password": "mat-khau-thu"}


def test_refused_credentials_are_an_error_retried_at_the_longest_delay(world, portal):
    d = world.receive()
    wrong = HttpPortalAdapter(base_url=portal.url, username="ai-do", password="sai", timeout=5)
    now = timezone.now()

    report = services.push_due(now=now, adapter=wrong)

    assert report.failed == 1
    state = state_of(d)
    assert state.status == SyncStatus.ERROR
    assert state.next_attempt_at == now + services.LONGEST_RETRY
    assert "login" in state.last_error


def test_unreachable_portal_is_a_temporary_error(world):
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    nowhere = HttpPortalAdapter(base_url="http://127.0.0.1:9", username="x", password="y")
    with pytest.raises(PortalError) as caught:
        nowhere.push_progress({"MaHoSo": "x"})
    assert caught.value.temporary


def test_errors_are_stored_and_logged_masked(world, caplog):
    d = world.receive()

    class Echoing:
        def push_dossier(self, payload):
            raise PortalError(f"rejected MaDoiTuong {payload['MaDoiTuong']} SDT 0912345678")

    services.push_due(adapter=Echoing())

    state = state_of(d)
    assert GOOD_ID not in state.last_error
    assert "*********345" in state.last_error
    assert "0912345678" not in state.last_error
    assert GOOD_ID not in caplog.text
    assert "0912345678" not in caplog.text


def test_more_due_than_the_limit_asks_to_run_again_at_once(world, adapter):
    world.receive()
    world.receive()
    now = timezone.now()

    report = services.push_due(now=now, limit=1, adapter=adapter)

    assert (report.claimed, report.synced) == (1, 1)
    assert report.run_again_at == now
    assert services.push_due(adapter=adapter).synced == 1


def test_the_supplement_history_moves_the_appointment(world, portal, adapter):
    d = world.receive(at=vn(2025, 7, 7, 9))
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    perform(
        d,
        "request_supplement",
        actor=world.specialist,
        at=vn(2025, 7, 8, 9),
        items=["Bản sao giấy khai sinh"],
        reason="Thiếu giấy tờ",
    )
    perform(d, "receive_supplement", actor=world.reception, at=vn(2025, 7, 11, 10))

    services.push_due(adapter=adapter)

    [supplement] = portal.dossiers[d.code]["DanhSachHoSoBoSung"]
    assert supplement["NoiDungBoSung"] == "Bản sao giấy khai sinh"
    assert supplement["NgayBoSung"] == "20250708090000"
    assert supplement["NgayHenTraTruoc"] == "20250710090000"
    assert supplement["NgayHenTraMoi"] == "20250716100000"
    assert portal.dossiers[d.code]["NgayHenTra"] == "20250716100000"
    assert [p["TrangThai"] for p in portal.progress_of(d.code)] == ["2", "4", "5", "4"]
