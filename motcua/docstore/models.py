"""The citizen's electronic document store (kho quản lý dữ liệu điện tử, domain.md §11).

Every scanned, uploaded or issued document is kept here, keyed by the owner's 12-digit personal ID
number, with the data fields Decree 118 Art. 19(2) asks of an e-document: type code, owner, name,
summary, validity period and scope. A later dossier reuses a valid stored document instead of
asking for the paper again (Art. 5(1)(i), Art. 22(1)).

A document enters its owner's store only when the owner's identity was verified for the filing
that brought it (``Verification``); any other document is kept for its dossier alone. An officer
sees a citizen's store only under a ``ReuseGrant``, the citizen's consent for one intake, and every
look-up and grant is written to ``StoreAccess`` (docs/decisions/0024).

Rows are written only through ``motcua.docstore.services`` and ``motcua.docstore.consent``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    SCANNED = "scanned", _("Số hóa tại quầy")
    UPLOADED = "uploaded", _("Công dân tải lên")
    DATABASE = "database", _("Khai thác từ cơ sở dữ liệu")
    ISSUED = "issued", _("Kết quả giải quyết điện tử")


class Verification(models.TextChoices):
    """How the owner of a filing's papers was shown to be the person filing them."""

    IDENTITY_PROVIDER = "identity_provider", _("Chủ giấy tờ đăng nhập bằng định danh điện tử")
    ID_CARD = "id_card", _("Cán bộ đối chiếu thẻ căn cước của chủ giấy tờ")


class StoredDocumentQuerySet(models.QuerySet):
    def in_store(self) -> "StoredDocumentQuerySet":
        """The documents that entered their owner's store: the owner's identity was verified for
        the filing that brought them. The others belong to their dossier alone: they are kept
        and downloaded from it, but never listed in a store or offered for reuse."""
        return self.exclude(verified_via="")


def _upload_path(instance: "StoredDocument", filename: str) -> str:
    # The owner's ID number never appears in a path: paths end up in logs and backups.
    return f"docstore/{instance.created_at:%Y/%m}/{instance.uuid}{instance.extension}"


