from django.urls import path

from motcua.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("can-bo/", views.inbox, name="inbox"),
    path("can-bo/tiep-nhan/", views.intake, name="intake"),
    path("can-bo/ho-so/<str:code>/", views.detail, name="detail"),
    path("can-bo/ho-so/<str:code>/thao-tac/<str:name>/", views.action, name="action"),
    path("can-bo/ho-so/<str:code>/bieu-mau/<str:kind>.pdf", views.form_pdf, name="form_pdf"),
    path("tra-cuu/", views.track_lookup, name="track_lookup"),
    path("tra-cuu/<str:code>/", views.track, name="track"),
]
