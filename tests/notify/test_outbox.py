"""The outbox told as stories: a message is queued once, sent once, retried with backoff, given up
on when it must be, and taken over when the worker sending it dies."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from motcua.notify.models import Message, Status
from motcua.notify.services import LEASE, MAX_ATTEMPTS, RETRY_DELAYS, deliver_due, enqueue
from motcua.notify.tasks import deliver_messages
from tests.notify.fakes import WorkerDied
from tests.world import vn

T0 = vn(2025, 7, 7, 9)


def queue(n=1, at=T0, **kwargs):
    return [
        enqueue("sms", "0912345678", f"Tin số {i}", dedupe_key=f"test:{i}", at=at, **kwargs)
        for i in range(n)
    ]


def test_enqueue_writes_a_pending_message_once(db):
    message = enqueue("sms", " 0912345678 ", "Xin chào", dedupe_key="greeting:1", at=T0)

    assert message.status == Status.PENDING
    assert message.recipient == "0912345678"
    assert message.next_attempt_at == T0
    assert message.attempts == 0
    # The same logical message again, even with another text: silently nothing.
    assert enqueue("sms", "0912345678", "Xin chào lần nữa", dedupe_key="greeting:1") is None
    assert Message.objects.get().body == "Xin chào"


def test_a_message_to_nobody_is_written_failed_with_the_reason_and_never_sent(
    db, django_capture_on_commit_callbacks
):
    """Issue 15: "abc xyz" as a phone was "sent" to nobody and counted as sent. Now a message to
    an empty or invalid recipient is failed at once, says why, and no worker ever sends it."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        nobody = enqueue("email", "", "Nội dung", dedupe_key="nobody:1", at=T0)
        blank = enqueue("sms", "   ", "Nội dung", dedupe_key="nobody:2", at=T0)
        letters = enqueue("sms", "abc xyz", "Nội dung", dedupe_key="nobody:3", at=T0)
        landline = enqueue("zalo", "024 3825 1234", "Nội dung", dedupe_key="nobody:4", at=T0)
        no_at = enqueue("email", "minh.example.vn", "Nội dung", dedupe_key="nobody:5", at=T0)
        nul = enqueue("sms", "0912\x00345678", "Nội dung", dedupe_key="nobody:6", at=T0)
    assert callbacks == []  # no delivery task is started for them
    for message in (nobody, blank, letters, landline, no_at, nul):
        message.refresh_from_db()
        assert message.status == Status.FAILED
        assert message.sent_at is None and message.attempts == 0
        assert message.last_error
    assert "Không có người nhận" in nobody.last_error
    assert "chữ số" in letters.last_error
    assert "10 chữ số" in landline.last_error
    assert "\x00" not in nul.recipient
    report = deliver_due(worker_id="w", now=T0 + timedelta(days=1))
    assert (report.sent, report.failed) == (0, 0)
    assert not Message.objects.filter(status=Status.SENT).exists()


def test_the_recipient_is_stored_in_its_normal_form(db):
    message = enqueue("sms", "+84 912.345.678", "Xin chào", dedupe_key="normal:1", at=T0)
    assert (message.status, message.recipient) == (Status.PENDING, "0912345678")


def test_unknown_channels_are_refused(db):
    with pytest.raises(ValueError):
        enqueue("fax", "0241234567", "Nội dung", dedupe_key="fax:1")


