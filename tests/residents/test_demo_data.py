"""The demo resident's dossiers are made through the real services and show each portal feature."""

import pytest
from django.core.management import call_command

from motcua.docstore.models import Source, StoredDocument
from motcua.dossiers.demo_data import ensure_demo_users
from motcua.dossiers.workflow import State
from motcua.residents.demo_data import DEMO_ID_NUMBER, ensure_demo_resident, ensure_volunteers


@pytest.mark.django_db
def test_the_demo_resident_has_a_dossier_in_every_portal_situation(real_units, real_procedures):
    call_command("create_service_centers", verbosity=0)
    ensure_demo_users()
    ensure_volunteers()
    resident = ensure_demo_resident()
    states = sorted(resident.dossiers.values_list("state", flat=True))
    assert states == sorted(
        [State.RETURNED_ONLINE, State.AWAITING_SUPPLEMENT, State.SUBMITTED_ONLINE]
    )
    issued = StoredDocument.objects.get(owner_id_number=DEMO_ID_NUMBER, source=Source.ISSUED)
    assert issued.code.startswith(DEMO_ID_NUMBER)
    # Running the demo again changes nothing.
    assert ensure_demo_resident() == resident and resident.dossiers.count() == 3
