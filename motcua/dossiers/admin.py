from django.contrib import admin

from motcua.dossiers.models import Dossier, DossierEvent


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = DossierEvent
    fields = ("at", "actor", "action", "from_state", "to_state", "note")
    readonly_fields = fields


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    """Read-only: dossiers change only through the workflow (services), never by editing rows."""

    list_display = ("code", "procedure", "competent_commune", "state", "due_at", "timeliness")
    list_filter = ("state", "channel", "timeliness")
    search_fields = ("code",)
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
