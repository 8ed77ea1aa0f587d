"""The service-index pages end to end: rollups, ranking, a commune's criteria, the dossiers behind a
criterion, what-if, the monitor's inputs, snapshots, and who may see what."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from motcua.dossiers.models import Channel, Timeliness
from motcua.insights import ranking, rollups, snapshots
from motcua.insights.models import CommuneMonth, IndexSnapshot, ProvinceMonthInput
from motcua.insights.periods import parse
from tests.insights.support import bulk_dossiers
from tests.world import PASSWORD, vn

MONTH = parse("2025-09")
LATER = vn(2025, 10, 20, 9)


@pytest.fixture
def september(world):
    """Commune a: 10 dossiers, 2 late; commune b: 10 dossiers, all early, 5 online."""
    received = vn(2025, 9, 10, 9)
    done = received + timedelta(days=1)
    bulk_dossiers(world, 8, received=received, finished=done, timeliness=Timeliness.EARLY)
    bulk_dossiers(world, 2, received=received, finished=done, timeliness=Timeliness.LATE)
    bulk_dossiers(world, 5, commune=world.b, received=received, finished=done, timeliness="early")
    bulk_dossiers(
        world,
        5,
        commune=world.b,
        received=received,
        finished=done,
        timeliness="early",
        channel=Channel.ONLINE,
    )
    return world


def signed_in(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_ranking_puts_the_commune_with_more_on_time_dossiers_first(september):
    rows = ranking.ranking(september.hanoi.pk, MONTH, now=LATER)
    assert [r.commune_id for r in rows] == [september.b.pk, september.a.pk]
    assert [r.rank for r in rows] == [1, 2]
    a_row = rows[1]
    assert a_row.groups["tien_do_giai_quyet"] == 16.0  # 20 × 8/10
    assert rows[0].total - a_row.total >= Decimal("4.00")


def test_communes_without_dossiers_have_no_rank_and_ties_share_one(world):
    received = vn(2025, 9, 10, 9)
    for commune in (world.a, world.b):
        bulk_dossiers(world, 3, commune=commune, received=received)
    rows = ranking.ranking(world.hanoi.pk, MONTH, now=LATER)
    assert [r.rank for r in rows] == [1, 1]
    assert ranking.competition_ranks({1: Decimal(80), 2: Decimal(80), 3: Decimal(70), 4: None}) == {
        1: 1,
        2: 1,
        3: 3,
        4: None,
    }


def test_a_dossier_change_marks_its_month_dirty_and_the_worker_recomputes_it(world):
    from django.core.cache import cache
    from django_tasks_db.models import DBTaskResult

    from motcua.insights import tasks

    cache.clear()
    dossier = world.receive(at=vn(2025, 9, 8, 9))
    rollups.refresh_province_month(world.hanoi.pk, MONTH, now=LATER)
    row = CommuneMonth.objects.get(commune=world.a, month=MONTH.first)
    assert row.figures["received"] == 1 and not row.dirty
    from motcua.dossiers import services

    services.perform(dossier, "withdraw", actor=world.reception, at=vn(2025, 9, 9), reason="Rút")
    row.refresh_from_db()
    assert row.dirty
    ranking.ranking(world.hanoi.pk, MONTH, now=LATER)  # answers at once with what it has ...
    row.refresh_from_db()
    assert row.dirty and row.figures["settled"] == 0
    queued = DBTaskResult.objects.get(task_path=tasks.refresh_province_month.module_path)
    tasks.refresh_province_month.call(*queued.args_kwargs["args"])  # ... and the worker catches up
    row.refresh_from_db()
    assert not row.dirty and row.figures["settled"] == 1


def test_province_inputs_are_inherited_by_every_commune(september, client):
    signed_in(client, "monitor.hanoi")
    response = client.post(
        reverse("insights:inputs") + "?month=2025-09",
        {
            "form": "province",
            "month": "2025-09",
            "tthc_published_on_time": "41",
            "tthc_published_total": "46",
            "tthc_public_on_time": "60",
            "tthc_public_required": "64",
            "tthc_public_complete": "1842",
            "tthc_public_total": "1880",
        },
    )
    assert response.status_code == 302
    rows = ranking.ranking(september.hanoi.pk, MONTH, now=LATER)
    for row in rows:
        row_scores = CommuneMonth.objects.get(commune_id=row.commune_id, month=MONTH.first).scores
        assert row_scores["criteria"]["1.1_PUBLISH_ON_TIME"] == 5.35
        assert row_scores["criteria"]["1.2_PUBLIC_UPDATE_ON_TIME"] == 3.75


def test_a_part_larger_than_its_whole_is_refused_and_nothing_is_saved(september, client):
    signed_in(client, "monitor.hanoi")
    response = client.post(
        reverse("insights:inputs"),
        {
            "form": "province",
            "month": "2025-09",
            "tthc_published_on_time": "50",
            "tthc_published_total": "46",
            "tthc_public_on_time": "1",
            "tthc_public_required": "1",
            "tthc_public_complete": "1",
            "tthc_public_total": "1",
        },
    )
    assert response.status_code == 422
    assert "không được lớn hơn" in response.content.decode()
    response = client.post(
        reverse("insights:inputs"),
        {"form": "province", "month": "2025-09", "tthc_public_total": "x"},
    )
    assert response.status_code == 422
    assert "Nhập một số nguyên không âm." in response.content.decode()
    assert not ProvinceMonthInput.objects.exists()


def test_a_monitor_enters_what_motcua_does_not_measure_for_one_commune(september, client):
    signed_in(client, "monitor.hanoi")
    response = client.post(
        reverse("insights:inputs"),
        {
            "form": "commune",
            "month": "2025-09",
            "commune": september.a.code,
            "certified_copy_e_service": "on",
            "petitions_in_period": "4",
            "petitions_handled_on_time": "2",
            "petitions_negative": "1",
        },
    )
    assert response.status_code == 302
    rollups.ensure_fresh(september.hanoi.pk, MONTH, now=LATER)
    scores = CommuneMonth.objects.get(commune=september.a, month=MONTH.first).scores["criteria"]
    assert scores["4.x_ELECTRONIC_CERTIFIED_COPY"] == 2.0
    assert scores["5.2_PETITION_PROCESSING_ON_TIME"] == 3.0  # 6 × 2/4
    assert scores["5.3_PETITION_HANDLING_SATISFACTION"] == 4.5  # 6 × 3/4


def test_the_monitor_ranking_page_lists_the_communes_and_exports(september, client):
    signed_in(client, "monitor.hanoi")
    page = client.get(reverse("insights:ranking") + "?month=2025-09")
    assert page.status_code == 200
    text = page.content.decode()
    assert september.a.name in text and september.b.name in text
    assert september.h.name not in text
    sheet = client.get(reverse("insights:ranking") + "?month=2025-09&format=csv")
    assert sheet.status_code == 200 and september.b.name in sheet.content.decode("utf-8-sig")


def test_a_monitor_of_hue_cannot_read_hanoi_communes(september, client):
    signed_in(client, "monitor.hue")
    page = client.get(reverse("insights:ranking") + "?month=2025-09")
    assert september.a.name not in page.content.decode()
    url = reverse("insights:commune_index", args=[september.a.code, "2025-09"])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("insights:dashboard") + f"?commune={september.a.code}").status_code
        == 404
    )


def test_a_commune_leader_sees_only_their_commune(september, client):
    signed_in(client, "a.leader")
    assert client.get(reverse("insights:ranking")).status_code == 404
    own = client.get(reverse("insights:commune_index", args=[september.a.code, "2025-09"]))
    assert own.status_code == 200
    other = reverse("insights:commune_index", args=[september.b.code, "2025-09"])
    assert client.get(other).status_code == 404
    assert (
        client.get(reverse("insights:dashboard") + f"?commune={september.b.code}").status_code
        == 404
    )
    assert client.get(reverse("insights:inputs")).status_code == 404


def test_a_criterion_lists_the_dossiers_behind_its_numerator(september, client):
    signed_in(client, "monitor.hanoi")
    url = reverse("insights:criterion", args=[september.a.code, "2025-09", "2.1_ON_TIME"])
    page = client.get(url + "?side=numerator")
    assert page.status_code == 200
    assert page.context["chosen"]["name"] == "dossiers_on_time"
    assert page.context["page_obj"].paginator.count == 8
    denominator = client.get(url + "?side=denominator")
    assert denominator.context["page_obj"].paginator.count == 10


def test_what_if_shows_the_new_score_and_rank_without_storing(september, client):
    signed_in(client, "a.leader")
    url = reverse("insights:whatif", args=[september.a.code, "2025-09"])
    before = CommuneMonth.objects.filter(commune=september.a).values_list("inputs", flat=True)
    response = client.post(
        url,
        {
            "commune.dossiers_on_time": "10",
            "commune.online_services_with_online_dossier": "1",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    after = response.context["after"]
    assert after.total > response.context["before"].total
    assert response.context["rank"] == 1
    assert list(
        CommuneMonth.objects.filter(commune=september.a).values_list("inputs", flat=True)
    ) == list(before)
    wrong = client.post(url, {"commune.dossiers_on_time": "11"}, HTTP_HX_REQUEST="true")
    assert wrong.status_code == 422


def test_freezing_keeps_the_month_as_it_was_on_the_cut_off_day(september):
    cut_off = vn(2025, 10, 5, 1)
    assert snapshots.due_month(september.hanoi.pk, vn(2025, 10, 4, 9)) is None
    assert snapshots.freeze_due(now=cut_off) == {}  # nothing computed yet: nothing to freeze
    rollups.refresh_province_month(september.hanoi.pk, MONTH, now=cut_off)
    assert snapshots.freeze_due(now=cut_off) == {"01": 2}
    frozen = {s.commune_id: s.total for s in IndexSnapshot.objects.all()}
    late = bulk_dossiers(september, 10, received=vn(2025, 9, 20, 9), due=vn(2025, 9, 22, 17))
    rollups.mark_dirty(late[0])  # what their intake event would have done
    rollups.refresh_dirty(now=LATER)  # what the worker would have done
    live = ranking.ranking(september.hanoi.pk, MONTH, now=LATER)
    kept = ranking.ranking(september.hanoi.pk, MONTH, frozen=True, now=LATER)
    assert {r.commune_id: r.total for r in kept} == frozen
    assert {r.commune_id: r.total for r in live} != frozen
    assert snapshots.freeze(september.hanoi.pk, MONTH, now=LATER) == 0  # once only


def test_the_ranking_api_answers_a_monitor_of_that_province_only(september, client):
    url = "/api/v1/index/communes"
    assert client.get(url, {"province": "01", "month": "2025-09"}).status_code == 401
    signed_in(client, "monitor.hanoi")
    body = client.get(url, {"province": "01", "month": "2025-09"}).json()
    assert [(c["code"], c["rank"]) for c in body["communes"]] == [
        (september.b.code, 1),
        (september.a.code, 2),
    ]
    assert body["communes"][1]["groups"]["tien_do_giai_quyet"] == 16.0
    assert client.get(url, {"province": "46", "month": "2025-09"}).status_code == 404
    wrong = client.get(url, {"province": "01", "month": "2025-9-1"})
    assert wrong.status_code == 422 and "2026-10" in wrong.json()["message"]
    client.logout()
    signed_in(client, "a.leader")
    assert client.get(url, {"province": "01", "month": "2025-09"}).status_code == 404


def test_an_entry_that_no_longer_fits_is_set_aside_not_fatal(september, client):
    from django.utils import timezone

    from motcua.insights.models import CommuneMonthInput

    CommuneMonthInput.objects.create(  # entered earlier; the commune since applies no fee procedure
        commune=september.a,
        month=MONTH.first,
        overrides={"fee_procedures_with_online_payment": 5},
        entered_at=timezone.now(),
    )
    rows = ranking.ranking(september.hanoi.pk, MONTH, now=LATER)
    assert [r.rank for r in rows] == [1, 2]
    signed_in(client, "a.leader")
    page = client.get(reverse("insights:commune_index", args=[september.a.code, "2025-09"]))
    assert "không còn khớp" in page.content.decode()


def test_a_stale_month_is_refreshed_by_the_worker_not_while_the_reader_waits(world):
    from django.core.cache import cache
    from django_tasks_db.models import DBTaskResult

    from motcua.insights import tasks

    cache.clear()
    now = vn(2025, 9, 20, 9)  # September is still running
    bulk_dossiers(world, 2, received=vn(2025, 9, 1, 9), due=vn(2025, 9, 25, 17))
    rollups.refresh_province_month(world.hanoi.pk, MONTH, now=now)
    later = vn(2025, 9, 26, 9)
    assert rollups.ensure_fresh(world.hanoi.pk, MONTH, now=later) == 0
    row = CommuneMonth.objects.get(commune=world.a, month=MONTH.first)
    assert row.figures["overdue"] == 0  # the reader got the values it had, at once
    queued = DBTaskResult.objects.filter(task_path=tasks.refresh_province_month.module_path)
    assert queued.count() == 1
    rollups.ensure_fresh(world.hanoi.pk, MONTH, now=later)
    assert queued.count() == 1  # once per window
    tasks.refresh_province_month.call(world.hanoi.pk, "2025-09")  # what the worker runs
    row.refresh_from_db()
    assert row.figures["in_progress"] == 2


def test_the_criteria_of_a_commune_download_as_csv(september, client):
    signed_in(client, "a.leader")
    url = reverse("insights:commune_index", args=[september.a.code, "2025-09"])
    rows = client.get(url, {"format": "csv"}).content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Nhóm tiêu chí,Mã,Tiêu chí,Tử số,Mẫu số")
    on_time = next(r for r in rows if ",2.1," in r)
    assert on_time.endswith(",8,10,80.00,16.00,20.00")
    assert rows[-1].startswith("Tổng điểm,")


def test_refresh_insights_recomputes_marked_months_and_says_what_is_wrong(world):
    from io import StringIO

    from django.core.management import CommandError, call_command

    world.receive(at=vn(2025, 9, 8, 9))  # its intake event marks September dirty
    out = StringIO()
    call_command("refresh_insights", stdout=out, stderr=StringIO())
    assert "dòng số liệu tháng đã được tính lại" in out.getvalue()
    row = CommuneMonth.objects.get(commune=world.a, month=MONTH.first)
    assert not row.dirty and row.figures["received"] == 1
    call_command("refresh_insights", province="01", month="2025-09", stdout=out, stderr=StringIO())
    assert CommuneMonth.objects.filter(month=MONTH.first).count() == 2
    with pytest.raises(CommandError, match="Không có tỉnh mã 99"):
        call_command("refresh_insights", province="99", month="2025-09")
    with pytest.raises(CommandError, match="2026-10"):
        call_command("refresh_insights", province="01", month="09/2025")


def test_a_wrong_month_or_a_commune_not_in_force_says_so(september, client):
    from datetime import date

    signed_in(client, "monitor.hanoi")
    bad = client.get(reverse("insights:commune_index", args=[september.a.code, "2025-9"]))
    assert bad.status_code == 400 and "2026-10" in bad.content.decode()
    whatif = reverse("insights:whatif", args=[september.a.code, "thang-9"])
    assert client.post(whatif, {}).status_code == 400
    september.b.valid_from = date(2025, 10, 1)  # b did not exist yet in September
    september.b.save()
    gone = client.get(reverse("insights:commune_index", args=[september.b.code, "2025-09"]))
    assert gone.status_code == 404
