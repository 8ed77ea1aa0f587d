"""Administrative units and the places where residents are served.

Since 1 July 2025 Vietnam has two levels of local government: 34 provinces and centrally-run cities,
and 3,321 communes, wards and special zones (Decision 19/2025/QĐ-TTg). Every commune runs a public
administration service centre, possibly with branches, whose counters each serve some fields.

Units change: provinces merge, a xã becomes a phường (Đồng Nai, 30 April 2026) and keeps its code.
So a unit is a row valid from one date until another, and a reorganisation closes the row
(``valid_to``) and opens a new one. Old dossiers keep pointing at the row that received them.
Codes are therefore unique among *open* rows, not across history.
"""

import datetime
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.text import nfc, search_key
from motcua.workdays import OfficeHours

# The first day of the two-level local government (Decision 19/2025/QĐ-TTg).
REFORM_DATE = datetime.date(2025, 7, 1)

DEFAULT_OFFICE_HOURS = "08:00-12:00,13:00-17:00"

province_code_validator = RegexValidator(
    r"^\d{2}$", _("Mã tỉnh gồm đúng 2 chữ số, ví dụ 01."), code="province_code"
)
commune_code_validator = RegexValidator(
    r"^\d{5}$", _("Mã xã gồm đúng 5 chữ số, ví dụ 00070."), code="commune_code"
)
# Agency identifiers are dot-separated groups of letters and digits, at most 35 characters
# (national identifier standard; domain.md §6), e.g. "000.00.04.G18".
agency_id_validator = RegexValidator(
    r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$",
    _("Mã định danh gồm các nhóm chữ và số cách nhau bởi dấu chấm, ví dụ 000.00.04.G18."),
    code="agency_id",
)


class ValidityQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Rows in force on ``on`` (default: today in Vietnam). ``valid_to`` is exclusive: it is
        the day the successor row takes effect, so a closed row and its successor never overlap."""
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=on)
        )


def _validity_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            name=f"{prefix}_valid_to_after_valid_from",
            condition=models.Q(valid_to__isnull=True)
            | models.Q(valid_to__gt=models.F("valid_from")),
            violation_error_message=_("Ngày hết hiệu lực phải sau ngày có hiệu lực."),
        ),
        models.UniqueConstraint(
            fields=["code"],
            condition=models.Q(valid_to__isnull=True),
            name=f"{prefix}_one_open_row_per_code",
            violation_error_message=_("Đã có một đơn vị đang hiệu lực với mã này."),
        ),
        models.UniqueConstraint(
            fields=["code", "valid_from"], name=f"{prefix}_code_valid_from_unique"
        ),
    ]


class ProvinceKind(models.TextChoices):
    THANH_PHO = "thanh_pho", _("thành phố")
    TINH = "tinh", _("tỉnh")


# Official names are Vietnamese proper names in every interface language ("Thành phố Hà Nội"), so
# the prefixes are not translated.
_PROVINCE_PREFIX = {ProvinceKind.THANH_PHO: "Thành phố", ProvinceKind.TINH: "Tỉnh"}


class Province(models.Model):
    code = models.CharField(
        _("mã tỉnh"),
        max_length=2,
        validators=[province_code_validator],
        help_text=_("Hai chữ số theo Quyết định 19/2025/QĐ-TTg, giữ số 0 ở đầu."),
    )
    name = models.CharField(_("tên"), max_length=100, help_text=_("Tên ngắn, ví dụ: Hà Nội."))
    kind = models.CharField(_("loại"), max_length=10, choices=ProvinceKind.choices)
    valid_from = models.DateField(_("có hiệu lực từ"), default=REFORM_DATE)
    valid_to = models.DateField(
        _("hết hiệu lực từ"),
        null=True,
        blank=True,
        help_text=_("Ngày đơn vị kế tiếp có hiệu lực; để trống nếu đang hiệu lực."),
    )
    # Decree 118 Art. 28 fixes the parts of a dossier code, not their layout; provinces differ
    # (domain.md §6), so a province may set its own. Blank = settings.MOTCUA_DOSSIER_CODE_PATTERN.
    dossier_code_pattern = models.CharField(
        _("mẫu mã hồ sơ"),
        max_length=80,
        blank=True,
        help_text=_(
            "Để trống để dùng mẫu chung {agency_id}-{yymmdd}-{seq:04d}. Phải có đủ ba phần "
            "{agency_id}, {yymmdd} và {seq...}."
        ),
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("tỉnh/thành phố")
        verbose_name_plural = _("tỉnh/thành phố")
        ordering = ["code", "valid_from"]
        constraints = [
            *_validity_constraints("province"),
            models.CheckConstraint(
                name="province_code_two_characters", condition=Exact(Length("code"), 2)
            ),
            models.CheckConstraint(
                name="province_kind_valid", condition=models.Q(kind__in=ProvinceKind.values)
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        pattern = self.dossier_code_pattern
        if pattern:
            try:
                pattern.format(agency_id="000.00.04.G18", yymmdd="250715", seq=1)
            except (KeyError, IndexError, ValueError) as exc:
                raise ValidationError(
                    {
                        "dossier_code_pattern": _(
                            "Mẫu mã hồ sơ không dùng được (%(error)s); chỉ dùng các phần "
                            "{agency_id}, {yymmdd} và {seq}, ví dụ {seq:04d}."
                        )
                        % {"error": exc}
                    }
                ) from exc
        if pattern and not all(part in pattern for part in ("{agency_id}", "{yymmdd}", "{seq")):
            raise ValidationError(
                {
                    "dossier_code_pattern": _(
                        "Mẫu mã hồ sơ phải có {agency_id}, {yymmdd} và {seq:04d} (Nghị định 118, "
                        "Điều 28: mã cơ quan, ngày tiếp nhận, số thứ tự trong ngày)."
                    )
                }
            )

    @property
    def full_name(self) -> str:
        return f"{_PROVINCE_PREFIX[self.kind]} {self.name}"


class CommuneKind(models.TextChoices):
    XA = "xa", _("xã")
    PHUONG = "phuong", _("phường")
    DAC_KHU = "dac_khu", _("đặc khu")


class Commune(models.Model):
    code = models.CharField(
        _("mã xã"),
        max_length=5,
        validators=[commune_code_validator],
        help_text=_("Năm chữ số theo Quyết định 19/2025/QĐ-TTg, giữ số 0 ở đầu."),
    )
    name = models.CharField(
        _("tên"), max_length=100, help_text=_("Tên đầy đủ có tiền tố, ví dụ: Phường Hoàn Kiếm.")
    )
    kind = models.CharField(_("loại"), max_length=10, choices=CommuneKind.choices)
    province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh/thành phố"),
        on_delete=models.PROTECT,
        related_name="communes",
    )
    valid_from = models.DateField(_("có hiệu lực từ"), default=REFORM_DATE)
    valid_to = models.DateField(
        _("hết hiệu lực từ"),
        null=True,
        blank=True,
        help_text=_("Ngày đơn vị kế tiếp có hiệu lực; để trống nếu đang hiệu lực."),
    )
    agency_id = models.CharField(
        _("mã định danh điện tử"),
        max_length=35,
        blank=True,
        validators=[agency_id_validator],
        help_text=_(
            "Mã định danh điện tử của cơ quan do tỉnh cấp, dùng trong mã số hồ sơ. "
            "Để trống thì dùng mã tạm: mã tỉnh.mã xã."
        ),
    )
    # Folded copy of the name ("phuong hoan kiem") for accent-insensitive look-up; kept in step
    # with ``name`` by fill_derived(), which save() and the import service both call.
    search_name = models.CharField(
        _("tên không dấu"), max_length=100, editable=False, db_index=True
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("xã/phường/đặc khu")
        verbose_name_plural = _("xã/phường/đặc khu")
        ordering = ["code", "valid_from"]
        constraints = [
            *_validity_constraints("commune"),
            models.CheckConstraint(
                name="commune_code_five_characters", condition=Exact(Length("code"), 5)
            ),
            models.CheckConstraint(
                name="commune_kind_valid", condition=models.Q(kind__in=CommuneKind.values)
            ),
            # Dossier sequences are kept per agency identifier (dossiers.DossierSequence), so two
            # open communes sharing one would share dossier numbers.
            models.UniqueConstraint(
                fields=["agency_id"],
                condition=models.Q(valid_to__isnull=True) & ~models.Q(agency_id=""),
                name="commune_agency_id_unique_when_set",
                violation_error_message=_("Mã định danh này đã được dùng cho một xã khác."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    @property
    def effective_agency_id(self) -> str:
        """The agency identifier that goes into dossier codes.

        The real identifier is assigned by each province (domain.md §6) and is not in any public
        data set, so until staff enter it we use ``<province code>.<commune code>``, e.g.
        ``01.00070``. Commune codes are unique nationwide and never reused while a unit exists,
        so the stand-in is unique and stable; it has the standard's shape (dot-separated groups,
        well under 35 characters); and it tells a reader at a glance which commune a code is from.
        """
        return self.agency_id or f"{self.province.code}.{self.code}"

    @property
    def short_name(self) -> str:
        """The name without its unit type: "Hoàn Kiếm" for "Phường Hoàn Kiếm" (what people type
        to find it)."""
        for prefix in ("Phường ", "Xã ", "Đặc khu "):
            if self.name.startswith(prefix):
                return self.name[len(prefix) :]
        return self.name

    def fill_derived(self) -> None:
        self.name = nfc(self.name)
        self.search_name = search_key(self.name)


class FreeService(models.TextChoices):
    """Free services a centre offers its visitors (shown to residents)."""

    PHOTOCOPY = "photocopy", _("Photocopy miễn phí")
    PRINTING = "printing", _("In tài liệu")
    FORMS = "forms", _("Cung cấp biểu mẫu, tờ khai")
    LEGAL_ADVICE = "legal_advice", _("Tư vấn, hướng dẫn pháp luật")
    WIFI = "wifi", _("Wi-Fi miễn phí")
    DIGITAL_LIBRARY = "digital_library", _("Thư viện số")


class ServiceCenter(models.Model):
    commune = models.ForeignKey(
        Commune, verbose_name=_("xã/phường"), on_delete=models.PROTECT, related_name="centers"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thuộc trung tâm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
        help_text=_(
            "Để trống với trung tâm chính; chọn trung tâm chính nếu đây là điểm tiếp nhận."
        ),
    )
    name = models.CharField(_("tên"), max_length=200)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    hotline = models.CharField(
        _("đường dây nóng"),
        max_length=30,
        blank=True,
        help_text=_("Số người dân gọi để hỏi, góp ý hoặc phản ánh; để trống nếu không có."),
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    # Where the centre is, for a plain link to OpenStreetMap (no map is embedded in our pages).
    latitude = models.DecimalField(
        _("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    office_hours = models.CharField(
        _("giờ làm việc"),
        max_length=100,
        default=DEFAULT_OFFICE_HOURS,
        help_text=_("Các khoảng giờ cách nhau bởi dấu phẩy, ví dụ 07:30-11:30,13:30-17:00."),
    )
    # Informational only: Saturdays never count towards deadlines (domain.md §8.1) unless an
    # official swap makes one a working day (DayOverride).
    saturday_reception = models.BooleanField(_("tiếp nhận sáng thứ Bảy"), default=False)
    free_services = models.JSONField(
        _("dịch vụ miễn phí"),
        default=list,
        blank=True,
        help_text=_(
            "Danh sách mã: photocopy, printing, forms, legal_advice, wifi, digital_library; "
            "có thể thêm mô tả tự do."
        ),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("trung tâm phục vụ hành chính công")
        verbose_name_plural = _("trung tâm phục vụ hành chính công")
        ordering = ["commune_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "name"], name="center_name_unique_in_commune"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def map_url(self) -> str:
        """A plain link to OpenStreetMap: a pin at the coordinates when staff entered them,
        otherwise a search for the address. No map is embedded: our pages load nothing from
        other sites (Content-Security-Policy ``default-src 'self'``)."""
        if self.latitude is not None and self.longitude is not None:
            lat, lon = f"{self.latitude:f}", f"{self.longitude:f}"
            return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
        place = self.address or f"{self.commune.name}, {self.commune.province.full_name}"
        return "https://www.openstreetmap.org/search?" + urlencode({"query": place})

    @property
    def office_hours_display(self) -> str:
        """``08:00–12:00, 13:00–17:00`` for residents (the stored form is for machines)."""
        try:
            periods = OfficeHours.parse(self.office_hours).periods
        except ValueError:
            return self.office_hours
        return ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in periods)

    @property
    def free_service_labels(self) -> list[str]:
        """Known services in the interface language; free-text entries as written."""
        labels = dict(FreeService.choices)
        return [str(labels.get(item, item)) for item in self.free_services]

    def clean(self) -> None:
        from motcua.units.calendars import office_hours_problem

        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Nhập cả vĩ độ và kinh độ, hoặc để trống cả hai.")
        problem = office_hours_problem(self.office_hours)
        if problem:
            errors["office_hours"] = problem
        if not isinstance(self.free_services, list) or not all(
            isinstance(item, str) and item.strip() for item in self.free_services
        ):
            errors["free_services"] = _("Nhập một danh sách các chuỗi không rỗng.")
        if self.parent_id is not None:
            if self.pk is not None and self.parent_id == self.pk:
                errors["parent"] = _("Một trung tâm không thể là điểm tiếp nhận của chính nó.")
            elif self.parent.parent_id is not None:
                # One level keeps "which centre is this branch of" a single hop for reports.
                errors["parent"] = _("Hãy chọn trung tâm chính, không chọn một điểm tiếp nhận.")
        if errors:
            raise ValidationError(errors)


class Counter(models.Model):
    center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("trung tâm"),
        on_delete=models.CASCADE,
        related_name="counters",
    )
    number = models.PositiveSmallIntegerField(_("số quầy"))
    name = models.CharField(_("tên quầy"), max_length=200, blank=True)
    fields = models.ManyToManyField(
        "catalog.Field",
        verbose_name=_("lĩnh vực phục vụ"),
        blank=True,
        related_name="counters",
    )
    # Decree 118/2025 Art. 13(2)(b): counters may be reserved for the elderly, pregnant women and
    # people with disabilities.
    reserved_for_priority = models.BooleanField(_("quầy ưu tiên"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("quầy")
        verbose_name_plural = _("quầy")
        ordering = ["center_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["center", "number"], name="counter_number_unique"),
            models.CheckConstraint(
                name="counter_number_positive", condition=models.Q(number__gte=1)
            ),
        ]

    def __str__(self) -> str:
        label = _("Quầy %(number)s") % {"number": self.number}
        return f"{label} – {self.name}" if self.name else str(label)


class DayOverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("ngày nghỉ bù/nghỉ thêm")
    WORKING_DAY = "working_day", _("ngày làm việc bù (thứ Bảy)")


class DayOverride(models.Model):
    """An official change to the working calendar that the holiday library cannot know.

    Each year the government swaps days around the holidays: a weekday off, a Saturday worked in
    exchange. Staff enter them from the official notice; deadlines use them at once.
    """

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=DayOverrideKind.choices)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    status = models.CharField(
        _("tình trạng"),
        max_length=100,
        blank=True,
        help_text=_("Mức chắc chắn, ví dụ: đã có thông báo chính thức."),
    )

    class Meta:
        verbose_name = _("ngày làm việc/nghỉ điều chỉnh")
        verbose_name_plural = _("ngày làm việc/nghỉ điều chỉnh")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                name="day_override_kind_valid", condition=models.Q(kind__in=DayOverrideKind.values)
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.get_kind_display()}"

    def clean(self) -> None:
        problem = day_override_problem(self.date, self.kind)
        if problem:
            raise ValidationError({"date": problem})


def day_override_problem(date: datetime.date | None, kind: str) -> str | None:
    """Why an override cannot be right, or None. A swap only means something against the default:
    a worked day must be a weekend day, a day off must be a weekday."""
    if date is None:
        return None
    weekend = date.weekday() >= 5
    if kind == DayOverrideKind.WORKING_DAY and not weekend:
        return str(
            _(
                "%(date)s là ngày thường, vốn đã là ngày làm việc; ngày làm việc bù phải "
                "là thứ Bảy hoặc Chủ nhật — kiểm tra lại ngày."
            )
            % {"date": date.isoformat()}
        )
    if kind == DayOverrideKind.DAY_OFF and weekend:
        return str(
            _(
                "%(date)s là ngày cuối tuần, vốn đã là ngày nghỉ; ngày nghỉ bù phải là ngày thường "
                "— kiểm tra lại ngày."
            )
            % {"date": date.isoformat()}
        )
    return None
