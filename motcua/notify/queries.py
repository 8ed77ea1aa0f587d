"""Reads of the outbox for pages, the API and exports; no writes."""

from django.db.models import QuerySet

from motcua.notify.models import Message


def notifications_of(dossier) -> QuerySet[Message]:
    """What was (or will be) sent about a dossier, oldest first: for the officer's view. The
    recipient is personal data: show it through ``motcua.privacy`` masks."""
    return Message.objects.filter(dossier=dossier).order_by("created_at", "id")
