"""Changes the counter makes across apps: receiving a dossier together with what it says about
the applicant's document store (ADR 0024), and the scans of the papers handed in (ADR 0028)."""

from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from motcua.docstore import consent
from motcua.docstore.models import IdentityCheck, Source
from motcua.docstore.services import OwnerProof, record_identity_check, store_upload
from motcua.docstore.uploads import CheckedUpload
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.residents.filing import document_type_code


def receive_at_counter(
    *,
    officer,
    intake,
    applicant,
    documents,
    id_card_checked: bool = False,
    scans: dict[str, CheckedUpload] | None = None,
    **filing,
) -> Dossier:
    """Receive a dossier at the counter (``dossiers.services.receive_dossier``) and, in the same
    transaction, record the officer's check of the applicant's ID card, if they made one, and end
    the consent grants of this intake: a grant serves one intake.

    Papers reused from the store need the citizen's live consent for this intake and officer
    (``docstore.consent.require_grant``, ConsentRefused otherwise), whatever the form offered.

    ``scans`` maps a paper's name to its checked scan (``docstore.uploads.check_upload``): each is
    kept (``docstore.services.store_upload``, source "scanned at the counter") and put behind
    that paper, which is then digitised; in the applicant's store only when the officer checked
    the ID card (ADR 0024). Everything is written in one transaction, or nothing.
    """
    at = timezone.now()
    scans = scans or {}
    if any(d.reused for d in documents):
        consent.require_grant(owner=applicant.id_number, officer=officer, intake=intake, at=at)
    proof = OwnerProof.by_id_card(officer, at=at) if id_card_checked else None
    with transaction.atomic():
        documents = [
            _with_scan(d, scans.get(d.name), owner=applicant.id_number, proof=proof, at=at)
            for d in documents
        ]
        dossier = services.receive_dossier(
            officer=officer, applicant=applicant, documents=documents, at=at, **filing
        )
        if proof is not None:
            record_identity_check(dossier, proof)
        consent.close_intake(officer=officer, intake=intake, at=at)
    return dossier


def _with_scan(document, checked: CheckedUpload | None, *, owner: str, proof, at):
    if checked is None or document.reused or document.stored_document is not None:
        return document
    return replace(document, stored_document=_keep_scan(checked, document.name, owner, proof, at))


def _keep_scan(checked: CheckedUpload, name: str, owner: str, proof, at):
    return store_upload(
        owner_id_number=owner,
        checked=checked,
        type_code=document_type_code(name),
        name=name,
        source=Source.SCANNED,
        at=at,
        proof=proof,
    )


def attach_scan(*, officer, dossier: Dossier, position: int, checked: CheckedUpload):
    """Attach the scan of paper ``position`` of a dossier later, from the dossier page
    (``dossiers.services.attach_scan`` checks who, when and which paper, and writes the audit
    event). The scan enters the applicant's store when the applicant's identity was verified for
    this dossier, as the dossier's other papers do."""
    at = timezone.now()
    paper = DossierDocument.objects.filter(dossier=dossier, position=position).first()
    name = paper.name if paper is not None else ""
    check = IdentityCheck.objects.filter(dossier=dossier).first()
    proof = None
    if check is not None:
        proof = OwnerProof(
            method=check.method, at=check.at, officer=check.officer, provider=check.provider
        )
    # Checked before the file is written too (``dossiers.services.attach_scan`` checks again
    # under the row lock): a refused scan leaves no file behind.
    services.check_scan_allowed(dossier, paper, officer)
    with transaction.atomic():
        stored = _keep_scan(checked, name, dossier.applicant_id_number, proof, at)
        return services.attach_scan(
            dossier, position=position, stored_document=stored, actor=officer, at=at
        )
