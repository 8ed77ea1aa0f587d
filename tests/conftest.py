"""Fixtures shared by every test folder.

The real data files (motcua/data/) are parsed once per session (pure Python, no database) and
written into each test's database by the same services the import commands use, in well under a
second.
"""

import functools
import importlib.util

import pytest
from django.conf import settings
from django.utils import translation

from motcua.catalog import services as catalog_services
from motcua.catalog.importers import PROCEDURES_FILE, read_procedures
from motcua.units import calendars
from motcua.units import services as units_services
from motcua.units.importers import (
    DAY_OVERRIDES_FILE,
    UNITS_FILE,
    bundled,
    read_day_overrides,
    read_units,
)


@functools.cache
def _unit_rows():
    return read_units(bundled(UNITS_FILE))


@functools.cache
def _day_override_rows():
    return read_day_overrides(bundled(DAY_OVERRIDES_FILE))


def _procedure_records():
    # Not cached: import_procedures reads review notes off the records, which stay unchanged, but
    # a fresh parse keeps tests independent of each other's edits to the objects.
    return read_procedures(bundled(PROCEDURES_FILE)).records


# The official day swaps the migrations put in force (units 0003), as found right after the test
# database was migrated: ``tests/units/test_day_swaps_after_migrate.py`` reads them.
MIGRATED_DAY_OVERRIDES: dict = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Migrating loads the official day swaps (units 0003_load_official_day_swaps). Note what it
    loaded, then empty the table: each test chooses its calendar (``real_day_overrides`` gives the
    shipped swaps), so a deadline in a test does not move with next year's CSV."""
    from django.core.management.color import no_style
    from django.db import connection

    from motcua.audit.append_only import flushing
    from motcua.audit.models import AuditEntry
    from motcua.units.models import DayOverride

    with django_db_blocker.unblock():
        MIGRATED_DAY_OVERRIDES.update({o.date: o.kind for o in DayOverride.objects.all()})
        DayOverride.objects.all().delete()
        calendars.invalidate_overrides()
        # Their audit rows go too (the trail is append-only: emptied as ``flush`` empties it).
        sources = set(AuditEntry.objects.values_list("source", flat=True))
        assert sources <= {"migration units.0003_load_official_day_swaps"}, sources
        with flushing(), connection.cursor() as cursor:
            for sql in connection.ops.sql_flush(no_style(), [AuditEntry._meta.db_table]):
                cursor.execute(sql)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """DayOverride rows of one test are rolled back, but a process-wide cache would remember them;
    start and end every test with an empty cache."""
    calendars.invalidate_overrides()
    yield
    calendars.invalidate_overrides()


@pytest.fixture
def real_units(db):
    """All 34 provinces and 3,321 communes from the shipped CSV."""
    return units_services.import_units(_unit_rows())


@pytest.fixture
def real_day_overrides(db):
    """The official day swaps from the shipped CSV."""
    return units_services.import_day_overrides(_day_override_rows(), actor=None)


@pytest.fixture
def editor(db):
    """A staff member who changes configuration: the actor the audit trail names."""
    from motcua.accounts.models import User

    return User.objects.create_user("bien-tap", is_staff=True, first_name="Hoa", last_name="Trần")


@pytest.fixture
def real_procedures(db):
    """The 40 real commune-level procedures from the shipped JSON, with their default steps."""
    return catalog_services.import_procedures(_procedure_records())


# The browser tests need the "browser" extra (Playwright); without it the rest of the suite still
# runs (``python3 dev.py test``), and ``python3 dev.py test --browser`` installs and runs them.
if importlib.util.find_spec("playwright") is None:
    collect_ignore = ["e2e"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The real hasher takes a second of CPU per test world (ten officers); tests check who may
    do what, not password strength, so they hash with MD5."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _vneid_stand_in(settings):
    """The tests sign residents in through the VNeID stand-in ("fake"). It is off by default and
    refused in production (motcua.security); the tests turn it on here, for every test, in plain
    sight. The browser tests' live server runs in this process and sees the same settings."""
    settings.MOTCUA_IDENTITY_PROVIDERS = ["fake"]


@pytest.fixture(autouse=True)
def _vietnamese_by_default():
    """A test that switches to English must not leave the next test in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "uploads"


def pytest_collection_modifyitems(config, items):
    """The schemathesis run (tests/api/test_schemathesis.py) is its own CI step: it runs only when
    asked for by marker (``-m schemathesis``), not as part of the ordinary suite."""
    if "schemathesis" in (config.getoption("markexpr") or ""):
        return
    chosen, skipped = [], []
    for item in items:
        (skipped if item.get_closest_marker("schemathesis") else chosen).append(item)
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = chosen


@pytest.fixture
def _national_report_defaults(django_db_setup, django_db_blocker):
    """The national report categories and escalation rules (petitions migration 0002), put back
    when a transactional test's flush emptied them. It runs before the test's own transaction
    begins, so the rows are committed once and stay for the tests after it."""
    from django.db import DatabaseError

    from motcua.petitions import defaults
    from motcua.petitions.models import Category

    with django_db_blocker.unblock():
        try:
            missing = not Category.objects.filter(province__isnull=True).exists()
        except DatabaseError:
            # A migration test has the schema at a state before the reports' tables: nothing to
            # put back (it migrates forward again itself).
            return
        if missing:
            defaults.install()


@pytest.fixture
def db(_national_report_defaults, db):
    return db


@pytest.fixture
def transactional_db(_national_report_defaults, transactional_db):
    return transactional_db
