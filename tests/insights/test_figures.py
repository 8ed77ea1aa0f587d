"""The dossier figures (insights.figures) on hand-built datasets, including the seeds' figures."""

from datetime import timedelta
from decimal import Decimal

from motcua.dossiers import services
from motcua.dossiers.models import Channel, Dossier, SupplementRequest, Timeliness
from motcua.insights import figures
from motcua.insights.periods import month_of, parse
from tests.insights.support import bulk_dossiers
from tests.world import vn

SEPTEMBER = parse("2025-09")
AFTER_SEPTEMBER = vn(2025, 10, 20, 9)


def commune_dossiers(world):
    return Dossier.objects.filter(competent_commune=world.a)


def test_the_ward_of_the_seeds_shows_13_92_percent_overdue_among_those_in_progress(world):
    received = vn(2025, 9, 10, 9)
    bulk_dossiers(
        world,
        6050,
        received=received,
        finished=received + timedelta(days=2),
        timeliness=Timeliness.ON_TIME,
    )
    bulk_dossiers(world, 273 - 38, received=received, due=vn(2025, 10, 3, 17))
    bulk_dossiers(world, 38, received=received, due=vn(2025, 9, 25, 17))

    row = figures.counts(commune_dossiers(world), SEPTEMBER, now=AFTER_SEPTEMBER)

    assert (row["received"], row["settled"], row["in_progress"]) == (6323, 6050, 273)
    assert row["overdue"] == 38
    assert figures.with_shares(row)["overdue"] == Decimal("13.92")


def test_the_commune_of_the_seeds_settles_98_4_percent_on_time_with_1_6_percent_in_progress(
    world,
):
    received = vn(2025, 9, 3, 9)
    bulk_dossiers(
        world, 4000, received=received, finished=received + timedelta(days=1), timeliness="early"
    )
    bulk_dossiers(
        world, 607, received=received, finished=received + timedelta(days=3), timeliness="on_time"
    )
    bulk_dossiers(world, 77, received=vn(2025, 9, 29, 9), due=vn(2025, 10, 2, 17))

    row = figures.counts(commune_dossiers(world), SEPTEMBER, now=AFTER_SEPTEMBER)
    shares = figures.with_shares(row)

    assert (row["received"], row["settled_in_time"], row["late"]) == (4684, 4607, 0)
    assert shares["settled_in_time"].quantize(Decimal("0.1")) == Decimal("98.4")
    assert shares["in_progress"].quantize(Decimal("0.1")) == Decimal("1.6")


def test_a_dossier_finished_after_the_period_was_in_progress_at_its_end(world):
    (dossier,) = bulk_dossiers(
        world,
        1,
        received=vn(2025, 9, 29, 9),
        due=vn(2025, 9, 30, 17),
        finished=vn(2025, 10, 2, 9),
        timeliness=Timeliness.LATE,
    )
    row = figures.counts(commune_dossiers(world), SEPTEMBER, now=AFTER_SEPTEMBER)
    assert (row["settled"], row["in_progress"], row["overdue"]) == (0, 1, 1)
    # A month later the same dossier is counted as settled late.
    both = parse("2025-09-01..2025-10-31")
    row = figures.counts(commune_dossiers(world), both, now=AFTER_SEPTEMBER + timedelta(days=30))
    assert (row["settled"], row["late"], row["in_progress"]) == (1, 1, 0)
    assert dossier.code in codes(figures.dossiers_behind(commune_dossiers(world), "late", both))


def test_the_current_period_judges_open_dossiers_now_not_at_its_end(world):
    bulk_dossiers(world, 1, received=vn(2025, 9, 1, 9), due=vn(2025, 9, 20, 17))
    mid_month = vn(2025, 9, 10, 9)
    assert figures.counts(commune_dossiers(world), SEPTEMBER, now=mid_month)["overdue"] == 0
    late_month = vn(2025, 9, 21, 9)
    assert figures.counts(commune_dossiers(world), SEPTEMBER, now=late_month)["overdue"] == 1


