from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from motcua.audit.admin import AuditedAdmin
from motcua.units import services
from motcua.units.models import Commune, Counter, DayOverride, Province, ServiceCenter
from motcua.units.services import STANDARD_FREE_SERVICES


@admin.register(DayOverride)
class DayOverrideAdmin(AuditedAdmin):
    """Staff enter each year's official day swaps here; deadlines use them within a minute. Each
    save and delete is recorded with the staff member's name (``motcua.audit``)."""

    save_service = services.save_day_override
    delete_service = services.delete_day_override

    list_display = ("date", "weekday", "kind", "note", "status")
    list_filter = ("kind", "status")
    search_fields = ("note", "status")
    date_hierarchy = "date"
    ordering = ("-date",)

    @admin.display(description=_("thứ"))
    def weekday(self, obj: DayOverride) -> str:
        names = [
            _("Thứ Hai"),
            _("Thứ Ba"),
            _("Thứ Tư"),
            _("Thứ Năm"),
            _("Thứ Sáu"),
            _("Thứ Bảy"),
            _("Chủ nhật"),
        ]
        return str(names[obj.date.weekday()])


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "commune_count", "valid_from", "valid_to")
    list_filter = ("kind", "valid_to")
    search_fields = ("code", "name")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_communes=Count("communes"))

    @admin.display(description=_("số xã"), ordering="n_communes")
    def commune_count(self, obj) -> int:
        return obj.n_communes


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "province", "agency_id", "valid_from", "valid_to")
    list_filter = ("kind", "province", "valid_to")
    # search_name is the folded name, so "hoan kiem" finds "Phường Hoàn Kiếm".
    search_fields = ("code", "name", "search_name", "agency_id")
    list_select_related = ("province",)
    readonly_fields = ("search_name", "effective_agency_id")
    autocomplete_fields = ("province",)


class CounterInline(admin.TabularInline):
    model = Counter
    extra = 0
    fields = ("number", "name", "fields", "reserved_for_priority", "is_active")


class BranchInline(admin.TabularInline):
    model = ServiceCenter
    fk_name = "parent"
    extra = 0
    fields = ("name", "address", "office_hours", "is_active")
    verbose_name = _("điểm tiếp nhận")
    verbose_name_plural = _("các điểm tiếp nhận")
    show_change_link = True


@admin.register(ServiceCenter)
class ServiceCenterAdmin(AuditedAdmin):
    """A centre and its branches (inline rows of the same model) are saved through the services,
    which record new office hours with the staff member's name; counters save as usual."""

    save_service = services.save_service_center
    delete_service = services.delete_service_center

    list_display = ("name", "commune", "parent", "office_hours", "saturday_reception", "is_active")
    list_filter = ("is_active", "saturday_reception", "commune__province")
    search_fields = ("name", "address", "commune__name", "commune__search_name", "commune__code")
    list_select_related = ("commune", "parent")
    autocomplete_fields = ("commune", "parent")
    inlines = [CounterInline, BranchInline]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("free_services", list(STANDARD_FREE_SERVICES))
        return initial


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ("__str__", "center", "reserved_for_priority", "is_active")
    list_filter = ("reserved_for_priority", "is_active", "fields")
    search_fields = ("name", "center__name", "center__commune__search_name")
    list_select_related = ("center",)
    autocomplete_fields = ("center",)
    filter_horizontal = ("fields",)
