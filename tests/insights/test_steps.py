"""Step bottlenecks on a hand-built July 2025 in commune A: two specialists, one of them slow.

Budgets (world procedure): reception 4 h, specialist 12 h, leader 8 h.
"""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from motcua.accounts.models import Role, User
from motcua.dossiers import services
from motcua.insights import periods, steps
from tests.insights.step_history import at_specialist, handled, later, second_specialist
from tests.world import PASSWORD, vn

JULY = periods.parse("2025-07")
AUGUST = periods.parse("2025-08")
NOW = vn(2025, 8, 5, 10)


@pytest.fixture
def july(world):
    fast = world.specialist
    slow = second_specialist(world)
    for day in (7, 14, 21):
        handled(world, vn(2025, 7, day, 9), reception=0.5, specialist=6, leader=2, by=fast)
    for day in (8, 15):  # 30 working hours each: two and a half times the budget, late
        handled(world, vn(2025, 7, day, 9), reception=0.5, specialist=30, leader=2, by=slow)
    # Still with the slow specialist, far past the step's due time (Tuesday 29 July 13:30).
    stuck = at_specialist(world, vn(2025, 7, 28, 9))
    services.perform(stuck, "assign", actor=world.leader, at=vn(2025, 7, 28, 10), assignee=slow)
    # A specialist step cut short by a supplement request is not a hand-over.
    waiting = at_specialist(world, vn(2025, 7, 9, 9))
    services.perform(waiting, "assign", actor=world.leader, at=vn(2025, 7, 9, 10), assignee=fast)
    services.perform(
        waiting,
        "request_supplement",
        actor=fast,
        at=later(waiting, vn(2025, 7, 9, 10), 1),
        items=["Bản sao giấy khai sinh"],
        reason="Thiếu giấy tờ",
    )
    # Outside July or outside the commune: not counted.
    handled(world, vn(2025, 8, 4, 9), specialist=3, by=fast)
    handled(world, vn(2025, 7, 7, 9), specialist=50, officers=world.officers_b)
    return {"fast": fast, "slow": slow}


def test_figures_per_step_and_officer(world, july):
    found = {b.role: b for b in steps.step_bottlenecks(world.a, JULY, now=NOW)}
    assert list(found) == ["reception", "specialist", "leader"]

    specialist = found["specialist"].total
    assert specialist.handovers == 5  # 3 fast + 2 slow; the supplement request does not count
    assert specialist.median_hours == Decimal("6.00")
    assert specialist.mean_hours == Decimal("15.60")  # (3 × 6 + 2 × 30) / 5
    assert specialist.mean_budget_hours == Decimal("12.00")
    assert specialist.used_to_budget == Decimal("1.30")  # 78 / 60
    assert (specialist.late, specialist.late_share) == (2, Decimal("40.00"))
    assert specialist.running_overdue == 1

    slow, fast = found["specialist"].officers  # the slowest first
    assert (slow.officer_id, fast.officer_id) == (july["slow"].pk, july["fast"].pk)
    assert slow.officer_name == "Lê Thị Chậm"
    assert (slow.handovers, slow.median_hours, slow.used_to_budget) == (
        2,
        Decimal("30.00"),
        Decimal("2.50"),
    )
    assert (slow.late_share, slow.running_overdue) == (Decimal("100.00"), 1)
    assert (fast.handovers, fast.median_hours, fast.used_to_budget) == (
        3,
        Decimal("6.00"),
        Decimal("0.50"),
    )
    assert (fast.late, fast.late_share, fast.running_overdue) == (0, Decimal("0.00"), 0)

    reception = found["reception"].total
    # Every July dossier of commune A was forwarded within half an hour (7 of them).
    assert (reception.handovers, reception.median_hours) == (7, Decimal("0.50"))
    assert reception.used_to_budget == Decimal("0.13")  # 3.5 / 28, half up
    leader = found["leader"].total
    assert (leader.handovers, leader.median_hours, leader.late) == (5, Decimal("2.00"), 0)
    assert leader.used_to_budget == Decimal("0.25")


def test_the_period_is_decided_by_the_finish_of_the_step(world, july):
    found = {b.role: b for b in steps.step_bottlenecks(world.a, AUGUST, now=NOW)}
    assert found["specialist"].total.handovers == 1
    assert found["specialist"].total.median_hours == Decimal("3.00")


def test_dossiers_behind_match_the_counts(world, july):
    late = steps.dossiers_behind(world.a, JULY, steps.LATE, role="specialist")
    assert late.count() == 2
    by_fast = steps.dossiers_behind(
        world.a, JULY, steps.HANDOVERS, role="specialist", officer_id=july["fast"].pk
    )
    assert by_fast.count() == 3
    stuck = steps.dossiers_behind(world.a, JULY, steps.RUNNING_OVERDUE, now=NOW)
    assert stuck.count() == 1


def test_an_empty_period_shows_no_figures(world):
    found = steps.step_bottlenecks(world.a, JULY, now=NOW)
    assert [b.total.handovers for b in found] == [0, 0, 0]
    assert found[0].total.median_hours is None and found[0].total.late_share is None
    assert all(not b.officers for b in found)


# --------------------------------------------------------------------------- the page


def get(client, user, **query):
    client.force_login(user)
    return client.get(reverse("insights:steps"), query)


def test_a_leader_sees_their_commune(client, world, july):
    response = get(client, world.leader, period="2025-07")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Phường Hoàn Kiếm" in page and "Tháng 7/2025" in page
    assert "Lê Thị Chậm" in page and "Thời gian tính theo giờ làm việc" in page
    assert "figure=step_late&amp;role=specialist&amp;period=2025-07" in page
    assert f"officer={july['slow'].pk}" in page
    # The slow specialist's 30 h sets the scale: their bar is the full width.
    assert re.search(r'class="mc-step-bar__used[^"]*" y="4" width="100%"', page)


def test_a_commune_admin_sees_their_commune_too(client, world, july):
    admin = world.officers_a[Role.COMMUNE_ADMIN]
    assert get(client, admin, period="2025-07", commune="00070").status_code == 200


def test_a_leader_cannot_name_another_commune(client, world, july):
    assert get(client, world.officers_b[Role.LEADER], commune="00070").status_code == 404


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.SPECIALIST])
def test_officers_without_oversight_see_nothing(client, world, role):
    assert get(client, world.officers_a[role]).status_code == 404


def test_a_monitor_sees_communes_of_their_province_only(client, world, july):
    assert get(client, world.monitor, commune="00070", period="2025-07").status_code == 200
    assert get(client, world.monitor, commune="19753").status_code == 404  # Huế
    assert get(client, world.monitor).status_code == 404  # which commune?
    assert get(client, world.monitor_hue, commune="19753").status_code == 200


def test_a_superuser_names_any_commune(client, world):
    boss = User.objects.create_superuser("boss", password=PASSWORD)
    assert get(client, boss, commune="19753").status_code == 200
    assert get(client, boss, commune="99999").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(reverse("insights:steps"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_wrong_period_says_how_to_write_it(client, world):
    response = get(client, world.leader, period="tháng bảy")
    assert response.status_code == 400
    assert "2026-10 (tháng)" in response.content.decode()
