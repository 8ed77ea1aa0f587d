"""Residents' addresses for reports (Vietnamese without diacritics, like the rest of the site)."""

from django.urls import path

from motcua.petitions import public_views as views

urlpatterns = [
    path("phan-anh/gui/", views.report, name="report"),
    path("phan-anh/noi/<str:key>/", views.place, name="place"),
    path("phan-anh/kiosk/<str:token>/", views.kiosk, name="kiosk"),
    path("phan-anh/kiosk/<str:token>/da-gui/<str:secret>/", views.kiosk_sent, name="kiosk_sent"),
    path("phan-anh/da-gui/<str:secret>/", views.sent, name="sent"),
    path("phan-anh/theo-doi/<str:secret>/", views.follow, name="follow"),
    path("phan-anh/tra-loi/", views.answers, name="answers"),
    path("phan-anh/tra-loi/<str:code>/", views.commune_answers, name="commune_answers"),
    path("phan-anh/tra-loi/<str:code>/<int:pk>/", views.answer, name="answer"),
    path("phan-anh/anh/<int:pk>/<str:digest>/", views.photo, name="photo"),
]
