"""Admin: the province's index settings are edited here; inputs are entered on the monitor's page
(``/chi-so-766/nhap-lieu/``, checked against the whole scoring input); rollups, snapshots and the
portal's published figures are computed or imported, so they are read-only."""

from django.contrib import admin

from motcua.admin_readonly import ReadOnlyAdmin
from motcua.insights.models import (
    CommuneMonth,
    CommuneMonthInput,
    IndexSnapshot,
    ProvinceIndexSettings,
    ProvinceMonthInput,
    PublishedIndex,
)


@admin.register(ProvinceIndexSettings)
class ProvinceIndexSettingsAdmin(admin.ModelAdmin):
    list_display = ("province", "cutoff_day", "portal_compatible")
    list_select_related = ("province",)
    autocomplete_fields = ("province",)


@admin.register(ProvinceMonthInput)
class ProvinceMonthInputAdmin(ReadOnlyAdmin):
    list_display = ("province", "month", "tthc_published_on_time", "tthc_published_total")
    list_filter = ("month",)
    list_select_related = ("province",)


@admin.register(CommuneMonthInput)
class CommuneMonthInputAdmin(ReadOnlyAdmin):
    list_display = ("commune", "month", "certified_copy_e_service", "entered_at")
    list_filter = ("month", "certified_copy_e_service")
    search_fields = ("commune__name", "commune__code")
    list_select_related = ("commune",)


@admin.register(CommuneMonth)
class CommuneMonthAdmin(ReadOnlyAdmin):
    list_display = ("commune", "month", "total", "computed_at", "dirty")
    list_filter = ("month", "dirty")
    search_fields = ("commune__name", "commune__code")
    list_select_related = ("commune",)


@admin.register(IndexSnapshot)
class IndexSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("commune", "month", "total", "rank", "frozen_at")
    list_filter = ("month",)
    search_fields = ("commune__name", "commune__code")
    list_select_related = ("commune",)


@admin.register(PublishedIndex)
class PublishedIndexAdmin(ReadOnlyAdmin):
    list_display = ("portal_code", "commune", "period_kind", "period_start", "total")
    search_fields = ("portal_code", "commune__name")
    list_select_related = ("commune",)
