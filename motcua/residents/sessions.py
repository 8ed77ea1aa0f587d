"""Who is signed in on the residents' portal: the resident's id in the Django session.

Residents are kept apart from staff ``User`` accounts, so this is a second, small sign-in beside
Django's: the same session machinery (server-side, HttpOnly cookie, key rotated at sign-in).
"""

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from motcua.residents.models import Resident

SESSION_KEY = "resident_id"


def sign_in(request, resident: Resident) -> None:
    request.session.cycle_key()  # a new session id at sign-in: no session fixation
    request.session[SESSION_KEY] = resident.pk
    request.resident = resident


def sign_out(request) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    request.resident = None


def current_resident(request) -> Resident | None:
    if not hasattr(request, "resident"):
        pk = request.session.get(SESSION_KEY)
        request.resident = Resident.objects.filter(pk=pk).first() if pk else None
    return request.resident


def resident_required(view):
    """Send a visitor to the sign-in page and back here afterwards."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if current_resident(request) is None:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('residents:sign_in')}?{query}")
        return view(request, *args, **kwargs)

    return wrapped


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def context(request) -> dict:
    """Template context: ``resident`` (or None) on every page."""
    return {"resident": current_resident(request)}
