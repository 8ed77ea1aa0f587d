"""Filing online and answering a supplement request: the steps the portal's web pages, assisted
filing and the portal API (``motcua.api.portal``) share, so the three cannot drift apart.

Uploads are checked by their content (``docstore.uploads.check_upload``) all together before
anything is written, so every bad file is named at once (Decree 118 Art. 16(3)) and a refused
submission leaves nothing behind. Then, in one transaction, each file is stored
(``docstore.services.store_upload``) and the dossier is submitted or the supplement sent
(``dossiers.services``). Errors are ValidationErrors keyed by the form field that carried the
file (``file_0``, ``file_1``, …), so pages and the API can say which file is wrong.

A file enters the applicant's document store only when the applicant's identity is verified for
this filing (``owner_proof``): the signed-in resident's verified ID number is the applicant's, or
a reception officer checked the ID card. Otherwise it stays with the dossier alone, so nobody can
plant papers in a stranger's store by filing under their number (docs/decisions/0024).
"""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import OnlineLevel, Procedure
from motcua.catalog.queries import commune_handles
from motcua.docstore.models import Source
from motcua.docstore.queries import match_required
from motcua.docstore.services import OwnerProof, record_identity_check, store_upload
from motcua.docstore.uploads import check_upload
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, ReturnMethod
from motcua.residents import services
from motcua.text import fold
from motcua.units.models import Commune


def online_refusal(procedure: Procedure, commune: Commune | None) -> str:
    """Why this procedure cannot be filed online with this commune, or "" when it can."""
    if procedure.online_level == OnlineLevel.NONE:
        return _("Thủ tục này chỉ nộp trực tiếp tại trung tâm hoặc qua bưu chính.")
    if commune is not None and not commune_handles(commune, procedure):
        return _("%(commune)s không giải quyết thủ tục này.") % {"commune": commune.name}
    return ""


def required_document_names(procedure: Procedure) -> list[str]:
    """The papers asked for, in catalogue order: upload ``i`` is for paper ``i``. The same list
    as the web form's (``forms.OnlineSubmissionForm.document_names``)."""
    return [r.name for r in match_required(procedure, [])] or [_("Giấy tờ kèm theo")]


def document_type_code(name: str) -> str:
    """A stable type code for a document known only by its name: its folded words, so the same
    paper asked for by two procedures gets the same code and can be reused."""
    return "-".join(fold(str(name)).split())[:40] or "giay-to"


def upload_errors(uploads: Mapping[str, object]) -> dict[str, list[str]]:
    """What is wrong with each file, by field name (empty when all are accepted). Reads each file
    once and keeps none of it, so a large submission is never held in memory whole."""
    errors: dict[str, list[str]] = {}
    for field, upload in uploads.items():
        if upload:
            try:
                check_upload(upload)
            except ValidationError as exc:
                errors[field] = exc.messages
    return errors


def upload_problems(
    uploads: Mapping[int, object], reused: Mapping[int, object] | None = None
) -> dict[str, list[str]]:
    """What keeps these papers from being filed, by field (``file_i`` for paper ``i``): no paper
    at all, or each refused file. Empty when they may be filed."""
    reused = reused or {}
    chosen = {f"file_{i}": f for i, f in uploads.items() if f and i not in reused}
    if not chosen and not reused:
        return {
            "file_0": [
                _("Tải lên ít nhất một giấy tờ (ảnh chụp rõ nét hoặc tệp PDF) để nộp trực tuyến.")
            ]
        }
    return upload_errors(chosen)


def owner_proof(
    applicant_id_number: str, *, resident=None, id_card_checked_by=None
) -> OwnerProof | None:
    """Whether the applicant's identity is verified for this filing, and how: the signed-in
    resident's ID number, verified by an identity provider, is the applicant's; or a reception
    officer checked the applicant's ID card (``id_card_checked_by``, the caller answers for the
    officer's role). None otherwise: a phone-only account, or a verified resident filing for
    somebody else, proves nothing about the applicant."""
    now = timezone.now()
    verified = getattr(resident, "verified_id_number", None)
    if verified and verified == applicant_id_number:
        return OwnerProof.by_identity_provider(resident.verified_by, at=now)
    if id_card_checked_by is not None:
        return OwnerProof.by_id_card(id_card_checked_by, at=now)
    return None


