"""Dossiers (hồ sơ): one application for one procedure, from intake to the returned result.

Every change goes through ``motcua.dossiers.services``; nothing here changes state by itself. The
audit trail (``DossierEvent``) is append-only, enforced by database triggers (migration 0002).
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.workflow import STATES, NationalStatus, State
from motcua.text import search_key


class Channel(models.IntegerChoices):
    """How the dossier reached us (national practice codes, domain.md §4)."""

    COUNTER = 1, _("Trực tiếp tại quầy")
    ONLINE = 2, _("Trực tuyến")
    POST = 3, _("Qua bưu chính công ích")


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("Nhận tại bộ phận một cửa")
    POST = "post", _("Nhận qua bưu chính công ích")
    ONLINE = "online", _("Nhận trực tuyến")


class Collector(models.TextChoices):
    """Who collected the result at the counter (the return step records it)."""

    SELF = "self", _("Chủ hồ sơ tự nhận")
    PROXY = "proxy", _("Người được ủy quyền nhận thay")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Tiền mặt")
    TRANSFER = "transfer", _("Chuyển khoản")
    WAIVED = "waived", _("Miễn phí, lệ phí")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức, doanh nghiệp")


class Timeliness(models.TextChoices):
    """Classification at the end of processing (domain.md §8.3); see ``services.classify``."""

    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class Dossier(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT
    )
    # A centre receives procedures of any commune in its province (Decree 118 Art. 14(2)), so the
    # receiving unit and the deciding (competent) unit are kept apart.
    receiving_commune = models.ForeignKey(
        "units.Commune",
        verbose_name=_("đơn vị tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    competent_commune = models.ForeignKey(
        "units.Commune",
        verbose_name=_("đơn vị giải quyết"),
        on_delete=models.PROTECT,
        related_name="competent_dossiers",
    )
    center = models.ForeignKey(
        "units.ServiceCenter",
        verbose_name=_("trung tâm tiếp nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=Channel.choices)
    state = models.CharField(_("trạng thái"), max_length=32, choices=State.choices)

    applicant_kind = models.CharField(
        _("loại chủ hồ sơ"),
        max_length=16,
        choices=ApplicantKind.choices,
        default=ApplicantKind.PERSON,
    )
    applicant_name = models.CharField(_("họ tên chủ hồ sơ"), max_length=200)
    # The name folded for accent-insensitive search (``motcua.text.search_key``): "nguyen van an"
    # finds "Nguyễn Văn An". Kept by ``save`` from ``applicant_name``; never typed in.
    applicant_search = models.CharField(max_length=200, blank=True, editable=False)
    applicant_id_number = models.CharField(
        _("số định danh cá nhân / mã số doanh nghiệp"), max_length=20, db_index=True
    )
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    proxy_name = models.CharField(_("người nộp thay (nếu ủy quyền)"), max_length=200, blank=True)
    # The portal account that filed it online (None at the counter); "My dossiers" lists these.
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("tài khoản công dân"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
    )
    summary = models.CharField(_("nội dung yêu cầu"), max_length=500, blank=True)
    sets_count = models.PositiveSmallIntegerField(_("số bộ hồ sơ"), default=1)
    return_method = models.CharField(
        _("đăng ký nhận kết quả tại"),
        max_length=10,
        choices=ReturnMethod.choices,
        default=ReturnMethod.COUNTER,
    )
    postal_address = models.CharField(_("địa chỉ nhận qua bưu chính"), max_length=300, blank=True)

    # The process as of reception: a later catalogue change must not move this dossier's
    # deadlines (domain.md §5.3). A list of {role, name_vi, name_en, budget_hours}.
    process = models.JSONField(_("quy trình nội bộ"), default=list)
    processing_amount = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    processing_unit = models.CharField(max_length=16)

    submitted_at = models.DateTimeField(_("thời điểm nộp"))
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    # Restarted from zero when a complete supplement comes back (Decree 118 Art. 19(5)).
    clock_started_at = models.DateTimeField(null=True, blank=True)
    legal_due_at = models.DateTimeField(_("hạn theo quy định"), null=True, blank=True)
    extended_due_at = models.DateTimeField(_("hạn sau gia hạn"), null=True, blank=True)
    due_at = models.GeneratedField(
        expression=Coalesce("extended_due_at", "legal_due_at"),
        output_field=models.DateTimeField(),
        db_persist=True,
        verbose_name=_("ngày hẹn trả"),
    )
    finished_at = models.DateTimeField(_("kết thúc xử lý"), null=True, blank=True)
    timeliness = models.CharField(
        _("tiến độ"), max_length=10, choices=Timeliness.choices, blank=True
    )
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)
    waybill_number = models.CharField(_("mã vận đơn"), max_length=40, blank=True)
    # Who collected the result at the counter: the applicant, or a person they authorised (name
    # and ID number in its normal form, ``motcua.identity``). Blank until returned at the counter.
    collected_by = models.CharField(
        _("người nhận kết quả"), max_length=8, choices=Collector.choices, blank=True
    )
    collector_name = models.CharField(_("họ tên người nhận thay"), max_length=200, blank=True)
    collector_id_number = models.CharField(
        _("số định danh người nhận thay"), max_length=20, blank=True
    )

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_dossiers",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tiếp nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    result_summary = models.CharField(_("kết quả giải quyết"), max_length=500, blank=True)
    refusal_reasons = models.TextField(_("lý do từ chối"), blank=True)
    withdrawal_reason = models.TextField(_("lý do dừng xử lý"), blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["receiving_commune", "state"]),
            models.Index(fields=["competent_commune", "state"]),
            models.Index(fields=["competent_commune", "received_at"]),
            # The counter finds a dossier by the applicant's phone (the ID number has its own).
            models.Index(fields=["applicant_phone"], name="dossier_applicant_phone_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="dossier_state_valid", condition=models.Q(state__in=State.values)
            ),
            models.CheckConstraint(
                name="dossier_extension_after_legal_due",
                condition=models.Q(extended_due_at__isnull=True)
                | models.Q(extended_due_at__gt=models.F("legal_due_at")),
            ),
            # A person who collects for the applicant is named, with their ID number.
            models.CheckConstraint(
                name="dossier_proxy_collector_named",
                condition=~models.Q(collected_by=Collector.PROXY)
                | (~models.Q(collector_name="") & ~models.Q(collector_id_number="")),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.applicant_search = search_key(self.applicant_name or "")[:200]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "applicant_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "applicant_search"}
        super().save(*args, **kwargs)

    @property
    def national_status(self) -> NationalStatus:
        return STATES[self.state].national

    @property
    def state_info(self):
        return STATES[self.state]

    @property
    def is_final(self) -> bool:
        return STATES[self.state].is_final

    def current_step(self):
        """The hand-over step now running, or None (paused or finished)."""
        return self.steps.filter(finished_at__isnull=True).order_by("-position").first()


class DossierSequence(models.Model):
    """The last sequence number used for an agency on a day; the dossier code's ``XXXX`` part.

    Incremented by a single ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement, so two
    concurrent intakes can never get the same number (proven on PostgreSQL in tests/postgres).
    """

    agency_id = models.CharField(max_length=35)
    day = models.DateField()
    last_value = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency_id", "day"], name="one_sequence_per_agency_day")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day:%y%m%d} #{self.last_value}"


class DossierDocument(models.Model):
    """A paper or electronic component handed in with the dossier (the receipt lists these)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("tên giấy tờ"), max_length=300)
    originals = models.PositiveSmallIntegerField(_("bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("bản sao"), default=0)
    # True exactly when a file is behind the component (``stored_document``): a scan made at the
    # counter, an upload, or a paper reused from the store. A paper handed in without a scan is
    # not digitised, whatever the channel (ADR 0028).
    digitized = models.BooleanField(_("đã số hóa"), default=False)
    # The e-document behind this component: uploaded or scanned for this dossier, or reused from
    # the owner's document store (``reused``: the service index counts data-store reuse).
    stored_document = models.ForeignKey(
        "docstore.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier_uses",
    )
    reused = models.BooleanField(_("dùng lại từ kho dữ liệu"), default=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "position"], name="document_position_unique")
        ]

    def __str__(self) -> str:
        return self.name


