"""The procedure catalogue (thủ tục hành chính): what a resident can apply for, what it takes, how
long it may last, what it costs, and how the time is split between the people handling it.

Catalogue data is seed data that staff edit, not the authority: times, fees and documents differ
by province and change often (domain.md §13). The import keeps the source's own text next to the
numbers and flags conflicts for an administrator (``needs_review``).
"""

import re
from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.text import search_key

# National procedure code N.NNNNNN: 1./2. issued nationally, 3. by a province (domain.md §13); the
# national portal also lists internal procedures between agencies under 5. and 6.
PROCEDURE_CODE_RE = re.compile(r"^[1-9]\.\d{6}$")
procedure_code_validator = RegexValidator(
    PROCEDURE_CODE_RE,
    _("Mã thủ tục có dạng N.NNNNNN với N là một chữ số (1, 2, 3…), ví dụ 1.001193."),
    code="procedure_code",
)

# Hours in one working day (Decision 188/1999/QĐ-TTg: 40-hour week; domain.md §8.1).
HOURS_PER_WORKING_DAY = Decimal(8)


# Procedures whose source does not name a field go to this one and are flagged for review, so that
# every procedure has a field (pages, the API and counter routing can rely on it).
UNCLASSIFIED_FIELD = {
    "code": "chua-xac-dinh",
    "name_vi": "Chưa xác định",
    "name_en": "Not established",
}


class Field(models.Model):
    """A field (lĩnh vực) of procedures, e.g. Hộ tịch (civil status). Counters serve fields."""

    code = models.SlugField(_("mã"), max_length=100, unique=True)
    name_vi = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name_vi"]

    def __str__(self) -> str:
        return self.name_vi


