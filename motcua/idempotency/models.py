"""One row per (caller, key): the database's unique constraint is what makes a request happen
once, however many copies of it arrive at the same moment (``services.once``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

KEY_MAX_LENGTH = 255


class IdempotentRequest(models.Model):
    """A request a caller sent with an ``Idempotency-Key``, and the answer it got.

    The row is inserted in the same transaction as the work the request does and is filled in
    with the answer before that transaction commits, so no other transaction ever sees it
    without its answer. Answers hold no personal data (a dossier code, a status, an address).
    """

    # Who asked: "user:<id>" for a staff account or API token, "resident:<id>" for a resident.
    caller = models.CharField(_("người gửi"), max_length=40)
    key = models.CharField(_("khóa"), max_length=KEY_MAX_LENGTH)
    # SHA-256 of what was asked (route and body), so the key cannot be reused for another request.
    fingerprint = models.CharField(_("dấu vân tay yêu cầu"), max_length=64)
    status = models.PositiveSmallIntegerField(_("mã trạng thái"), default=0)
    # The answer's body (JSON for the API), or the address a web form was sent on to.
    body = models.TextField(_("nội dung trả lời"), blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("lúc nhận"), db_index=True)

    class Meta:
        verbose_name = _("yêu cầu một lần")
        verbose_name_plural = _("yêu cầu một lần")
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="one_request_per_caller_key")
        ]

    def __str__(self) -> str:
        return f"{self.caller} {self.key[:12]}"
