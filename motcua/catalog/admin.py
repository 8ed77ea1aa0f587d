from django.contrib import admin
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from motcua.audit.admin import AuditedAdmin
from motcua.catalog import services
from motcua.catalog.models import CommuneProcedure, Field, Procedure, ProcessStep
from motcua.catalog.queries import query_tokens
from motcua.catalog.services import refresh_search_text, total_budget_hours


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("name_vi", "name_en", "code")
    search_fields = ("name_vi", "name_en", "code")
    prepopulated_fields = {"code": ("name_vi",)}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Procedures' search text includes their field's names.
        refresh_search_text(obj.procedures.all())


class ProcessStepInline(admin.TabularInline):
    model = ProcessStep
    extra = 0
    fields = ("position", "role", "name_vi", "name_en", "budget_hours")
    ordering = ("position",)


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_vi",
        "field",
        "legal_time_display",
        "fee_vnd",
        "online_level",
        "needs_review",
        "is_active",
    )
    list_filter = (
        "needs_review",
        "is_active",
        "has_full_record",
        "portal_type",
        "level",
        "online_level",
        "processing_unit",
        "field",
    )
    # The folded column makes admin search accent-insensitive, like the public search.
    search_fields = ("code", "name_vi", "name_en", "search_text")
    list_select_related = ("field",)
    readonly_fields = ("step_budget_check",)
    inlines = [ProcessStepInline]

    def get_search_results(self, request, queryset, search_term):
        # Also match accent-insensitively, word by word, like the public search.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        tokens = query_tokens(search_term)
        if tokens:
            folded = Q()
            for token in tokens:
                folded &= Q(search_text__contains=token)
            results = results | queryset.filter(folded)
        return results, may_have_duplicates

    fieldsets = (
        (None, {"fields": ("code", "name_vi", "name_en", "field", "level", "executing_agency")}),
        (
            _("Cổng Dịch vụ công quốc gia"),
            {
                "fields": (
                    "portal_type",
                    "promulgating_agency",
                    "province",
                    "has_full_record",
                    "catalogue_source",
                    "subject_types",
                    "results",
                    "requirements",
                )
            },
        ),
        (
            _("Thời hạn"),
            {
                "fields": (
                    "processing_amount",
                    "processing_unit",
                    "processing_note",
                    "step_budget_check",
                )
            },
        ),
        (_("Phí, lệ phí"), {"fields": ("fee_vnd", "fee_note")}),
        (
            _("Hồ sơ"),
            {
                "fields": (
                    "online_level",
                    "documents",
                    "documents_note",
                    "document_groups",
                    "document_notes",
                )
            },
        ),
        (
            _("Cách thức, thời hạn theo trường hợp, căn cứ, trình tự"),
            {
                "classes": ("collapse",),
                "fields": ("channels", "processing_cases", "legal_basis", "official_steps"),
            },
        ),
        (_("Nguồn"), {"fields": ("source", "source_url")}),
        (_("Rà soát"), {"fields": ("needs_review", "review_notes", "is_active")}),
    )

    @admin.display(description=_("Tổng giờ các bước / thời hạn quy ra giờ"))
    def step_budget_check(self, obj: Procedure) -> str:
        if obj.pk is None:
            return "–"
        counted = obj.steps.aggregate(total=Sum("budget_hours"))["total"] or 0
        total = total_budget_hours(obj.processing_amount, obj.processing_unit)
        return f"{counted:g} / {total:g}"


@admin.register(CommuneProcedure)
class CommuneProcedureAdmin(AuditedAdmin):
    """One procedure of a commune's list. Saves and deletes go through the catalogue services,
    which record the commune's list before and after with the staff member's name."""

    save_service = services.save_commune_procedure
    delete_service = services.delete_commune_procedure

    list_display = ("commune", "procedure", "is_active")
    list_filter = ("is_active", "commune__province")
    search_fields = (
        "commune__name",
        "commune__search_name",
        "procedure__code",
        "procedure__search_text",
    )
    list_select_related = ("commune", "procedure")
    autocomplete_fields = ("commune", "procedure")

    def get_readonly_fields(self, request, obj=None):
        # A line stays with its commune and procedure (the audit row is about that commune's list).
        if obj is not None:
            return ("commune", "procedure")
        return ()
