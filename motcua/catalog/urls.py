from django.urls import path

from motcua.catalog import views

app_name = "catalog"

urlpatterns = [
    path("can-bo/thu-tuc/", views.commune_procedures, name="commune_procedures"),
    path("thu-tuc/", views.public_search, name="search"),
    path("thu-tuc/<str:code>/", views.public_procedure, name="procedure"),
]
