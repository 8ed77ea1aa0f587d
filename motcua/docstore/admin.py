from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.admin_readonly import ReadOnlyAdmin
from motcua.docstore import consent, queries, services
from motcua.docstore.models import IdentityCheck, ReuseGrant, StoreAccess, StoredDocument
from motcua.privacy import mask_digits


@admin.register(StoredDocument)
class StoredDocumentAdmin(ReadOnlyAdmin):
    """Read-only apart from revocation: documents enter the store only through
    ``motcua.docstore.services``. The owner's number is personal data and stays masked here (list
    and detail page alike); an administrator looking for one owner searches by the exact number.
    The file is not offered for download here: officers open files from the dossier that uses
    them, where the commune scope applies."""

    list_display = (
        "created_at",
        "type_code",
        "name",
        "masked_owner",
        "source",
        "valid_until",
        "revoked_at",
    )
    list_filter = ("source", "verified_via", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("=owner_id_number", "=code", "=origin_dossier_code", "=uuid", "type_code")
    date_hierarchy = "created_at"
    fields = (
        "uuid",
        "masked_owner",
        "code",
        "type_code",
        "name",
        "summary",
        "valid_from",
        "valid_until",
        "scope",
        "source",
        "origin_dossier_code",
        "content_type",
        "size_bytes",
        "sha256",
        "created_at",
        "revoked_at",
        "verified_via",
        "verified_by",
        "verified_at",
    )
    readonly_fields = fields
    actions = ["revoke_selected"]

    def get_search_results(self, request, queryset, search_term):
        """A number typed with dots, spaces or full-width digits finds its owner too: it is
        searched in the normal form the store keeps it in (``queries.owner_key``)."""
        owner = queries.owner_key(search_term)
        if owner and owner != search_term.strip():
            search_term = owner
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("chủ giấy tờ"))
    def masked_owner(self, obj: StoredDocument) -> str:
        return mask_digits(obj.owner_id_number)

    @admin.action(
        description=_("Thu hồi các giấy tờ đã chọn (không cho dùng lại)"), permissions=["revoke"]
    )
    def revoke_selected(self, request, queryset):
        count = 0
        for document in queryset.filter(revoked_at__isnull=True):
            services.revoke(document)
            count += 1
        self.message_user(
            request,
            gettext("Đã thu hồi %(n)d giấy tờ.") % {"n": count},
            messages.SUCCESS,
        )

    def has_revoke_permission(self, request) -> bool:
        # Revoking is the one change allowed, through the service, to whoever may change rows.
        return request.user.has_perm("docstore.change_storeddocument")


@admin.register(IdentityCheck)
class IdentityCheckAdmin(ReadOnlyAdmin):
    """How each dossier's applicant was verified as the owner of its number (ADR 0024)."""

    list_display = ("at", "dossier", "method", "officer", "provider")
    list_filter = ("method",)
    search_fields = ("=dossier__code",)
    list_select_related = ("dossier", "officer")


class ByExactOwnerNumber:
    """Search these rows by the owner's exact number: they keep only its keyed digest."""

    search_help_text = _("Nhập đủ số định danh của chủ giấy tờ.")

    def get_search_results(self, request, queryset, search_term):
        number = queries.owner_key(search_term.strip())
        if not number:
            return queryset.none() if search_term.strip() else queryset, False
        return queryset.filter(owner_digest__in=consent.owner_digests(number)), False


@admin.register(ReuseGrant)
class ReuseGrantAdmin(ByExactOwnerNumber, ReadOnlyAdmin):
    """Citizens' consents to reuse their papers at one intake; the code is kept only hashed."""

    list_display = (
        "created_at",
        "owner_masked",
        "channel",
        "officer",
        "commune",
        "granted_at",
        "expires_at",
        "attempts",
        "voided_at",
    )
    list_filter = ("channel",)
    search_fields = ("owner_digest",)
    exclude = ("code_hash", "owner_digest")
    list_select_related = ("officer", "commune")


@admin.register(StoreAccess)
class StoreAccessAdmin(ByExactOwnerNumber, ReadOnlyAdmin):
    """The audit trail of the store at intake: only ever added to (``docstore.consent``)."""

    list_display = ("at", "event", "owner_masked", "officer", "commune", "detail")
    list_filter = ("event", "commune")
    search_fields = ("owner_digest",)
    exclude = ("owner_digest",)
    date_hierarchy = "at"
    list_select_related = ("officer", "commune")
