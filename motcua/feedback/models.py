"""Satisfaction ratings: the raw answers, one rating per dossier.

Only raw levels are stored; shares and points are derived in ``scoring`` so a change of weights
never needs a data migration. Rows are written only by ``services.submit_rating``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.feedback.criteria import CRITERIA, Level


class RatingChannel(models.TextChoices):
    """Where the resident rated from (the channels Decree 118 allows: domain.md §9.1)."""

    SMS_LINK = "sms_link", _("Liên kết trong tin nhắn")
    RECEIPT_QR = "receipt_qr", _("Mã QR trên giấy tiếp nhận")
    PORTAL = "portal", _("Cổng dịch vụ công")
    KIOSK = "kiosk", _("Thiết bị đánh giá tại quầy")


class Rating(models.Model):
    # One-to-one: the unique column makes "once per dossier" a database fact, also under
    # concurrent submissions (the service turns the violation into "already rated").
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="rating",
    )
    submitted_at = models.DateTimeField(_("thời điểm đánh giá"), db_index=True)
    channel = models.CharField(_("kênh đánh giá"), max_length=12, choices=RatingChannel.choices)
    comment = models.TextField(_("ý kiến khác"), max_length=2000, blank=True)
    # The random part of the link that was used (see links.py): ties a rating to one issued link.
    token_nonce = models.CharField(_("mã liên kết"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("đánh giá sự hài lòng")
        verbose_name_plural = _("đánh giá sự hài lòng")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                name="rating_channel_valid", condition=models.Q(channel__in=RatingChannel.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.submitted_at:%Y-%m-%d %H:%M}"


class RatingAnswer(models.Model):
    """One criterion's level in one rating (an optional criterion left blank has no row)."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="answers")
    criterion = models.CharField(
        _("tiêu chí"), max_length=2, choices=[(c.key, c.question) for c in CRITERIA]
    )
    level = models.CharField(_("mức độ hài lòng"), max_length=16, choices=Level.choices)

    class Meta:
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")
        constraints = [
            models.UniqueConstraint(
                fields=["rating", "criterion"], name="one_answer_per_rating_criterion"
            ),
            models.CheckConstraint(
                name="rating_answer_level_valid", condition=models.Q(level__in=Level.values)
            ),
            models.CheckConstraint(
                name="rating_answer_criterion_valid",
                condition=models.Q(criterion__in=[c.key for c in CRITERIA]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating_id} {self.criterion}={self.level}"
