"""The audit trail in the admin (read only), and the base of the admins whose saves it records.

``AuditedAdmin`` sends every save and delete of its model, including the "delete selected" bulk
action and inline rows of the same model, through the app's service functions, which record the
change with the signed-in user as actor. No admin path writes an audited object directly.
"""

import json

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from motcua.admin_readonly import ReadOnlyAdmin
from motcua.audit.models import AuditEntry

REASON_FIELD = "audit_reason"


class AuditedForm(forms.ModelForm):
    """An admin form with the optional reason the audit row keeps."""

    audit_reason = forms.CharField(
        label=_("lý do thay đổi"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Không bắt buộc; được ghi vào nhật ký thay đổi cùng tên người sửa."),
    )


class AuditedAdmin(admin.ModelAdmin):
    """Set ``save_service`` and ``delete_service`` to the app's functions, called as
    ``save_service(obj, actor=user, reason=text)`` and ``delete_service(obj, actor=user)``.
    They are read from the class (``type(self)``), so a plain function needs no staticmethod."""

    form = AuditedForm
    save_service = None
    delete_service = None

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        shown = {name for _title, options in fieldsets for name in options.get("fields", ())}
        if REASON_FIELD not in shown:
            fieldsets.append((_("Lý do"), {"fields": [REASON_FIELD]}))
        return fieldsets

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get(REASON_FIELD, "")
        type(self).save_service(obj, actor=request.user, reason=reason)

    def delete_model(self, request, obj):
        type(self).delete_service(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        """The "delete selected" action: one service call (and one audit row) per object."""
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        """Inline rows of the audited model itself (a centre's branches) go through the services
        too; inlines of other models save as usual."""
        if formset.model is not self.model:
            return super().save_formset(request, form, formset, change)
        for obj in formset.save(commit=False):
            type(self).save_service(obj, actor=request.user, reason="")
        for obj in formset.deleted_objects:
            type(self).delete_service(obj, actor=request.user)
        formset.save_m2m()
        return None


def _pretty(value) -> str:
    if value is None:
        return "–"
    return format_html(
        '<pre style="white-space:pre-wrap;margin:0">{}</pre>',
        json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True),
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Who changed which configuration, when, from what to what, and why. Nothing here can be
    edited or deleted; the database refuses it too."""

    list_display = (
        "at",
        "kind",
        "object_repr",
        "action",
        "who",
        "commune",
        "changed",
    )
    list_filter = (
        "kind",
        "action",
        ("commune", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
        "at",
    )
    date_hierarchy = "at"
    search_fields = ("object_repr", "reason", "source")
    list_select_related = ("actor", "commune")
    fields = (
        "at",
        "who",
        "kind",
        "action",
        "object_repr",
        "object_id",
        "commune",
        "province",
        "reason",
        "changed",
        "before_text",
        "after_text",
    )
    readonly_fields = fields

    @admin.display(description=_("người thay đổi"), ordering="actor__username")
    def who(self, obj: AuditEntry) -> str:
        if obj.actor_id is None:
            return _("hệ thống (%(source)s)") % {"source": obj.source}
        return f"{obj.actor} ({obj.actor.username})"

    @admin.display(description=_("nội dung thay đổi"))
    def changed(self, obj: AuditEntry) -> str:
        return ", ".join(obj.changed_keys())

    @admin.display(description=_("trước"))
    def before_text(self, obj: AuditEntry) -> str:
        return _pretty(obj.before)

    @admin.display(description=_("sau"))
    def after_text(self, obj: AuditEntry) -> str:
        return _pretty(obj.after)
