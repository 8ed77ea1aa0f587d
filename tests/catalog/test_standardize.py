import pytest

from motcua.catalog.models import CommuneProcedure, Procedure
from motcua.catalog.queries import procedures_for_commune
from motcua.catalog.services import standardize_all_commune_level, standardize_procedures
from motcua.units.models import Commune


@pytest.fixture
def communes(real_units):
    return list(Commune.objects.filter(code__in=["00070", "00004"]))


def test_default_is_every_commune_level_procedure(real_procedures, communes, editor):
    tally = standardize_procedures(communes[0], actor=editor)
    assert tally.created == 40
    assert procedures_for_commune(communes[0]).count() == 40
    assert standardize_procedures(communes[0], actor=editor).unchanged == 40


def test_a_new_list_disables_the_rest_and_keeps_the_links(real_procedures, communes, editor):
    commune = communes[0]
    standardize_procedures(commune, actor=editor)
    keep = Procedure.objects.filter(code__startswith="2.")
    tally = standardize_procedures(commune, keep, actor=editor)
    assert (tally.created, tally.updated) == (0, 40 - keep.count())
    assert set(procedures_for_commune(commune)) == set(keep)
    assert CommuneProcedure.objects.filter(commune=commune).count() == 40
    standardize_procedures(commune, actor=editor)
    assert procedures_for_commune(commune).count() == 40


def test_many_communes_at_once(real_procedures, communes, editor):
    tally = standardize_all_commune_level(communes)
    assert tally.created == 80
    assert CommuneProcedure.objects.count() == 80
