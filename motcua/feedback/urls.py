from django.urls import path

from motcua.feedback import views

app_name = "feedback"

urlpatterns = [
    path("danh-gia/<str:token>/", views.rate, name="rate"),
    path("danh-gia/<str:token>/cam-on/", views.thanks, name="thanks"),
]
