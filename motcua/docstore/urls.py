from django.urls import path

from motcua.docstore import views

app_name = "docstore"

urlpatterns = [
    path("can-bo/nhat-ky-kho-giay-to/", views.access_log, name="access_log"),
]
