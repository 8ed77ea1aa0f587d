"""The public directory of service centres: where to go, when it is open, whom to call.

Public pages (every visitor may read them; ``tests/accounts/test_access_table.py`` lists them as
such): they show what a centre publishes at its door, nothing about people.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.errors import PublicNotFound
from motcua.units import queries

PAGE_SIZE = 20


def directory(request):
    """All centres, filtered by province and commune, searchable by name or address."""
    provinces = queries.provinces_with_centers()
    province = next((p for p in provinces if p.code == request.GET.get("tinh", "")), None)
    communes = [
        c
        for c in queries.communes_with_centers()
        if province is None or c.province_id == province.pk
    ]
    commune = next((c for c in communes if c.code == request.GET.get("xa", "")), None)
    q = request.GET.get("q", "").strip()[:100]
    centers = queries.centers_directory(
        province=province.code if province else "",
        commune=commune.code if commune else "",
        q=q,
    )
    page = Paginator(centers, PAGE_SIZE).get_page(request.GET.get("page"))
    queries.with_counters(list(page.object_list))
    return render(
        request,
        "units/directory.html",
        {
            "provinces": provinces,
            "province": province,
            "communes": communes,
            "commune": commune,
            "q": q,
            "page_obj": page,
            "total": len(centers),
        },
    )


def center(request, pk: int):
    found = queries.center_page(pk)
    if found is None:
        raise PublicNotFound(_("Không tìm thấy trung tâm."))
    return render(request, "units/center.html", {"center": found})
