"""A small but complete site for the header tests and the browser's policy test: every kind of page
has something to show, and every kind of visitor can sign in."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.docstore.services import store_upload
from motcua.docstore.uploads import check_upload
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Timeliness
from motcua.queueing import links
from motcua.queueing import services as queue_services
from motcua.residents.models import Resident
from motcua.residents.sessions import SESSION_KEY
from tests.insights.step_history import handled
from tests.insights.support import bulk_dossiers
from tests.queueing.conftest import QueueWorld, open_all_day
from tests.world import GOOD_ID, PASSWORD, vn

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
MONTH = "2025-09"


class Site:
    """Commune a with a month of statistics (one dossier through every step, so the step table
    draws its bars), a dossier with a PDF, an open queue with a number taken at the kiosk, a
    resident, an administrator, and the officers of tests.world."""

    def __init__(self):
        world = self.world = QueueWorld()
        open_all_day(world.center)
        received = vn(2025, 9, 10, 9)
        done = received + timedelta(days=1)
        bulk_dossiers(world, 6, received=received, finished=done, timeliness=Timeliness.EARLY)
        bulk_dossiers(world, 2, received=received, finished=done, timeliness=Timeliness.LATE)
        bulk_dossiers(world, 3, commune=world.b, received=received)
        handled(world, received)
        upload = SimpleUploadedFile("to-khai.pdf", PDF_BYTES, content_type="application/pdf")
        self.file = store_upload(
            owner_id_number=GOOD_ID,
            checked=check_upload(upload),
            type_code="to-khai",
            name="Tờ khai",
        )
        self.dossier = world.receive(
            documents=[dossier_services.DocumentIn("Tờ khai", 1, stored_document=self.file)]
        )
        self.resident = Resident.objects.create(phone="0912000999", full_name="Phạm Thị Hoa")
        queue_settings = queue_services.settings_for(world.center)
        self.kiosk = links.kiosk_path(queue_settings)
        ticket = queue_services.issue_ticket(world.center, world.civil)
        self.slip = reverse(
            "queueing:kiosk_slip",
            args=[links.kiosk_token(queue_settings), links.ticket_token(ticket)],
        )
        self.display = f"/man-hinh/{world.center.pk}/"
        self.admin = get_user_model().objects.create_superuser("root", password=PASSWORD)

    def pages(self) -> dict[str, list[str]]:
        """Who visits (a username, "resident" or "" for anyone) → the pages they open."""
        world, code = self.world, self.dossier.code
        return {
            "": [
                "/",
                "/thu-tuc/",
                "/thu-tuc/?q=khai+sinh",
                f"/thu-tuc/{world.procedure.code}/",
                "/dang-nhap/",
                "/dang-nhap-cong-dan/",
                "/dang-nhap-cong-dan/vneid-gia-lap/?state=s",
                "/tra-cuu/",
                f"/tra-cuu/{code}/",
                "/lay-so/",
                self.kiosk,
                self.slip,
                self.display,
            ],
            "resident": ["/ho-so-cua-toi/", "/giay-to-cua-toi/", "/so-cua-toi/"],
            "a.reception": [
                "/can-bo/",
                "/can-bo/tiep-nhan/",
                f"/can-bo/ho-so/{code}/",
                "/can-bo/hang-doi/",
                f"/can-bo/quay/{world.counter1.pk}/",
            ],
            "a.leader": [
                f"/thong-ke/?period={MONTH}",
                f"/thong-ke/buoc-xu-ly/?period={MONTH}",
                f"/thong-ke/bao-cao-thang/?period={MONTH}",
            ],
            "monitor.hanoi": [f"/chi-so-766/?month={MONTH}", f"/thong-ke/tinh/?period={MONTH}"],
            "root": ["/admin/", "/admin/queueing/prioritygroup/", "/admin/queueing/queuesettings/"],
        }

    def visit_as(self, client, who: str):
        """The test client signed in as ``who`` (and nobody else)."""
        client.logout()
        if who == "resident":
            session = client.session
            session[SESSION_KEY] = self.resident.pk
            session.save()
        elif who:
            assert client.login(username=who, password=PASSWORD)
        return client
