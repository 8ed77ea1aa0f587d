"""Queueing and delivering notifications through the outbox (architecture.md: services).

``enqueue`` writes a message in the caller's transaction; ``deliver_due`` is what background
workers run (the ``deliver_messages`` task, or ``motcua deliver_notifications`` from cron).

What "never twice" means here, exactly:

- A message is queued at most once: ``dedupe_key`` is unique, and ``enqueue`` skips a key that
  is already there.
- Two workers never send the same row at the same time: a worker sends a row only after its own
  conditional UPDATE moved it to ``sending`` (one statement, so the database decides who wins),
  and it holds the row for a lease (``LEASE``) that is far longer than an adapter may take.
- A worker that dies after the provider accepted a message but before it marked the row sent
  leaves the row in ``sending``; when the lease expires another worker claims and sends it again.
  That retry carries the same ``uuid`` as idempotency key (header, tracking id or Message-ID), so
  a provider that honours it drops the copy; one that does not may deliver it twice. No outbox can
  do better without the provider's help: "sent" and "recorded as sent" cannot be one transaction.
"""

import logging
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.notify.adapters import (
    Adapter,
    DeliveryError,
    PermanentFailure,
    adapter_for,
    masked_recipient,
)
from motcua.notify.models import Channel, Message, Status
from motcua.phones import normalize_phone
from motcua.privacy import mask_text

logger = logging.getLogger("motcua.notify")

# Waits after the 1st, 2nd, … failed attempt; after the last one the message has failed.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# How long a claim holds a row. An adapter gives up long before (adapters.DEFAULT_HTTP_TIMEOUT),
# so a row whose lease has run out belongs to a worker that died or hung.
LEASE = timedelta(minutes=5)
REDACTED_BODY = "[đã xóa sau khi gửi]"


# --------------------------------------------------------------------------- queueing


def enqueue(
    channel: str,
    recipient: str,
    body: str,
    *,
    dedupe_key: str,
    subject: str = "",
    dossier=None,
    at: datetime | None = None,
    data: dict | None = None,
    redact_after_send: bool = False,
) -> Message | None:
    """Queue one message, inside the caller's transaction; returns it, or None when a message
    with this ``dedupe_key`` exists already.

    The recipient is checked first (``check_recipient``): a phone number in its normal form
    (``motcua.phones``) for SMS and Zalo, an e-mail address for e-mail. A message to an empty or
    invalid recipient is written already failed, with the reason in ``last_error``: never sent,
    never counted as sent, and shown where officers read the dossier's messages.

    Delivery starts after the caller's transaction commits (a rolled-back change sends nothing).
    ``at`` is when the message was written and may first be sent; ``data`` holds template
    parameters for channels that need them (Zalo ZNS). ``redact_after_send`` wipes the body once
    sent (sign-in codes must not stay readable in the outbox).
    """
    if channel not in Channel.values:
        raise ValueError(f"unknown notification channel {channel!r}")
    at = at or timezone.now()
    recipient, problem = check_recipient(channel, recipient)
    refused = {"status": Status.FAILED, "last_error": mask_text(problem)[:500]} if problem else {}
    message, created = Message.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            **refused,
            "channel": channel,
            "recipient": recipient[:254],
            "subject": subject[:200],
            "body": body,
            "data": data or {},
            "redact_after_send": redact_after_send,
            "dossier": dossier,
            "next_attempt_at": at,
            "created_at": at,
        },
    )
    if not created:
        return None
    if problem:
        logger.warning(
            "notify: %s %s not sent: %s", channel, message.uuid, message.last_error or problem
        )
        return message
    _deliver_after_commit()
    return message


def check_recipient(channel: str, recipient) -> tuple[str, str]:
    """The recipient in the form the channel's adapter takes, and "" — or the recipient as given
    (trimmed) and why no message can reach it, in words an officer understands."""
    recipient = (recipient or "").strip() if isinstance(recipient, str) else ""
    if not recipient:
        return "", _("Không có người nhận: chưa có số điện thoại hoặc địa chỉ thư điện tử.")
    if "\x00" in recipient:
        return "", _("Người nhận chứa ký tự không hợp lệ.")
    try:
        if channel == Channel.EMAIL:
            validate_email(recipient)
            return recipient, ""
        return normalize_phone(recipient), ""
    except ValidationError as exc:
        return recipient, _("Người nhận không hợp lệ: %(reason)s") % {"reason": exc.messages[0]}


def _deliver_after_commit() -> None:
    """Start a delivery task when the caller's transaction commits: one per transaction, since
    one run delivers every due message (a single dossier change may queue several)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _start_delivery for _savepoints, func, _robust in connection.run_on_commit
    ):
        return
    # robust: the change has committed by then; if the task cannot be queued, the messages wait
    # in the outbox for the next run or for ``motcua deliver_notifications``.
    transaction.on_commit(_start_delivery, robust=True)


def _start_delivery() -> None:
    from motcua.notify.tasks import deliver_messages  # the task module imports this one

    deliver_messages.enqueue()


# --------------------------------------------------------------------------- delivering


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    # Rows another worker claimed between our look and our claim.
    skipped: int = 0
    # The earliest retry this run scheduled (the task queues itself again for then).
    next_retry_at: datetime | None = None
    # The run stopped at ``limit``: more messages may be due now.
    more_due: bool = False

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "skipped": self.skipped,
            "next_retry_at": self.next_retry_at.isoformat() if self.next_retry_at else None,
            "more_due": self.more_due,
        }


def new_worker_id(kind: str) -> str:
    """A name for this process's claims, unique across machines: ``kind:host:pid:random``."""
    return f"{kind}:{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(4)}"[:64]


