"""Bring the ID numbers and phone numbers already stored to the one normal form that every entry
point now writes (``motcua.identity.normalize_id_number``, ``motcua.residents.phones``; issue 14,
finding 6; docs/decisions/0018-identity-number-normalisation.md).

Before, ``001.085.012.345`` was stored with its dots, full-width digits as they were typed, and
a number with a no-break space kept it: the same person could have dossiers, stored documents and
an account under several spellings, and a look-up found only one of them.

What changes, in batches of ``BATCH`` rows, each batch in its own transaction (the migration is
not atomic as a whole, so a large table does not hold one long transaction; running it again
carries on where it stopped, since a row already in normal form is not selected):
- ``dossiers.Dossier.applicant_id_number`` (a personal ID or, for an organisation, an enterprise
  code), and ``applicant_phone`` where it holds characters other than ASCII and is a mobile
  number (the portal accepted full-width digits there; counter landlines are left as typed);
- ``docstore.StoredDocument.owner_id_number``, and the document ``code`` built from it
  (``<owner>.<type code>``, Decree 118 Art. 22(4));
- ``residents.Resident.verified_id_number`` and ``phone``, both unique. When two accounts would
  end up with the same value, the older account (created first) keeps it; the newer one gives it
  up (set to empty) if it keeps its other way to sign in (a phone, or a verified number), and
  otherwise keeps its old spelling untouched. Each such case is logged, masked, with both account
  ids, for an administrator to merge the accounts by hand. The migration never fails on data.

A value that cannot be brought to a normal form (a letter in it, say) is left as it is and logged
masked. Reversing the migration changes nothing: the old spellings carried no information.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import migrations, transaction

log = logging.getLogger("motcua.migrations")

BATCH = 1000
PERSONAL_ID = r"^[0-9]{12}$"
PERSONAL_OR_ENTERPRISE = r"^([0-9]{12}|[0-9]{10}(-[0-9]{3})?)$"
MOBILE = r"^0[35789][0-9]{8}$"


def _mask(value):
    from motcua.privacy import mask_digits

    return mask_digits(value)


def _personal(value):
    from motcua.identity import normalize_id_number

    try:
        number = normalize_id_number(value)
    except ValidationError:
        return None
    return number if len(number) == 12 else None


def _enterprise(value):
    from motcua.identity import validate_enterprise_code

    try:
        return validate_enterprise_code(value)
    except ValidationError:
        return None


def _owner(value, kind=None):
    """The normal form of a stored number; ``kind`` "organisation" or "person", or None when the
    row does not say (the document store: an enterprise code first, as ``clean_owner_id``)."""
    if kind == "organisation":
        return _enterprise(value)
    if kind is None:
        return _enterprise(value) or _personal(value)
    return _personal(value)


def _mobile(value):
    from motcua.residents.phones import normalize_phone

    try:
        return normalize_phone(value)
    except ValidationError:
        return None


def _batches(queryset):
    """The rows of ``queryset`` in primary-key order, a batch at a time (keyset paging)."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def _save(model, rows, fields):
    if rows:
        with transaction.atomic():
            model.objects.bulk_update(rows, fields)


def normalise_dossiers(apps):
    Dossier = apps.get_model("dossiers", "Dossier")
    changed = unreadable = 0
    for rows in _batches(Dossier.objects.exclude(applicant_id_number__regex=PERSONAL_OR_ENTERPRISE)):
        dirty = []
        for dossier in rows:
            number = _owner(dossier.applicant_id_number, dossier.applicant_kind)
            if number is None:
                unreadable += 1
                log.warning(
                    "dossier #%s: applicant number %s has no normal form; left as it is",
                    dossier.pk,
                    _mask(dossier.applicant_id_number),
                )
            elif number != dossier.applicant_id_number:
                dossier.applicant_id_number = number
                dirty.append(dossier)
        _save(Dossier, dirty, ["applicant_id_number"])
        changed += len(dirty)
    phones = 0
    for rows in _batches(Dossier.objects.exclude(applicant_phone__regex=r"^[ -~]*$")):
        dirty = []
        for dossier in rows:
            phone = _mobile(dossier.applicant_phone)
            if phone is not None:
                dossier.applicant_phone = phone
                dirty.append(dossier)
        _save(Dossier, dirty, ["applicant_phone"])
        phones += len(dirty)
    log.info(
        "dossiers: %s applicant numbers and %s phones normalised, %s numbers left unreadable",
        changed,
        phones,
        unreadable,
    )


