"""Changes the counter makes across apps: receiving a dossier together with what it says about
the applicant's document store (ADR 0024); approving a dossier together with its result document
(ADR 0029)."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.docstore import consent
from motcua.docstore.services import OwnerProof, attach_result_file, record_identity_check
from motcua.docstore.uploads import check_upload
from motcua.dossiers import services
from motcua.dossiers.forms_pdf import render_result
from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import Action


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
