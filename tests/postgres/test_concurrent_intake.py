"""Dossier codes stay unique when many officers receive at the same moment (PostgreSQL)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from tests.world import GOOD_ID, World, vn

INTAKES = 200
WORKERS = 50  # below PostgreSQL's default max_connections of 100


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_intakes_get_200_distinct_codes():
    world = World()
    start = threading.Barrier(WORKERS)
    at = vn(2025, 7, 7, 9)

    def intake_batch(worker: int) -> list[str]:
        try:
            start.wait()  # all workers hit the sequence at the same moment
            codes = []
            for _ in range(INTAKES // WORKERS):
                dossier = services.receive_dossier(
                    officer=world.reception,
                    procedure=world.procedure,
                    applicant=services.Applicant(name=f"Người nộp {worker}", id_number=GOOD_ID),
                    at=at,
                )
                codes.append(dossier.code)
            return codes
        finally:
            connections.close_all()

    with ThreadPoolExecutor(WORKERS) as pool:
        codes = [c for batch in pool.map(intake_batch, range(WORKERS)) for c in batch]

    assert connection.vendor == "postgresql"
    assert len(codes) == INTAKES
    assert len(set(codes)) == INTAKES
    sequences = sorted(int(c.rsplit("-", 1)[1]) for c in codes)
    assert sequences == list(range(1, INTAKES + 1))  # no gaps, no duplicates
    assert Dossier.objects.count() == INTAKES
