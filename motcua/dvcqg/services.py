"""Every change to the portal sync, as plain functions (architecture.md: services).

Push: each audit event marks its dossier "not synced" in the event's own transaction
(``mark_unsynced``, called by the receiver). Background workers then ``push_due``: claim the due
dossiers with one conditional UPDATE (a lease, so any number of workers can run at once), push the
dossier record and each event since the last one the portal accepted, oldest first, and mark the
dossier synced, or in error with a growing delay before the next try.

Pull: ``pull_online_dossiers`` imports the online dossiers filed on the portal, each exactly once.

No network call ever runs inside a database transaction, so a slow portal never holds a lock that
an officer's action waits for.
"""

import logging
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Min, Q, Value, When
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.dossiers.models import ApplicantKind, Dossier, DossierEvent
from motcua.dossiers.services import Applicant, DocumentIn, submit_online
from motcua.dvcqg import payloads
from motcua.dvcqg.adapters import PortalAdapter, PortalError, get_adapter
from motcua.dvcqg.models import PulledDossier, SyncState, SyncStatus
from motcua.dvcqg.queries import commune_for_unit_code
from motcua.privacy import mask_text

logger = logging.getLogger(__name__)

# How long a worker holds the dossiers it claimed. Generous next to the adapter's timeouts; a
# worker that runs out of lease stops and lets go of what it has not started (``push_due``).
LEASE = timedelta(minutes=10)
_LEASE_MARGIN = timedelta(minutes=2)
# Retry delays after a failure: 1, 2, 4 … minutes, at most 6 hours. A refusal that retrying
# cannot fix by itself (bad credentials, a rejected record) waits the longest delay at once, so
# it keeps being retried after someone fixes the cause, without hammering the portal meanwhile.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)


# --------------------------------------------------------------------------- marking changes


def mark_unsynced(event: DossierEvent) -> None:
    """Note that ``event`` must reach the portal: its dossier becomes "not synced", due now.

    Runs inside the transaction that wrote the event (one upsert statement, no network), so the
    change and the duty to sync it commit together. A worker pushing this dossier meanwhile sees
    ``latest_event`` move past what it pushed and leaves the row not synced (``_finish``).
    """
    SyncState.objects.bulk_create(
        [
            SyncState(
                dossier_id=event.dossier_id,
                status=SyncStatus.NOT_SYNCED,
                next_attempt_at=timezone.now(),
                latest_event_id=event.pk,
            )
        ],
        update_conflicts=True,
        unique_fields=["dossier"],
        update_fields=["status", "next_attempt_at", "latest_event"],
    )


def retry_now(state_ids) -> int:
    """Make the given sync states due now (the admin's "retry now"). A synced dossier is pushed
    again as it stands (the portal updates its copy); returns how many rows changed."""
    return SyncState.objects.filter(pk__in=list(state_ids)).update(
        next_attempt_at=timezone.now(),
        status=Case(
            When(status=SyncStatus.SYNCED, then=Value(SyncStatus.NOT_SYNCED)),
            default=F("status"),
        ),
    )


