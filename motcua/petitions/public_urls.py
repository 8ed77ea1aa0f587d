from django.urls import path

from motcua.petitions import public_views as views

urlpatterns = [
    path("phan-anh/theo-doi/<str:secret>/", views.follow, name="follow"),
]
