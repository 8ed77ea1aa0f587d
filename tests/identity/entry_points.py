"""Every way an ID number or a phone number gets into motcua, driven as a user drives it (HTTP
through Django's test client), each answering what was stored.

Each ``Entry`` sends one ID number (or phone) and returns the response and the number that was
stored for it ("" when nothing was). Tests run the same inputs through all of them.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from motcua.accounts.services import create_api_token
from motcua.docstore.models import StoredDocument
from motcua.dossiers.models import Dossier
from motcua.residents import services as resident_services
from motcua.residents import sessions
from motcua.residents.models import OneTimeCode, Resident
from tests.world import PASSWORD

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("to-khai.pdf", PDF_BYTES, content_type="application/pdf")


@dataclass
class Sent:
    response: HttpResponse
    stored: str  # the number as stored, "" when nothing was stored

    @property
    def status(self) -> int:
        return self.response.status_code


def _applicant_number() -> str:
    dossier = Dossier.objects.order_by("-id").first()
    return dossier.applicant_id_number if dossier else ""


class Entries:
    """The entry points, for one test world. Clients are made once per test (signing in costs
    a password hash), so hypothesis examples only send."""

    def __init__(self, world):
        self.world = world
        self.staff = Client()
        assert self.staff.login(username=world.reception.username, password=PASSWORD)
        self.token = create_api_token(world.reception.username)
        self.resident = Resident.objects.create(phone="0912345678", full_name="Trần Thị Bích Ngọc")
        self.portal = Client()
        session = self.portal.session
        session[sessions.SESSION_KEY] = self.resident.pk
        session.save()
        self.resident_token = resident_services.issue_token(self.resident)
        self.anonymous = Client()

    # ------------------------------------------------------------------- ID numbers

    def staff_api(self, number: str) -> Sent:
        """``POST /api/v1/dossiers`` with a bearer token."""
        body = {
            "procedure_code": self.world.procedure.code,
            "applicant": {"name": "Phạm Thị Hoa", "id_number": number},
            "documents": [{"name": "Tờ khai", "originals": 1}],
        }
        response = self.anonymous.post(
            "/api/v1/dossiers",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.token}",
        )
        return Sent(response, _applicant_number())

    def intake_form(self, number: str) -> Sent:
        """The counter's intake form, as a reception officer posts it."""
        data = {
            "procedure": self.world.procedure.code,
            "applicant_kind": "person",
            "applicant_name": "Đỗ Minh Quân",
            "applicant_id_number": number,
            "channel": "1",
            "documents": ["0"],
            "sets_count": "1",
            "return_method": "counter",
        }
        return Sent(self.staff.post(reverse("dossiers:intake"), data), _applicant_number())

    def intake_lookup(self, number: str) -> Sent:
        """The intake form's look-up of the stored documents of the number typed (HTMX)."""
        data = {"procedure": self.world.procedure.code, "applicant_id_number": number}
        response = self.staff.post(reverse("dossiers:intake_stored_documents"), data)
        return Sent(response, "")

    def stand_in_sign_in(self, number: str) -> Sent:
        """The demo's stand-in identity provider: its consent page, then back to motcua."""
        client = Client()
        start = client.get(reverse("residents:sso_start", args=["fake"]))
        response = client.post(start["Location"], {"id_number": number, "full_name": "Lê Văn Hùng"})
        if response.status_code == 302:
            response = client.get(response["Location"])
        verified = Resident.objects.filter(verified_id_number__isnull=False).order_by("-id")
        return Sent(response, verified.values_list("verified_id_number", flat=True).first() or "")

    def portal_web(self, number: str) -> Sent:
        """The residents' filing form on the web."""
        data = {
            "xa": self.world.a.code,
            "applicant_name": "Trần Thị Bích Ngọc",
            "applicant_id_number": number,
            "applicant_phone": "0912345678",
            "applicant_address": "Số 5 Hàng Bạc, Hoàn Kiếm",
            "return_method": "online",
            "declaration": "on",
            "file_0": pdf(),
        }
        url = reverse("residents:submit", args=[self.world.procedure.code])
        return Sent(self.portal.post(url, data), _applicant_number())

    def portal_api(self, number: str) -> Sent:
        """``POST /api/v1/portal/dossiers`` (multipart) with a resident's bearer token."""
        data = {
            "procedure_code": self.world.procedure.code,
            "commune_code": self.world.a.code,
            "applicant_name": "Trần Thị Bích Ngọc",
            "applicant_id_number": number,
            "applicant_phone": "0912345678",
            "applicant_address": "Số 5 Hàng Bạc, Hoàn Kiếm",
            "declaration": "true",
            "file_0": pdf(),
        }
        response = self.anonymous.post(
            "/api/v1/portal/dossiers", data, HTTP_AUTHORIZATION=f"Bearer {self.resident_token}"
        )
        return Sent(response, _applicant_number())

    # ------------------------------------------------------------------- phone numbers

    def phone_sign_in_web(self, phone: str) -> Sent:
        response = Client().post(reverse("residents:sign_in"), {"phone": phone})
        return Sent(response, _latest_code_phone())

    def phone_sign_in_api(self, phone: str) -> Sent:
        response = self.anonymous.post(
            "/api/v1/portal/sign-in/code", json.dumps({"phone": phone}), "application/json"
        )
        return Sent(response, _latest_code_phone())


def _latest_code_phone() -> str:
    otp = OneTimeCode.objects.order_by("-id").first()
    return otp.phone if otp else ""


def stored_owner_numbers() -> set[str]:
    return set(StoredDocument.objects.values_list("owner_id_number", flat=True))


ID_ENTRY_POINTS: dict[str, Callable[[Entries], Callable[[str], Sent]]] = {
    "staff API": lambda e: e.staff_api,
    "intake form": lambda e: e.intake_form,
    "stand-in sign-in": lambda e: e.stand_in_sign_in,
    "portal web filing": lambda e: e.portal_web,
    "portal API filing": lambda e: e.portal_api,
}
PHONE_ENTRY_POINTS: dict[str, Callable[[Entries], Callable[[str], Sent]]] = {
    "phone sign-in web": lambda e: e.phone_sign_in_web,
    "phone sign-in API": lambda e: e.phone_sign_in_api,
}