def track_untracked_dossiers() -> int:
    """Give every dossier without a sync state one (not synced, due now): dossiers recorded before
    the sync existed. Returns how many were added; safe to run again."""
    now = timezone.now()
    created = 0
    missing = Dossier.objects.filter(sync_state__isnull=True).values_list("pk", flat=True)
    for dossier_id in missing.iterator(chunk_size=1000):
        latest = (
            DossierEvent.objects.filter(dossier_id=dossier_id)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        _, was_created = SyncState.objects.get_or_create(
            dossier_id=dossier_id, defaults={"next_attempt_at": now, "latest_event_id": latest}
        )
        created += was_created
    return created


# --------------------------------------------------------------------------- pushing


@dataclass
class PushReport:
    claimed: int = 0
    synced: int = 0
    failed: int = 0
    progress_pushed: int = 0
    # When push_due should run again for what this run found (more than ``limit`` due, or retries
    # pending); None when this run claimed nothing, so idle runs do not keep scheduling each other.
    run_again_at: datetime | None = None

    def as_dict(self) -> dict:
        data = asdict(self)
        data["run_again_at"] = self.run_again_at.isoformat() if self.run_again_at else None
        return data


def push_due(
    *, now: datetime | None = None, limit: int = 100, adapter: PortalAdapter | None = None
) -> PushReport:
    """Push up to ``limit`` due dossiers to the portal; safe with any number of concurrent workers.

    Per dossier: the dossier record (insert or update), then every audit event after the last one
    the portal accepted, oldest first, each recorded as accepted as soon as it is. A portal error
    stops that dossier: it is marked "error" and retried later; the events already accepted are
    not sent again.
    """
    now = now or timezone.now()
    adapter = adapter or get_adapter()
    report = PushReport()
    token = get_random_string(32)
    claimed = _claim(now, limit, token)
    report.claimed = len(claimed)
    started = time.monotonic()
    for i, pk in enumerate(claimed):
        if time.monotonic() - started > (LEASE - _LEASE_MARGIN).total_seconds():
            # Past this point another worker may take our dossiers over: let go of the rest.
            _release(claimed[i:], token)
            break
        _push_one(pk, token, adapter, now, report)
    if claimed:
        report.run_again_at = now if len(claimed) >= limit else _next_retry(now)
    return report


def _due(now: datetime) -> Q:
    return (
        ~Q(status=SyncStatus.SYNCED)
        & Q(next_attempt_at__lte=now)
        & (Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
    )


def _claim(now: datetime, limit: int, token: str) -> list[int]:
    """Take up to ``limit`` due rows for this worker. The UPDATE repeats the due condition, so a
    row another worker claimed a moment earlier is not taken twice; on PostgreSQL the candidate
    list skips rows locked by an unfinished transaction instead of waiting for them."""
    with transaction.atomic():
        candidates = (
            SyncState.objects.filter(_due(now))
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values("pk")[:limit]
        )
        SyncState.objects.filter(_due(now), pk__in=candidates).update(
            claimed_by=token, claimed_until=now + LEASE
        )
    return list(
        SyncState.objects.filter(claimed_by=token)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )


def _push_one(
    pk: int, token: str, adapter: PortalAdapter, now: datetime, report: PushReport
) -> None:
    state = SyncState.objects.select_related(
        "dossier__procedure__field", "dossier__competent_commune"
    ).get(pk=pk)
    dossier = state.dossier
    events = list(
        dossier.events.filter(pk__gt=state.last_event_id or 0)
        .select_related("actor__commune")
        .order_by("pk")
    )
    steps_by_start = {step.started_at: step for step in dossier.steps.order_by("position")}
    pushed_up_to = state.last_event_id
    try:
        adapter.push_dossier(payloads.dossier_payload(dossier))
        for event in events:
            adapter.push_progress(payloads.progress_payload(event, dossier, steps_by_start))
            # Recorded at once, so a crash or an error further on never sends this event again.
            if not SyncState.objects.filter(pk=pk, claimed_by=token).update(last_event=event):
                logger.warning("DVCQG sync of dossier %s: lease lost, stopping", dossier.code)
                return
            pushed_up_to = event.pk
            report.progress_pushed += 1
    except PortalError as exc:
        _fail(state, token, now, exc.message, temporary=exc.temporary)
        report.failed += 1
        return
    except Exception as exc:  # a bug in a payload must not stop the other dossiers
        logger.exception("DVCQG sync of dossier %s failed unexpectedly", dossier.code)
        _fail(state, token, now, f"{type(exc).__name__}: {exc}", temporary=False)
        report.failed += 1
        return
    if _finish(pk, token, pushed_up_to):
        report.synced += 1


def _finish(pk: int, token: str, pushed_up_to: int | None) -> bool:
    """Mark synced if nothing newer than ``pushed_up_to`` was recorded meanwhile; else only let go
    (the newer event's receiver already made the row due again). True if synced."""
    now = timezone.now()
    done = {
        "attempts": 0,
        "last_error": "",
        "last_synced_at": now,
        "claimed_by": "",
        "claimed_until": None,
    }
    up_to_date = Q(latest_event__isnull=True) | Q(latest_event_id__lte=pushed_up_to or 0)
    synced = (
        SyncState.objects.filter(up_to_date, pk=pk, claimed_by=token).update(
            status=SyncStatus.SYNCED, next_attempt_at=None, **done
        )
        > 0
    )
    if not synced:
        SyncState.objects.filter(pk=pk, claimed_by=token).update(
            status=SyncStatus.NOT_SYNCED, **done
        )
    return synced


def _fail(state: SyncState, token: str, now: datetime, message: str, *, temporary: bool) -> None:
    attempts = state.attempts + 1
    if temporary:
        delay = min(FIRST_RETRY * 2 ** min(attempts - 1, 20), LONGEST_RETRY)
    else:
        delay = LONGEST_RETRY
    masked = mask_text(message)[:500]
    logger.warning(
        "DVCQG sync of dossier %s failed (attempt %s, retry in %s): %s",
        state.dossier.code,
        attempts,
        delay,
        masked,
    )
    SyncState.objects.filter(pk=state.pk, claimed_by=token).update(
        status=SyncStatus.ERROR,
        attempts=attempts,
        next_attempt_at=now + delay,
        last_error=masked,
        claimed_by="",
        claimed_until=None,
    )


def _release(pks: list[int], token: str) -> None:
    SyncState.objects.filter(pk__in=pks, claimed_by=token).update(claimed_by="", claimed_until=None)


def _next_retry(now: datetime) -> datetime | None:
    """The earliest future attempt among unsynced dossiers no live worker holds. Dossiers due now
    but not claimed by this run are already someone's: a worker holds them, or the transaction
    that made them due has not committed yet and will enqueue a push when it does."""
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    return (
        SyncState.objects.exclude(status=SyncStatus.SYNCED)
        .filter(free, next_attempt_at__gt=now)
        .aggregate(at=Min("next_attempt_at"))["at"]
    )


# --------------------------------------------------------------------------- pulling


@dataclass
class PullFailure:
    portal_id: str
    reason: str


@dataclass
class PullReport:
    fetched: int = 0
    created: list[str] = field(default_factory=list)  # codes of the dossiers created
    already_pulled: int = 0
    failed: list[PullFailure] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


class _Unmapped(Exception):
    pass


def pull_online_dossiers(*, adapter: PortalAdapter | None = None) -> PullReport:
    """Import the online dossiers filed on the portal that are not here yet.

    Each becomes a ``submitted_online`` dossier through ``dossiers.services.submit_online`` (code
    assigned now, clock starts when an officer accepts it) and a ``PulledDossier`` row in the same
    transaction; the unique portal id makes a second import impossible, even by two concurrent
    pulls. A row that names an unknown procedure or unit, or fails intake validation, is logged
    (masked) and reported, and the others go on. A portal error while fetching raises PortalError.
    """
    adapter = adapter or get_adapter()
    rows = adapter.fetch_online_dossiers()
    report = PullReport(fetched=len(rows))
    for row in rows:
        portal_id = str(row.get("MaHoSo") or "").strip()
        if not portal_id:
            _pull_failed(report, "", _("Hồ sơ không có mã (MaHoSo)."))
            continue
        if PulledDossier.objects.filter(portal_id=portal_id).exists():
            report.already_pulled += 1
            continue
        try:
            filing = _online_filing(row)
            with transaction.atomic():
                dossier = submit_online(**filing)
                PulledDossier.objects.create(portal_id=portal_id, dossier=dossier)
        except _Unmapped as exc:
            _pull_failed(report, portal_id, str(exc))
        except ValidationError as exc:
            _pull_failed(report, portal_id, " ".join(exc.messages))
        except IntegrityError:
            if not PulledDossier.objects.filter(portal_id=portal_id).exists():
                raise
            report.already_pulled += 1  # another pull imported it a moment ago
        else:
            report.created.append(dossier.code)
    return report


def _online_filing(row: dict) -> dict:
    """The ``submit_online`` arguments for a portal row, or _Unmapped saying what is missing."""
    procedure_code = str(row.get("MaTTHC") or "").strip()
    procedure = Procedure.objects.filter(code=procedure_code).first()
    if procedure is None:
        raise _Unmapped(
            _("Thủ tục mã '%(code)s' không có trong danh mục.") % {"code": procedure_code}
        )
    unit_code = str(row.get("MaDonVi") or "").strip()
    commune = commune_for_unit_code(unit_code)
    if commune is None:
        raise _Unmapped(
            _("Không xác định được xã, phường có mã đơn vị '%(code)s'.") % {"code": unit_code}
        )
    # LoaiDoiTuong: 1 person, 2 organisation (domain.md §16).
    kind = ApplicantKind.ORGANISATION if _text(row, "LoaiDoiTuong") == "2" else ApplicantKind.PERSON
    applicant = Applicant(
        name=_text(row, "ChuHoSo"),
        id_number=_text(row, "MaDoiTuong"),
        kind=kind,
        phone=_text(row, "SoDienThoai"),
        email=_text(row, "Email"),
        address=_text(row, "DiaChi"),
    )
    documents = [
        DocumentIn(name=name[:300])
        for doc in row.get("TaiLieuNop") or []
        if isinstance(doc, dict)
        and (name := _text(doc, "TenTepDinhKem") or _text(doc, "TenGiayTo"))
    ]
    filed_at = (
        payloads.parse_portal_datetime(row.get("NgayNopHoSo"))
        or payloads.parse_portal_datetime(row.get("NgayTiepNhan"))
        or timezone.now()
    )
    return {
        "procedure": procedure,
        "commune": commune,
        "applicant": applicant,
        "documents": documents,
        "summary": _text(row, "TrichYeuHoSo")[:500],
        "at": filed_at,
    }


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _pull_failed(report: PullReport, portal_id: str, reason: str) -> None:
    masked = mask_text(reason)
    logger.warning("DVCQG online dossier %s not imported: %s", portal_id or "?", masked)
    report.failed.append(PullFailure(portal_id=portal_id, reason=masked))
