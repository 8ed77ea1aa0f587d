"""The data migration that brings stored numbers to their normal form
(``residents/migrations/0003_normalise_id_numbers.py``): migrate back, put rows in as the old
code stored them, migrate forward, look."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from motcua.docstore.models import Source, StoredDocument
from motcua.dossiers import services
from motcua.dossiers.models import ApplicantKind, Dossier
from motcua.residents.models import Resident
from tests.world import GOOD_ID

BEFORE = ("residents", "0002_resident_token")
AFTER = ("residents", "0003_normalise_id_numbers")


def migrate(target=None):
    """Migrate to ``target``, or (None) forward to the latest migration of every app."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target] if target else executor.loader.graph.leaf_nodes())


@pytest.fixture
def before_the_migration(transactional_db):
    migrate(BEFORE)
    yield
    # Every app, not only residents: going back to BEFORE also unapplied the apps that depend on
    # later residents migrations (the reports' tables), and the tests after this one need them.
    migrate()


def dossier_stored_as(world, id_number, kind=ApplicantKind.PERSON, phone=""):
    """A dossier received today, then given the spelling the old code stored."""
    applicant = services.Applicant(
        name="Phạm Thị Hoa",
        id_number="0101234567" if kind == ApplicantKind.ORGANISATION else GOOD_ID,
        kind=kind,
    )
    dossier = world.receive(applicant=applicant)
    stored_as = {"applicant_id_number": id_number, "applicant_phone": phone}
    Dossier.objects.filter(pk=dossier.pk).update(**stored_as)
    return dossier.pk


def resident(created_days_ago, *, phone=None, verified=None):
    person = Resident.objects.create(
        phone=phone, verified_id_number=verified, verified_by="fake" if verified else ""
    )
    created = timezone.now() - timedelta(days=created_days_ago)
    Resident.objects.filter(pk=person.pk).update(created_at=created)
    return person.pk


def test_stored_numbers_are_normalised_and_duplicates_are_kept_apart(
    before_the_migration, world, caplog
):
    dotted = dossier_stored_as(world, "001.085.012.345", phone="０９１２３４５６７８")
    firm = dossier_stored_as(world, "０１０１２３４５６７ - 001", kind=ApplicantKind.ORGANISATION)
    landline = dossier_stored_as(world, GOOD_ID, phone="024 3825 0000")
    unreadable = dossier_stored_as(world, "00108501234a")
    document = StoredDocument.objects.create(
        owner_id_number="００１０８５０１２３４５",
        code="００１０８５０１２３４５.KQ.1.004873",
        type_code="KQ.1.004873",
        name="Giấy xác nhận tình trạng hôn nhân",
        source=Source.ISSUED,
        origin_dossier_code="X-1",
        created_at=timezone.now(),
    )
    # Two verified accounts that are one person: the older keeps the number, the newer (which
    # still signs in by phone) gives it up. (Verified numbers are 12 characters at most: the old
    # code dropped spaces and dots there, but kept full-width digits.)
    older = resident(30, phone="0911111111", verified="00108501234５")
    newer = resident(3, phone="0922222222", verified="００１０８５０１２３４５")
    # A newer account that already holds the normal form and has no other way in: nobody moves.
    blocked_older = resident(30, verified="００２０８５０１２３４５")
    blocked_newer = resident(3, verified="002085012345")
    # One phone, two accounts: the older keeps it, the newer is still verified by its number.
    phone_older = resident(30, phone="０９３３３３３３３３")
    phone_newer = resident(3, phone="0933333333", verified="004085012345")

    with caplog.at_level("INFO", logger="motcua.migrations"):
        migrate(AFTER)

    numbers = dict(Dossier.objects.values_list("pk", "applicant_id_number"))
    phones = dict(Dossier.objects.values_list("pk", "applicant_phone"))
    assert numbers[dotted] == GOOD_ID and phones[dotted] == "0912345678"
    assert numbers[firm] == "0101234567-001"
    assert phones[landline] == "024 3825 0000"  # not a mobile: left as typed at the counter
    assert numbers[unreadable] == "00108501234a"  # no normal form: left, and logged
    document.refresh_from_db()
    assert document.owner_id_number == GOOD_ID
    assert document.code == f"{GOOD_ID}.KQ.1.004873"

    accounts = {r.pk: r for r in Resident.objects.all()}
    assert accounts[older].verified_id_number == GOOD_ID
    assert accounts[newer].verified_id_number is None and accounts[newer].verified_by == ""
    assert accounts[newer].phone == "0922222222"
    assert accounts[blocked_older].verified_id_number == "００２０８５０１２３４５"
    assert accounts[blocked_newer].verified_id_number == "002085012345"
    assert accounts[phone_older].phone == "0933333333"
    assert accounts[phone_newer].phone is None
    assert accounts[phone_newer].verified_id_number == "004085012345"

    log = caplog.text
    assert f"#{older} (older) keeps it, #{newer} gives it up" in log
    assert "merge the two accounts by hand" in log
    assert "has no normal form" in log
    assert not re.search(r"\d{9,}", log), "numbers are logged masked"


def test_migrating_back_changes_nothing_and_forward_again_is_the_same(before_the_migration, world):
    dotted = dossier_stored_as(world, "001.085.012.345")
    migrate(AFTER)
    migrate(BEFORE)
    assert Dossier.objects.get(pk=dotted).applicant_id_number == GOOD_ID
    migrate(AFTER)
    assert Dossier.objects.get(pk=dotted).applicant_id_number == GOOD_ID


def test_a_table_larger_than_a_batch_is_done_whole(before_the_migration, world, monkeypatch):
    import importlib

    migration = importlib.import_module("motcua.residents.migrations.0003_normalise_id_numbers")
    monkeypatch.setattr(migration, "BATCH", 2)
    pks = [dossier_stored_as(world, "001 085 012 345") for _ in range(5)]
    migrate(AFTER)
    numbers = Dossier.objects.filter(pk__in=pks).values_list("applicant_id_number", flat=True)
    assert set(numbers) == {GOOD_ID}
