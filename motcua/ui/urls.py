from django.urls import path

from motcua.ui import views

app_name = "ui"
urlpatterns = [path("", views.styleguide, name="styleguide")]
