"""The commune administrator's view of the document store's audit trail (ADR 0024): who looked
up which number at intake, which codes were sent, refused or granted. Read only."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.accounts import access
from motcua.accounts.access import staff_required
from motcua.docstore import consent, queries

PAGE_SIZE = 50


@staff_required
def access_log(request):
    """The commune's trail, newest first; a POSTed ID number narrows it to that number (a POST,
    so the number never appears in a URL or an access log)."""
    commune = access.own_commune(request.user, access.Kind.COMMUNE, access.Action.AUDIT)
    entries = consent.accesses_in(commune)
    typed = request.POST.get("so_dinh_danh", "") if request.method == "POST" else ""
    number = queries.owner_key(typed)
    error = ""
    if typed and not number:
        error = _("Số định danh gồm 12 chữ số (hoặc mã số doanh nghiệp 10 chữ số).")
    elif number:
        entries = entries.filter(owner_digest__in=consent.owner_digests(number))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "docstore/access_log.html",
        {"page": page, "searched": bool(number), "error": error},
        status=400 if error else 200,
    )
