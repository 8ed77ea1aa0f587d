"""The service-index inputs of Appendix A (service_index.md), measured from motcua's own data.

``measured_inputs`` gives, per commune, the ``commune`` part of the scoring input. Each input is
defined below by what it counts; dossier counts use the figure conventions of ``figures`` (the
commune that decides; received in the period; open dossiers judged at the period's end or now).
``inputs_for`` adds the province's inputs (criteria 1.1–1.3) and what the monitor entered for the
commune (``CommuneMonthInput``): the certified-copy flag and values for inputs motcua does not
measure, which replace the measured value of the same name.

Inputs motcua cannot measure, and so measures as 0 until a monitor enters them:
``dossiers_paid_online`` and ``fee_procedures_with_online_payment`` (motcua takes no payments).

Group 5 is measured from the residents' reports (``petitions.stats``, service_index.md §4.5):
``petitions_in_period`` / ``petitions_handled_on_time`` (5.2) and ``petitions_negative`` (5.3),
and the reports linked to a dossier of the period count towards 5.4's flagged dossiers
(``dossiers_with_petition_or_dislike``). With no report, criteria 5.2 and 5.3 score full marks,
as the portal does. The petition inputs stay enterable: a monitor's value (say, from the national
petition system for reports that did not come through motcua) replaces the measured one, and the
index pages show it as entered, with the measured value beside it.
"""

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from motcua.catalog.models import CommuneProcedure, OnlineLevel, Procedure, ProcedureLevel
from motcua.docstore.models import Source
from motcua.dossiers.models import Channel, Dossier, DossierDocument
from motcua.dvcqg.models import SyncState, SyncStatus
from motcua.insights import figures
from motcua.insights.models import PROVINCE_INPUTS, CommuneMonthInput, ProvinceMonthInput
from motcua.insights.periods import Period
from motcua.petitions import stats as petition_stats
from motcua.petitions.models import Petition

NOT_MEASURED = (
    "dossiers_paid_online",
    "fee_procedures_with_online_payment",
)
# Criteria 5.2 and 5.3, measured from the reports (``petitions.stats.INDEX``).
PETITION_INPUTS = tuple(petition_stats.INDEX)
# Inputs a monitor may enter for a commune (replacing the measured value).
ENTERABLE = (
    *NOT_MEASURED,
    *PETITION_INPUTS,
    "dossiers_received_reported",
    "dossiers_personal_store_linked",
    "citizen_procedures_total",
    "citizen_procedures_population_connected",
    "dossiers_population_db",
)
ONLINE = (OnlineLevel.PARTIAL, OnlineLevel.FULL)


def _dossier_counts(start, end, t) -> dict:
    """Per-commune dossier counts, each a condition on one dossier of the period's cohort."""
    received = figures.FIGURES["received"].condition(start, end, t)
    on_time = figures.FIGURES["index_on_time"].condition(start, end, t)
    online = received & Q(channel=Channel.ONLINE)
    fee = received & Q(procedure__fee_vnd__gt=0)
    population = received & Q(resident__isnull=False)
    return {
        # 2.1, 3.3, 5.4 and the digitisation criteria divide by this.
        "dossiers_received": Count("pk", filter=received),
        # 2.1: settled early or on time, or open and not overdue; > 1 supplement is never on time.
        "dossiers_on_time": Count("pk", filter=on_time),
        # 1.4: the portal holds the dossier and every change of it (dvcqg.queries.synced_share).
        "dossiers_synced": Count("pk", filter=received & Q(is_synced=True)),
        # 3.3: filed online (channel 2). Every motcua result is written and issued electronically
        # on approval, so an online dossier qualifies without waiting for its result.
        "dossiers_online_qualifying": Count("pk", filter=online),
        # 3.6: dossiers of procedures with a fee or charge (fee not 0 or unknown).
        "dossiers_with_fee": Count("pk", filter=fee),
        # 5.4: a resident's report linked to the dossier (received before t), or a "not
        # satisfied" answer in the dossier's rating.
        "dossiers_with_petition_or_dislike": Count(
            "pk", filter=received & (Q(has_dislike=True) | Q(has_petition=True))
        ),
        # 4.1: the electronic result is in the owner's store.
        "dossiers_e_result": Count("pk", filter=received & Q(has_e_result=True)),
        # 4.2: at least one component digitised: a file behind it (scanned, uploaded or reused).
        "dossiers_digitized": Count("pk", filter=received & Q(has_digitized=True)),
        # 4.3: at least one component reused from already-digitised data.
        "dossiers_reused_data": Count("pk", filter=received & Q(has_reused=True)),
        # 4.4: at least one component taken from the person's data store rather than scanned here
        # (a database extract or an earlier e-result).
        "dossiers_personal_store_linked": Count("pk", filter=received & Q(has_store_link=True)),
        # 4.5b: filed from an account authenticated through the national identity (VNeID).
        "dossiers_population_db": Count("pk", filter=population),
        # 3.2: online services that received at least one online dossier.
        "online_services_with_online_dossier": Count(
            "procedure", distinct=True, filter=online & Q(procedure__online_level__in=ONLINE)
        ),
        # 3.5: fee-bearing procedures with a dossier whose (fee) data reached the portal.
        "fee_procedures_integrated": Count(
            "procedure", distinct=True, filter=fee & Q(is_synced=True)
        ),
        # 4.5a: procedures with a dossier that used population data.
        "citizen_procedures_population_connected": Count(
            "procedure", distinct=True, filter=population
        ),
    }