class ProcedureLevel(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    PROVINCE = "province", _("Cấp tỉnh")
    CENTRAL = "central", _("Cấp trung ương")


class TimeUnit(models.TextChoices):
    """Units of the legal processing time; the values are those of ``motcua.workdays.TimeUnit``."""

    WORKING_DAY = "working_day", _("ngày làm việc")
    CALENDAR_DAY = "calendar_day", _("ngày")
    HOUR = "hour", _("giờ làm việc")
    SAME_DAY = "same_day", _("trong ngày")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Trực tuyến toàn trình")
    PARTIAL = "partial", _("Trực tuyến một phần")
    NONE = "none", _("Chỉ nộp trực tiếp")
    UNKNOWN = "unknown", _("Chưa xác định")


class PortalType(models.TextChoices):
    """The national portal's kind of procedure (``type`` in its catalogue)."""

    STANDARD = "standard", _("Thủ tục chung toàn quốc")
    SPECIFIC = "specific", _("Thủ tục đặc thù của tỉnh")
    STANDARD_INTERNAL = "standard_internal", _("Thủ tục nội bộ")


class CatalogueSource(models.TextChoices):
    """Where an entry's content last came from; decides what a later import may overwrite
    (ADR 0026): the portal's full record beats its name list, which beats the project's JSON."""

    PROJECT = "project", _("Tệp JSON của dự án")
    PORTAL_LIST = "portal_list", _("Danh mục tên của Cổng DVCQG")
    PORTAL_RECORD = "portal_record", _("Hồ sơ đầy đủ của Cổng DVCQG")


class Procedure(models.Model):
    code = models.CharField(
        _("mã thủ tục"), max_length=16, unique=True, validators=[procedure_code_validator]
    )
    # The portal's longest name has 1,192 characters.
    name_vi = models.CharField(_("tên thủ tục"), max_length=1500)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=500, blank=True)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures"
    )
    level = models.CharField(
        _("cấp thực hiện"),
        max_length=10,
        choices=ProcedureLevel.choices,
        default=ProcedureLevel.COMMUNE,
    )
    # Several bodies joined by "; " (one portal entry names 27 land-registry branches).
    executing_agency = models.CharField(_("cơ quan thực hiện"), max_length=2000, blank=True)
    promulgating_agency = models.CharField(_("cơ quan ban hành"), max_length=300, blank=True)
    portal_type = models.CharField(
        _("loại thủ tục trên Cổng DVCQG"), max_length=20, choices=PortalType.choices, blank=True
    )
    province = models.ForeignKey(
        "units.Province",
        verbose_name=_("tỉnh ban hành"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="specific_procedures",
        help_text=_("Chỉ với thủ tục đặc thù của một tỉnh."),
    )
    catalogue_source = models.CharField(
        _("nguồn nội dung"),
        max_length=16,
        choices=CatalogueSource.choices,
        default=CatalogueSource.PROJECT,
    )
    has_full_record = models.BooleanField(
        _("có hồ sơ thủ tục đầy đủ"),
        default=False,
        help_text=_("Có thành phần hồ sơ, thời hạn, phí; không chỉ có tên."),
    )
    processing_amount = models.DecimalField(
        _("thời hạn giải quyết"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Số lượng theo đơn vị bên dưới; để trống nếu chưa rõ."),
    )
    processing_unit = models.CharField(
        _("đơn vị thời hạn"),
        max_length=16,
        choices=TimeUnit.choices,
        default=TimeUnit.WORKING_DAY,
    )
    processing_note = models.TextField(_("ghi chú về thời hạn"), blank=True)
    fee_vnd = models.PositiveIntegerField(
        _("phí, lệ phí (đồng)"),
        null=True,
        blank=True,
        help_text=_("0 = miễn phí; để trống nếu do HĐND tỉnh quy định hoặc chưa rõ."),
    )
    fee_note = models.TextField(_("ghi chú về phí, lệ phí"), blank=True)
    online_level = models.CharField(
        _("mức độ trực tuyến"),
        max_length=10,
        choices=OnlineLevel.choices,
        default=OnlineLevel.UNKNOWN,
    )
    # Names of the papers to hand in, headings and notes left out: what the counter's intake form
    # lists. Derived from document_groups for portal records.
    documents = models.JSONField(_("thành phần hồ sơ"), default=list, blank=True)
    documents_note = models.TextField(_("ghi chú về thành phần hồ sơ"), blank=True)
    # The portal's structure, kept as data for display (staff may edit it in the admin); shapes in
    # motcua.catalog.portal.
    document_groups = models.JSONField(
        _("thành phần hồ sơ theo trường hợp"), default=list, blank=True
    )
    document_notes = models.JSONField(_("lưu ý về thành phần hồ sơ"), default=list, blank=True)
    channels = models.JSONField(_("cách thức thực hiện"), default=list, blank=True)
    processing_cases = models.JSONField(_("thời hạn theo trường hợp"), default=list, blank=True)
    legal_basis = models.JSONField(_("căn cứ pháp lý"), default=list, blank=True)
    results = models.JSONField(_("kết quả thực hiện"), default=list, blank=True)
    subject_types = models.JSONField(_("đối tượng thực hiện"), default=list, blank=True)
    official_steps = models.JSONField(_("trình tự thực hiện"), default=list, blank=True)
    requirements = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    source = models.TextField(_("nguồn"), blank=True)
    source_url = models.URLField(_("đường dẫn nguồn"), max_length=500, blank=True)
    # Folded name ("thu tuc dang ky khai sinh"), to rank phrase matches in the name first.
    search_name = models.CharField(max_length=500, editable=False, blank=True)
    # Folded names, code and field names: what the accent-insensitive search matches against
    # (catalog.queries explains why a plain substring match and not full-text search).
    search_text = models.TextField(editable=False, blank=True)
    needs_review = models.BooleanField(_("cần rà soát"), default=False, db_index=True)
    review_notes = models.TextField(_("nội dung cần rà soát"), blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="procedure_amount_not_negative",
                condition=models.Q(processing_amount__isnull=True)
                | models.Q(processing_amount__gte=0),
            ),
            models.CheckConstraint(
                name="procedure_unit_valid", condition=models.Q(processing_unit__in=TimeUnit.values)
            ),
            models.CheckConstraint(
                name="procedure_online_level_valid",
                condition=models.Q(online_level__in=OnlineLevel.values),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name_vi}"

    def save(self, *args, **kwargs):
        self.fill_search()
        super().save(*args, **kwargs)

    def fill_search(self, field: Field | None = None) -> None:
        """Recompute the folded search columns (call after changing names or the field)."""
        field = field if field is not None else (self.field if self.field_id else None)
        self.search_name = search_key(self.name_vi)[:500]
        parts = [self.search_name, search_key(self.name_en), self.code]
        if field is not None:
            parts += [search_key(field.name_vi), search_key(field.name_en)]
        self.search_text = "\n".join(p for p in parts if p)

    @property
    def legal_time_display(self) -> str:
        """The legal processing time as residents read it, e.g. "5 ngày làm việc"."""
        unit, amount = self.processing_unit, self.processing_amount
        if unit == TimeUnit.SAME_DAY:
            return str(_("Trong ngày (sau 15:00: ngày làm việc tiếp theo)"))
        if amount is None:
            return str(_("Chưa xác định"))
        # Whole numbers print without decimals ("5", not "5.00"); Vietnamese uses a decimal comma.
        whole = amount == amount.to_integral_value()
        shown = number_format(int(amount) if whole else amount.normalize())
        count = 1 if amount == 1 else 2  # picks the plural form in languages that have one
        if unit == TimeUnit.WORKING_DAY:
            return ngettext("%(n)s ngày làm việc", "%(n)s ngày làm việc", count) % {"n": shown}
        if unit == TimeUnit.CALENDAR_DAY:
            return ngettext("%(n)s ngày", "%(n)s ngày", count) % {"n": shown}
        return ngettext("%(n)s giờ", "%(n)s giờ", count) % {"n": shown}


class StepRole(models.TextChoices):
    RECEPTION = "reception", _("Bộ phận một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")
    RETURN = "return", _("Trả kết quả")


class ProcessStep(models.Model):
    """One step of a procedure's internal process and its share of the legal time, in working
    hours (1 working day = 8 h). The return step has 0: it is not counted in the legal time."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    role = models.CharField(_("bộ phận"), max_length=12, choices=StepRole.choices)
    name_vi = models.CharField(_("tên bước"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    budget_hours = models.DecimalField(
        _("thời gian (giờ làm việc)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "position"], name="step_position_unique_in_procedure"
            ),
            models.CheckConstraint(
                name="step_budget_not_negative", condition=models.Q(budget_hours__gte=0)
            ),
            models.CheckConstraint(
                name="step_role_valid", condition=models.Q(role__in=StepRole.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name_vi}"


class CommuneProcedure(models.Model):
    """A procedure a commune has standardised: it receives and settles it (a commune in the
    reports reviewed 418)."""

    commune = models.ForeignKey(
        "units.Commune",
        verbose_name=_("xã/phường"),
        on_delete=models.CASCADE,
        related_name="procedure_links",
    )
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("thủ tục"),
        on_delete=models.CASCADE,
        related_name="commune_links",
    )
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("thủ tục áp dụng tại xã")
        verbose_name_plural = _("thủ tục áp dụng tại xã")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "procedure"], name="commune_procedure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune} – {self.procedure.code}"
