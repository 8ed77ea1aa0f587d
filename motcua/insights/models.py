"""What insights stores: rollups kept up to date as dossiers change, the inputs a province monitor
enters for the service index, the frozen monthly snapshots, and the portal's published figures.

Figures are *defined* in ``figures`` and ``index_inputs``; these tables only keep their results
so that province-wide pages (the ranking of 126 communes) read a few hundred rows instead of
scanning millions of dossiers (docs/decisions/0015-insights-rollups-and-index.md).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class CommuneMonth(models.Model):
    """One commune's figures for one calendar month, by dossiers *received* in that month.

    ``figures`` holds the dashboard counts of ``figures.cohort_counts`` and ``inputs`` the service
    index inputs of ``index_inputs.measured_inputs`` (Appendix A, commune part), both as judged at
    ``computed_at`` (live: open dossiers are measured against the month's end or now). ``dirty``
    is set, in the dossier change's own transaction, whenever a dossier of this commune and month
    changes; ``rollups.refresh`` recomputes dirty rows. ``scores``/``total`` are the index result
    with the province's inputs and the monitor's overrides of the time of computing.
    """

    commune = models.ForeignKey("units.Commune", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("tháng"), help_text=_("Ngày đầu tháng."))
    figures = models.JSONField(default=dict)
    inputs = models.JSONField(default=dict)
    scores = models.JSONField(default=dict)
    total = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    computed_at = models.DateTimeField(null=True)
    dirty = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("số liệu tháng của xã")
        verbose_name_plural = _("số liệu tháng của xã")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "month"], name="one_rollup_per_commune_month"
            )
        ]
        indexes = [
            models.Index(fields=["month", "commune"]),
            models.Index(fields=["dirty"], condition=Q(dirty=True), name="rollup_dirty_rows"),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.month:%Y-%m}"


class Entered(models.Model):
    """Who entered a monitor's input, and when (the inputs page records it on every save)."""

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField()

    class Meta:
        abstract = True


class ProvinceMonthInput(Entered):
    """Criteria 1.1–1.3 of the service index: measured for the whole province and inherited by each
    of its communes (service_index.md §4.1), entered by a province monitor each month."""

    province = models.ForeignKey("units.Province", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("tháng"))
    tthc_published_on_time = models.PositiveIntegerField(_("TTHC công bố đúng hạn"))
    tthc_published_total = models.PositiveIntegerField(_("TTHC công bố trong kỳ"))
    tthc_public_on_time = models.PositiveIntegerField(_("TTHC công khai đúng hạn"))
    tthc_public_required = models.PositiveIntegerField(_("TTHC phải công khai trong kỳ"))
    tthc_public_complete = models.PositiveIntegerField(_("TTHC công khai đầy đủ bộ phận"))
    tthc_public_total = models.PositiveIntegerField(_("TTHC đang công khai"))

    class Meta:
        verbose_name = _("số liệu cấp tỉnh (tiêu chí 1.1–1.3)")
        verbose_name_plural = _("số liệu cấp tỉnh (tiêu chí 1.1–1.3)")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "month"], name="one_input_per_province_month"
            ),
            models.CheckConstraint(
                name="province_input_parts_within_totals",
                condition=Q(tthc_published_on_time__lte=F("tthc_published_total"))
                & Q(tthc_public_on_time__lte=F("tthc_public_required"))
                & Q(tthc_public_complete__lte=F("tthc_public_total")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.month:%Y-%m}"

    def as_inputs(self) -> dict:
        return {name: getattr(self, name) for name in PROVINCE_INPUTS}


PROVINCE_INPUTS = (
    "tthc_published_on_time",
    "tthc_published_total",
    "tthc_public_on_time",
    "tthc_public_required",
    "tthc_public_complete",
    "tthc_public_total",
)


class CommuneMonthInput(Entered):
    """What a monitor enters for one commune and month: the certified-copy flag (criterion 4.x),
    and values for index inputs motcua does not measure itself (online payments, petitions
    handled in another system), each replacing the measured value of the same name."""

    commune = models.ForeignKey("units.Commune", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("tháng"))
    certified_copy_e_service = models.BooleanField(
        _("xã cung cấp chứng thực bản sao điện tử từ bản chính"), default=False
    )
    overrides = models.JSONField(_("số liệu nhập thay"), default=dict, blank=True)

    class Meta:
        verbose_name = _("số liệu nhập cho xã")
        verbose_name_plural = _("số liệu nhập cho xã")
        constraints = [
            models.UniqueConstraint(fields=["commune", "month"], name="one_input_per_commune_month")
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.month:%Y-%m}"


class ProvinceIndexSettings(models.Model):
    """Per-province choices about the index: the snapshot cut-off day and the portal-compatible
    rounding of groups 3 and 4 (service_index.md Appendix C; off by default)."""

    province = models.OneToOneField("units.Province", on_delete=models.CASCADE, related_name="+")
    cutoff_day = models.PositiveSmallIntegerField(
        _("ngày chốt số liệu tháng trước"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    portal_compatible = models.BooleanField(_("làm tròn như Cổng DVCQG (nhóm 3, 4)"), default=False)

    class Meta:
        verbose_name = _("cấu hình chỉ số của tỉnh")
        verbose_name_plural = _("cấu hình chỉ số của tỉnh")
        constraints = [
            models.CheckConstraint(
                name="cutoff_day_in_month", condition=Q(cutoff_day__gte=1, cutoff_day__lte=28)
            )
        ]

    def __str__(self) -> str:
        return f"{self.province_id}"


class IndexSnapshot(models.Model):
    """The index of one commune for one month, frozen on the province's cut-off day: what the
    ranking of that month officially was. Live values stay in ``CommuneMonth``."""

    commune = models.ForeignKey("units.Commune", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("tháng"))
    frozen_at = models.DateTimeField(_("thời điểm chốt"))
    scheme = models.CharField(_("phiên bản bộ tiêu chí"), max_length=20)
    inputs = models.JSONField(default=dict)
    scores = models.JSONField(default=dict)
    total = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    rank = models.PositiveSmallIntegerField(null=True)

    class Meta:
        verbose_name = _("chỉ số đã chốt")
        verbose_name_plural = _("chỉ số đã chốt")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "month"], name="one_snapshot_per_commune_month"
            )
        ]
        indexes = [models.Index(fields=["month", "commune"])]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.month:%Y-%m} = {self.total}"


class PublishedIndex(models.Model):
    """The National Public Service Portal's own published figures for a commune and period,
    imported (``motcua import_portal_index``) to show beside motcua's value: the official value
    is authoritative (service_index.md §7)."""

    commune = models.ForeignKey("units.Commune", on_delete=models.CASCADE, related_name="+")
    portal_code = models.CharField(_("mã đơn vị trên Cổng"), max_length=20)
    period_kind = models.CharField(max_length=8)  # month / quarter / year
    period_start = models.DateField()
    captured_at = models.DateTimeField()
    inputs = models.JSONField(default=dict)
    published = models.JSONField(default=dict)
    total = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("chỉ số công bố trên Cổng DVCQG")
        verbose_name_plural = _("chỉ số công bố trên Cổng DVCQG")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "period_kind", "period_start"], name="one_published_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.portal_code} {self.period_kind} {self.period_start}"
