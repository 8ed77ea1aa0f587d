"""The site's URLs plus a probe API that raises what no real endpoint raises today (Django's own
exceptions, a crash), to show that the error handlers every API installs shape them too."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import path

from motcua.api import errors
from motcua.api.router import MotcuaAPI
from motcua.urls import urlpatterns as site_urls

probe = MotcuaAPI(title="probe", urls_namespace="probe")
errors.install(probe)


@probe.get("/denied")
def denied(request):
    raise PermissionDenied("Chỉ lãnh đạo xã được xem trang này.")


@probe.get("/django-404")
def django_404(request):
    raise Http404("No Dossier matches the given query.")


@probe.get("/suspicious")
def suspicious(request):
    raise SuspiciousOperation("Attempted access to '/etc/passwd' denied.")


@probe.get("/crash")
def crash(request):
    return {"ratio": 1 / 0}


urlpatterns = [path("api/probe/", probe.urls), *site_urls]
