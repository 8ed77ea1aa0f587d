import pytest
from django.db import transaction
from django.test import override_settings

from tests.accounts.world import PERSONAS, AccessWorld

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def uploads_dir(tmp_path_factory):
    """One folder of uploads for the persona world, which lives for a whole module."""
    return tmp_path_factory.mktemp("uploads")


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, uploads_dir):
    """Overrides the suite's per-test upload folder: the module's world keeps its files."""
    settings.MEDIA_ROOT = uploads_dir


@pytest.fixture(scope="module")
def w(django_db_setup, django_db_blocker, uploads_dir):
    """One world for the module (the rows only read it: each request runs in a savepoint that is
    rolled back, so a number called or a dossier forwarded does not change the next row)."""
    with (
        override_settings(MEDIA_ROOT=uploads_dir, PASSWORD_HASHERS=FAST_HASHERS),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        world = AccessWorld()
        yield world
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def clients(w, django_db_blocker):
    with django_db_blocker.unblock():
        return {persona: w.client_of(persona) for persona in PERSONAS}
