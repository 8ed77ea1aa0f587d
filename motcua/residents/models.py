"""Residents' accounts on the portal: who signed in, how they proved it, and the one-time codes.

A resident is not a staff ``User``: residents never see the officers' pages, and officers never
sign in here. A resident proves a phone number with a one-time code sent by SMS, or an identity
through an identity provider (VNeID-style single sign-on). Only a provider-verified ID number opens
the resident's document store (``motcua.docstore``): a typed-in number proves nothing.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Resident(models.Model):
    phone = models.CharField(_("số điện thoại"), max_length=15, unique=True, null=True, blank=True)
    full_name = models.CharField(_("họ tên"), max_length=200, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    # Set only by an identity provider; unique among verified accounts.
    verified_id_number = models.CharField(
        _("số định danh đã xác thực"), max_length=12, unique=True, null=True, blank=True
    )
    verified_by = models.CharField(_("xác thực bởi"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("công dân")
        verbose_name_plural = _("công dân")
        constraints = [
            models.CheckConstraint(
                name="resident_has_phone_or_identity",
                condition=models.Q(phone__isnull=False)
                | models.Q(verified_id_number__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or f"#{self.pk}"


class OneTimeCode(models.Model):
    """A sign-in code sent by SMS. Only its hash is stored; it expires, allows few attempts and
    is used at most once (``used_at`` is set by a conditional update)."""

    phone = models.CharField(max_length=15, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"OTP #{self.pk}"


class AssistedSubmission(models.Model):
    """A dossier submitted on a resident's behalf by a volunteer or an officer, with the consent
    the resident gave: who assisted, when, and the exact consent text that was shown."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="assistance"
    )
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assisted_submissions"
    )
    at = models.DateTimeField()
    consent_text = models.TextField(_("nội dung đồng ý"))
    consent_given_by = models.CharField(_("người đồng ý"), max_length=200)

    class Meta:
        verbose_name = _("nộp hồ sơ hộ")
        verbose_name_plural = _("nộp hồ sơ hộ")

    def __str__(self) -> str:
        return f"{self.dossier_id} assisted by {self.assisted_by_id}"


class ResidentToken(models.Model):
    """A bearer token for the residents' portal API (mobile apps, kiosks). Only its SHA-256 is
    stored; the raw token is handed out once, at sign-in. It expires, and signing out revokes it."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("mã truy cập của công dân")
        verbose_name_plural = _("mã truy cập của công dân")

    def __str__(self) -> str:
        return f"token #{self.pk} of resident #{self.resident_id}"


def _pending_path(instance: "PendingUpload", filename: str) -> str:
    # No name the sender chose and no personal data in the path: paths end up in logs.
    return f"pending/{instance.created_at:%Y/%m/%d}/{uuid.uuid4().hex}{instance.extension}"


class PendingUpload(models.Model):
    """A file that passed the upload check on a filing form whose other answers did not: kept
    for the same person's next try of the same form (``motcua.residents.pending``), so a
    resident on a slow phone does not have to choose and send every photo again. The form
    carries ``token`` in a hidden field; only its ``owner`` (the resident, or the helper filing
    for one) can use it. It is deleted when the dossier is filed, when the person removes it, or
    after ``pending.KEEP_FOR``."""

    token = models.CharField(max_length=64, unique=True)
    owner = models.CharField(max_length=40, db_index=True)  # "resident:<pk>" or "user:<pk>"
    position = models.PositiveSmallIntegerField()  # the paper it was sent for (file_<position>)
    original_name = models.CharField(max_length=200)
    file = models.FileField(upload_to=_pending_path)
    content_type = models.CharField(max_length=40)
    extension = models.CharField(max_length=8)
    size_bytes = models.PositiveIntegerField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("tệp đính kèm đang giữ")
        verbose_name_plural = _("tệp đính kèm đang giữ")

    def __str__(self) -> str:
        return f"pending upload #{self.pk} ({self.owner})"
