"""What motcua knows about its conversation with the National Public Service Portal (Cổng DVCQG).

Decree 118 Art. 27 requires every dossier and every status change to reach the portal. A dossier's
``SyncState`` says how far it got: which audit event was the last one the portal accepted, and
whether more are waiting. ``PulledDossier`` remembers which online dossiers filed on the portal
were already imported, so a pull never imports one twice. ``FakePortalRecord`` is the log of the
demo's stand-in portal (``adapters.FakePortalAdapter``). Nothing here talks to the network; the
rows change only through ``motcua.dvcqg.services``.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SyncStatus(models.TextChoices):
    NOT_SYNCED = "not_synced", _("Chưa đồng bộ")
    SYNCED = "synced", _("Đã đồng bộ")
    ERROR = "error", _("Lỗi đồng bộ")


class SyncState(models.Model):
    """One per dossier: created by the first audit event, updated by every later one."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="sync_state",
    )
    status = models.CharField(
        _("trạng thái đồng bộ"),
        max_length=12,
        choices=SyncStatus.choices,
        default=SyncStatus.NOT_SYNCED,
    )
    # The newest audit event the portal has accepted as progress; everything after it is pushed
    # next time, oldest first. Events are append-only, so PROTECT never gets in the way.
    last_event = models.ForeignKey(
        "dossiers.DossierEvent",
        verbose_name=_("sự kiện đã đồng bộ gần nhất"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The newest audit event recorded for the dossier, written by the receiver in the event's own
    # transaction. A worker may call the dossier synced only if it pushed at least this far: an
    # event committed while it was pushing leaves the row not synced (services._finish).
    latest_event = models.ForeignKey(
        "dossiers.DossierEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attempts = models.PositiveSmallIntegerField(_("số lần thử lỗi liên tiếp"), default=0)
    next_attempt_at = models.DateTimeField(
        _("thử lại lúc"), null=True, blank=True, default=timezone.now
    )
    # The lease: while ``claimed_until`` is ahead, only the worker holding ``claimed_by`` pushes
    # this dossier; a worker that died lets go when the lease runs out.
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(_("đồng bộ thành công lúc"), null=True, blank=True)
    # Masked with motcua.privacy before it is stored: portal errors may echo the payload.
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("trạng thái đồng bộ DVCQG")
        verbose_name_plural = _("trạng thái đồng bộ DVCQG")
        indexes = [
            # The worker's question: which unsynced dossiers are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=~models.Q(status="synced"),
                name="dvcqg_sync_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="dvcqg_sync_status_valid", condition=models.Q(status__in=SyncStatus.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.status}"


class PulledDossier(models.Model):
    """An online dossier filed on the portal and imported here; the unique portal id is what
    makes a second pull of the same dossier a no-op, even with two pullers at once."""

    portal_id = models.CharField(_("mã hồ sơ trên Cổng DVCQG"), max_length=64, unique=True)
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="pulled_from_portal",
    )
    pulled_at = models.DateTimeField(_("nhận về lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("hồ sơ nhận từ Cổng DVCQG")
        verbose_name_plural = _("hồ sơ nhận từ Cổng DVCQG")

    def __str__(self) -> str:
        return f"{self.portal_id} → {self.dossier_id}"


class FakePortalRecord(models.Model):
    """The demo stand-in portal's log: each request it received, and the online dossiers placed
    on it for a pull to find (``service`` = the pull service's name)."""

    service = models.CharField(_("dịch vụ"), max_length=40)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64, blank=True, db_index=True)
    payload = models.JSONField(_("dữ liệu"), default=dict)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("bản ghi Cổng DVCQG giả lập")
        verbose_name_plural = _("bản ghi Cổng DVCQG giả lập")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.service} {self.dossier_code}"