class DossierStep(models.Model):
    """One hand-over in the internal process: who held the dossier, from when, until when, and
    whether they finished within their budget. A row per visit, so a dossier sent back to the
    specialist gets a second specialist row; the control slip (form 06) prints these rows."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    budget_hours = models.DecimalField(max_digits=7, decimal_places=2)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    timeliness = models.CharField(max_length=10, choices=Timeliness.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "position"], name="step_position_unique"),
            # At most one running step per dossier.
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(finished_at__isnull=True),
                name="one_running_step_per_dossier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} #{self.position} {self.role}"


class SupplementRequest(models.Model):
    """Form 02: what the applicant must complete. The interval from request to answer is a pause;
    the legal clock restarts from zero on the answer (Decree 118 Art. 19(5))."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplements")
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    items = models.JSONField(_("nội dung cần bổ sung"), default=list)
    reason = models.TextField(_("lý do"))
    resume_state = models.CharField(max_length=32, choices=State.choices)
    # Closed if not completed within 15 days of the notice (Art. 19(5)).
    answer_by = models.DateTimeField(_("hạn bổ sung"))
    answered_at = models.DateTimeField(null=True, blank=True)
    due_before = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(answered_at__isnull=True),
                name="one_open_supplement_per_dossier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} supplement {self.requested_at:%Y-%m-%d}"


