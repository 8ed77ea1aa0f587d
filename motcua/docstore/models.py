"""The citizen's electronic document store (kho quản lý dữ liệu điện tử, domain.md §11).

Every scanned, uploaded or issued document is kept here, keyed by the owner's 12-digit personal ID
number, with the data fields Decree 118 Art. 19(2) asks of an e-document: type code, owner, name,
summary, validity period and scope. A later dossier reuses a valid stored document instead of
asking for the paper again (Art. 5(1)(i), Art. 22(1)).

Rows are written only through ``motcua.docstore.services``.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    SCANNED = "scanned", _("Số hóa tại quầy")
    UPLOADED = "uploaded", _("Công dân tải lên")
    DATABASE = "database", _("Khai thác từ cơ sở dữ liệu")
    ISSUED = "issued", _("Kết quả giải quyết điện tử")


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
        ]

    def __str__(self) -> str:
        return f"{self.type_code} {self.name}"
