import json

from django.contrib import admin, messages
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.admin_readonly import ReadOnlyAdmin
from motcua.dvcqg import services, tasks
from motcua.dvcqg.models import FakePortalRecord, SyncState


@admin.register(SyncState)
class SyncStateAdmin(ReadOnlyAdmin):
    """Read-only but for "retry now": the rows change only through the sync services."""

    list_display = (
        "dossier",
        "status",
        "attempts",
        "next_attempt_at",
        "last_synced_at",
        "last_error",
    )
    list_filter = ("status",)
    search_fields = ("dossier__code",)
    list_select_related = ("dossier",)
    readonly_fields = (
        "dossier",
        "status",
        "last_event",
        "latest_event",
        "attempts",
        "next_attempt_at",
        "claimed_by",
        "claimed_until",
        "last_synced_at",
        "last_error",
    )
    actions = ["retry_now"]

    @admin.action(description=_("Đồng bộ lại ngay"), permissions=["retry"])
    def retry_now(self, request, queryset):
        with transaction.atomic():
            count = services.retry_now(queryset.values_list("pk", flat=True))
            tasks.push_after_commit()
        self.message_user(
            request,
            ngettext(
                "Đã đưa %(count)d hồ sơ vào hàng đợi đồng bộ.",
                "Đã đưa %(count)d hồ sơ vào hàng đợi đồng bộ.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_retry_permission(self, request):
        # Retrying changes only when the row is pushed, not what it says: the model's "change"
        # permission guards it, though the form itself stays read-only.
        return request.user.has_perm("dvcqg.change_syncstate")


@admin.register(FakePortalRecord)
class FakePortalRecordAdmin(ReadOnlyAdmin):
    """What the demo's stand-in portal received (read-only)."""

    list_display = ("at", "service", "dossier_code")
    list_filter = ("service",)
    search_fields = ("dossier_code",)
    fields = ("at", "service", "dossier_code", "payload_json")
    readonly_fields = fields

    @admin.display(description=_("dữ liệu"))
    def payload_json(self, obj):
        text = json.dumps(obj.payload, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html("<pre>{}</pre>", text)