class StoredDocument(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner_id_number = models.CharField(_("số định danh của chủ giấy tờ"), max_length=20)
    # For issued results: owner ID + result-type code (Decree 118 Art. 22(4)).
    code = models.CharField(_("mã giấy tờ"), max_length=64, blank=True)
    type_code = models.CharField(_("mã loại giấy tờ"), max_length=40)
    name = models.CharField(_("tên giấy tờ"), max_length=300)
    summary = models.CharField(_("trích yếu"), max_length=500, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    scope = models.CharField(_("phạm vi hiệu lực"), max_length=200, blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices)
    origin_dossier_code = models.CharField(_("hồ sơ gốc"), max_length=64, blank=True)
    file = models.FileField(_("tệp"), upload_to=_upload_path, blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    extension = models.CharField(max_length=8, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # How the owner's identity was verified for the filing that brought this document; blank when
    # it was not, and then the document stays with its dossier only (``in_store``).
    verified_via = models.CharField(
        _("xác minh chủ giấy tờ"), max_length=20, choices=Verification.choices, blank=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ xác minh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("thời điểm xác minh"), null=True, blank=True)

    objects = StoredDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("giấy tờ điện tử")
        verbose_name_plural = _("giấy tờ điện tử")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner_id_number", "type_code"])]
        constraints = [
            models.CheckConstraint(
                name="stored_document_validity_ordered",
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
            ),
            # A dossier issues one result: the e-result is recorded once, even if the approval's
            # listener ran twice (services.record_issued_result).
            models.UniqueConstraint(
                fields=["origin_dossier_code"],
                condition=models.Q(source=Source.ISSUED),
                name="one_issued_result_per_dossier",
            ),
            # A verification says when it was made, and an officer's check says who made it.
            models.CheckConstraint(
                name="stored_document_verification_complete",
                condition=(models.Q(verified_via="") & models.Q(verified_at__isnull=True))
                | (
                    models.Q(verified_via=Verification.IDENTITY_PROVIDER)
                    & models.Q(verified_at__isnull=False)
                )
                | (
                    models.Q(verified_via=Verification.ID_CARD)
                    & models.Q(verified_at__isnull=False)
                    & models.Q(verified_by__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type_code} {self.name}"

    @property
    def in_store(self) -> bool:
        return bool(self.verified_via)


class IdentityCheck(models.Model):
    """How the applicant of one dossier was shown to own its ID number: an identity provider
    (the signed-in resident's verified number is the applicant's) or an officer who checked the
    ID card at the counter. The dossier's later papers and its e-result enter the owner's store
    on the strength of this row; a dossier without one keeps its papers to itself."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="identity_check"
    )
    method = models.CharField(_("cách xác minh"), max_length=20, choices=Verification.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ đối chiếu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider = models.CharField(_("nhà cung cấp định danh"), max_length=40, blank=True)
    at = models.DateTimeField(_("thời điểm"))

    class Meta:
        verbose_name = _("xác minh chủ hồ sơ")
        verbose_name_plural = _("xác minh chủ hồ sơ")
        constraints = [
            models.CheckConstraint(
                name="identity_check_by_officer_names_officer",
                condition=~models.Q(method=Verification.ID_CARD) | models.Q(officer__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.method}"


# --------------------------------------------------------------------------- consent to reuse


class ConsentChannel(models.TextChoices):
    SMS = "sms", _("Mã gửi qua SMS đến số điện thoại đã xác thực của công dân")
    SHARE = "share", _("Mã công dân tự tạo trong “Giấy tờ của tôi”")


class ReuseGrant(models.Model):
    """A citizen's consent that one officer sees their store for one intake, and the one-time
    code that proves it.

    Pending while the code waits (``granted_at`` empty): an SMS code is bound at once to the
    officer, commune and intake that asked for it; a code the citizen made on the portal is bound
    to the first officer who enters it correctly. Granted, it lets that officer see the store of
    that number, for that intake, until ``expires_at``. The owner is kept only as a keyed digest
    and a masked number: this table never holds an ID number in clear.
    """

    owner_digest = models.CharField(max_length=64, db_index=True)
    owner_masked = models.CharField(_("chủ giấy tờ"), max_length=20)
    channel = models.CharField(_("cách đồng ý"), max_length=8, choices=ConsentChannel.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    code_expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    voided_at = models.DateTimeField(null=True, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commune = models.ForeignKey(
        "units.Commune",
        verbose_name=_("xã/phường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    intake = models.UUIDField(_("lần tiếp nhận"), null=True, blank=True)
    granted_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sự đồng ý dùng lại giấy tờ")
        verbose_name_plural = _("sự đồng ý dùng lại giấy tờ")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A grant always names whom it was given to, for which intake, and until when.
            models.CheckConstraint(
                name="reuse_grant_granted_is_bound",
                condition=models.Q(granted_at__isnull=True)
                | (
                    models.Q(officer__isnull=False)
                    & models.Q(commune__isnull=False)
                    & models.Q(intake__isnull=False)
                    & models.Q(expires_at__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"grant #{self.pk} ({self.channel})"


class AccessEvent(models.TextChoices):
    LOOKED_UP = "looked_up", _("Xem giấy tờ trong kho (có sự đồng ý)")
    NO_CONSENT = "no_consent", _("Tra cứu khi chưa có sự đồng ý")
    CODE_SENT = "code_sent", _("Gửi mã cho công dân qua SMS")
    CODE_NOT_SENT = "code_not_sent", _("Không gửi được mã")
    SHARE_CODE_MADE = "share_code_made", _("Công dân tạo mã")
    CODE_REFUSED = "code_refused", _("Mã bị từ chối")
    VOIDED = "voided", _("Mã bị hủy sau nhiều lần nhập sai")
    GRANTED = "granted", _("Công dân đồng ý (mã đúng)")
    CLOSED = "closed", _("Kết thúc khi tiếp nhận xong")


class StoreAccess(models.Model):
    """The audit trail of the store at intake: every look-up, code and grant, with the officer
    and commune and the number masked (never in clear). Rows are only ever added
    (``consent.record``); a commune administrator reads their commune's rows, a citizen the
    grants of their own number."""

    at = models.DateTimeField(_("thời điểm"), db_index=True)
    event = models.CharField(_("sự kiện"), max_length=20, choices=AccessEvent.choices)
    owner_digest = models.CharField(max_length=64, db_index=True)
    owner_masked = models.CharField(_("chủ giấy tờ"), max_length=20)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commune = models.ForeignKey(
        "units.Commune",
        verbose_name=_("xã/phường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grant = models.ForeignKey(
        ReuseGrant, null=True, blank=True, on_delete=models.PROTECT, related_name="accesses"
    )
    intake = models.UUIDField(_("lần tiếp nhận"), null=True, blank=True)
    detail = models.CharField(_("chi tiết"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("nhật ký truy cập kho giấy tờ")
        verbose_name_plural = _("nhật ký truy cập kho giấy tờ")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["commune", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.event} {self.owner_masked}"

    def detail_display(self) -> str:
        """The detail in words: how many papers were shown, or why a code was refused."""
        if self.event == AccessEvent.LOOKED_UP and self.detail.isdigit():
            return _("%(n)s giấy tờ") % {"n": self.detail}
        return str(ACCESS_DETAILS.get(self.detail, self.detail))


ACCESS_DETAILS = {
    "has_papers": _("có giấy tờ, chưa được xem"),
    "empty": _("không có giấy tờ"),
    "malformed": _("mã không đủ 6 chữ số"),
    "wrong": _("mã sai"),
    "locked": _("nhập sai quá số lần"),
    "expired": _("mã hết hạn"),
    "used": _("mã đã dùng"),
    "void": _("mã đã hủy"),
    "elsewhere": _("mã của lần tiếp nhận khác"),
    "no_code": _("không có mã đang chờ"),
    "no_intake": _("không xác định được lần tiếp nhận"),
    "wait": _("gửi lại quá sớm"),
    "too_many": _("đã gửi quá nhiều mã cho công dân"),
    "officer_budget": _("cán bộ gửi quá nhiều mã"),
    "no_phone": _("công dân không có số điện thoại đã xác thực"),
}
