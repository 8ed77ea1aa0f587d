"""Reports under concurrent officers (PostgreSQL): a step is taken once, a rating counted once,
and two duplicates merged into each other at the same moment end as one report, not a cycle."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections

from motcua.accounts.models import Role, User
from motcua.notify.models import Message
from motcua.petitions import services
from motcua.petitions.errors import PetitionError
from motcua.petitions.models import EventKind, Petition, PetitionEvent, Status
from tests.petitions.support import report
from tests.world import PASSWORD, World, vn

WORKERS = 12


def race(fn, args) -> list:
    start = threading.Barrier(len(args))

    def run(arg):
        try:
            start.wait()
            return fn(arg)
        except (PetitionError, PermissionDenied) as exc:
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(args)) as pool:
        return list(pool.map(run, args))


def leaders(world, count: int) -> list[User]:
    return [
        User.objects.create_user(
            f"lanhdao{n}", password=PASSWORD, role=Role.LEADER, commune=world.a
        )
        for n in range(count)
    ]


@pytest.mark.django_db(transaction=True)
def test_many_leaders_publishing_at_once_publish_once_and_tell_the_reporter_once():
    world = World()
    petition = report(world)
    petition = services.draft_answer(
        petition, world.specialist, "Đã sửa đèn.", at=vn(2025, 7, 8, 9)
    )

    outcomes = race(lambda leader: services.publish(petition, leader), leaders(world, WORKERS))

    assert connection.vendor == "postgresql"
    assert sum(isinstance(o, Petition) for o in outcomes) == 1
    assert all(isinstance(o, PetitionError) for o in outcomes if not isinstance(o, Petition))
    assert PetitionEvent.objects.filter(petition=petition, kind=EventKind.PUBLISHED).count() == 1
    assert (
        Message.objects.filter(dedupe_key__startswith=f"petition:{petition.pk}:published").count()
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_ratings_from_one_link_counts_once():
    world = World()
    petition = services.draft_answer(
        report(world), world.specialist, "Đã sửa.", at=vn(2025, 7, 8, 9)
    )
    petition = services.publish(petition, world.leader, at=vn(2025, 7, 8, 10))
    levels = ["satisfied", "not_satisfied", "very_satisfied"] * (WORKERS // 3)

    outcomes = race(lambda level: services.rate(petition.secret, level), levels)

    rated = [o for o in outcomes if isinstance(o, Petition)]
    assert len(rated) == 1
    assert Petition.objects.get(pk=petition.pk).satisfaction == rated[0].satisfaction
    assert PetitionEvent.objects.filter(petition=petition, kind=EventKind.RATED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_duplicates_merged_into_each_other_at_once_end_as_one_report():
    world = World()
    first, second = report(world), report(world, reporter_phone="0987654321")
    pairs = [(first, second), (second, first)] * (WORKERS // 2)
    officers = [world.reception, world.officers_a[Role.LEADER]] * (WORKERS // 2)

    outcomes = race(
        lambda i: services.merge(pairs[i][0], officers[i], pairs[i][1], "Trùng nội dung"),
        list(range(WORKERS)),
    )

    assert sum(isinstance(o, Petition) for o in outcomes) == 1
    rows = {p.pk: p for p in Petition.objects.filter(pk__in=[first.pk, second.pk])}
    merged = [p for p in rows.values() if p.status == Status.MERGED]
    assert len(merged) == 1 and rows[merged[0].merged_into_id].status != Status.MERGED
