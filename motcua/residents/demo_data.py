"""The portal's part of the demo: volunteers, and a resident whose dossiers show every thing the
portal does (waiting for acceptance, a supplement to answer, a result to rate), made through the
same services as real ones."""

from datetime import datetime, timedelta

from django.utils import timezone

from motcua.accounts.models import Role
from motcua.catalog.models import Procedure
from motcua.docstore.services import (
    OwnerProof,
    record_identity_check,
    record_issued_result,
    store_upload,
)
from motcua.docstore.uploads import check_upload
from motcua.dossiers import services
from motcua.dossiers.demo_data import DEMO_COMMUNES, demo_user, staff_of
from motcua.dossiers.signals import listeners_muted
from motcua.dossiers.workflow import Action
from motcua.residents.models import Resident
from motcua.units.calendars import calendar_for_center
from motcua.units.models import Commune

DEMO_PHONE = "0912345678"
DEMO_ID_NUMBER = "001085012345"  # a valid-looking number: Hà Nội, male, born 1985
DEMO_NAME = "Nguyễn Văn Minh"


def ensure_volunteers() -> list[tuple[str, str, str]]:
    """One community-team member per demo commune (banner rows: username, role, unit)."""
    rows = []
    for code, slug in DEMO_COMMUNES.items():
        commune = Commune.objects.get(code=code)
        username = f"{slug}.tonghiep"
        demo_user(username, role=Role.VOLUNTEER, commune=commune, title="Tổ viên tổ CNSCĐ")
        rows.append((username, str(Role.VOLUNTEER.label), commune.name))
    return rows


def ensure_demo_resident(now: datetime | None = None) -> Resident:
    """The demo resident (phone 0912 345 678, VNeID stand-in ID 001085012345) and, once, four
    online dossiers of theirs at Phường Hoàn Kiếm."""
    now = now or timezone.now()
    resident, created = Resident.objects.get_or_create(
        phone=DEMO_PHONE,
        defaults={
            "full_name": DEMO_NAME,
            "verified_id_number": DEMO_ID_NUMBER,
            "verified_by": "fake",
        },
    )
    if created:
        with listeners_muted():
            _demo_dossiers(resident, now)
    return resident


def _demo_dossiers(resident: Resident, now: datetime) -> None:
    commune = Commune.objects.get(code="00070")
    staff = staff_of(commune)
    calendar = calendar_for_center(commune.centers.filter(parent__isnull=True).first())
    copy_procedure = Procedure.objects.get(code="2.000815")
    birth = Procedure.objects.get(code="1.001193")

    def back(hours: float) -> datetime:
        return calendar.add_working_time(now - timedelta(days=12), timedelta(hours=hours))

    def file(procedure, at, summary):
        # The demo resident signed in through the (stand-in) identity provider as the applicant,
        # so the papers and later the result enter their store (ADR 0024).
        proof = OwnerProof.by_identity_provider(resident.verified_by, at=at)
        upload = store_upload(
            owner_id_number=DEMO_ID_NUMBER,
            checked=check_upload(_demo_pdf(procedure.name_vi)),
            type_code="to-khai",
            name=procedure.documents[0] if procedure.documents else "Tờ khai",
            at=at,
            proof=proof,
        )
        dossier = services.submit_online(
            procedure=procedure,
            commune=commune,
            applicant=services.Applicant(
                name=DEMO_NAME, id_number=DEMO_ID_NUMBER, phone=DEMO_PHONE, address="Số 12 Hàng Bạc"
            ),
            documents=[services.DocumentIn(upload.name, stored_document=upload)],
            summary=summary,
            resident=resident,
            at=at,
        )
        record_identity_check(dossier, proof)
        return dossier

    # 1. Returned online, ready to rate.
    done = file(copy_procedure, back(1), "Chứng thực bản sao sổ hộ khẩu")
    for action, actor, hours, inputs in [
        (Action.ACCEPT_ONLINE, staff.reception, 2, {}),
        (Action.FORWARD, staff.reception, 3, {}),
        (Action.ASSIGN, staff.leader, 4, {"assignee": staff.specialists[0]}),
        (Action.PROPOSE, staff.specialists[0], 6, {}),
        (Action.APPROVE, staff.leader, 8, {"result_summary": "Bản sao có chứng thực"}),
        (Action.RETURN_ONLINE, staff.reception, 9, {}),
    ]:
        services.perform(done, action, actor=actor, at=back(hours), **inputs)
    # Listeners are muted here, so the e-result the approval would have stored is added by hand.
    record_issued_result(done, at=back(8))
    # 2. A supplement to answer.
    asked = file(birth, back(20), "Đăng ký khai sinh cho con")
    services.perform(asked, Action.ACCEPT_ONLINE, actor=staff.reception, at=back(21))
    services.perform(
        asked,
        Action.REQUEST_SUPPLEMENT,
        actor=staff.reception,
        at=back(22),
        items=["Giấy chứng sinh (bản chính)"],
        reason="Ảnh giấy chứng sinh bị mờ, không đọc được ngày sinh.",
    )
    # 3. Waiting for the one-stop to accept it.
    file(copy_procedure, now - timedelta(minutes=40), "Chứng thực bản sao bằng tốt nghiệp")


def _demo_pdf(title: str):
    """A one-page PDF standing in for a scanned paper (made with ReportLab, already installed)."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 760, "motcua demo")
    page.save()
    return SimpleUploadedFile(f"{title[:30]}.pdf", buffer.getvalue(), "application/pdf")
