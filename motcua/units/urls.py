from django.urls import path

from motcua.units import views

app_name = "units"

urlpatterns = [
    path("trung-tam/", views.directory, name="directory"),
    path("trung-tam/<int:pk>/", views.center, name="center"),
]
