"""Changes the counter makes across apps: receiving a dossier together with what it says about
the applicant's document store (ADR 0024)."""

from django.db import transaction
from django.utils import timezone

from motcua.docstore import consent
from motcua.docstore.services import OwnerProof, record_identity_check
from motcua.dossiers import services
from motcua.dossiers.models import Dossier


def receive_at_counter(
    *, officer, intake, applicant, documents, id_card_checked: bool = False, **filing
) -> Dossier:
    """Receive a dossier at the counter (``dossiers.services.receive_dossier``) and, in the same
    transaction, record the officer's check of the applicant's ID card, if they made one, and end
    the consent grants of this intake: a grant serves one intake.

    Papers reused from the store need the citizen's live consent for this intake and officer
    (``docstore.consent.require_grant``, ConsentRefused otherwise), whatever the form offered.
    """
    at = timezone.now()
    if any(d.reused for d in documents):
        consent.require_grant(owner=applicant.id_number, officer=officer, intake=intake, at=at)
    with transaction.atomic():
        dossier = services.receive_dossier(
            officer=officer, applicant=applicant, documents=documents, at=at, **filing
        )
        if id_card_checked:
            record_identity_check(dossier, OwnerProof.by_id_card(officer, at=at))
        consent.close_intake(officer=officer, intake=intake, at=at)
    return dossier