def deliver_due(*, worker_id: str, now: datetime | None = None, limit: int = 100) -> DeliveryReport:
    """Send up to ``limit`` due messages: pending ones whose time has come, and ones whose
    sender's lease has expired. Safe to run in many workers at once (see the module docstring).

    Call it outside a transaction, so each claim and each outcome commits at once. ``now`` fixes
    the clock (tests); by default every claim reads the clock afresh, so a long run never hands
    out a lease that has already expired.
    """
    clock: Callable[[], datetime] = (lambda: now) if now is not None else timezone.now
    report = DeliveryReport()
    adapters: dict[str, Adapter] = {}
    due = list(
        Message.objects.filter(_claimable(clock()))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        message = _claim(pk, worker_id, clock())
        if message is None:
            report.skipped += 1
            continue
        _attempt(message, worker_id, adapters, clock, report)
    report.more_due = len(due) == limit
    return report


def _claimable(now: datetime) -> Q:
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, claimed_until__lt=now
    )


def _claim(pk: int, worker_id: str, now: datetime) -> Message | None:
    """Take the row with one conditional UPDATE; only the worker whose UPDATE changed it may
    send it. (On PostgreSQL a concurrent UPDATE waits for ours, re-checks the condition on the
    new row and changes nothing.)"""
    won = Message.objects.filter(_claimable(now), pk=pk).update(
        status=Status.SENDING,
        claimed_by=worker_id,
        claimed_until=now + LEASE,
        attempts=F("attempts") + 1,
    )
    if won != 1:
        return None
    return Message.objects.get(pk=pk)


def _attempt(message, worker_id, adapters, clock, report: DeliveryReport) -> None:
    if message.attempts > MAX_ATTEMPTS:
        # Re-claimed after expired leases until out of attempts: whatever sends it keeps dying.
        _finish(message, worker_id, Status.FAILED, error="no outcome after the last lease")
        report.failed += 1
        return
    try:
        if message.channel not in adapters:
            adapters[message.channel] = adapter_for(message.channel)
        provider_id = adapters[message.channel].send(message)
    except PermanentFailure as exc:
        _fail(message, worker_id, exc)
        report.failed += 1
    except Exception as exc:  # TemporaryFailure, or a misconfigured or broken adapter
        if not isinstance(exc, DeliveryError):
            logger.exception("notify: adapter for %s raised unexpectedly", message.channel)
        retry_at = _retry_or_fail(message, worker_id, exc, clock())
        if retry_at is None:
            report.failed += 1
        else:
            report.retrying += 1
            if report.next_retry_at is None or retry_at < report.next_retry_at:
                report.next_retry_at = retry_at
    else:
        _mark_sent(message, worker_id, str(provider_id), clock())
        report.sent += 1


def _mark_sent(message, worker_id, provider_id: str, now: datetime) -> None:
    wiped = {"body": REDACTED_BODY} if message.redact_after_send else {}
    ours = _finish(
        message, worker_id, Status.SENT, sent_at=now, provider_id=provider_id[:200], **wiped
    )
    if not ours:
        logger.warning(
            "notify: %s was sent after its lease had passed to another worker, which may send "
            "it again with the same idempotency key",
            message.uuid,
        )
    logger.info(
        "notify: %s %s sent to %s", message.channel, message.uuid, masked_recipient(message)
    )


def _fail(message, worker_id, exc: Exception) -> None:
    error = _error_text(exc)
    _finish(message, worker_id, Status.FAILED, error=error)
    logger.warning("notify: %s to %s failed: %s", message.uuid, masked_recipient(message), error)


def _retry_or_fail(message, worker_id, exc: Exception, now: datetime) -> datetime | None:
    """Schedule the next attempt after the backoff; after the last attempt, fail. Returns the
    retry time, or None when the message has failed."""
    if message.attempts >= MAX_ATTEMPTS:
        _fail(message, worker_id, exc)
        return None
    error = _error_text(exc)
    retry_at = now + RETRY_DELAYS[message.attempts - 1]
    _finish(message, worker_id, Status.PENDING, error=error, next_attempt_at=retry_at)
    logger.info("notify: %s will be retried at %s: %s", message.uuid, retry_at.isoformat(), error)
    return retry_at


def _finish(message, worker_id, status: str, *, error: str = "", **fields) -> bool:
    """Record the outcome of our attempt, only if the row is still ours; True if it was."""
    return bool(
        Message.objects.filter(pk=message.pk, status=Status.SENDING, claimed_by=worker_id).update(
            status=status, claimed_until=None, last_error=error, **fields
        )
    )


def _error_text(exc: Exception) -> str:
    return mask_text(f"{type(exc).__name__}: {exc}")[:500]