def normalise_stored_documents(apps):
    StoredDocument = apps.get_model("docstore", "StoredDocument")
    changed = unreadable = 0
    candidates = StoredDocument.objects.exclude(owner_id_number__regex=PERSONAL_OR_ENTERPRISE)
    for rows in _batches(candidates):
        dirty = []
        for document in rows:
            old = document.owner_id_number
            owner = _owner(old)
            if owner is None:
                unreadable += 1
                log.warning(
                    "stored document %s: owner %s has no normal form; left as it is",
                    document.uuid,
                    _mask(old),
                )
                continue
            document.owner_id_number = owner
            if document.code.startswith(f"{old}."):
                document.code = owner + document.code[len(old) :]
            dirty.append(document)
        _save(StoredDocument, dirty, ["owner_id_number", "code"])
        changed += len(dirty)
    log.info(
        "docstore: %s owner numbers normalised, %s left unreadable", changed, unreadable
    )


def _oldest_first(resident):
    return (resident.created_at, resident.pk)


def _normalise_unique(Resident, field, other_field, normal_form, pattern):
    """Normalise one unique column of ``Resident``: see the module's docstring for the rule when
    two accounts meet on one value. ``other_field`` is the account's other way to sign in."""
    groups = {}
    candidates = Resident.objects.filter(**{f"{field}__isnull": False}).exclude(
        **{f"{field}__regex": pattern}
    )
    for rows in _batches(candidates):
        for resident in rows:
            value = normal_form(getattr(resident, field))
            if value is None:
                log.warning(
                    "resident #%s: %s %s has no normal form; left as it is",
                    resident.pk,
                    field,
                    _mask(getattr(resident, field)),
                )
            else:
                groups.setdefault(value, []).append(resident)
    changed = conflicts = 0
    for value, needing in groups.items():
        holders = list(Resident.objects.filter(**{field: value}))
        accounts = sorted(needing + holders, key=_oldest_first)
        keeper, others = accounts[0], accounts[1:]
        with transaction.atomic():
            blocked = False
            for other in others:
                conflicts += 1
                if getattr(other, other_field):
                    log.warning(
                        "resident #%s and #%s share %s %s: #%s (older) keeps it, #%s gives it up",
                        keeper.pk,
                        other.pk,
                        field,
                        _mask(value),
                        keeper.pk,
                        other.pk,
                    )
                    setattr(other, field, None)
                    updated = [field]
                    if field == "verified_id_number":
                        other.verified_by = ""
                        updated.append("verified_by")
                    other.save(update_fields=updated)
                else:
                    log.warning(
                        "resident #%s and #%s share %s %s: #%s keeps its old spelling (it has no "
                        "other way to sign in); merge the two accounts by hand",
                        keeper.pk,
                        other.pk,
                        field,
                        _mask(value),
                        other.pk,
                    )
                    blocked = blocked or getattr(other, field) == value
            if blocked:
                log.warning(
                    "resident #%s keeps its old spelling of %s %s: a newer account holds the "
                    "normal form and has no other way to sign in",
                    keeper.pk,
                    field,
                    _mask(value),
                )
            elif getattr(keeper, field) != value:
                setattr(keeper, field, value)
                keeper.save(update_fields=[field])
                changed += 1
    return changed, conflicts


def normalise_residents(apps):
    Resident = apps.get_model("residents", "Resident")
    ids, id_conflicts = _normalise_unique(
        Resident, "verified_id_number", "phone", _personal, PERSONAL_ID
    )
    phones, phone_conflicts = _normalise_unique(
        Resident, "phone", "verified_id_number", _mobile, MOBILE
    )
    log.info(
        "residents: %s verified numbers and %s phones normalised; %s accounts met another on "
        "the same value (see the warnings above)",
        ids,
        phones,
        id_conflicts + phone_conflicts,
    )


def forwards(apps, schema_editor):
    normalise_dossiers(apps)
    normalise_stored_documents(apps)
    normalise_residents(apps)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("residents", "0002_resident_token"),
        ("dossiers", "0004_dossier_resident_dossierdocument_reused_and_more"),
        ("docstore", "0002_one_issued_result_per_dossier"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