def store_uploaded_document(
    upload, *, field: str, name: str, owner: str, proof: OwnerProof | None = None
) -> dossier_services.DocumentIn:
    """Check one file and keep it as a component of a dossier: in the owner's document store
    with a ``proof`` of the owner's identity, for the dossier alone without one."""
    try:
        document = store_upload(
            owner_id_number=owner,
            checked=check_upload(upload),
            type_code=document_type_code(name),
            name=name,
            source=Source.UPLOADED,
            proof=proof,
        )
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    return dossier_services.DocumentIn(name=name, stored_document=document)


def file_online(
    *,
    procedure: Procedure,
    commune: Commune,
    applicant: dossier_services.Applicant,
    uploads: Mapping[int, object],
    reused: Mapping[int, object] | None = None,
    document_names: Sequence[str] | None = None,
    return_method: str = ReturnMethod.ONLINE,
    postal_address: str = "",
    summary: str = "",
    resident=None,
    helper=None,
    consent: services.AssistedConsent | None = None,
    id_card_checked_by=None,
) -> Dossier:
    """Submit an online dossier with its papers: ``uploads[i]`` is a file for paper ``i`` of
    ``document_names`` (the procedure's, by default), ``reused[i]`` a stored document taken
    instead. With ``helper`` a volunteer or officer files for the resident, with ``consent``;
    ``id_card_checked_by``, a reception officer who checked the applicant's ID card.

    The papers enter the applicant's store only when ``owner_proof`` holds for this filing.

    Raises ValidationError keyed by field (``file_i`` for a refused file) before anything is
    written when a file is refused; otherwise everything is written in one transaction."""
    names = list(document_names or required_document_names(procedure))
    if set(uploads) - set(range(len(names))):
        raise ValueError("an upload for a paper the procedure does not ask for")
    reused = reused or {}
    chosen = {i: f for i, f in uploads.items() if f and i not in reused}
    errors = upload_problems(chosen, reused)
    if errors:
        raise ValidationError(errors)
    proof = owner_proof(
        applicant.id_number, resident=resident, id_card_checked_by=id_card_checked_by
    )
    with transaction.atomic():
        documents = []
        for i, name in enumerate(names):
            if i in reused:
                documents.append(
                    dossier_services.DocumentIn(name=name, stored_document=reused[i], reused=True)
                )
            elif i in chosen:
                documents.append(
                    store_uploaded_document(
                        chosen[i],
                        field=f"file_{i}",
                        name=name,
                        owner=applicant.id_number,
                        proof=proof,
                    )
                )
        filing = {
            "procedure": procedure,
            "commune": commune,
            "applicant": applicant,
            "documents": documents,
            "return_method": return_method,
            "postal_address": postal_address,
            "summary": summary,
        }
        if helper is not None:
            dossier = services.submit_assisted(helper=helper, consent=consent, **filing)
        else:
            dossier = dossier_services.submit_online(resident=resident, **filing)
        if proof is not None:
            record_identity_check(dossier, proof)
        return dossier


def answer_supplement(
    dossier: Dossier, *, resident, note: str = "", uploads: Mapping[str, object]
) -> Dossier:
    """Send the papers a supplement request asked for (``uploads``: field name → file, empty
    ones skipped) with an optional note. Raises ValidationError keyed by field for refused files,
    before anything is written, and WorkflowError when nothing is asked of this resident."""
    chosen = {field: f for field, f in uploads.items() if f}
    errors = upload_errors(chosen)
    if errors:
        raise ValidationError(errors)
    name = _("Giấy tờ bổ sung")
    owner = dossier.applicant_id_number
    proof = owner_proof(owner, resident=resident)
    with transaction.atomic():
        documents = [
            store_uploaded_document(f, field=field, name=name, owner=owner, proof=proof)
            for field, f in chosen.items()
        ]
        return dossier_services.answer_supplement_online(
            dossier, resident=resident, note=note, documents=documents
        )
