import pytest
from django.db import connection

from tests.world import world  # noqa: F401


@pytest.fixture(autouse=True)
def _postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL: run with DATABASE_URL=postgres://...")
