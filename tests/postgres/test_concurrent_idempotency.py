"""Retries racing each other (PostgreSQL): copies of one request, sent with one Idempotency-Key
at the same moment, file one dossier and all get the same answer.

Each thread sends a whole HTTP request through Django (its own test client, its own database
connection, closed when it ends); all threads wait on one ``threading.Barrier`` first, so the
copies reach the database together. The unique constraint on (caller, key) is what decides:
the copies that lose wait for the winner's transaction, then read its answer.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from motcua.docstore.models import StoredDocument
from motcua.dossiers.models import Dossier
from motcua.idempotency.models import IdempotentRequest
from tests.idempotency.support import dossier_body, portal_form, post_dossier, post_filing, web_form
from tests.identity.entry_points import Entries

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

COPIES = 20  # well below PostgreSQL's default max_connections of 100 (the server is shared)
KEY = "0b6f3c1e-7d0a-4c59-8f0e-5a2e9c4d7b13"


def race(copies: int, send) -> list:
    """``send(i)`` for i in range(copies), all starting at the same moment."""
    start = threading.Barrier(copies)

    def one(i):
        try:
            start.wait()
            return send(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(copies) as pool:
        return list(pool.map(one, range(copies)))


@pytest.fixture
def entries(world):
    return Entries(world)


def test_racing_copies_of_one_staff_request_file_one_dossier(entries):
    responses = race(COPIES, lambda i: post_dossier(Client(), entries.token, dossier_body(), KEY))

    assert connection.vendor == "postgresql"
    assert [r.status_code for r in responses] == [201] * COPIES
    assert len({r.content for r in responses}) == 1  # one answer, byte for byte
    replayed = [r for r in responses if r.has_header("Idempotent-Replayed")]
    assert len(replayed) == COPIES - 1
    assert Dossier.objects.count() == 1
    assert IdempotentRequest.objects.count() == 1


def test_racing_requests_with_different_keys_each_file_a_dossier(entries):
    responses = race(
        COPIES, lambda i: post_dossier(Client(), entries.token, dossier_body(), f"{KEY}-{i}")
    )
    assert [r.status_code for r in responses] == [201] * COPIES
    assert Dossier.objects.count() == COPIES
    codes = {r.json()["code"] for r in responses}
    assert len(codes) == COPIES


def test_racing_copies_of_one_portal_filing_file_one_dossier(entries, world):
    responses = race(
        COPIES, lambda i: post_filing(Client(), entries.resident_token, portal_form(world), KEY)
    )
    assert [r.status_code for r in responses] == [201] * COPIES
    assert len({r.content for r in responses}) == 1
    assert Dossier.objects.count() == 1
    assert StoredDocument.objects.count() == 1  # the copies stored no file of their own


def test_racing_copies_of_one_web_form_file_one_dossier(entries, world):
    url = reverse("residents:submit", args=[world.procedure.code])
    session_cookie = entries.portal.cookies

    def submit(i):
        client = Client()
        client.cookies = session_cookie
        return client.post(url, web_form(world, "k" * 32))

    responses = race(COPIES, submit)
    dossier = Dossier.objects.get()
    target = reverse("residents:submitted", args=[dossier.code])
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, target)] * COPIES
