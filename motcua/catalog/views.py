"""The commune's own list of procedures: officers read it, the commune admin standardises it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.catalog.models import Procedure
from motcua.catalog.queries import has_standardized_list, procedures_for_commune
from motcua.catalog.services import standardize_procedures


@login_required
def commune_procedures(request):
    commune = request.user.commune
    if commune is None:
        raise PermissionDenied(_("Trang này dành cho cán bộ của một xã, phường."))
    can_edit = request.user.role == Role.COMMUNE_ADMIN
    error = ""
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Chỉ quản trị xã được chuẩn hóa danh mục thủ tục."))
        chosen = Procedure.objects.filter(is_active=True, code__in=request.POST.getlist("codes"))
        if not chosen.exists():
            error = _("Chọn ít nhất một thủ tục mà xã tiếp nhận, giải quyết.")
        else:
            tally = standardize_procedures(commune, chosen)
            messages.success(
                request,
                _("Đã lưu danh mục: %(n)s thủ tục (%(tally)s).")
                % {"n": chosen.count(), "tally": tally},
            )
            return redirect("catalog:commune_procedures")
    standardized = has_standardized_list(commune)
    handled = set(procedures_for_commune(commune).values_list("code", flat=True))
    procedures = Procedure.objects.filter(is_active=True).select_related("field")
    return render(
        request,
        "catalog/commune_procedures.html",
        {
            "commune": commune,
            "procedures": procedures.order_by("field__name_vi", "code"),
            "handled": handled,
            "standardized": standardized,
            "can_edit": can_edit,
            "error": error,
        },
        status=400 if error else 200,
    )
