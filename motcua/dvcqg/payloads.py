"""Dossiers and audit events in the portal's words (domain.md §16, the OpenCPS integration shape).

``dossier_payload`` fills one element of ``DongBoHoSoMC``'s ``data[]``; ``progress_payload`` one
element of ``CapNhatTienDoHoSoMC``'s. Both are plain dicts of strings and lists, ready for JSON.
Everything here reads; nothing writes.

Codes travel as strings ("2", not 2), as the provincial systems that talk to the portal send them.
The texts are Vietnamese whatever language the worker runs in: the portal shows them to residents
and to the Government Office, so they are rendered under ``translation.override("vi")``.
"""

from datetime import datetime

from django.utils import timezone, translation

from motcua.accounts.models import Role
from motcua.dossiers.models import ApplicantKind, Dossier, DossierEvent
from motcua.dossiers.workflow import STATES, SYSTEM, action_label
from motcua.workdays import VIETNAM_TZ

# The portal's date-time format: yyyyMMddHHmmss in Vietnam time (UTC+7), no zone designator
# (OpenCPS's DVCQGIntegrationActionTerm.convertDate2String). We store UTC; convert at the edge.
PORTAL_DATETIME_FORMAT = "%Y%m%d%H%M%S"

# LoaiDoiTuong: 1 person, 2 organisation (domain.md §16).
APPLICANT_KIND_CODES = {ApplicantKind.PERSON: "1", ApplicantKind.ORGANISATION: "2"}

# Events with no officer behind them: the resident acted through the portal, or the system did.
RESIDENT_ACTIONS = frozenset({"submit_online", "answer_supplement_online"})


def portal_datetime(value: datetime | None) -> str:
    """``20250707090000`` for 09:00 on 7 July 2025 in Vietnam; "" for no date."""
    if value is None:
        return ""
    return timezone.localtime(value, VIETNAM_TZ).strftime(PORTAL_DATETIME_FORMAT)


def parse_portal_datetime(text: str | None) -> datetime | None:
    """The reverse of ``portal_datetime``; None for blank or malformed text."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return datetime.strptime(text, PORTAL_DATETIME_FORMAT).replace(tzinfo=VIETNAM_TZ)
    except ValueError:
        return None


def dossier_payload(dossier: Dossier) -> dict:
    """The ``DongBoHoSoMC`` record of a dossier as it stands now (insert or update)."""
    procedure = dossier.procedure
    with translation.override("vi"):
        return {
            "MaHoSo": dossier.code,
            "MaTTHC": procedure.code,
            "TenTTHC": procedure.name_vi,
            # Our field slug: the national field codes are not in the catalogue yet.
            "MaLinhVuc": procedure.field.code,
            "TenLinhVuc": procedure.field.name_vi,
            "ChuHoSo": dossier.applicant_name,
            "LoaiDoiTuong": APPLICANT_KIND_CODES.get(dossier.applicant_kind, "1"),
            "MaDoiTuong": dossier.applicant_id_number,
            "SoDienThoai": dossier.applicant_phone,
            "Email": dossier.applicant_email,
            "TrichYeuHoSo": dossier.summary,
            "NgayTiepNhan": portal_datetime(dossier.received_at),
            "NgayHenTra": portal_datetime(dossier.due_at),
            "TrangThaiHoSo": str(int(STATES[dossier.state].national)),
            "NgayTra": portal_datetime(dossier.returned_at),
            # The channel's national practice code: 1 counter, 2 online, 3 public post (§4).
            "HinhThuc": str(dossier.channel),
            "NgayKetThucXuLy": portal_datetime(dossier.finished_at),
            "DonViXuLy": dossier.competent_commune.name,
            "TaiLieuNop": [
                {
                    "TepDinhKemId": str(doc.pk),
                    "TenTepDinhKem": doc.name,
                    "MaThanhPhanHoSo": str(doc.position),
                }
                for doc in dossier.documents.all()
            ],
            "DanhSachHoSoBoSung": [
                {
                    "HoSoBoSungId": str(s.pk),
                    "NguoiYeuCauBoSung": _person(s.requested_by),
                    "NoiDungBoSung": "; ".join(str(item) for item in s.items) or s.reason,
                    "NgayBoSung": portal_datetime(s.requested_at),
                    "NgayTiepNhanBoSung": portal_datetime(s.answered_at),
                    # How the supplement moved the appointment: the clock restarts from zero
                    # when the complete dossier comes back (Decree 118 Art. 19(5)).
                    "NgayHenTraTruoc": portal_datetime(s.due_before),
                    "NgayHenTraMoi": portal_datetime(s.due_after),
                }
                for s in dossier.supplements.all()
            ],
        }


def progress_payload(event: DossierEvent, dossier: Dossier, steps_by_start=None) -> dict:
    """The ``CapNhatTienDoHoSoMC`` record of one audit event.

    ``steps_by_start`` maps a start time to the ``DossierStep`` that began then (the caller builds
    it once per dossier); the step an event opened gives ``NgayBatDau`` and its budgeted end
    ``NgayKetThucTheoQuyDinh``. An event that opens no step (a pause, the end) sends the event
    time and no budgeted end.
    """
    step = (steps_by_start or {}).get(event.at)
    actor = event.actor
    with translation.override("vi"):
        content = str(action_label(event.action))
        if event.note:
            content = f"{content}: {event.note}"
        return {
            "MaHoSo": dossier.code,
            "NguoiXuLy": _actor_name(event),
            "ChucDanh": _role_title(event),
            "ThoiDiemXuLy": portal_datetime(event.at),
            "PhongBanXuLy": (
                actor.commune.name
                if actor is not None and actor.commune_id
                else dossier.competent_commune.name
            ),
            "NoiDungXuLy": content,
            "TrangThai": str(int(STATES[event.to_state or dossier.state].national)),
            "NgayBatDau": portal_datetime(step.started_at if step else event.at),
            "NgayKetThucTheoQuyDinh": portal_datetime(step.due_at if step else None),
        }


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _actor_name(event: DossierEvent) -> str:
    if event.actor is not None:
        return _person(event.actor)
    # No name in clear for the resident: the portal already knows who filed the dossier.
    return "Công dân" if event.action in RESIDENT_ACTIONS else "Hệ thống"


def _role_title(event: DossierEvent) -> str:
    role = event.actor_role
    if not role or role == SYSTEM:
        return ""
    try:
        return str(Role(role).label)
    except ValueError:
        return ""