class Extension(models.Model):
    """Form 04, the apology-and-extension letter. One per dossier: the date may move only once
    (Decree 118 Art. 19(6)); the unique dossier column makes that a database fact."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="extension")
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_due_at = models.DateTimeField()
    new_due_at = models.DateTimeField()
    reason = models.TextField(_("lý do"))

    def __str__(self) -> str:
        return f"{self.dossier_id} extended to {self.new_due_at:%Y-%m-%d}"


class Interlink(models.Model):
    """A hand-off to another agency (một cửa liên thông, domain.md §5.2 #12)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="interlinks")
    agency = models.CharField(_("cơ quan phối hợp"), max_length=200)
    task = models.CharField(_("nội dung phối hợp"), max_length=300)
    sent_at = models.DateTimeField()
    due_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)
    result_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["sent_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.agency}"


class Payment(models.Model):
    """A fee (phí, lệ phí) collected for a dossier, or waived: one row per receipt (biên lai).

    A dossier may have several (a state fee and a service charge, or a copy fee paid later); each
    has its own number within the dossier and its own receipt. Rows are written only by
    ``services.record_payment`` and never changed: a mistake is corrected by a new row and noted
    in the audit trail. A waiver collects nothing and says why (database constraints).
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payments")
    number = models.PositiveSmallIntegerField(_("số thứ tự biên lai trong hồ sơ"))
    amount_vnd = models.PositiveIntegerField(_("số tiền (đồng)"))
    method = models.CharField(_("hình thức"), max_length=10, choices=PaymentMethod.choices)
    reason = models.CharField(_("lý do miễn, giảm"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm thu"))

    class Meta:
        verbose_name = _("khoản thu phí, lệ phí")
        verbose_name_plural = _("khoản thu phí, lệ phí")
        ordering = ["dossier", "number"]
        indexes = [models.Index(fields=["at"])]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="payment_number_unique"),
            models.CheckConstraint(
                name="payment_method_valid", condition=models.Q(method__in=PaymentMethod.values)
            ),
            # A waiver collects nothing and gives its reason; a collection collects something.
            models.CheckConstraint(
                name="payment_waiver_has_reason",
                condition=(
                    models.Q(method=PaymentMethod.WAIVED)
                    & models.Q(amount_vnd=0)
                    & ~models.Q(reason="")
                )
                | (~models.Q(method=PaymentMethod.WAIVED) & models.Q(amount_vnd__gt=0)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} #{self.number} {self.method} {self.amount_vnd}"

    @property
    def receipt_number(self) -> str:
        """The receipt's number as printed: the dossier code and the payment's place in it."""
        return f"{self.dossier.code}-BL{self.number:02d}"


class DossierEvent(models.Model):
    """The append-only audit trail: one row per action (who, when, from, to, note)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(max_length=20, blank=True)
    action = models.CharField(_("thao tác"), max_length=32)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"])]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only and cannot be deleted.")
