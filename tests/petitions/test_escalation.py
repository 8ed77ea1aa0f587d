"""The escalation worker: an overdue report is reminded, raised to the leader and reported to
the province by the national rules, once each, through the outbox; the task keeps itself
queued, the page starts it at most once per interval, and the cron command does the same
work."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.notify.models import Message
from motcua.petitions import services, tasks
from motcua.petitions.models import Escalation, EscalationAction, EventKind, PetitionEvent
from tests.petitions.support import report
from tests.world import vn

pytestmark = pytest.mark.django_db

EMAILS = {
    "specialist": "chuyenvien@example.vn",
    "leader": "lanhdao@example.vn",
    "monitor": "giamsat@example.vn",
}


@pytest.fixture
def mailboxes(world):
    for name, email in EMAILS.items():
        user = getattr(world, name)
        user.email = email
        user.save(update_fields=["email"])
    cache.delete(tasks.CACHE_KEY)
    yield
    cache.delete(tasks.CACHE_KEY)


def escalation_tasks():
    return DBTaskResult.objects.filter(task_path=tasks.escalate_overdue_petitions.module_path)


def mail_to(email):
    return Message.objects.filter(recipient=email, dedupe_key__contains=":escalation:")


def test_each_rule_fires_once_as_the_report_gets_later(world, mailboxes):
    # Street lights: 5 working days, so the answer is due Mon 14 July 09:00.
    petition = services.accept(report(world), world.specialist)

    first = services.escalate_overdue(now=vn(2025, 7, 14, 10))  # an hour late: remind
    assert first.fired == 1 and mail_to(EMAILS["specialist"]).count() == 1
    assert not mail_to(EMAILS["leader"]).exists()

    second = services.escalate_overdue(now=vn(2025, 7, 16, 10))  # 2 days late: the leader
    assert second.fired == 1 and mail_to(EMAILS["leader"]).count() == 1
    assert not mail_to(EMAILS["monitor"]).exists()

    third = services.escalate_overdue(now=vn(2025, 7, 21, 10))  # 5 days late: the province
    assert third.fired == 1 and mail_to(EMAILS["monitor"]).count() == 1

    again = services.escalate_overdue(now=vn(2025, 7, 22, 10))
    assert again.fired == 0
    actions = set(petition.escalations.values_list("rule__action", flat=True))
    assert actions == {
        EscalationAction.REMIND,
        EscalationAction.RAISE_TO_LEADER,
        EscalationAction.NOTIFY_PROVINCE,
    }
    events = PetitionEvent.objects.filter(petition=petition, kind=EventKind.ESCALATED)
    assert events.count() == 3
    for email in EMAILS.values():
        assert mail_to(email).count() == 1
    body = mail_to(EMAILS["monitor"]).get().body
    assert petition.reference in body and f"/can-bo/phan-anh/{petition.pk}/" in body


def test_the_task_escalates_and_queues_itself_again(world, mailboxes):
    petition = services.accept(report(world), world.specialist)  # long overdue by now
    before = timezone.now()
    result = tasks.escalate_overdue_petitions.call()
    assert result == {"checked": 1, "fired": 3}
    assert Escalation.objects.filter(petition=petition).count() == 3
    queued = escalation_tasks().get()
    assert queued.status == "READY"
    assert queued.run_after >= before + tasks.INTERVAL - timedelta(seconds=5)
    # Run again: nothing new fires, nothing is sent twice.
    assert tasks.escalate_overdue_petitions.call() == {"checked": 1, "fired": 0}
    assert Message.objects.filter(dedupe_key__contains=":escalation:").count() == 3


def test_the_inbox_and_a_hotline_call_start_the_worker_once_per_interval(world, mailboxes):
    from django.test import Client

    client = Client()
    client.force_login(world.specialist)
    client.get("/can-bo/phan-anh/")
    client.get("/can-bo/phan-anh/")
    assert escalation_tasks().count() == 1
    cache.delete(tasks.CACHE_KEY)  # the interval has passed
    client.get("/can-bo/phan-anh/")
    assert escalation_tasks().count() == 2


def test_the_cron_command_escalates_and_says_how_much(world, mailboxes):
    services.accept(report(world), world.specialist)
    out = StringIO()
    call_command("escalate_petitions", stdout=out)
    assert "Đã xét 1 phản ánh quá hạn, thực hiện 3 lần nhắc việc, báo cáo." in out.getvalue()
    out = StringIO()
    call_command("escalate_petitions", stdout=out)
    assert "thực hiện 0 lần" in out.getvalue()


def test_a_province_with_its_own_rules_uses_only_those(world, mailboxes):
    from motcua.petitions.models import EscalationRule

    EscalationRule.objects.create(
        province=world.hanoi, status="in_progress", overdue_hours=0, action="notify_province"
    )
    services.accept(report(world), world.specialist)
    assert services.escalate_overdue(now=vn(2025, 7, 21, 10)).fired == 1
    assert mail_to(EMAILS["monitor"]).count() == 1
    assert not mail_to(EMAILS["specialist"]).exists()


def test_a_run_fires_at_most_its_limit_and_the_next_run_goes_on(world):
    for _ in range(3):
        services.accept(report(world), world.specialist)
    first = services.escalate_overdue(now=vn(2025, 7, 14, 10), limit=2)  # each an hour late
    second = services.escalate_overdue(now=vn(2025, 7, 14, 10), limit=2)
    assert (first.fired, second.fired) == (2, 1)
    assert Escalation.objects.count() == 3