def test_one_delivery_task_per_transaction_and_none_after_rollback(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        queue(3)
    assert len(callbacks) == 1
    assert DBTaskResult.objects.filter(task_path=deliver_messages.module_path).count() == 1

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue("sms", "0912345678", "Không bao giờ gửi", dedupe_key="rolled-back")
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert not Message.objects.filter(dedupe_key="rolled-back").exists()


def test_due_messages_are_sent_once(db, provider):
    first, second = queue(2)
    later = enqueue("sms", "0987654321", "Chưa đến giờ", dedupe_key="later", at=T0 + timedelta(1))

    report = deliver_due(worker_id="w1", now=T0)

    assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
    assert provider.uuids() == [str(first.uuid), str(second.uuid)]
    first.refresh_from_db()
    assert first.status == Status.SENT
    assert first.sent_at == T0
    assert first.provider_id == f"provider-{first.uuid.hex[:8]}"
    assert first.attempts == 1
    assert first.claimed_by == "w1" and first.claimed_until is None
    # Nothing is sent twice, and nothing before its time.
    assert deliver_due(worker_id="w2", now=T0 + timedelta(hours=1)).sent == 0
    later.refresh_from_db()
    assert later.status == Status.PENDING
    assert len(provider.received) == 2


def test_temporary_failures_back_off_then_fail_after_the_last_attempt(db, provider):
    assert [d.total_seconds() / 60 for d in RETRY_DELAYS] == [1, 5, 30, 120, 360]
    (message,) = queue()
    provider.then(*["temporary"] * MAX_ATTEMPTS)

    now = T0
    for attempt, delay in enumerate(RETRY_DELAYS, start=1):
        report = deliver_due(worker_id="w1", now=now)
        message.refresh_from_db()
        assert report.retrying == 1 and report.next_retry_at == now + delay
        assert message.status == Status.PENDING
        assert message.attempts == attempt
        assert message.next_attempt_at == now + delay
        # The provider's error is kept, with the phone number in it masked.
        assert message.last_error == "TemporaryFailure: gateway busy, call *******678 support"
        # Not a moment earlier.
        assert deliver_due(worker_id="w1", now=now + delay - timedelta(seconds=1)).retrying == 0
        now += delay

    report = deliver_due(worker_id="w1", now=now)
    message.refresh_from_db()
    assert report.failed == 1 and report.next_retry_at is None
    assert message.status == Status.FAILED
    assert message.attempts == MAX_ATTEMPTS == 6
    assert deliver_due(worker_id="w1", now=now + timedelta(days=1)).failed == 0
    assert len(provider.received) == MAX_ATTEMPTS


def test_temporary_failure_then_success(db, provider):
    (message,) = queue()
    provider.then("temporary", "ok")
    deliver_due(worker_id="w1", now=T0)
    deliver_due(worker_id="w2", now=T0 + RETRY_DELAYS[0])
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 2
    assert message.last_error == ""
    # Both attempts carried the same idempotency key.
    assert provider.uuids() == [str(message.uuid)] * 2


def test_permanent_failure_fails_at_once(db, provider):
    (message,) = queue()
    provider.then("permanent")
    report = deliver_due(worker_id="w1", now=T0)
    message.refresh_from_db()
    assert report.failed == 1
    assert message.status == Status.FAILED
    assert message.attempts == 1
    assert message.last_error == "PermanentFailure: number *******678 is not a subscriber"
    assert deliver_due(worker_id="w1", now=T0 + timedelta(days=1)).failed == 0


def test_a_broken_adapter_is_retried_not_lost(db, provider):
    (message,) = queue()
    provider.then("bug")
    report = deliver_due(worker_id="w1", now=T0)
    message.refresh_from_db()
    assert report.retrying == 1
    assert message.status == Status.PENDING
    assert message.last_error == "KeyError: 'adapter bug'"


def test_a_misconfigured_channel_is_retried_until_fixed(db, settings):
    settings.MOTCUA_NOTIFY_ADAPTERS = {"sms": "motcua.notify.adapters.SmsHttpAdapter"}
    settings.MOTCUA_SMS_URL = ""
    (message,) = queue()
    report = deliver_due(worker_id="w1", now=T0)
    message.refresh_from_db()
    assert report.retrying == 1
    assert message.last_error == "ImproperlyConfigured: MOTCUA_SMS_URL is not set"


def test_a_dead_workers_expired_lease_is_claimed_again_with_the_same_uuid(db, provider):
    """The worker dies after the provider accepted the message but before it could record that:
    the row stays claimed until the lease runs out, then another worker sends it again, carrying
    the same uuid as idempotency key so the provider can drop the copy."""
    (message,) = queue()
    provider.then("died")
    with pytest.raises(WorkerDied):
        deliver_due(worker_id="dead", now=T0)
    message.refresh_from_db()
    assert message.status == Status.SENDING
    assert message.claimed_by == "dead"
    assert message.claimed_until == T0 + LEASE

    # While the lease runs, nobody else touches it.
    assert deliver_due(worker_id="w2", now=T0 + LEASE - timedelta(seconds=1)).sent == 0
    report = deliver_due(worker_id="w2", now=T0 + LEASE + timedelta(seconds=1))

    message.refresh_from_db()
    assert report.sent == 1
    assert message.status == Status.SENT
    assert message.claimed_by == "w2"
    assert message.attempts == 2
    assert provider.uuids() == [str(message.uuid)] * 2


def test_a_worker_that_lost_its_lease_does_not_overwrite_the_new_owner(db, provider):
    (message,) = queue()

    def lease_taken_over_meanwhile(m):
        Message.objects.filter(pk=m.pk).update(claimed_by="w2")

    provider.on_send = lease_taken_over_meanwhile
    report = deliver_due(worker_id="w1", now=T0)
    message.refresh_from_db()
    assert report.sent == 1  # the provider took it
    assert message.status == Status.SENDING  # but only the lease holder records the outcome
    assert message.claimed_by == "w2"


def test_a_message_whose_senders_keep_dying_fails_without_another_send(db, provider):
    (message,) = queue()
    Message.objects.filter(pk=message.pk).update(
        status=Status.SENDING,
        attempts=MAX_ATTEMPTS,
        claimed_by="dead",
        claimed_until=T0 - timedelta(seconds=1),
    )
    report = deliver_due(worker_id="w1", now=T0)
    message.refresh_from_db()
    assert report.failed == 1
    assert message.status == Status.FAILED
    assert provider.received == []


def test_limit_reports_more_due(db, provider):
    queue(3)
    report = deliver_due(worker_id="w1", now=T0, limit=2)
    assert report.sent == 2 and report.more_due
    report = deliver_due(worker_id="w1", now=T0, limit=2)
    assert report.sent == 1 and not report.more_due


def test_deliver_notifications_command_prints_counts(db, provider):
    queue(2)
    provider.then("ok", "permanent")
    out = StringIO()
    call_command("deliver_notifications", stdout=out)
    assert out.getvalue().strip() == (
        "Đã gửi: 1; hẹn gửi lại: 0; không gửi được: 1; do tiến trình khác gửi: 0."
    )


def test_a_secret_is_wiped_from_the_outbox_once_sent(db, provider):
    secret = enqueue(
        "sms",
        "0912345678",
        "Mã đăng nhập 123456",
        dedupe_key="otp:1",
        at=T0,
        redact_after_send=True,
    )
    plain = enqueue("sms", "0912345678", "Hồ sơ đã tiếp nhận", dedupe_key="plain", at=T0)
    deliver_due(worker_id="w1", now=T0)
    secret.refresh_from_db()
    plain.refresh_from_db()
    assert "123456" not in secret.body and secret.status == Status.SENT
    assert plain.body == "Hồ sơ đã tiếp nhận"
    assert any("123456" in r[3] for r in provider.received)
