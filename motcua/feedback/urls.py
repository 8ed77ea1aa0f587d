from django.urls import path  # noqa: F401 - the feedback helper adds the rating pages

app_name = "feedback"
urlpatterns: list = []
