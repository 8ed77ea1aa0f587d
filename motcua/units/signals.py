"""Signals the units app sends for what ``post_save`` cannot tell: centres made in bulk."""

from django.dispatch import Signal

# Sent by ``services.ensure_service_centers`` after a bulk creation (which sends no post_save),
# with ``centers``: a queryset of the centres it covered. Apps that keep per-centre data (the
# queue's settings and priority groups) set it up here, so units need not know them.
centers_created = Signal()
