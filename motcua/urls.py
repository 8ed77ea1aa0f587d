from django.contrib import admin
from django.urls import include, path

from motcua import views
from motcua.api.router import api

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("ho-tro/", views.support, name="support"),
    path("kha-nang-tiep-can/", views.accessibility, name="accessibility"),
    path("", include("motcua.units.urls")),
    path("", include("motcua.accounts.urls")),
    path("", include("motcua.desk.urls")),
    path("", include("motcua.docstore.urls")),
    path("", include("motcua.catalog.urls")),
    path("", include("motcua.residents.urls")),
    path("", include("motcua.feedback.urls")),
    path("", include("motcua.queueing.urls")),
    path("", include("motcua.petitions.urls")),
    path("", include("motcua.insights.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("open311/v2/", include("motcua.api.open311.urls")),
    path("ui/", include("motcua.ui.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "motcua.errors.bad_request"
handler403 = "motcua.errors.forbidden"
handler404 = "motcua.errors.not_found"
handler500 = "motcua.errors.server_error"
