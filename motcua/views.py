from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from motcua.accounts.access import is_officer
from motcua.units.queries import communes_with_centers, main_center

# The commune a visitor chose on the home page, remembered for their next visit.
HOME_COMMUNE_SESSION_KEY = "motcua_home_commune"


def home(request):
    """Residents land on the search; signed-in officers go straight to their inbox.

    A visitor may choose their commune (``?xa=<code>``, the same parameter as a procedure's
    "where to file"; ``?xa=`` forgets it): the page then names it with its centre's hotline and
    address. The choice is kept in the session, so the next visit shows it again."""
    if is_officer(request.user):
        return redirect("dossiers:inbox")
    communes = communes_with_centers()
    if "xa" in request.GET:
        code = request.GET["xa"]
        if any(c.code == code for c in communes):
            request.session[HOME_COMMUNE_SESSION_KEY] = code
        else:
            request.session.pop(HOME_COMMUNE_SESSION_KEY, None)
    chosen_code = request.session.get(HOME_COMMUNE_SESSION_KEY, "")
    chosen = next((c for c in communes if c.code == chosen_code), None)
    return render(
        request,
        "home.html",
        {
            "communes": communes,
            "chosen": chosen,
            "center": main_center(chosen) if chosen else None,
        },
    )


def support(request):
    """How to get help: the hotline, the centre, the community digital-support teams."""
    return render(request, "pages/support.html")


def accessibility(request):
    """The accessibility statement: the standard, what was tested, known issues, how to report."""
    return render(request, "pages/accessibility.html")


def healthz(request):
    """For load balancers: answers 200 when this process can reach the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
