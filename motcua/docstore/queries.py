"""Reads of the citizen's document store: what may be reused now, and for which paper.

A store holds only the documents whose owner was verified for the filing that brought them
(``StoredDocument.objects.in_store``); the others are reached from their dossier alone.

Who may call these is decided by the caller, never here: a resident sees their own store only when
an identity provider verified their ID number; an officer sees a store only under the citizen's
consent for that intake (``docstore.consent``, docs/decisions/0013 and 0024).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.docstore.models import IdentityCheck, Source, StoredDocument
from motcua.identity import validate_enterprise_code, validate_personal_id
from motcua.text import fold, search_key
from motcua.workdays import VIETNAM_TZ


def owner_key(number: str) -> str:
    """The form an owner's number is stored under, or "" if it is no valid number (a half-typed
    number then matches nothing instead of someone else's store)."""
    for validate in (validate_enterprise_code, validate_personal_id):
        try:
            return validate(number)
        except (ValidationError, ValueError):  # ValueError: digits int() refuses, e.g. "²"
            continue
    return ""


def documents_of(owner_id_number: str) -> QuerySet[StoredDocument]:
    """Everything in one owner's store, newest first, revoked and expired ones included (the
    resident's own page shows them with their state). Documents kept for a dossier alone (owner
    not verified) are not in it."""
    owner = owner_key(owner_id_number)
    if not owner:
        return StoredDocument.objects.none()
    return (
        StoredDocument.objects.in_store()
        .filter(owner_id_number=owner)
        .order_by("-created_at", "-id")
    )


def identity_check_of(dossier) -> IdentityCheck | None:
    """How the dossier's applicant was verified as the owner of its number, if they were."""
    return IdentityCheck.objects.select_related("officer").filter(dossier=dossier).first()


def valid_documents(owner_id_number: str, *, on: date | None = None) -> list[StoredDocument]:
    """The documents an owner may reuse on the day ``on`` (default: today in Vietnam): not
    revoked, already valid and not expired, newest first, and one per type code (the newest: an
    older copy of the same paper is superseded by the new one)."""
    on = on or timezone.localtime(timezone.now(), VIETNAM_TZ).date()
    newest_first = documents_of(owner_id_number).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        Q(valid_from__isnull=True) | Q(valid_from__lte=on),
        revoked_at__isnull=True,
    )
    # One owner has tens of documents, not thousands: keeping the first of each type in Python
    # works the same on SQLite and PostgreSQL (DISTINCT ON is PostgreSQL only).
    seen: set[str] = set()
    kept = []
    for document in newest_first:
        if document.type_code not in seen:
            seen.add(document.type_code)
            kept.append(document)
    return kept


# --------------------------------------------------------------------------- matching


@dataclass
class RequiredDocument:
    """One paper a procedure asks for, and the stored documents that may replace it."""

    position: int
    name: str
    type_code: str = ""
    candidates: list[StoredDocument] = field(default_factory=list)


def match_required(procedure, documents) -> list[RequiredDocument]:
    """For each paper ``procedure.documents`` asks for, the given (valid) stored documents that
    may replace it: by type code where the catalogue gives one, else by name.

    The catalogue lists papers by name today; an entry may also be ``{"name": …, "type_code":
    …}``, e.g. ``"KQ.1.004873"`` when the result of that procedure replaces the paper. Names are
    compared accent-insensitively; this only suggests, the officer or resident chooses.
    """
    documents = list(documents)
    required = []
    for position, entry in enumerate(procedure.documents or []):
        name, type_code = _entry(entry)
        if type_code:
            candidates = [d for d in documents if d.type_code == type_code]
        else:
            candidates = [d for d in documents if names_match(name, d.name)]
        required.append(RequiredDocument(position, name, type_code, candidates))
    return required


def _entry(entry) -> tuple[str, str]:
    if isinstance(entry, dict):
        return str(entry.get("name", "")), str(entry.get("type_code", "") or "")
    return str(entry), ""


# "Bản chính", "bản sao (có chứng thực)" say which copy to bring, not which paper; numbers and
# dates ("số 12/2025") tell one issued paper from another of the same kind.
_QUALIFIERS = re.compile(r"\bban (?:chinh|sao)(?: (?:co )?chung thuc)?\b|\S*\d\S*")
_FILLER = frozenset({"so", "cua", "va", "cac", "nhung", "the", "of", "a", "an"})
# Catalogue entries pack alternatives and conditions into one line: "Birth certificate (giấy
# chứng sinh); if none, …". Each part is compared on its own.
_PARTS = re.compile(r"[();,/]| hoac | or ")


def names_match(required_name: str, stored_name: str) -> bool:
    """Whether a stored document's name names the paper asked for (accent-insensitive).

    After dropping which copy is meant ("bản sao", "bản chính") and numbers, the two names must
    start with the same word (the kind of paper: "giấy", "tờ khai", "sổ") and either one begins
    with the other ("Giấy khai sinh" / "Giấy khai sinh của con") or they differ by about a word.
    The first-word rule keeps "Tờ khai cấp Giấy xác nhận …" (a form to fill in) from matching the
    certificate "Giấy xác nhận …" itself.
    """
    stored = _words(stored_name)
    return any(_words_match(part, stored) for part in _parts(required_name))


def _words(text: str) -> tuple[str, ...]:
    key = _QUALIFIERS.sub(" ", search_key(text))
    return tuple(w for w in key.split() if w not in _FILLER)


def _parts(text: str) -> list[tuple[str, ...]]:
    """The whole name, then each piece between brackets, semicolons, commas, slashes and "or"."""
    pieces = [text, *_PARTS.split(f" {fold(text)} ")]
    return [words for words in map(_words, pieces) if words]


def _words_match(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    shorter = min(len(a), len(b))
    if shorter < 2 or a[0] != b[0]:
        return False
    if a[:shorter] == b[:shorter]:
        return True
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.85


def result_of(dossier) -> StoredDocument | None:
    """The dossier's e-result as issued (``services.record_issued_result``), file or not."""
    return StoredDocument.objects.filter(
        source=Source.ISSUED, origin_dossier_code=dossier.code
    ).first()
