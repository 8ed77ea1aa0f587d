"""The audit trail of configuration that changes legal outcomes.

Deadlines and who is served first depend on more than dossiers: the official day swaps, a centre's
office hours, the list of procedures a commune handles, the priority groups and queue settings of a
centre, and the priority an officer gives a ticket. Every change to one of these writes one
``AuditEntry``: who, when, which object, the commune and province it belongs to (so the rows can be
scoped like everything else), what it was before and after, and why.

Rows are append-only: the model refuses to save twice or delete, and the database refuses UPDATE
and DELETE (migration 0002). Only ``services.record_change`` writes them.

This app is the bottom layer: it imports no other motcua app, so every domain app may use it. It
refers to the user, commune and province tables by name only (as Django's own admin log refers to
the user model), which ties the tables, not the code.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What was changed. Adding a kind is a decision (and a migration), not a side effect."""

    DAY_OVERRIDE = "day_override", _("ngày làm việc/nghỉ điều chỉnh")
    OFFICE_HOURS = "office_hours", _("giờ làm việc của trung tâm")
    COMMUNE_PROCEDURES = "commune_procedures", _("danh mục thủ tục của xã")
    PRIORITY_GROUP = "priority_group", _("nhóm ưu tiên")
    QUEUE_SETTINGS = "queue_settings", _("cấu hình xếp hàng")
    TICKET_PRIORITY = "ticket_priority", _("ưu tiên của số thứ tự")
    PETITION_CATEGORY = "petition_category", _("lĩnh vực phản ánh (thời hạn, phân công)")
    ESCALATION_RULE = "escalation_rule", _("quy tắc nhắc việc phản ánh quá hạn")


class Action(models.TextChoices):
    CREATE = "create", _("tạo mới")
    CHANGE = "change", _("thay đổi")
    DELETE = "delete", _("xóa")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    # PROTECT, as for dossier events: a person who changed configuration is deactivated, never
    # deleted, so the trail keeps saying who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thay đổi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Without an actor, the system source that made the change (an import command, the defaults a
    # new centre gets); with one, optionally where it was made ("admin").
    source = models.CharField(_("nguồn"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=24, choices=Kind.choices)
    action = models.CharField(_("thao tác"), max_length=8, choices=Action.choices)
    object_id = models.BigIntegerField(_("mã đối tượng"))
    object_repr = models.CharField(_("đối tượng"), max_length=200)
    commune = models.ForeignKey(
        "units.Commune",
        verbose_name=_("xã/phường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    province = models.ForeignKey(
        "units.Province",
        verbose_name=_("tỉnh/thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    before = models.JSONField(_("trước"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("sau"), null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        verbose_name = _("dòng nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi cấu hình")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["kind", "object_id", "at"], name="audit_object_history"),
            models.Index(fields=["commune", "at"], name="audit_commune_at"),
            models.Index(fields=["province", "at"], name="audit_province_at"),
        ]
        constraints = [
            models.CheckConstraint(
                name="audit_actor_or_source",
                condition=Q(actor__isnull=False) | ~Q(source=""),
            ),
            models.CheckConstraint(name="audit_kind_valid", condition=Q(kind__in=Kind.values)),
            # A creation has only an "after", a deletion only a "before", a change both.
            models.CheckConstraint(
                name="audit_action_matches_states",
                condition=Q(action=Action.CREATE, before__isnull=True, after__isnull=False)
                | Q(action=Action.CHANGE, before__isnull=False, after__isnull=False)
                | Q(action=Action.DELETE, before__isnull=False, after__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit entries are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries are append-only and cannot be deleted.")

    def changed_keys(self) -> list[str]:
        """The keys whose value differs between before and after (all keys of a create/delete)."""
        before, after = self.before or {}, self.after or {}
        return [key for key in {**before, **after} if before.get(key) != after.get(key)]
