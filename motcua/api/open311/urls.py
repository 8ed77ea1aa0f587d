"""Open311 GeoReport v2 addresses, each in ``.json`` and ``.xml`` (included at /open311/v2/)."""

from django.urls import re_path

from motcua.api.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>[A-Za-z0-9]{1,10})"

urlpatterns = [
    re_path(rf"^discovery{FMT}$", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}$", views.services_list, name="services"),
    re_path(
        rf"^services/(?P<service_code>[^/]+?){FMT}$",
        views.service_definition,
        name="service_definition",
    ),
    re_path(rf"^requests{FMT}$", views.requests, name="requests"),
    re_path(rf"^requests/(?P<request_id>[^/]+?){FMT}$", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[^/]+?){FMT}$", views.token, name="token"),
    # Anything else under /open311/v2/ gets the spec's error list, not an HTML page.
    re_path(r"^", views.unknown, name="unknown"),
]
