"""Queue pages (being written)."""

from django.http import Http404


def book(request, *args, **kwargs):
    raise Http404


def book_slots(request, *args, **kwargs):
    raise Http404


def my_tickets(request, *args, **kwargs):
    raise Http404


def ticket(request, *args, **kwargs):
    raise Http404


def ticket_status(request, *args, **kwargs):
    raise Http404


def ticket_cancel(request, *args, **kwargs):
    raise Http404


def ticket_rate(request, *args, **kwargs):
    raise Http404


def ticket_qr(request, *args, **kwargs):
    raise Http404


def kiosk(request, *args, **kwargs):
    raise Http404


def kiosk_check_in(request, *args, **kwargs):
    raise Http404


def kiosk_slip(request, *args, **kwargs):
    raise Http404


def display(request, *args, **kwargs):
    raise Http404


def display_board(request, *args, **kwargs):
    raise Http404


def overview(request, *args, **kwargs):
    raise Http404


def stats(request, *args, **kwargs):
    raise Http404


def staff_ticket(request, *args, **kwargs):
    raise Http404


def counter(request, *args, **kwargs):
    raise Http404