def _with_index_facts(dossiers: QuerySet[Dossier], t: datetime) -> QuerySet[Dossier]:
    reused = DossierDocument.objects.filter(dossier=OuterRef("pk"), reused=True)
    from_store = reused.filter(stored_document__source__in=[Source.DATABASE, Source.ISSUED])
    synced = SyncState.objects.filter(dossier=OuterRef("pk"), status=SyncStatus.SYNCED)
    petition = Petition.objects.filter(dossier=OuterRef("pk"), received_at__lt=t)
    return figures.with_facts(dossiers, t).annotate(
        is_synced=Exists(synced),
        has_reused=Exists(reused),
        has_store_link=Exists(from_store),
        has_petition=Exists(petition),
    )


def _catalogue_aggregates(prefix: str) -> dict:
    """The procedure counts, over procedures reached through ``prefix`` ("procedure__" from a
    commune's links, "" over the catalogue itself)."""
    commune_level = Q(**{f"{prefix}level": ProcedureLevel.COMMUNE})
    online = Q(**{f"{prefix}online_level__in": ONLINE})
    return {
        # 3.1: procedures the commune decides, and of those offered online (partial / full).
        "procedures_under_authority": Count("pk", filter=commune_level),
        "procedures_online_partial": Count(
            "pk", filter=commune_level & Q(**{f"{prefix}online_level": OnlineLevel.PARTIAL})
        ),
        "procedures_online_full": Count(
            "pk", filter=commune_level & Q(**{f"{prefix}online_level": OnlineLevel.FULL})
        ),
        # 3.2: online public services applied at the commune.
        "online_services_total": Count("pk", filter=online),
        # 3.5 / 3.5b: procedures with a fee or charge.
        "fee_procedures_total": Count("pk", filter=Q(**{f"{prefix}fee_vnd__gt": 0})),
        # 4.5a: procedures whose applicants are citizens: every procedure a commune applies is
        # open to citizens (the catalogue has no applicant-type field).
        "citizen_procedures_total": Count("pk"),
    }


def _catalogue_counts(commune_ids) -> dict[int, dict]:
    """Per-commune counts from the procedures each commune applies: its standardised list
    (``CommuneProcedure``), or, for a commune without one yet, every active procedure, as
    ``catalog.queries.commune_handles`` decides who handles what."""
    applied = CommuneProcedure.objects.filter(
        commune_id__in=commune_ids, is_active=True, procedure__is_active=True
    )
    rows = applied.values("commune_id").annotate(**_catalogue_aggregates("procedure__"))
    counted = {row.pop("commune_id"): row for row in rows}
    without_list = [c for c in commune_ids if c not in counted]
    if without_list:
        everything = Procedure.objects.filter(is_active=True).aggregate(**_catalogue_aggregates(""))
        counted.update(dict.fromkeys(without_list, everything))
    return counted


