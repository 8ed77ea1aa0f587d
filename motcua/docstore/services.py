"""Every change to the citizen's document store (architecture.md: services).

Three ways in: a checked upload or scan (``store_upload``), the e-result of an approved dossier
(``record_issued_result``, called by the receiver in ``receivers.py``), and revocation. Rows are
never edited otherwise: a corrected document is a new row, and the old one is revoked.

Trust: a document enters its owner's store only with an ``OwnerProof``, the owner's identity
verified for the filing that brings it (an identity provider, or an officer who checked the ID
card). Without one it is kept for its dossier alone; a phone-only account filing under a stranger's
number can no longer plant papers in that stranger's store (docs/decisions/0024).

Owner numbers are validated here, so a store is never opened under a mistyped number; they are
logged only masked (rules of the house).
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.docstore.models import IdentityCheck, Source, StoredDocument, Verification
from motcua.docstore.uploads import CheckedUpload
from motcua.identity import validate_enterprise_code, validate_personal_id
from motcua.privacy import mask_digits
from motcua.workdays import VIETNAM_TZ

logger = logging.getLogger(__name__)

# Result-type codes are the procedure code behind this prefix (see ``result_type_code``).
RESULT_TYPE_PREFIX = "KQ."


def clean_owner_id(number: str) -> str:
    """The owner's 12-digit personal ID or enterprise code, cleaned; ValidationError otherwise.

    Organisations have a store too (Decree 118 speaks of the data store of "tổ chức, cá nhân"):
    their 10-digit code can never be mistaken for a 12-digit personal number.
    """
    try:
        return validate_enterprise_code(number)
    except ValidationError:
        return validate_personal_id(number)


@dataclass(frozen=True)
class OwnerProof:
    """The owner's identity, verified for one filing: how, by which officer (for a check of the
    ID card at the counter) or which identity provider, and when. Build one with
    ``by_identity_provider`` or ``by_id_card``; whoever builds it answers for the check."""

    method: str
    at: datetime
    officer: object = None
    provider: str = ""

    @classmethod
    def by_identity_provider(cls, provider: str, *, at: datetime) -> "OwnerProof":
        return cls(method=Verification.IDENTITY_PROVIDER, at=at, provider=provider or "")

    @classmethod
    def by_id_card(cls, officer, *, at: datetime) -> "OwnerProof":
        if officer is None:
            raise ValueError("an ID-card check names the officer who made it")
        return cls(method=Verification.ID_CARD, at=at, officer=officer)


def record_identity_check(dossier, proof: OwnerProof) -> IdentityCheck:
    """Record how the dossier's applicant was verified, once per dossier (a second call returns
    the first record). The e-result of the dossier enters the store on its strength."""
    check, _created = IdentityCheck.objects.get_or_create(
        dossier=dossier,
        defaults={
            "method": proof.method,
            "officer": proof.officer,
            "provider": proof.provider[:40],
            "at": proof.at,
        },
    )
    logger.info(
        "docstore: identity of the applicant of %s verified (%s)", dossier.code, check.method
    )
    return check


def _proof_of(dossier) -> OwnerProof | None:
    check = IdentityCheck.objects.filter(dossier=dossier).first()
    if check is None:
        return None
    return OwnerProof(
        method=check.method, at=check.at, officer=check.officer, provider=check.provider
    )


def _verification_fields(proof: OwnerProof | None) -> dict:
    if proof is None:
        return {"verified_via": "", "verified_by": None, "verified_at": None}
    return {"verified_via": proof.method, "verified_by": proof.officer, "verified_at": proof.at}


def store_upload(
    *,
    owner_id_number: str,
    checked: CheckedUpload,
    type_code: str,
    name: str,
    source: str = Source.UPLOADED,
    origin_dossier_code: str = "",
    valid_until: date | None = None,
    at: datetime | None = None,
    summary: str = "",
    valid_from: date | None = None,
    scope: str = "",
    proof: OwnerProof | None = None,
) -> StoredDocument:
    """Keep a checked file (``uploads.check_upload``) for its owner: in the owner's store with a
    ``proof`` of the owner's identity for this filing, otherwise for its dossier alone.

    The file goes under a random path (``models._upload_path``) that holds no personal data.
    Raises ValidationError, before anything is written, for a bad owner number or metadata.
    """
    at = at or timezone.now()
    owner = clean_owner_id(owner_id_number)
    type_code, name = (type_code or "").strip(), (name or "").strip()
    if not type_code or not name:
        raise ValidationError(_("Giấy tờ điện tử cần có mã loại giấy tờ và tên giấy tờ."))
    if source not in Source.values:
        raise ValidationError(_("Nguồn giấy tờ không hợp lệ."))
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationError(_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."))
    document = StoredDocument(
        owner_id_number=owner,
        type_code=type_code[:40],
        name=name[:300],
        summary=(summary or "")[:500],
        valid_from=valid_from,
        valid_until=valid_until,
        scope=(scope or "")[:200],
        source=source,
        origin_dossier_code=origin_dossier_code,
        content_type=checked.content_type,
        extension=checked.extension,
        size_bytes=checked.size,
        sha256=checked.sha256,
        created_at=at,  # the upload path is built from it, so it is set before the file is saved
        **_verification_fields(proof),
    )
    # The file is written before the row, and removed again if the row cannot be saved. If an
    # enclosing transaction rolls back later, the file stays behind without a row: harmless (a
    # random name, no personal data) and the decision record says how to sweep such files.
    document.file.save(f"upload{checked.extension}", checked.as_file(), save=False)
    try:
        with transaction.atomic():
            document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    logger.info(
        "docstore: stored %s (%s, %s bytes, source %s) for owner %s, %s",
        document.uuid,
        document.type_code,
        document.size_bytes,
        source,
        mask_digits(owner),
        f"in the store ({proof.method})" if proof else "for its dossier only (owner not verified)",
    )
    return document


def result_type_code(procedure) -> str:
    """The type code of the e-result a procedure issues: ``"KQ." + procedure code``.

    The national catalogue publishes no separate result-type codes, and each procedure issues one
    kind of result, so the national procedure code already names the result type, is the same in
    every province, and never changes. The prefix keeps result codes apart from the type codes of
    papers handed in, so an issued certificate is never mistaken for a component someone uploaded.
    """
    return f"{RESULT_TYPE_PREFIX}{procedure.code}"


def result_code(owner_id_number: str, type_code: str) -> str:
    """The e-result's document code: owner ID + result-type code (Decree 118 Art. 22(4)). The dot
    between them is ours, so a person can read the two parts apart."""
    return f"{owner_id_number}.{type_code}"


def record_issued_result(dossier, *, at: datetime | None = None) -> StoredDocument:
    """Put the e-result of an approved dossier into its owner's store, so the next dossier reuses
    it instead of asking for the paper (Decree 118 Art. 22(1), (4)).

    Once per dossier: called again, it returns the row it made (a database constraint backs this).
    The result's validity period is not in the catalogue, so it is open-ended from the day of
    approval; an officer revokes it if it is withdrawn or replaced.

    It enters the owner's store only if the dossier's applicant was verified as the owner
    (``IdentityCheck``); otherwise it is kept with the dossier alone, like its papers: a result
    issued on a stranger's filing must not be offered as the owner's own paper.
    """
    at = at or timezone.now()
    if not dossier.events.filter(action="approve").exists():
        raise ValueError(f"Dossier {dossier.code} has not been approved; it has no result.")
    existing = StoredDocument.objects.filter(
        source=Source.ISSUED, origin_dossier_code=dossier.code
    ).first()
    if existing is not None:
        return existing
    owner = clean_owner_id(dossier.applicant_id_number)
    procedure = dossier.procedure
    type_code = result_type_code(procedure)
    document = StoredDocument.objects.create(
        owner_id_number=owner,
        code=result_code(owner, type_code),
        type_code=type_code,
        # The approving leader's wording ("Giấy xác nhận tình trạng hôn nhân số 12/2025") names
        # the paper itself; the procedure name is what it was issued for.
        name=(dossier.result_summary or procedure.name_vi)[:300],
        summary=procedure.name_vi[:500],
        valid_from=timezone.localtime(at, VIETNAM_TZ).date(),
        source=Source.ISSUED,
        origin_dossier_code=dossier.code,
        created_at=at,
        **_verification_fields(_proof_of(dossier)),
    )
    logger.info(
        "docstore: recorded e-result %s of dossier %s for owner %s%s",
        type_code,
        dossier.code,
        mask_digits(owner),
        "" if document.in_store else ", for the dossier only (owner not verified)",
    )
    return document


def attach_result_file(dossier, checked: CheckedUpload) -> StoredDocument | None:
    """Give the dossier's e-result (``record_issued_result``) its file: the signed PDF the leader
    uploaded, or the one the system rendered. Once: a result that has a file keeps it. Returns
    None when the dossier has no e-result row (its owner number does not validate)."""
    document = (
        StoredDocument.objects.select_for_update()
        .filter(source=Source.ISSUED, origin_dossier_code=dossier.code)
        .first()
    )
    if document is None or document.file:
        return document
    document.content_type = checked.content_type
    document.extension = checked.extension
    document.size_bytes = checked.size
    document.sha256 = checked.sha256
    document.file.save(f"result{checked.extension}", checked.as_file(), save=False)
    try:
        with transaction.atomic():
            document.save(
                update_fields=["file", "content_type", "extension", "size_bytes", "sha256"]
            )
    except Exception:
        document.file.delete(save=False)
        raise
    logger.info("docstore: result file of dossier %s stored (%s bytes)", dossier.code, checked.size)
    return document


def revoke(document: StoredDocument, at: datetime | None = None) -> StoredDocument:
    """Withdraw a document from reuse (revoked, replaced or found wrong). The row stays: dossiers
    that used it still point to it. Revoking twice keeps the first time."""
    at = at or timezone.now()
    StoredDocument.objects.filter(pk=document.pk, revoked_at__isnull=True).update(revoked_at=at)
    document.refresh_from_db(fields=["revoked_at"])
    logger.info("docstore: revoked %s", document.uuid)
    return document
