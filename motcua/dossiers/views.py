"""The public tracking page: any phone, no sign-in, personal data masked.

Officers' pages, which put several apps on one screen, live in ``motcua.desk``.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from motcua.dossiers import queries
from motcua.dossiers.limits import tracking_lookups
from motcua.ratelimit import limited_per_address


def tracking_url(code: str, request=None) -> str:
    path = reverse("dossiers:track", args=[code])
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.PUBLIC_BASE_URL + path


def track_lookup(request):
    code = (request.GET.get("code") or "").strip()
    if code:
        return redirect("dossiers:track", code=code)
    return render(request, "dossiers/track_lookup.html")


@limited_per_address(tracking_lookups)
def track(request, code):
    try:
        dossier = queries.public_dossier(code)
    except Http404:
        return render(
            request, "dossiers/track_lookup.html", {"code": code, "missing": True}, status=404
        )
    return render(request, "dossiers/track.html", {"d": dossier})
