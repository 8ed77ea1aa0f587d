from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from motcua.accounts.models import ApiToken, User


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ("username", "get_full_name", "role", "commune", "province", "is_active")
    list_filter = ("role", "is_active", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "commune__name")
    autocomplete_fields = ("commune", "province")
    fieldsets = UserAdmin.fieldsets + (
        ("motcua", {"fields": ("role", "commune", "province", "job_title")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked")
    readonly_fields = ("key_hash", "prefix", "created_at", "last_used_at")
    list_filter = ("revoked",)