def measured_inputs(commune_ids, period: Period, *, now=None) -> dict[int, dict]:
    """The ``commune`` inputs of Appendix A for each commune, as motcua measures them.

    Three grouped queries whatever the number of communes: one over the dossiers of the period's
    cohort, one over the communes' procedures, one over the reports (group 5)."""
    start, end = period.bounds()
    t = period.measured_at(now)
    commune_ids = list(commune_ids)
    cohort = Dossier.objects.filter(
        competent_commune_id__in=commune_ids, received_at__gte=start, received_at__lt=end
    )
    rows = (
        _with_index_facts(cohort, t)
        .order_by()
        .values("competent_commune_id")
        .annotate(**_dossier_counts(start, end, t))
    )
    counted = {row.pop("competent_commune_id"): row for row in rows}
    catalogue = _catalogue_counts(commune_ids)
    reports = petition_stats.index_counts(commune_ids, period, now=now)
    result = {}
    for commune_id in commune_ids:
        inputs = dict.fromkeys(NOT_MEASURED, 0)
        inputs.update(dict.fromkeys(PETITION_INPUTS, 0) | reports.get(commune_id, {}))
        inputs.update(_empty_catalogue() | catalogue.get(commune_id, {}))
        inputs.update(_empty_dossiers() | counted.get(commune_id, {}))
        inputs["dossiers_received_reported"] = inputs["dossiers_received"]
        _within_catalogue(inputs)
        inputs["certified_copy_e_service"] = False
        result[commune_id] = inputs
    return result


# Procedure counts taken from dossiers, and the catalogue count each is a part of.
_FROM_DOSSIERS_WITHIN = {
    "online_services_with_online_dossier": "online_services_total",
    "fee_procedures_integrated": "fee_procedures_total",
    "citizen_procedures_population_connected": "citizen_procedures_total",
}


def _within_catalogue(inputs: dict) -> None:
    """A dossier may be of a procedure the commune no longer applies (or never listed), so the
    procedures counted from dossiers are capped at the catalogue count they are part of."""
    for part, whole in _FROM_DOSSIERS_WITHIN.items():
        inputs[part] = min(inputs[part], inputs[whole])


def _empty_dossiers() -> dict:
    return dict.fromkeys(_dossier_counts(None, None, None), 0)


def _empty_catalogue() -> dict:
    return dict.fromkeys(
        (
            "procedures_under_authority",
            "procedures_online_partial",
            "procedures_online_full",
            "online_services_total",
            "fee_procedures_total",
            "citizen_procedures_total",
        ),
        0,
    )


def province_inputs(province_id: int, month) -> dict | None:
    """Criteria 1.1–1.3 inputs the monitor entered for the province and month, or None."""
    row = ProvinceMonthInput.objects.filter(province_id=province_id, month=month).first()
    return row.as_inputs() if row else None


def entered_for(commune_ids, month) -> dict[int, CommuneMonthInput]:
    rows = CommuneMonthInput.objects.filter(commune_id__in=list(commune_ids), month=month)
    return {row.commune_id: row for row in rows}


def combine(measured: dict, province: dict | None, entered: CommuneMonthInput | None) -> dict:
    """The full scoring input: the province's part (zeros if not entered yet: criteria 1.1–1.3
    then score 0) and the commune's measured part with the monitor's entries applied."""
    commune = dict(measured)
    if entered is not None:
        commune["certified_copy_e_service"] = entered.certified_copy_e_service
        commune.update({k: v for k, v in entered.overrides.items() if k in ENTERABLE})
    return {
        "province_level": dict(province) if province else dict.fromkeys(PROVINCE_INPUTS, 0),
        "commune": commune,
    }


def sources_of(entered: CommuneMonthInput | None) -> dict[str, str]:
    """Where each commune input came from: "measured" or "entered" (for the detail page)."""
    names = set(_empty_dossiers()) | set(_empty_catalogue()) | set(NOT_MEASURED)
    names |= set(PETITION_INPUTS)
    names |= {"dossiers_received_reported", "certified_copy_e_service"}
    sources = dict.fromkeys(names, "measured")
    if entered is not None:
        sources["certified_copy_e_service"] = "entered"
        sources.update(dict.fromkeys((k for k in entered.overrides if k in ENTERABLE), "entered"))
    return sources


def dossiers_behind(commune_id: int, input_name: str, period: Period, *, now=None):
    """The dossiers an input counts (for the criterion drill-down), or None when the input is not
    a dossier count (procedure counts, province inputs, entered values)."""
    start, end = period.bounds()
    t = period.measured_at(now)
    condition = _dossier_counts(start, end, t).get(input_name)
    # Each input is a COUNT(... FILTER (condition)); the list reuses that very condition. A
    # DISTINCT count is of procedures, not dossiers, so it has no dossier list.
    if condition is None or getattr(condition, "distinct", False):
        return None
    cohort = Dossier.objects.filter(competent_commune_id=commune_id)
    return _with_index_facts(cohort, t).filter(condition.filter)
