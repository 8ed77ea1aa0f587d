"""Which visit an officer is taking a dossier for: the counter page remembers the ticket in the
officer's session, the intake page links the dossier it creates to it. Kept in the session (not
in the intake URL) so the procedure search and form need not carry it through every step."""

from motcua.queueing import services
from motcua.queueing.errors import QueueError
from motcua.queueing.models import Ticket
from motcua.queueing.workflow import AT_COUNTER_STATES

SESSION_KEY = "queue_visit"


def remember(request, ticket: Ticket) -> None:
    request.session[SESSION_KEY] = ticket.pk


def remembered(request) -> Ticket | None:
    """The remembered ticket while it is still at a counter; forgotten otherwise."""
    pk = request.session.get(SESSION_KEY)
    ticket = (
        Ticket.objects.select_related("center").filter(pk=pk, state__in=AT_COUNTER_STATES).first()
        if pk
        else None
    )
    if pk and ticket is None:
        request.session.pop(SESSION_KEY, None)
    return ticket


def link_remembered(request, dossier) -> Ticket | None:
    """Link a dossier just received to the visit the officer is serving; returns the ticket."""
    ticket = remembered(request)
    if ticket is None:
        return None
    try:
        services.link_dossier(ticket, dossier, request.user)
    except QueueError:
        return None  # another commune's dossier, or linked already: the intake stands on its own
    request.session.pop(SESSION_KEY, None)
    return ticket
