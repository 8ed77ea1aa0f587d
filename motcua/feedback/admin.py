from django.contrib import admin

from motcua.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from motcua.feedback.models import Rating, RatingAnswer


class AnswerInline(ReadOnlyInline):
    model = RatingAnswer
    fields = ("criterion", "level")
    readonly_fields = fields


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
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
