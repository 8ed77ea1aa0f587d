"""Changes the counter makes across apps: receiving a dossier together with what it says about
the applicant's document store (ADR 0024) and the scans of the papers handed in (ADR 0028);
approving a dossier together with its result document (ADR 0029)."""

from dataclasses import replace

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.docstore import consent
from motcua.docstore.models import IdentityCheck, Source
from motcua.docstore.services import (
    OwnerProof,
    attach_result_file,
    record_identity_check,
    store_upload,
)
from motcua.docstore.uploads import CheckedUpload, check_upload
from motcua.dossiers import services
from motcua.dossiers.forms_pdf import render_result
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.workflow import Action
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


def approve_with_result(
    dossier: Dossier,
    *,
    leader,
    result_summary: str = "",
    note: str = "",
    signed_file=None,
    tracking_url: str = "",
) -> Dossier:
    """The leader approves the dossier and issues its result document in one transaction: the
    signed PDF they upload (checked by its content, as every upload is), or, without one, a PDF
    the system renders from the dossier and the result's name. The document becomes the
    dossier's e-result, in the applicant's store when the filing's identity was verified
    (``docstore.services.record_issued_result``, ADR 0024); the audit event names the file's
    source and hash.

    A refused upload raises ValidationError keyed ``result_file`` before anything is written.
    """
    checked = None
    if signed_file is not None:
        try:
            checked = check_upload(signed_file)
        except ValidationError as exc:
            raise ValidationError({"result_file": exc.messages}) from exc
        if checked.content_type != "application/pdf":
            raise ValidationError(
                {
                    "result_file": [
                        _("Tệp '%(name)s' là ảnh %(kind)s; kết quả đã ký số phải là tệp PDF.")
                        % {"name": checked.original_name, "kind": checked.extension[1:].upper()}
                    ]
                }
            )
    at = timezone.now()
    with transaction.atomic():
        if checked is not None:
            source = {"source": "uploaded", "sha256": checked.sha256}
        else:
            source = {"source": "rendered"}
        dossier = services.perform(
            dossier,
            Action.APPROVE,
            actor=leader,
            at=at,
            result_summary=result_summary,
            note=note,
            result_file=source,
        )
        if checked is None:
            pdf = render_result(dossier, issued_at=at, tracking_url=tracking_url)
            checked = check_upload(ContentFile(pdf, name=f"ket-qua-{dossier.code}.pdf"))
        attach_result_file(dossier, checked)
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
