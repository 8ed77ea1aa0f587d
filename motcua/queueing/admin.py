"""The queue in the admin: each centre's settings and priority groups are edited here, through
``services`` (which record each change with the staff member's name); tickets, their periods and
visit ratings are read-only (they change only through ``services``).

Like the other admins of motcua, these pages are for superusers (officers work in the staff
pages, which apply the commune scope), so the lists are not scoped by commune.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import display_for_value
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from motcua.accounts import access
from motcua.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from motcua.audit.admin import AuditedAdmin
from motcua.privacy import mask_digits, mask_name
from motcua.queueing import services, visit_rating
from motcua.queueing.links import kiosk_path
from motcua.queueing.models import (
    PriorityGroup,
    QueueSettings,
    Ticket,
    TicketPeriod,
    VisitRating,
    VisitRatingAnswer,
)


class ConfiguredByTheAccessRule:
    """Changing a centre's queue configuration is ``CONFIGURE`` of that centre in the access rule
    (``accounts.access``: the operator's, superusers). Django's model permissions open the admin
    page; the rule decides for each centre's row."""

    def _configures(self, request, obj) -> bool:
        return obj is None or access.permits(
            request.user, access.Kind.QUEUE_CENTER, access.Action.CONFIGURE, obj.center
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._configures(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._configures(request, obj)


@admin.register(QueueSettings)
class QueueSettingsAdmin(ConfiguredByTheAccessRule, AuditedAdmin):
    """One row per centre, made with the centre (``receivers``, ``ensure_queue_setup``): staff
    change it, never add or delete it."""

    save_service = services.save_queue_settings

    class Media:
        css = {"all": ["css/admin.css"]}  # classes instead of style attributes (CSP)

    list_display = (
        "center",
        "booking_enabled",
        "slot_minutes",
        "bookings_per_counter_slot",
        "grace_minutes",
        "default_service_minutes",
    )
    list_filter = ("booking_enabled", "center__commune__province")
    search_fields = ("center__name", "center__commune__name", "center__commune__search_name")
    list_select_related = ("center",)
    ordering = ("center__name",)
    readonly_fields = ("center", "kiosk_address")
    fieldsets = (
        (None, {"fields": ("center",)}),
        (
            _("Đặt số trước qua mạng"),
            {
                "fields": (
                    "booking_enabled",
                    "slot_minutes",
                    "bookings_per_counter_slot",
                    "booking_days_ahead",
                    "early_check_in_minutes",
                    "grace_minutes",
                )
            },
        ),
        (_("Nhắn tin và ước tính"), {"fields": ("remind_places", "default_service_minutes")}),
        (
            _("Máy lấy số"),
            {
                "fields": ("kiosk_address", "kiosk_key"),
                "description": _(
                    "Mở địa chỉ máy lấy số một lần trên trình duyệt của máy đặt tại trung tâm. "
                    "Đổi khóa thiết bị sẽ thu hồi ngay mọi địa chỉ máy lấy số đã cấp trước đó: "
                    "máy nào đang mở địa chỉ cũ sẽ ngừng cấp số và phải được mở lại bằng địa chỉ "
                    "mới hiện ở đây sau khi lưu."
                ),
            },
        ),
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("địa chỉ máy lấy số"))
    def kiosk_address(self, obj: QueueSettings) -> str:
        url = settings.PUBLIC_BASE_URL + kiosk_path(obj)
        return format_html('<a href="{}" class="mc-admin-break-all">{}</a>', url, url)


@admin.register(PriorityGroup)
class PriorityGroupAdmin(ConfiguredByTheAccessRule, AuditedAdmin):
    """The groups served ahead of others at each centre, with the rule each rests on: a group of
    "practice" strength applies only where the centre's own rules (nội quy) say so."""

    save_service = services.save_priority_group
    delete_service = services.delete_priority_group

    class Media:
        css = {"all": ["css/admin.css"]}  # classes instead of style attributes (CSP)

    list_display = (
        "name_vi",
        "center_short",
        "head_start",
        "strength",
        "is_active",
        "legal_basis_text",
    )
    list_filter = ("strength", "is_active")
    search_fields = ("name_vi", "name_en", "code", "center__name", "center__commune__search_name")
    list_select_related = ("center__commune",)
    autocomplete_fields = ("center",)
    ordering = ("center__name", "position", "id")
    fieldsets = (
        (None, {"fields": ("center", "code", "name_vi", "name_en", "position", "is_active")}),
        (
            _("Mức ưu tiên và căn cứ"),
            {
                "fields": ("head_start_minutes", "strength", "legal_basis"),
                "description": _(
                    "Ghi rõ văn bản và điều khoản cho phép ưu tiên nhóm này. Nhóm chỉ dựa trên "
                    "thực tiễn chỉ nên bật khi nội quy của trung tâm quy định. Nhóm đã có số thứ "
                    "tự không xóa được: hãy bỏ chọn “đang áp dụng”."
                ),
            },
        ),
    )

    @admin.display(description=_("trung tâm"), ordering="center__name")
    def center_short(self, obj: PriorityGroup) -> str:
        return short_center_name(obj.center)

    @admin.display(description=_("phút ưu tiên"), ordering="head_start_minutes")
    def head_start(self, obj: PriorityGroup) -> int:
        return obj.head_start_minutes

    @admin.display(description=_("căn cứ pháp lý"))
    def legal_basis_text(self, obj: PriorityGroup) -> str:
        # Wide enough to read in one or two lines, rather than a narrow column of single words.
        return format_html('<span class="mc-admin-wide-text">{}</span>', obj.legal_basis)


def short_center_name(center) -> str:
    """A main centre is named after its commune; in a list the commune's name is enough."""
    return center.name if center.parent_id else center.commune.name


def labelled(name: str, label) -> Callable:
    """A read-only admin field for a model field that has no Vietnamese label of its own (the
    rows the services write for themselves); choices show their label."""

    @admin.display(description=label)
    def show(self, obj):
        value = getattr(obj, name)
        choice = getattr(obj, f"get_{name}_display", None)
        if choice is not None and value:
            return choice()
        # As the admin shows a model field: local time, "-" for nothing.
        return display_for_value(value, self.get_empty_value_display())

    return show


class PeriodInline(ReadOnlyInline):
    model = TicketPeriod
    fields = (
        "period_state",
        "period_field",
        "period_counter",
        "by",
        "started",
        "ended",
        "ended_by",
    )
    readonly_fields = fields
    verbose_name_plural = _(
        "các giai đoạn: mỗi trạng thái một dòng, từ lúc bắt đầu đến lúc kết thúc"
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("field", "counter", "officer")

    period_state = labelled("state", _("trạng thái"))
    period_field = labelled("field", _("lĩnh vực"))
    period_counter = labelled("counter", _("quầy"))
    by = labelled("officer", _("cán bộ"))
    started = labelled("started_at", _("từ"))
    ended = labelled("ended_at", _("đến"))
    ended_by = labelled("end_action", _("kết thúc bởi"))


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    """Read-only: numbers change only through ``services``. The phone number is personal data and
    stays masked (list and detail page); an administrator finds one by the exact number."""

    list_display = (
        "display_number",
        "service_day",
        "center_short",
        "field",
        "state",
        "priority_group",
        "counter",
        "masked_phone",
    )
    list_filter = ("state", "source", "service_day")
    date_hierarchy = "service_day"
    search_fields = ("=number", "=phone", "=check_in_code", "center__name")
    list_select_related = ("center__commune", "field", "priority_group", "counter")
    fields = (
        "center",
        "service_day",
        "display_number",
        "field",
        "source",
        "state",
        "priority_group",
        "priority_confirmed_by_whom",
        "priority_confirmed_when",
        "issued_at",
        "queued_at",
        "slot_start",
        "slot_end",
        "check_in_code",
        "masked_resident",
        "masked_phone",
        "reminded",
        "counter",
        "sent_to_counter",
        "served_by",
        "called",
        "times_recalled",
        "finished",
    )
    readonly_fields = fields
    inlines = [PeriodInline]

    priority_confirmed_by_whom = labelled("priority_confirmed_by", _("cán bộ xác nhận ưu tiên"))
    priority_confirmed_when = labelled("priority_confirmed_at", _("xác nhận ưu tiên lúc"))
    reminded = labelled("reminded_at", _("đã nhắn tin “sắp đến lượt” lúc"))
    sent_to_counter = labelled("target_counter", _("được chuyển đến quầy"))
    served_by = labelled("officer", _("cán bộ phục vụ"))
    called = labelled("called_at", _("mời lên quầy lúc"))
    times_recalled = labelled("recalls", _("số lần mời lại"))
    finished = labelled("finished_at", _("kết thúc lúc"))

    @admin.display(description=_("số thứ tự"), ordering="number")
    def display_number(self, obj: Ticket) -> str:
        return obj.display_number

    @admin.display(description=_("trung tâm"), ordering="center__name")
    def center_short(self, obj: Ticket) -> str:
        return short_center_name(obj.center)

    @admin.display(description=_("số điện thoại nhận tin"))
    def masked_phone(self, obj: Ticket) -> str:
        return mask_digits(obj.phone)

    @admin.display(description=_("công dân đặt số"))
    def masked_resident(self, obj: Ticket) -> str | None:
        return mask_name(obj.resident.full_name) if obj.resident else None


class VisitAnswerInline(ReadOnlyInline):
    model = VisitRatingAnswer
    fields = ("question_text", "level_label")
    readonly_fields = fields
    verbose_name_plural = _("câu trả lời")

    @admin.display(description=_("câu hỏi"))
    def question_text(self, obj: VisitRatingAnswer) -> str:
        return visit_rating.question_text(obj.question)

    @admin.display(description=_("mức hài lòng"))
    def level_label(self, obj: VisitRatingAnswer) -> str:
        return visit_rating.level_text(obj.level)


@admin.register(VisitRating)
class VisitRatingAdmin(ReadOnlyAdmin):
    """Read-only: the visitor's word, taken only through ``visit_rating.submit``."""

    list_display = ("ticket_number", "center", "submitted")
    list_filter = ("submitted_at",)
    search_fields = ("ticket__center__name",)
    date_hierarchy = "submitted_at"
    list_select_related = ("ticket__center__commune",)
    fields = ("the_ticket", "submitted", "the_comment")
    readonly_fields = fields
    inlines = [VisitAnswerInline]

    submitted = labelled("submitted_at", _("đánh giá lúc"))
    the_comment = labelled("comment", _("góp ý"))

    @admin.display(description=_("số thứ tự"), ordering="ticket__service_day")
    def ticket_number(self, obj: VisitRating) -> str:
        return str(obj.ticket)

    @admin.display(description=_("số thứ tự"))
    def the_ticket(self, obj: VisitRating) -> str:
        url = reverse("admin:queueing_ticket_change", args=[obj.ticket_id])
        return format_html('<a href="{}">{}</a>', url, obj.ticket)

    @admin.display(description=_("trung tâm"), ordering="ticket__center__name")
    def center(self, obj: VisitRating) -> str:
        return short_center_name(obj.ticket.center)
