"""The statistics and index part of the demo: what a monitor would have entered, and rollups.

The demo replays its history with dossier listeners muted (nothing is marked dirty), so the
rollups of every month with dossiers are computed here once; months whose cut-off day has passed
are frozen, as the daily ``refresh_insights`` would have done. Hà Nội's province-level inputs
(criteria 1.1–1.3) are the values the national portal published for the city (the shipped
``hanoi_service_index_2026-10.json``), and the portal's published figures are imported to show
beside motcua's own.
"""

from datetime import datetime

from django.core.management import call_command
from django.db.models import Min
from django.utils import timezone

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.insights import index_inputs, rollups, services, snapshots
from motcua.insights.index.published import PORTAL_FILE, read_portal_file
from motcua.insights.periods import Period, today
from motcua.units.importers import bundled
from motcua.units.models import Province

HANOI = "01"


def prepare(*, now: datetime | None = None, progress=None) -> int:
    """Enter the demo's monitor inputs, compute every month's rollups and freeze due months.
    Returns the number of commune-month rows computed."""
    now = now or timezone.now()
    call_command("import_portal_index", verbosity=0)
    hanoi = Province.objects.current().get(code=HANOI)
    months = demo_months(now)
    province_values = _published_province_inputs()
    monitor = User.objects.filter(role="province_monitor", province=hanoi).first()
    written = 0
    for period in months:
        _enter_inputs(hanoi, period, province_values, monitor, now)
        written += rollups.refresh_province_month(hanoi.pk, period, now=now)
        if progress:
            progress.advance()
    for period in months:
        if _past_cut_off(hanoi, period, now):
            snapshots.freeze(hanoi.pk, period, now=now)
    return written


def demo_months(now: datetime) -> list[Period]:
    """Every month from the first received dossier to this month."""
    first = first_dossier_day()
    if first is None:
        return []
    return Period("range", first, today(now)).months()


def first_dossier_day():
    """The day the demo's history starts (its first received dossier), or None."""
    first = Dossier.objects.aggregate(first=Min("received_at"))["first"]
    return today(first) if first is not None else None


def _published_province_inputs() -> dict:
    portal_file = read_portal_file(bundled(PORTAL_FILE), province_code=HANOI)
    return dict(portal_file.rows[0].inputs["province_level"])


def _enter_inputs(province, period: Period, values: dict, monitor, now) -> None:
    """What the monitor enters each month, through the same services as the inputs page; the
    caller recomputes the month once afterwards."""
    services.save_province_inputs(monitor, province, period, values, rescore=False)
    communes = list(rollups.province_communes(province.pk, period))
    measured = index_inputs.measured_inputs([c.pk for c in communes], period, now=now)
    for commune in communes:
        services.save_commune_inputs(
            monitor,
            commune,
            period,
            certified_copy=True,
            overrides=_payments(measured[commune.pk]),
            rescore=False,
        )


def _payments(measured: dict) -> dict:
    """What the payment gateway's monthly report would tell the monitor: about seven in ten fee
    dossiers paid online, through half of the fee-bearing procedures (motcua takes no payments
    itself, so these are entered; see index_inputs.NOT_MEASURED)."""
    if not measured["dossiers_with_fee"]:
        return {}
    return {
        "dossiers_paid_online": measured["dossiers_with_fee"] * 7 // 10,
        "fee_procedures_with_online_payment": measured["fee_procedures_total"] // 2,
    }


def _past_cut_off(province, period: Period, now) -> bool:
    due = snapshots.due_month(province.pk, now)
    return due is not None and period.first <= due.first
