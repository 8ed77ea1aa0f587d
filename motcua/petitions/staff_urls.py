from django.urls import path

from motcua.petitions import staff_views as views

urlpatterns = [
    path("can-bo/phan-anh/<int:pk>/", views.detail, name="staff_detail"),
]
