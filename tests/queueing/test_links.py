"""Signed ticket and kiosk addresses: stable for a ticket (slip QR = SMS link = page), revoked by
the nonce or the kiosk key, never by the passing of time."""

from datetime import timedelta

import pytest

from motcua.queueing import links, services
from motcua.queueing.errors import QueueError
from tests.queueing.conftest import pin_clock, vn

MONDAY_9 = vn(2025, 7, 7, 9)


def test_a_ticket_has_one_address_whenever_it_is_made(q, monkeypatch):
    clock = pin_clock(monkeypatch, MONDAY_9)
    ticket = services.issue_ticket(q.center, q.civil, at=MONDAY_9)
    printed = links.ticket_token(ticket)
    clock.advance(days=400, seconds=1)
    assert links.ticket_token(ticket) == printed
    assert links.open_ticket(printed) == ticket


def test_a_new_nonce_revokes_the_old_address(q):
    ticket = services.issue_ticket(q.center, q.civil, at=MONDAY_9)
    old = links.ticket_token(ticket)
    ticket.token_nonce = "renewed"
    ticket.save(update_fields=["token_nonce"])
    with pytest.raises(QueueError) as refused:
        links.open_ticket(old)
    assert refused.value.code == "invalid_token"
    assert links.open_ticket(links.ticket_token(ticket)) == ticket


def test_a_new_kiosk_key_revokes_every_kiosk_address(q, monkeypatch):
    settings = services.settings_for(q.center)
    address = links.kiosk_token(settings)
    pin_clock(monkeypatch, MONDAY_9 + timedelta(days=30))
    assert links.open_kiosk(address) == settings
    settings.kiosk_key = "new-key"
    settings.save(update_fields=["kiosk_key"])
    with pytest.raises(QueueError):
        links.open_kiosk(address)
    # A ticket's token is no kiosk token, though both are signed by this site.
    ticket = services.issue_ticket(q.center, q.civil, at=MONDAY_9)
    with pytest.raises(QueueError):
        links.open_kiosk(links.ticket_token(ticket))
