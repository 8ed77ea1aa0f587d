from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from motcua.accounts.access import is_officer


def home(request):
    """Residents land on the tracking search; signed-in officers go straight to their inbox."""
    if is_officer(request.user):
        return redirect("dossiers:inbox")
    return render(request, "home.html")


def healthz(request):
    """For load balancers: answers 200 when this process can reach the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
