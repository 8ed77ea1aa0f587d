"""Reads about the portal sync, for pages, the admin, the service index and the pull; no writes."""

import re
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from motcua.dossiers.models import Dossier
from motcua.dvcqg.models import SyncState, SyncStatus
from motcua.units.models import Commune

_STAND_IN_AGENCY_ID = re.compile(r"^(\d{2})\.(\d{5})$")  # Commune.effective_agency_id's fallback
_COMMUNE_CODE = re.compile(r"^\d{5}$")


def synced_count(dossiers: QuerySet[Dossier]) -> int:
    """How many of ``dossiers`` are synced with the portal, as ``synced_share`` counts them: the
    service index input ``commune.dossiers_synced`` when ``dossiers`` are those received in the
    period."""
    return dossiers.filter(sync_state__status=SyncStatus.SYNCED).count()


def synced_share(dossiers: QuerySet[Dossier]) -> Decimal | None:
    """The share of ``dossiers`` synchronised with the National Public Service Portal: the ratio
    behind criterion 1.4 of the service index (Decision 766, "Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG").

    Numerator: dossiers of the set whose sync state is "synced" at the time of the query, i.e. the
    portal has accepted the dossier record and, as progress, every audit event recorded for it so
    far (one-way sync counts, as the criterion says). A dossier whose latest change is still
    waiting to be pushed, or failing, does not count, even if earlier versions reached the portal;
    neither does a dossier with no sync state at all. Denominator: every dossier of the set, which
    the caller chooses; for criterion 1.4 it is the dossiers with a receive date in the period
    (``received_at`` in the period), and the index's own denominator rule,
    max(reported, synced), is applied by the index, from ``synced_count``.

    Returns None for an empty set (no ratio; the index has its own rule for that case), otherwise
    an exact-as-Decimal-allows ratio between 0 and 1 (28 significant digits), never a rounded
    percentage.
    """
    counts = dossiers.order_by().aggregate(
        total=Count("pk"), synced=Count("pk", filter=Q(sync_state__status=SyncStatus.SYNCED))
    )
    if not counts["total"]:
        return None
    return Decimal(counts["synced"]) / Decimal(counts["total"])


def sync_state_of(dossier: Dossier) -> SyncState | None:
    """The dossier's sync state, or None if nothing about it was ever recorded for the portal."""
    return SyncState.objects.filter(dossier=dossier).first()


def commune_for_unit_code(code: str) -> Commune | None:
    """The commune in force that a portal unit code names, or None.

    The portal identifies a unit by its electronic agency identifier (``Commune.agency_id``, as
    the province assigned it). Until a province has entered those, motcua's own stand-in
    ``<province code>.<commune code>`` and the bare 5-digit commune code are recognised too.
    """
    code = (code or "").strip()
    if not code:
        return None
    communes = Commune.objects.current().select_related("province")
    found = communes.filter(agency_id=code).first()
    if found is not None:
        return found
    stand_in = _STAND_IN_AGENCY_ID.match(code)
    if stand_in:
        return communes.filter(province__code=stand_in[1], code=stand_in[2]).first()
    if _COMMUNE_CODE.match(code):
        return communes.filter(code=code).first()
    return None
