"""Residents' pages for reports (placeholder: replaced by the resident pages)."""

from django.http import HttpResponse

from motcua.petitions import queries


def follow(request, secret: str):
    petition = queries.by_secret(secret)
    return HttpResponse(petition.reference)
