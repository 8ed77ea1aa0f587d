from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.admin_readonly import ReadOnlyAdmin
from motcua.notify.adapters import masked_recipient
from motcua.notify.models import Message


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    """Read-only: the outbox changes only through motcua.notify.services. The recipient is
    personal data and stays masked here (the list and the detail page alike)."""

    list_display = ("created_at", "channel", "masked", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "channel")
    search_fields = ("dedupe_key", "dossier__code", "uuid")
    date_hierarchy = "created_at"
    fields = (
        "uuid",
        "channel",
        "masked",
        "dossier",
        "subject",
        "body",
        "dedupe_key",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_by",
        "claimed_until",
        "sent_at",
        "provider_id",
        "last_error",
        "created_at",
    )
    readonly_fields = fields
    list_select_related = ("dossier",)

    @admin.display(description=_("người nhận"))
    def masked(self, obj: Message) -> str:
        return masked_recipient(obj)
