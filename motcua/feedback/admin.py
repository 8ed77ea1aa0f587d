from django.contrib import admin

from motcua.feedback.models import Rating, RatingAnswer


class AnswerInline(admin.TabularInline):
    model = RatingAnswer
    fields = ("criterion", "level")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Read-only: a rating is the resident's word; staff may read it, never edit or remove it.
    Ratings are taken only through ``services.submit_rating``."""

    list_display = ("dossier", "submitted_at", "channel")
    list_filter = ("channel", "submitted_at")
    search_fields = ("dossier__code",)
    date_hierarchy = "submitted_at"
    list_select_related = ("dossier",)
    fields = ("dossier", "submitted_at", "channel", "comment", "token_nonce")
    readonly_fields = fields
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
