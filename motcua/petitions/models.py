"""Residents' reports and suggestions ("phản ánh, kiến nghị", PAKN), their routing and answers.

A ``Petition`` is one report from one person through one channel. It is routed to a commune and a
department by its ``Category`` (data, per province, with national defaults), handled by officers,
answered, approved and published by a leader; each step is a ``PetitionEvent`` (append-only).
Rows are written only by ``services``. Time limits (domain: service_index.md §4.5, criterion 5.2)
are counted in working days on the commune's calendar; ``Petition`` stores each limit when the
clock that sets it starts, so a later change of a category never moves an old report's deadline.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    """The commune's specialised offices after the 2025 reform (Decree 150/2025), plus the
    service centre that runs the one-stop."""

    OFFICE = "office", _("Văn phòng HĐND và UBND")
    ECONOMY = "economy", _("Phòng Kinh tế")
    ECONOMY_INFRASTRUCTURE = "economy_infra", _("Phòng Kinh tế, Hạ tầng và Đô thị")
    CULTURE_SOCIAL = "culture_social", _("Phòng Văn hóa - Xã hội")
    SERVICE_CENTER = "service_center", _("Trung tâm Phục vụ hành chính công")
    OTHER = "other", _("Khác")


class Department(models.Model):
    """One office of a commune that answers reports. Data: the commune admin edits them."""

    commune = models.ForeignKey(
        "units.Commune",
        verbose_name=_("xã/phường"),
        on_delete=models.PROTECT,
        related_name="departments",
    )
    kind = models.CharField(_("loại"), max_length=20, choices=DepartmentKind.choices)
    name = models.CharField(_("tên"), max_length=200)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("phòng, ban")
        verbose_name_plural = _("phòng, ban")
        ordering = ["commune_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="department_name_per_commune"),
            models.CheckConstraint(
                name="department_kind_valid", condition=models.Q(kind__in=DepartmentKind.values)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Subject(models.TextChoices):
    """What a report is about. Criterion 5.1 classifies by "TTHC" (procedures and dossiers)
    and "cán bộ" (an official's conduct); ``CLASSIFICATION`` below maps these onto it."""

    DOSSIER = "dossier", _("Hồ sơ thủ tục hành chính")
    VISIT = "visit", _("Lần đến quầy giao dịch")
    CONDUCT = "conduct", _("Thái độ, hành vi của cán bộ")
    RULE = "rule", _("Quy định hành chính")
    PLACE = "place", _("Địa bàn: môi trường, chiếu sáng, giao thông, trật tự")


# Criterion 5.1 ("PAKN theo phân loại"): procedure-related vs official-related; the rest "other".
CLASSIFICATION = {
    Subject.DOSSIER: "procedure",
    Subject.VISIT: "official",
    Subject.CONDUCT: "official",
    Subject.RULE: "procedure",
    Subject.PLACE: "other",
}


class Category(models.Model):
    """A kind of report: what residents pick, what routes it, and how long the answer may take.

    Rows with no province are the national defaults; a province adds its own or replaces one by
    giving a row the same ``code`` (``queries.categories_for``). ``code`` is the Open311
    ``service_code``.
    """

    province = models.ForeignKey(
        "units.Province",
        verbose_name=_("tỉnh/thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petition_categories",
        help_text=_("Để trống: áp dụng cho mọi tỉnh, trừ khi tỉnh có lĩnh vực cùng mã."),
    )
    code = models.SlugField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=200)
    description = models.CharField(_("mô tả"), max_length=500, blank=True)
    subject = models.CharField(_("nội dung về"), max_length=10, choices=Subject.choices)
    department_kind = models.CharField(
        _("phòng, ban xử lý mặc định"), max_length=20, choices=DepartmentKind.choices
    )
    response_days = models.PositiveSmallIntegerField(
        _("thời hạn trả lời (ngày làm việc)"), default=15
    )
    # Open311 "attributes" (a service definition): a list of {code, datatype, required,
    # description, order, values: [{key, name}]}, checked by ``open311_attributes``.
    attributes = models.JSONField(_("thông tin bổ sung"), default=list, blank=True)
    keywords = models.CharField(_("từ khóa"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)
    is_active = models.BooleanField(_("đang sử dụng"), default=True)

    class Meta:
        verbose_name = _("lĩnh vực phản ánh")
        verbose_name_plural = _("lĩnh vực phản ánh")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "code"],
                name="category_code_per_province",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                name="category_response_days_positive", condition=models.Q(response_days__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_metadata(self) -> bool:
        return bool(self.attributes)


class Place(models.Model):
    """A place in the commune with a QR placard (a market, a park, the service centre): scanning
    it opens the report form with the place and its location filled in."""

    commune = models.ForeignKey(
        "units.Commune", verbose_name=_("xã/phường"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("tên địa điểm"), max_length=200)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    # In the placard's URL: unguessable, so a placard cannot be forged for another commune's place
    # by counting ids (the page shows the commune's name; a wrong one would route reports wrong).
    key = models.CharField(max_length=24, unique=True, editable=False)
    is_active = models.BooleanField(_("đang sử dụng"), default=True)

    class Meta:
        verbose_name = _("địa điểm có mã QR")
        verbose_name_plural = _("địa điểm có mã QR")
        ordering = ["commune_id", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = secrets.token_urlsafe(12)
        super().save(*args, **kwargs)


class Channel(models.TextChoices):
    PORTAL = "portal", _("Cổng dịch vụ công")
    KIOSK = "kiosk", _("Ki-ốt tại trung tâm")
    QR = "qr", _("Mã QR tại địa điểm")
    OPEN311 = "open311", _("Ứng dụng qua Open311")
    HOTLINE = "hotline", _("Đường dây nóng")


class Status(models.TextChoices):
    """The states of a report; ``workflow.TRANSITIONS`` says which step leads where."""

    RECEIVED = "received", _("Đã tiếp nhận")
    NEEDS_INFO = "needs_info", _("Chờ người phản ánh bổ sung")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ lãnh đạo duyệt")
    PUBLISHED = "published", _("Đã công khai trả lời")
    REJECTED = "rejected", _("Không tiếp nhận")
    MERGED = "merged", _("Đã gộp vào phản ánh khác")


OPEN_STATUSES = (Status.RECEIVED, Status.NEEDS_INFO, Status.IN_PROGRESS, Status.AWAITING_APPROVAL)
CLOSED_STATUSES = (Status.PUBLISHED, Status.REJECTED, Status.MERGED)


class Satisfaction(models.TextChoices):
    """The reporter's rating of the published answer (the 3 levels of domain.md §9.2)."""

    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    NOT_SATISFIED = "not_satisfied", _("Không hài lòng")


class ReplyBy(models.TextChoices):
    SMS = "sms", _("Tin nhắn SMS")
    ZALO = "zalo", _("Zalo")


def _new_secret() -> str:
    return secrets.token_urlsafe(18)


class Petition(models.Model):
    # The reporter's private link (follow the report, add information, rate the answer).
    secret = models.CharField(max_length=32, unique=True, default=_new_secret, editable=False)
    commune = models.ForeignKey(
        "units.Commune",
        verbose_name=_("xã/phường"),
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="petitions"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("phòng, ban xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions_assigned",
    )
    subject = models.CharField(_("nội dung về"), max_length=10, choices=Subject.choices)
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    title = models.CharField(_("tiêu đề"), max_length=200)
    # What the reporter wrote, never changed; the public pages show ``public_text`` once a
    # moderator wrote it (with a reason, in an event), otherwise this text with personal data
    # masked.
    description = models.TextField(_("nội dung phản ánh"), max_length=5000)
    public_text = models.TextField(_("nội dung công khai"), max_length=5000, blank=True)
    address = models.CharField(_("địa chỉ, vị trí"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    place = models.ForeignKey(
        Place, verbose_name=_("địa điểm"), null=True, blank=True, on_delete=models.PROTECT
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ liên quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    ticket = models.ForeignKey(
        "queueing.Ticket",
        verbose_name=_("lượt đến quầy liên quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    attributes = models.JSONField(_("thông tin bổ sung"), default=dict, blank=True)
    media_url = models.URLField(_("đường dẫn ảnh"), max_length=500, blank=True)
    # The reporter. Never shown on public pages or in any Open311 GET.
    resident = models.ForeignKey(
        "residents.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="petitions",
    )
    reporter_name = models.CharField(_("họ tên người phản ánh"), max_length=200, blank=True)
    reporter_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("thư điện tử"), blank=True)
    # How the reporter's phone hears from the commune: SMS, or Zalo (a ZNS template message).
    reply_by = models.CharField(
        _("nhận tin qua"), max_length=5, choices=ReplyBy.choices, default=ReplyBy.SMS
    )
    # Who typed it in for the reporter (a hotline operator), or the Open311 key it came through.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions_entered",
    )
    api_key = models.ForeignKey(
        "petitions.Open311Key", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), db_index=True)
    # The limits of criterion 5.2, each set when its clock starts (from receipt or transfer).
    accept_due_at = models.DateTimeField(_("hạn phân loại"))
    info_due_at = models.DateTimeField(_("hạn đề nghị bổ sung"))
    due_at = models.DateTimeField(_("hạn trả lời"), db_index=True)
    publish_due_at = models.DateTimeField(_("hạn công khai"), null=True, blank=True)
    # The clock stops while the reporter is asked for more (like a dossier's supplement).
    info_requested_at = models.DateTimeField(null=True, blank=True)
    first_info_request_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(_("thời điểm trình duyệt"), null=True, blank=True)
    published_at = models.DateTimeField(_("thời điểm công khai"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Late on any of the limits of 5.2: set once by the service that crossed it, never unset.
    handled_late = models.BooleanField(default=False)
    answer = models.TextField(_("nội dung trả lời"), max_length=8000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejection_reason = models.CharField(_("lý do không tiếp nhận"), max_length=500, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("gộp vào"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    # A moderator's decision to keep the report off the public pages (insults, another person's
    # private matter); the reason is in the event that set it.
    is_hidden = models.BooleanField(_("ẩn khỏi trang công khai"), default=False)
    satisfaction = models.CharField(
        _("mức độ hài lòng"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    rated_at = models.DateTimeField(null=True, blank=True)
    # The reporter came back about the same matter after the answer (criterion 5.3).
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("phản ánh lại"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["commune", "status", "due_at"], name="petition_inbox"),
            models.Index(fields=["commune", "received_at"], name="petition_commune_period"),
        ]
        constraints = [
            models.CheckConstraint(
                name="petition_status_valid", condition=models.Q(status__in=Status.values)
            ),
            models.CheckConstraint(
                name="petition_channel_valid", condition=models.Q(channel__in=Channel.values)
            ),
            models.CheckConstraint(
                name="petition_satisfaction_valid",
                condition=models.Q(satisfaction="")
                | models.Q(satisfaction__in=Satisfaction.values),
            ),
            models.CheckConstraint(
                name="petition_merged_has_target",
                condition=~models.Q(status="merged") | models.Q(merged_into__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        """What a reporter quotes on the phone: ``PA-`` and the id (Open311's service_request_id
        is the bare id)."""
        return f"PA-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def _photo_path(instance: "PetitionPhoto", filename: str) -> str:
    return f"petitions/{instance.petition_id}/{secrets.token_hex(8)}.{instance.extension}"


class PetitionPhoto(models.Model):
    """A photo sent with a report, checked by content (``docstore.uploads``): JPEG or PNG."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=_photo_path, max_length=200)
    content_type = models.CharField(max_length=40)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # Photos from the officers (of the fixed street light) go with the answer and are public.
    with_answer = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("ảnh")
        verbose_name_plural = _("ảnh")

    def __str__(self) -> str:
        return f"{self.petition_id} {self.sha256[:8]}"


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Tiếp nhận")
    ROUTED = "routed", _("Chuyển phòng, ban")
    ACCEPTED = "accepted", _("Nhận xử lý")
    REASSIGNED = "reassigned", _("Chuyển xử lý")
    INFO_REQUESTED = "info_requested", _("Đề nghị bổ sung thông tin")
    INFO_PROVIDED = "info_provided", _("Người phản ánh bổ sung")
    ANSWER_DRAFTED = "answer_drafted", _("Dự thảo trả lời")
    ANSWER_RETURNED = "answer_returned", _("Lãnh đạo trả lại dự thảo")
    PUBLISHED = "published", _("Công khai trả lời")
    REJECTED = "rejected", _("Không tiếp nhận")
    MERGED = "merged", _("Gộp phản ánh")
    MODERATED = "moderated", _("Biên tập nội dung công khai")
    RATED = "rated", _("Người phản ánh đánh giá")
    ESCALATED = "escalated", _("Nhắc việc, báo cáo do quá hạn")


class PetitionEvent(models.Model):
    """One step in a report's life (append-only: the history is never edited)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("thời điểm"))
    kind = models.CharField(_("bước"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status_after = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(_("ghi chú"), max_length=5000, blank=True)
    # Structured detail: the department before/after a reassignment, the moderated text before,
    # the escalation rule that fired.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("lịch sử xử lý")
        verbose_name_plural = _("lịch sử xử lý")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class EscalationAction(models.TextChoices):
    REMIND = "remind", _("Nhắc cán bộ xử lý")
    RAISE_TO_LEADER = "raise_to_leader", _("Báo lãnh đạo xã")
    NOTIFY_PROVINCE = "notify_province", _("Báo cáo tỉnh")


class EscalationRule(models.Model):
    """A rule the background worker applies to overdue reports: when a report in ``status`` is
    past its limit by ``overdue_hours`` working hours, do ``action`` (once per report and rule).
    Rows with no province apply everywhere; a province's own rows replace them all."""

    province = models.ForeignKey(
        "units.Province",
        verbose_name=_("tỉnh/thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices)
    overdue_hours = models.PositiveIntegerField(
        _("quá hạn (giờ làm việc)"),
        help_text=_("0: ngay khi quá hạn; 8: quá hạn một ngày làm việc."),
    )
    action = models.CharField(_("hành động"), max_length=20, choices=EscalationAction.choices)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("quy tắc nhắc việc quá hạn")
        verbose_name_plural = _("quy tắc nhắc việc quá hạn")
        ordering = ["province_id", "status", "overdue_hours"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "status", "overdue_hours", "action"],
                name="escalation_rule_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} +{self.overdue_hours}h: {self.get_action_display()}"


class Escalation(models.Model):
    """That a rule fired for a report; unique, so two workers never fire it twice."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="escalations")
    rule = models.ForeignKey(EscalationRule, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "rule"], name="escalation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.rule_id}"


class Open311Key(models.Model):
    """An Open311 client's API key. Only its SHA-256 is stored; the key is shown once."""

    name = models.CharField(_("tên ứng dụng"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=10, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(_("đã thu hồi"), default=False)

    class Meta:
        verbose_name = _("khóa API Open311")
        verbose_name_plural = _("khóa API Open311")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
