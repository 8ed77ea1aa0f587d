"""The notification outbox: one row per message to one person on one channel.

A message is written in the same transaction as the change it tells about (``services.enqueue``),
so a change and its notification commit together or not at all; background workers deliver the
rows later (``services.deliver_due``). Nothing here sends anything.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("Tin nhắn SMS")
    EMAIL = "email", _("Thư điện tử")
    ZALO = "zalo", _("Zalo")


class Status(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không thành công")


class Message(models.Model):
    # Handed to the provider as the idempotency key, so a retry after a crash can be recognised
    # as the same message by a provider that honours it.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    body = models.TextField(_("nội dung"))
    # Template parameters for channels that fill a template registered with the provider
    # (Zalo ZNS); empty for free-text channels.
    data = models.JSONField(_("tham số mẫu tin"), default=dict, blank=True)
    # The same logical message is queued at most once, e.g. ``dossier-event:{event_id}:sms``.
    dedupe_key = models.CharField(max_length=200, unique=True)
    # Secrets such as sign-in codes: the body is wiped once the provider has it.
    redact_after_send = models.BooleanField(default=False)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )

    status = models.CharField(
        _("trạng thái"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)
    # The lease: while ``status`` is sending and ``claimed_until`` is ahead, only ``claimed_by``
    # may send this row; once it has passed, another worker may claim the row again.
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    provider_id = models.CharField(_("mã của nhà cung cấp"), max_length=200, blank=True)
    # Masked with motcua.privacy before it is stored: provider errors often echo the recipient.
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("tin thông báo")
        verbose_name_plural = _("tin thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The worker's two questions: which pending rows are due, whose lease has expired.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="notify_pending_due_idx",
            ),
            models.Index(
                fields=["claimed_until"],
                condition=models.Q(status="sending"),
                name="notify_sending_lease_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="notify_message_status_valid", condition=models.Q(status__in=Status.values)
            ),
            models.CheckConstraint(
                name="notify_message_channel_valid", condition=models.Q(channel__in=Channel.values)
            ),
            models.CheckConstraint(
                name="notify_message_sending_has_lease",
                condition=~models.Q(status="sending") | models.Q(claimed_until__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.uuid}"
