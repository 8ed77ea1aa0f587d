from django.contrib import admin

from motcua.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from motcua.dossiers.models import Dossier, DossierEvent


class EventInline(ReadOnlyInline):
    model = DossierEvent
    fields = ("at", "actor", "action", "from_state", "to_state", "note")
    readonly_fields = fields


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    """Read-only: dossiers change only through the workflow (services), never by editing rows."""

    list_display = ("code", "procedure", "competent_commune", "state", "due_at", "timeliness")
    list_filter = ("state", "channel", "timeliness")
    search_fields = ("code",)
    inlines = [EventInline]
