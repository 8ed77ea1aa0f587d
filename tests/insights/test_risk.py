"""Overdue risk on hand-built histories.

The world's procedure has a legal time of 3 working days (24 working hours) split into reception
4 h, specialist 12 h and leader 8 h. Received on Monday 28 July 2025 at 09:00, a dossier is due on
Thursday 31 July at 09:00. "Now" is passed in explicitly, so nothing depends on the clock.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers import services
from motcua.dossiers.queries import inbox
from motcua.insights.risk import Level, risks_for, sort_by_risk, typical_step_hours
from tests.insights.step_history import at_specialist, handled, later
from tests.world import PASSWORD, make_procedure, vn

MONDAY = vn(2025, 7, 28, 9)
HISTORY_MONDAYS = [vn(2025, 6, d, 9) for d in (2, 9, 16, 23, 30)]


def slow_specialists_history(world, how_many=5):
    """Recent dossiers of commune A whose specialists took 36 working hours, three times their
    12-hour budget, and whose leader signed within 2 hours."""
    for received in HISTORY_MONDAYS[:how_many]:
        handled(world, received, reception=0.5, specialist=36, leader=2)


def risk(dossier, now):
    return risks_for([dossier], now)[dossier.pk]


def test_a_dossier_far_along_with_plenty_of_time_is_low(world):
    dossier = at_specialist(world, MONDAY)
    proposed = vn(2025, 7, 28, 11)
    services.perform(dossier, "assign", actor=world.leader, at=proposed, assignee=world.specialist)
    services.perform(dossier, "propose", actor=world.specialist, at=proposed)

    result = risk(dossier, vn(2025, 7, 28, 11, 30))

    # No history: the leader's 8-hour budget, half an hour of it used; 21.5 working hours remain
    # until Thursday 09:00 (½ + 4 on Monday, 8 + 8, then 1 on Thursday).
    assert result.level == Level.LOW
    assert result.remaining_work_hours == Decimal("7.50")
    assert result.remaining_hours == Decimal("21.50")
    assert result.score == Decimal("0.35")
    assert result.expected_finish == vn(2025, 7, 29, 11)
    assert result.label == "Trong hạn"


def test_slow_specialists_make_a_fresh_dossier_high_risk_days_before_its_due(world):
    slow_specialists_history(world)
    dossier = at_specialist(world, MONDAY)
    now = vn(2025, 7, 28, 10)

    result = risk(dossier, now)

    assert dossier.due_at - now > timedelta(days=2)
    # Usual specialist time 36 h (half an hour already spent) + usual leader time 2 h, against
    # 23 working hours left (2 + 4 on Monday, 8 + 8, 1 on Thursday).
    assert result.remaining_work_hours == Decimal("37.50")
    assert result.remaining_hours == Decimal("23.00")
    assert result.score == Decimal("1.63")
    assert result.level == Level.HIGH
    assert result.label == "Nguy cơ trễ cao"
    assert result.expected_finish > dossier.due_at


def test_with_too_few_samples_the_budgets_are_used(world):
    slow_specialists_history(world, how_many=4)
    dossier = at_specialist(world, MONDAY)
    now = vn(2025, 7, 28, 10)

    fewer = risk(dossier, now)
    # Budgets: 12 h specialist (½ used) + 8 h leader.
    assert fewer.remaining_work_hours == Decimal("19.50")
    assert fewer.level == Level.MEDIUM  # 19.5 / 23 = 0.85

    handled(world, HISTORY_MONDAYS[4], reception=0.5, specialist=36, leader=2)
    assert risk(dossier, now).remaining_work_hours == Decimal("37.50")


def test_typical_hours_need_five_recent_hand_overs(world):
    slow_specialists_history(world, how_many=4)
    now = vn(2025, 7, 28, 10)
    assert typical_step_hours([world.a.pk], now) == {}
    handled(world, HISTORY_MONDAYS[4], reception=0.5, specialist=36, leader=2)
    assert typical_step_hours([world.a.pk], now) == {
        (world.a.pk, "reception"): Decimal("0.5"),
        (world.a.pk, "specialist"): Decimal(36),
        (world.a.pk, "leader"): Decimal(2),
    }
    # History older than 90 days is not recent any more; another commune has none.
    assert typical_step_hours([world.a.pk], now + timedelta(days=90)) == {}
    assert typical_step_hours([world.b.pk], now) == {}


def test_a_step_cut_short_by_a_supplement_request_is_not_a_sample(world):
    for received in HISTORY_MONDAYS:
        dossier = at_specialist(world, received)
        services.perform(
            dossier,
            "request_supplement",
            actor=world.specialist,
            at=later(dossier, received, 1),
            items=["Bản sao giấy khai sinh"],
            reason="Thiếu giấy tờ",
        )
    typical = typical_step_hours([world.a.pk], vn(2025, 7, 28, 10))
    # Five reception hand-overs count; the five specialist steps ended by the request do not.
    assert set(typical) == {(world.a.pk, "reception")}


def test_a_step_past_its_usual_time_still_counts_a_quarter_of_it(world):
    ten_days = make_procedure(code="1.000010", amount=10)
    dossier = world.receive(at=vn(2025, 7, 21, 9), procedure=ten_days)
    services.perform(dossier, "forward", actor=world.reception, at=vn(2025, 7, 21, 9, 30))

    result = risk(dossier, vn(2025, 7, 28, 10))

    # 40.5 working hours at the specialist against a 12-hour budget: 3 h still counted, plus the
    # leader's 8 h; 39 working hours left until Monday 4 August 09:00 (6 + 4 × 8 + 1).
    assert result.remaining_work_hours == Decimal("11.00")
    assert result.remaining_hours == Decimal("39.00")
    assert result.level == Level.LOW


def test_a_past_due_dossier_is_overdue(world):
    dossier = at_specialist(world, vn(2025, 7, 7, 9))
    result = risk(dossier, vn(2025, 7, 28, 10))
    assert result.level == Level.OVERDUE
    assert result.label == "Đã quá hạn"
    # Due Thursday 10 July 09:00: 7 h that day, 8 h on Friday, two full weeks, 2 h on Monday.
    assert result.remaining_hours == Decimal("-97.00")


def test_a_dossier_waiting_for_a_supplement_is_paused(world):
    dossier = world.receive(at=MONDAY)
    services.perform(
        dossier,
        "request_supplement",
        actor=world.reception,
        at=vn(2025, 7, 28, 10),
        items=["Giấy tờ chứng minh nhân thân"],
        reason="Bản chụp mờ",
    )
    dossier.refresh_from_db()

    result = risk(dossier, vn(2025, 8, 28, 10))

    assert result.level == Level.PAUSED
    assert result.label == "Tạm dừng (chờ bổ sung)"
    assert result.score is None and result.expected_finish is None


def test_a_dossier_with_its_result_ready_is_no_longer_at_risk(world):
    dossier = handled(world, MONDAY, specialist=2, leader=1)
    assert risk(dossier, vn(2025, 8, 28, 10)).level == Level.FINISHED


@pytest.fixture
def mixed(world):
    slow_specialists_history(world)
    low = at_specialist(world, MONDAY)  # already with the leader, who signs within 2 hours
    services.perform(low, "assign", actor=world.leader, at=MONDAY, assignee=world.specialist)
    services.perform(low, "propose", actor=world.specialist, at=vn(2025, 7, 28, 9, 45))
    high = at_specialist(world, MONDAY)
    overdue = at_specialist(world, vn(2025, 7, 7, 9))
    paused = world.receive(at=MONDAY)
    services.perform(
        paused,
        "request_supplement",
        actor=world.reception,
        at=vn(2025, 7, 28, 9, 30),
        items=["Tờ khai"],
        reason="Chưa ký",
    )
    return {"low": low, "high": high, "overdue": overdue, "paused": paused}


def test_sort_by_risk_puts_the_most_at_risk_first(world, mixed):
    now = vn(2025, 7, 28, 10)
    dossiers = [mixed[k] for k in ("paused", "low", "high", "overdue")]
    for d in dossiers:
        d.refresh_from_db()
    risks = risks_for(dossiers, now)
    assert {k: risks[d.pk].level for k, d in mixed.items()} == {
        "low": Level.LOW,
        "high": Level.HIGH,
        "overdue": Level.OVERDUE,
        "paused": Level.PAUSED,
    }
    ordered = sort_by_risk(dossiers, now)
    assert sort_by_risk(dossiers, now, risks=risks) == ordered
    assert [d.pk for d in ordered] == [mixed[k].pk for k in ("overdue", "high", "low", "paused")]


def test_risks_for_makes_the_same_few_queries_however_many_dossiers(
    world, mixed, django_assert_max_num_queries
):
    now = vn(2025, 7, 28, 10)
    for day in (1, 8, 15, 22, 25):  # more open dossiers, in another commune too
        at_specialist(world, vn(2025, 7, day, 9))
        at_specialist(world, vn(2025, 7, day, 9), officers=world.officers_b)
    watched = list(inbox(world.monitor))
    assert len(watched) >= 14
    with django_assert_max_num_queries(2):  # usual step times, centres' office hours
        risks = risks_for(watched, now)
    assert {r.level for r in risks.values()} >= {Level.OVERDUE, Level.HIGH, Level.PAUSED}
    plain = list(world.a.competent_dossiers.all())
    with django_assert_max_num_queries(3):  # and the running steps
        risks_for(plain, now)


def test_the_inbox_lists_the_most_at_risk_first_with_a_risk_tag(client, world):
    now = timezone.now()
    paused = world.receive(at=now - timedelta(days=40))
    services.perform(
        paused,
        "request_supplement",
        actor=world.reception,
        at=now - timedelta(days=40),
        items=["Tờ khai"],
        reason="Chưa ký",
    )
    # Exactly on the budgets' plan (no history): no time to spare.
    fresh = world.receive(at=now)
    overdue = world.receive(at=now - timedelta(days=30))  # due within 3 working days of that
    admin = world.officers_a["commune_admin"]  # watches every open dossier of the commune
    assert client.login(username=admin.username, password=PASSWORD)

    page = client.get(reverse("dossiers:inbox")).content.decode()

    positions = [page.index(d.code) for d in (overdue, fresh, paused)]
    assert positions == sorted(positions)
    assert "Đã quá hạn" in page and "Cần chú ý" in page and "Tạm dừng (chờ bổ sung)" in page


def test_a_watch_list_too_long_to_sort_keeps_due_order_and_still_shows_risk(
    client, world, monkeypatch
):
    from motcua.desk import views

    monkeypatch.setattr(views, "RISK_SORT_LIMIT", 1)  # as if the province had thousands open
    now = timezone.now()
    fresh = world.receive(at=now)
    paused = world.receive(at=now - timedelta(days=40))  # due long ago, then the clock stopped
    services.perform(
        paused,
        "request_supplement",
        actor=world.reception,
        at=now - timedelta(days=40),
        items=["Tờ khai"],
        reason="Chưa ký",
    )
    assert client.login(username=world.monitor.username, password=PASSWORD)

    page = client.get(reverse("dossiers:inbox")).content.decode()

    # By risk the paused dossier would come last; by due time it comes first.
    assert page.index(paused.code) < page.index(fresh.code)
    assert "xếp theo hạn trả" in page
    assert "Tạm dừng (chờ bổ sung)" in page and "Cần chú ý" in page
