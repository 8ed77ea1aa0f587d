"""The synced share (service index 1.4), the officers' sync panel, the admin, the demo stand-in
portal and the cron commands."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.management import call_command
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import perform
from motcua.dvcqg import services, tasks
from motcua.dvcqg.adapters import (
    FAKE_ONLINE_DOSSIER,
    PUSH_DOSSIER,
    PUSH_PROGRESS,
    FakePortalAdapter,
    get_adapter,
)
from motcua.dvcqg.models import FakePortalRecord, PulledDossier, SyncState, SyncStatus
from motcua.dvcqg.payloads import parse_portal_datetime, portal_datetime
from motcua.dvcqg.queries import sync_state_of, synced_count, synced_share
from tests.dvcqg.test_pull import online_row
from tests.world import vn


def test_synced_share_counts_dossiers_whose_every_change_reached_the_portal(world, adapter):
    assert synced_share(Dossier.objects.all()) is None  # no dossiers, no ratio

    first, second, third = world.receive(), world.receive(), world.receive()
    services.push_due(adapter=adapter)
    assert synced_share(Dossier.objects.all()) == Decimal(1)

    perform(second, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))  # not pushed yet
    SyncState.objects.filter(dossier=third).delete()  # as if never tracked

    assert synced_count(Dossier.objects.all()) == 1
    assert synced_share(Dossier.objects.all()) == Decimal(1) / Decimal(3)
    assert synced_share(Dossier.objects.filter(pk=first.pk)) == Decimal(1)
    assert synced_share(Dossier.objects.filter(pk=second.pk)) == Decimal(0)


def test_sync_panel_for_officers(world):
    d = world.receive()
    html = render_to_string("dvcqg/_sync_state.html", {"dossier": d, "sync_state": None})
    assert "Đồng bộ Cổng Dịch vụ công quốc gia" in html
    assert "Chưa có dữ liệu cần gửi lên Cổng" in html

    state = sync_state_of(d)
    html = render_to_string("dvcqg/_sync_state.html", {"dossier": d, "sync_state": state})
    assert 'data-sync-status="not_synced"' in html
    assert "mc-tag--amber" in html

    SyncState.objects.filter(pk=state.pk).update(
        status=SyncStatus.ERROR,
        attempts=3,
        last_error="DongBoHoSoMC: HTTP 503",
        next_attempt_at=vn(2025, 7, 7, 9, 30),
    )
    html = render_to_string("dvcqg/_sync_state.html", {"sync_state": sync_state_of(d)})
    assert "Lỗi đồng bộ" in html and "mc-tag--red" in html
    assert "DongBoHoSoMC: HTTP 503" in html
    assert "09:30 ngày 07/07/2025" in html
    assert "đã thử 3 lần" in html

    SyncState.objects.filter(pk=state.pk).update(
        status=SyncStatus.SYNCED, last_synced_at=vn(2025, 7, 7, 9, 5)
    )
    html = Template("{% load dvcqg %}{% dvcqg_sync_state dossier %}").render(
        Context({"dossier": d})
    )
    assert "Đã đồng bộ" in html and "mc-tag--green" in html
    assert "09:05 ngày 07/07/2025" in html


def test_admin_retry_now_makes_dossiers_due_and_enqueues_a_push(world, monkeypatch):
    d = world.receive()
    later = timezone.now() + timedelta(hours=3)
    SyncState.objects.filter(dossier=d).update(status=SyncStatus.ERROR, next_attempt_at=later)
    superuser = User.objects.create_superuser("root", password="x")
    request = RequestFactory().post("/admin/dvcqg/syncstate/")
    request.user = superuser
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin = admin.site._registry[SyncState]

    assert model_admin.has_retry_permission(request)
    scheduled = []
    monkeypatch.setattr(tasks, "push_after_commit", lambda: scheduled.append(True))

    model_admin.retry_now(request, SyncState.objects.filter(dossier=d))

    state = sync_state_of(d)
    assert state.status == SyncStatus.ERROR  # until the push succeeds
    assert state.next_attempt_at <= timezone.now()
    assert scheduled == [True]
    assert not model_admin.has_change_permission(request)
    assert not admin.site._registry[FakePortalRecord].has_add_permission(request)


def test_the_demo_stand_in_records_what_it_receives(world, settings):
    settings.MOTCUA_DVCQG_ADAPTER = "fake"
    assert isinstance(get_adapter(), FakePortalAdapter)
    d = world.receive()
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    out = StringIO()

    call_command("dvcqg_push", stdout=out)

    assert "1 dossier(s) pushed: 1 synced, 0 failed" in out.getvalue()
    records = list(FakePortalRecord.objects.values_list("service", "dossier_code"))
    assert records == [(PUSH_DOSSIER, d.code), (PUSH_PROGRESS, d.code), (PUSH_PROGRESS, d.code)]
    assert FakePortalRecord.objects.first().payload["TrangThaiHoSo"] == "4"
    # It hands out online dossiers only when some were placed on it.
    assert FakePortalAdapter().fetch_online_dossiers() == []


def test_the_pull_command_imports_what_was_placed_on_the_stand_in(world, settings):
    settings.MOTCUA_DVCQG_ADAPTER = "fake"
    FakePortalAdapter.place_online_dossier(online_row())
    FakePortalAdapter.place_online_dossier(online_row(MaHoSo="X-2", MaTTHC="2.000000"))
    assert FakePortalRecord.objects.filter(service=FAKE_ONLINE_DOSSIER).count() == 2
    out, err = StringIO(), StringIO()

    call_command("dvcqg_pull", stdout=out, stderr=err)
    call_command("dvcqg_pull", stdout=out, stderr=err)

    assert "2 online dossier(s) on the portal: 1 imported, 0 already here, 1 not imported" in (
        out.getvalue()
    )
    assert "1 already here" in out.getvalue().splitlines()[-1]
    assert "X-2" in err.getvalue()
    assert PulledDossier.objects.count() == 1


def test_the_push_command_backfills_dossiers_recorded_before_the_sync(world, settings):
    settings.MOTCUA_DVCQG_ADAPTER = "fake"
    d = world.receive()
    SyncState.objects.all().delete()
    out = StringIO()

    call_command("dvcqg_push", "--backfill", stdout=out)

    assert "1 dossier(s) added to the sync." in out.getvalue()
    assert sync_state_of(d).status == SyncStatus.SYNCED


def test_portal_dates_are_vietnam_time_without_zone():
    assert portal_datetime(vn(2025, 12, 31, 23, 59, 58)) == "20251231235958"
    assert portal_datetime(None) == ""
    assert parse_portal_datetime("20251231235958") == vn(2025, 12, 31, 23, 59, 58)
    assert parse_portal_datetime("31/12/2025") is None
    assert parse_portal_datetime("") is None
