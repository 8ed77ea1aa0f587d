"""Addresses of the reports' pages: what residents use (``public_urls``) and what officers and
hotline operators use (``staff_urls``), in one namespace."""

from motcua.petitions import public_urls, staff_urls

app_name = "petitions"

urlpatterns = [*public_urls.urlpatterns, *staff_urls.urlpatterns]