def test_a_dossier_waiting_for_a_supplement_is_judged_at_the_request(world):
    (waiting,) = bulk_dossiers(
        world, 1, received=vn(2025, 9, 1, 9), due=vn(2025, 9, 4, 17), supplements=1
    )
    SupplementRequest.objects.create(
        dossier=waiting,
        requested_at=vn(2025, 9, 3, 9),
        reason="Thiếu tờ khai",
        resume_state="at_specialist",
        answer_by=vn(2025, 9, 18, 9),
    )
    row = figures.counts(commune_dossiers(world), SEPTEMBER, now=AFTER_SEPTEMBER)
    assert (row["in_progress"], row["overdue"], row["within_time"]) == (1, 0, 1)
    assert row["index_on_time"] == 1


def test_more_than_one_supplement_request_is_never_on_time_for_the_index(world):
    received = vn(2025, 9, 2, 9)
    bulk_dossiers(
        world, 3, received=received, finished=received + timedelta(days=1), timeliness="early"
    )
    bulk_dossiers(
        world,
        2,
        received=received,
        finished=received + timedelta(days=1),
        timeliness="early",
        supplements=2,
    )
    row = figures.counts(commune_dossiers(world), SEPTEMBER, now=AFTER_SEPTEMBER)
    assert (row["settled_in_time"], row["index_on_time"]) == (5, 3)


def test_dossiers_received_outside_the_period_or_not_yet_received_count_nowhere(world):
    bulk_dossiers(world, 2, received=vn(2025, 8, 31, 16))
    bulk_dossiers(world, 1, received=vn(2025, 10, 1, 0))
    Dossier.objects.filter(code__in=codes(bulk_dossiers(world, 1, received=vn(2025, 9, 9)))).update(
        received_at=None, state="submitted_online"
    )
    row = figures.counts(commune_dossiers(world), SEPTEMBER, now=AFTER_SEPTEMBER)
    assert row["received"] == 0
    assert not figures.dossiers_behind(commune_dossiers(world), "received", SEPTEMBER).exists()


def test_every_figure_counts_exactly_the_dossiers_listed_behind_it(world):
    received = vn(2025, 9, 15, 9)
    bulk_dossiers(world, 4, received=received, channel=Channel.ONLINE)
    bulk_dossiers(world, 2, received=received, finished=received, timeliness="late")
    bulk_dossiers(world, 1, received=received, finished=received, timeliness="early")
    Dossier.objects.filter(timeliness="early").update(refusal_reasons="Không đủ điều kiện")
    row = figures.counts(commune_dossiers(world), SEPTEMBER, now=AFTER_SEPTEMBER)
    for key in figures.FIGURES:
        listed = figures.dossiers_behind(
            commune_dossiers(world), key, SEPTEMBER, now=AFTER_SEPTEMBER
        )
        assert listed.count() == row[key], key
    assert (row["online"], row["late"], row["refused"]) == (4, 2, 1)


def test_breakdown_by_channel_adds_up_to_the_total(world):
    received = vn(2025, 9, 15, 9)
    bulk_dossiers(world, 3, received=received, channel=Channel.ONLINE)
    bulk_dossiers(world, 5, received=received, channel=Channel.COUNTER)
    rows = figures.breakdown(commune_dossiers(world), SEPTEMBER, "channel", now=AFTER_SEPTEMBER)
    assert [(r["group"], r["received"]) for r in rows] == [
        (Channel.COUNTER, 5),
        (Channel.ONLINE, 3),
    ]


def test_a_dossier_through_the_workflow_counts_as_settled_late(world):
    dossier = world.receive(at=vn(2025, 7, 7, 9))
    period = month_of(dossier.received_at.date())
    late = dossier.due_at + timedelta(days=2)
    services.perform(dossier, "withdraw", actor=world.reception, at=late, reason="Công dân rút")
    row = figures.counts(commune_dossiers(world), period, now=late + timedelta(days=40))
    assert (row["received"], row["settled"], row["late"], row["withdrawn"]) == (1, 1, 1, 1)


def test_percent_is_exact_half_up():
    assert figures.percent(397, 20000) == Decimal("1.99")  # 1.985 %
    assert figures.percent(0, 0) is None


def codes(dossiers):
    return [d.code for d in dossiers]
