"""Queue numbers: the settings and priority groups of a centre, tickets and their timed periods.

A ticket's history is a chain of ``TicketPeriod`` rows, one per state it sat in, each with a start
and an end: waiting and service times are measured from them, never guessed from the ticket's
current fields. Rows are written only by ``services``.
"""

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.feedback.criteria import Level
from motcua.queueing.workflow import AT_COUNTER_STATES, Action, State


def _kiosk_key() -> str:
    return secrets.token_urlsafe(9)


class QueueSettings(models.Model):
    """How a centre runs its queue. Created with the centre (``receivers``) with these defaults."""

    center = models.OneToOneField(
        "units.ServiceCenter",
        verbose_name=_("trung tâm"),
        on_delete=models.CASCADE,
        related_name="queue_settings",
    )
    booking_enabled = models.BooleanField(_("cho đặt số trước qua mạng"), default=True)
    slot_minutes = models.PositiveSmallIntegerField(
        _("độ dài khung giờ (phút)"),
        default=30,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    bookings_per_counter_slot = models.PositiveSmallIntegerField(
        _("số lượt đặt trước mỗi quầy mỗi khung giờ"),
        default=2,
        validators=[MaxValueValidator(50)],
        help_text=_("Phần còn lại của khung giờ dành cho người đến trực tiếp."),
    )
    booking_days_ahead = models.PositiveSmallIntegerField(
        _("đặt trước tối đa (ngày)"), default=14, validators=[MaxValueValidator(60)]
    )
    early_check_in_minutes = models.PositiveSmallIntegerField(
        _("xác nhận đến sớm nhất trước giờ hẹn (phút)"),
        default=60,
        validators=[MaxValueValidator(240)],
    )
    grace_minutes = models.PositiveSmallIntegerField(
        _("giữ số sau khi hết khung giờ (phút)"),
        default=15,
        validators=[MaxValueValidator(120)],
    )
    remind_places = models.PositiveSmallIntegerField(
        _("nhắn tin khi còn cách (lượt)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    default_service_minutes = models.PositiveSmallIntegerField(
        _("thời gian phục vụ ước tính khi chưa có số liệu (phút)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    # Part of the kiosk's address: changing it revokes every kiosk link given out before.
    kiosk_key = models.CharField(_("khóa thiết bị lấy số"), max_length=16, default=_kiosk_key)

    class Meta:
        verbose_name = _("cấu hình xếp hàng")
        verbose_name_plural = _("cấu hình xếp hàng")

    def __str__(self) -> str:
        return str(self.center)


class Strength(models.TextChoices):
    RULE = "rule", _("Quy định pháp luật")
    PRACTICE = "practice", _("Thực tiễn, nội quy của trung tâm")


class PriorityGroup(models.Model):
    """A group of people served ahead of others at a centre (domain.md §10), with its weight.

    The weight is a head start in minutes: a ticket of this group is ordered as if it had joined
    the queue that much earlier (see ``ordering``). A larger head start means served sooner.
    """

    center = models.ForeignKey(
        "units.ServiceCenter",
        verbose_name=_("trung tâm"),
        on_delete=models.CASCADE,
        related_name="priority_groups",
    )
    code = models.SlugField(_("mã"), max_length=40)
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=120)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=120, blank=True)
    head_start_minutes = models.PositiveSmallIntegerField(
        _("ưu tiên (phút được tính sớm hơn)"),
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_(
            "Số của nhóm này được xếp như thể đã lấy sớm hơn chừng ấy phút. Người không ưu tiên "
            "không bao giờ phải nhường quá khoảng này."
        ),
    )
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    strength = models.CharField(
        _("loại căn cứ"), max_length=10, choices=Strength.choices, default=Strength.PRACTICE
    )
    position = models.PositiveSmallIntegerField(_("thứ tự hiển thị"), default=0)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("nhóm ưu tiên")
        verbose_name_plural = _("nhóm ưu tiên")
        ordering = ["center_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["center", "code"], name="priority_group_code_unique"),
            models.CheckConstraint(
                name="priority_head_start_range",
                condition=Q(head_start_minutes__gte=1, head_start_minutes__lte=240),
            ),
        ]

    def __str__(self) -> str:
        return self.name_vi

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if get_language() == "en" and self.name_en else self.name_vi


class Source(models.TextChoices):
    KIOSK = "kiosk", _("Lấy số tại máy")
    BOOKING = "booking", _("Đặt trước qua mạng")
    COUNTER = "counter", _("Cán bộ cấp số")


class Ticket(models.Model):
    center = models.ForeignKey(
        "units.ServiceCenter",
        verbose_name=_("trung tâm"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    # The centre's local date the number belongs to: numbers restart at 1 each day.
    service_day = models.DateField(_("ngày"))
    number = models.PositiveIntegerField(_("số thứ tự"))
    field = models.ForeignKey(
        "catalog.Field", verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("nguồn"), max_length=8, choices=Source.choices)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices)
    priority_group = models.ForeignKey(
        PriorityGroup,
        verbose_name=_("nhóm ưu tiên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    # Who checked the priority at the counter (a visitor's own answer at the kiosk is unconfirmed).
    priority_confirmed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    priority_confirmed_at = models.DateTimeField(null=True, blank=True)
    # When the ticket first joined the waiting line; kept through transfers (the original wait).
    queued_at = models.DateTimeField(_("vào hàng chờ lúc"), null=True, blank=True)
    # ``queued_at`` minus the priority head start: the one sort key of ``ordering``.
    order_key = models.DateTimeField(null=True, blank=True)
    slot_start = models.DateTimeField(_("khung giờ từ"), null=True, blank=True)
    slot_end = models.DateTimeField(_("khung giờ đến"), null=True, blank=True)
    # What a visitor with a booking types at the kiosk (unique among the centre's day).
    check_in_code = models.CharField(_("mã xác nhận"), max_length=6, blank=True)
    resident = models.ForeignKey(
        "residents.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    phone = models.CharField(_("số điện thoại nhận tin"), max_length=15, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    counter = models.ForeignKey(
        "units.Counter",
        verbose_name=_("quầy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    # Set by a transfer to one counter: only that counter may call the ticket next.
    target_counter = models.ForeignKey(
        "units.Counter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    officer = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    called_at = models.DateTimeField(null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(default=0)
    issued_at = models.DateTimeField(_("cấp số lúc"))
    finished_at = models.DateTimeField(null=True, blank=True)
    token_nonce = models.CharField(max_length=16, default="", blank=True)

    class Meta:
        verbose_name = _("số thứ tự")
        verbose_name_plural = _("số thứ tự")
        ordering = ["-service_day", "center_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "service_day", "number"], name="ticket_number_unique_per_day"
            ),
            models.UniqueConstraint(
                fields=["center", "service_day", "check_in_code"],
                condition=~Q(check_in_code=""),
                name="ticket_check_in_code_unique_per_day",
            ),
            # A counter serves one visitor at a time: a database fact, also under concurrency.
            models.UniqueConstraint(
                fields=["counter"],
                condition=Q(state__in=sorted(AT_COUNTER_STATES)),
                name="one_ticket_at_counter",
            ),
            models.CheckConstraint(name="ticket_state_valid", condition=Q(state__in=State.values)),
        ]
        indexes = [
            models.Index(
                fields=["center", "service_day", "field", "order_key"],
                condition=Q(state="waiting"),
                name="ticket_waiting_line",
            ),
            models.Index(fields=["resident", "state"], name="ticket_resident_state"),
        ]

    def __str__(self) -> str:
        return f"{self.display_number} ({self.service_day})"

    @property
    def display_number(self) -> str:
        """The number as printed and called: four digits, so a TV column lines up."""
        return f"{self.number:04d}"


class TicketPeriod(models.Model):
    """One stretch of time a ticket spent in one state (bcgov TheQ's "periods")."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="periods")
    state = models.CharField(max_length=10, choices=State.choices)
    field = models.ForeignKey("catalog.Field", on_delete=models.PROTECT, related_name="+")
    counter = models.ForeignKey(
        "units.Counter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    officer = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # The action that closed the period (call, finish, transfer …); blank while open.
    end_action = models.CharField(max_length=10, choices=Action.choices, blank=True)

    class Meta:
        verbose_name = _("giai đoạn của số")
        verbose_name_plural = _("giai đoạn của số")
        ordering = ["ticket_id", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(ended_at__isnull=True), name="one_open_period"
            ),
        ]
        indexes = [models.Index(fields=["state", "started_at"], name="period_state_started")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.state} {self.started_at:%H:%M}"

    @property
    def duration(self):
        return (self.ended_at - self.started_at) if self.ended_at else None


class TicketSequence(models.Model):
    """The last number given at a centre on a day (one atomic upsert per new ticket)."""

    center = models.ForeignKey("units.ServiceCenter", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["center", "day"], name="ticket_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.center_id} {self.day}: {self.last_value}"


class SlotUsage(models.Model):
    """How many bookings a (centre, field, slot) holds; a conditional update keeps it ≤ capacity."""

    center = models.ForeignKey("units.ServiceCenter", on_delete=models.CASCADE, related_name="+")
    field = models.ForeignKey("catalog.Field", on_delete=models.CASCADE, related_name="+")
    slot_start = models.DateTimeField()
    booked = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["center", "field", "slot_start"], name="slot_usage_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.center_id} {self.field_id} {self.slot_start:%Y-%m-%d %H:%M}: {self.booked}"


class VisitDossier(models.Model):
    """A dossier that came out of a visit: the link from ticket to dossier (and so to rating)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="dossier_links")
    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="visit_link"
    )
    linked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("hồ sơ của lượt đến")
        verbose_name_plural = _("hồ sơ của lượt đến")

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.dossier_id}"


class VisitRating(models.Model):
    """The visitor's judgement of the visit itself (the wait, the counter), on the 3-level scale.

    Kept apart from the dossier's Decree 118 rating: a visit may produce no dossier (a question,
    a refused intake) and the service index counts dossier ratings only.
    """

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="rating")
    submitted_at = models.DateTimeField()
    comment = models.TextField(max_length=2000, blank=True)

    class Meta:
        verbose_name = _("đánh giá lượt đến")
        verbose_name_plural = _("đánh giá lượt đến")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.submitted_at:%Y-%m-%d %H:%M}"


class VisitRatingAnswer(models.Model):
    rating = models.ForeignKey(VisitRating, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=12)
    level = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rating", "question"], name="one_visit_answer"),
            models.CheckConstraint(
                name="visit_answer_level_valid", condition=Q(level__in=Level.values)
            ),
            models.CheckConstraint(
                name="visit_answer_question_valid",
                condition=Q(question__in=["wait", "courtesy", "place"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating_id} {self.question}={self.level}"
