"""The operator's admin for reports: categories (national defaults and the provinces' own) and
escalation rules, both audited (``configuration``); departments; places; Open311 keys (listed and
revoked, never added here: keys come from ``motcua create_open311_key``, which shows the key
once); and reports read-only (every change to a report is a step through ``services``)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from motcua.audit.admin import AuditedAdmin
from motcua.petitions import configuration, keys
from motcua.petitions.models import (
    Category,
    Department,
    EscalationRule,
    Open311Key,
    Petition,
    PetitionEvent,
    Place,
)


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    """A category's answering time and routing change when reports are due and who answers
    them: saves and deletes go through ``configuration``, which records them in the audit
    trail."""

    save_service = configuration.save_category
    delete_service = configuration.delete_category
    list_display = (
        "name",
        "code",
        "province",
        "subject",
        "department_kind",
        "response_days",
        "order",
        "is_active",
    )
    list_filter = ("is_active", "subject", "department_kind", "province")
    search_fields = ("name", "code", "keywords")
    list_select_related = ("province",)
    ordering = ("province__code", "order", "name")


@admin.register(EscalationRule)
class EscalationRuleAdmin(AuditedAdmin):
    save_service = configuration.save_escalation_rule
    delete_service = configuration.delete_escalation_rule

    list_display = ("__str__", "province", "status", "overdue_hours", "action", "is_active")
    list_filter = ("is_active", "action", "status", "province")
    list_select_related = ("province",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "commune", "kind", "is_active")
    list_filter = ("is_active", "kind", "commune__province")
    search_fields = ("name", "commune__name", "commune__code")
    list_select_related = ("commune",)
    autocomplete_fields = ("commune",)


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "commune", "address", "is_active")
    list_filter = ("is_active", "commune__province")
    search_fields = ("name", "address", "commune__name", "commune__code")
    list_select_related = ("commune",)
    autocomplete_fields = ("commune",)
    readonly_fields = ("key",)


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    """Keys are made by ``motcua create_open311_key`` (the raw key is shown once, only its hash
    is stored): no add form here, no editing; the one change is to revoke."""

    list_display = ("name", "prefix", "created_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    search_fields = ("name", "prefix")
    readonly_fields = ("name", "prefix", "created_at", "last_used_at", "revoked")
    fields = readonly_fields
    actions = ("revoke",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Thu hồi khóa đã chọn"), permissions=["change"])
    def revoke(self, request, queryset):
        count = 0
        for key in queryset.filter(revoked=False):
            keys.revoke(key)
            count += 1
        self.message_user(
            request,
            ngettext("Đã thu hồi %(n)d khóa.", "Đã thu hồi %(n)d khóa.", count) % {"n": count},
            messages.SUCCESS,
        )


class PetitionEventInline(ReadOnlyInline):
    model = PetitionEvent
    fields = ("at", "kind", "actor", "status_after", "note")
    readonly_fields = fields


@admin.register(Petition)
class PetitionAdmin(ReadOnlyAdmin):
    """Read only: a report changes through its steps (the officers' pages, the services)."""

    list_display = ("__str__", "commune", "category", "status", "channel", "received_at", "due_at")
    list_filter = ("status", "channel", "handled_late", "commune__province")
    search_fields = ("pk", "title")
    list_select_related = ("commune", "category")
    date_hierarchy = "received_at"
    exclude = ("secret",)
    inlines = (PetitionEventInline,)
