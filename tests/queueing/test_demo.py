"""The queue's part of the demo: every centre set up, a month of history replayed through the
services at the demo communes, and a line for today."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min

from motcua.dossiers.demo_data import ensure_demo_users
from motcua.queueing import demo, estimates, links, queries
from motcua.queueing.models import (
    PriorityGroup,
    QueueSettings,
    Source,
    Ticket,
    TicketPeriod,
    VisitRating,
)
from motcua.queueing.workflow import AT_COUNTER_STATES, FINAL_STATES, State
from motcua.units.models import ServiceCenter
from tests.queueing.conftest import vn

# A Wednesday morning: the centres have been open for two hours.
NOW = vn(2025, 10, 15, 10)
TODAY = NOW.date()


@pytest.fixture
def demo_world(db):
    for command in ("import_units", "import_day_overrides", "import_procedures"):
        call_command(command, verbosity=0)
    call_command("create_service_centers", verbosity=0)
    ensure_demo_users()


def test_centres_made_in_bulk_get_their_queue_setup(demo_world):
    centres = ServiceCenter.objects.count()
    assert centres > 100
    assert QueueSettings.objects.count() == centres
    active = PriorityGroup.objects.filter(is_active=True).values("center").annotate(n=Count("id"))
    assert len(active) == centres and {row["n"] for row in active} == {3}


def test_the_demo_replays_past_days_of_queues_and_leaves_a_line_for_today(demo_world):
    """One replay (it takes seconds), read from every side."""
    replayed = demo.replay_queues(now=NOW, working_days=8)
    history_is_replayed_at_every_demo_centre_with_closed_days(replayed)
    statistics_and_estimates_have_measured_figures()
    today_has_people_waiting_and_a_counter_at_work()
    the_banner_gives_the_first_centres_kiosk_and_screen()
    running_the_demo_again_changes_nothing()


def history_is_replayed_at_every_demo_centre_with_closed_days(replayed):
    centres = demo.demo_centers()
    assert len(centres) == 5 and replayed.days == 5 * 8
    assert replayed.tickets == Ticket.objects.count() > 250
    past = Ticket.objects.filter(service_day__lt=TODAY)
    for centre in centres:
        days = past.filter(center=centre).values("service_day").distinct().count()
        assert days == 8, centre
    # Numbers restart at 1 each day and have no gaps.
    per_day = past.values("center", "service_day").annotate(
        n=Count("id"), low=Min("number"), high=Max("number")
    )
    assert all(row["low"] == 1 and row["high"] == row["n"] for row in per_day)
    # Every past day is closed: final states only, no period left open.
    assert set(past.values_list("state", flat=True)) <= FINAL_STATES
    assert not TicketPeriod.objects.filter(
        ticket__service_day__lt=TODAY, ended_at__isnull=True
    ).exists()
    # The rhythms of a real centre.
    states = dict(past.values_list("state").annotate(n=Count("id")))
    assert states[State.DONE] > 0.8 * past.count() and states[State.NO_SHOW] > 0
    assert {State.CANCELLED, State.LAPSED} & set(states)
    sources = set(past.values_list("source", flat=True))
    assert sources == {Source.KIOSK, Source.BOOKING, Source.COUNTER}
    priority = past.filter(priority_group__isnull=False).count() / past.count()
    assert 0.05 < priority < 0.3
    assert past.filter(priority_group__isnull=False, priority_confirmed_by__isnull=False).exists()
    assert TicketPeriod.objects.filter(end_action="transfer").exists()
    assert VisitRating.objects.exists()
    # Served for 5 to 20 minutes, as drawn.
    serving = TicketPeriod.objects.filter(state=State.SERVING, end_action="finish")
    minutes = [p.duration.total_seconds() / 60 for p in serving]
    assert minutes and min(minutes) >= 5 and max(minutes) <= 20


def statistics_and_estimates_have_measured_figures():
    centre = demo.demo_centers()[0]
    rows, total = queries.queue_statistics([centre], TODAY - timedelta(days=29), TODAY, "field")
    assert total.served > 50 and total.median_wait is not None
    assert 5 <= total.median_service <= 20 and total.priority_share > 0
    assert len(rows) >= 4
    counter = centre.counters.get(number=1)
    for field in counter.fields.all():
        *_quartiles, measured = estimates.service_minutes(centre, field.pk, NOW)
        assert measured, field


def today_has_people_waiting_and_a_counter_at_work():
    for centre in demo.demo_centers():
        today = Ticket.objects.filter(center=centre, service_day=TODAY)
        assert today.filter(state=State.WAITING).count() >= 3, centre
        assert today.filter(state__in=AT_COUNTER_STATES).exists(), centre
        # Nothing is dated after "now".
        assert not today.filter(issued_at__gt=NOW).exists()
        assert not TicketPeriod.objects.filter(ticket__in=today, started_at__gt=NOW).exists()
    board = queries.board(demo.demo_centers()[0], NOW)
    assert board["waiting"] >= 3 and any(c["ticket"] for c in board["counters"])


def running_the_demo_again_changes_nothing():
    before = Ticket.objects.count()
    again = demo.replay_queues(now=NOW, working_days=8)
    assert (again.days, again.tickets) == (0, 0) and Ticket.objects.count() == before


def the_banner_gives_the_first_centres_kiosk_and_screen():
    lines = demo.banner_lines("http://127.0.0.1:8000")
    centre = demo.demo_centers()[0]
    assert centre.name in lines[0]
    kiosk = next(line for line in lines if "/kiosk/" in line).split("/kiosk/")[1].strip("/ ")
    assert links.open_kiosk(kiosk).center == centre
    assert any(line.endswith(f"http://127.0.0.1:8000/man-hinh/{centre.pk}/") for line in lines)
