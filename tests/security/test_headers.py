"""The headers every answer carries: a Content-Security-Policy that allows only this site's own
files (no inline script or style, no eval), and ``Cache-Control: no-store`` on everything dynamic,
so no browser or proxy keeps a page, a download, an export or an API answer with personal data.

The pages are rendered for real, for each kind of visitor, and their HTML is read for anything the
policy would block: inline scripts and event handlers, ``style`` attributes and ``<style>``
elements, ``javascript:`` links. The browser test (tests/e2e/test_content_security_policy.py)
shows Chromium reports no violation on them either.
"""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.services import create_api_token
from motcua.docstore.services import store_upload
from motcua.docstore.uploads import check_upload
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Timeliness
from motcua.queueing import links
from motcua.queueing import services as queue_services
from motcua.residents import services as resident_services
from motcua.residents.models import Resident
from motcua.residents.sessions import SESSION_KEY
from tests.insights.step_history import handled
from tests.insights.support import bulk_dossiers
from tests.queueing.conftest import QueueWorld, open_all_day
from tests.world import GOOD_ID, PASSWORD, vn

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
MONTH = "2025-09"


class Site:
    """A commune with a dossier that has a file, a month of statistics, an open queue with a
    number taken at the kiosk, a resident with a dossier, and every kind of visitor."""

    def __init__(self, client):
        world = self.world = QueueWorld()
        open_all_day(world.center)
        received = vn(2025, 9, 10, 9)
        done = received + timedelta(days=1)
        bulk_dossiers(world, 6, received=received, finished=done, timeliness=Timeliness.EARLY)
        bulk_dossiers(world, 2, received=received, finished=done, timeliness=Timeliness.LATE)
        bulk_dossiers(world, 3, commune=world.b, received=received)
        handled(world, received)  # through every step: the step table draws its bars
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
        self.kiosk = links.kiosk_path(queue_services.settings_for(world.center))
        taken = client.post(self.kiosk, {"field": world.civil.pk, "priority": ""})
        assert taken.status_code == 302, taken.content
        self.slip = taken["Location"]
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
                f"/man-hinh/{world.center.pk}/",
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
        client.logout()
        if who == "resident":
            session = client.session
            session[SESSION_KEY] = self.resident.pk
            session.save()
        elif who:
            assert client.login(username=who, password=PASSWORD)
        return client


@pytest.fixture
def site(client, db):
    return Site(client)


class InlineCode(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action"} and (value or "").strip().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.found.append("<style>")
        if (
            tag == "script"
            and "src" not in attributes
            and attributes.get("type") != "application/json"
        ):
            self.found.append("<script> without src")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_every_page_carries_the_policy_and_nothing_it_would_block(client, site):
    for who, paths in site.pages().items():
        site.visit_as(client, who)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (who, path, response.status_code)
            policy = response["Content-Security-Policy"]
            for directive in ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'"):
                assert directive in policy, (path, policy)
            assert "unsafe" not in policy
            assert inline_code(response.content.decode()) == [], (who, path)


def test_the_charts_are_drawn_without_style_attributes(client, site):
    site.visit_as(client, "monitor.hanoi")
    province = client.get(f"/thong-ke/tinh/?period={MONTH}").content.decode()
    site.visit_as(client, "a.leader")
    steps = client.get(f"/thong-ke/buoc-xu-ly/?period={MONTH}").content.decode()
    assert "mc-chart__svg" in province and "mc-step-bar__used" in steps  # the drawings are there
    assert inline_code(province) == [] and inline_code(steps) == []


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(client, db):
    page = client.get("/").content.decode()
    assert '"includeIndicatorStyles": false' in page and '"allowEval": false' in page


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_every_page_is_no_store(client, site):
    for who, paths in site.pages().items():
        site.visit_as(client, who)
        for path in paths:
            assert no_store(client.get(path)), (who, path)


def test_downloads_and_exports_are_no_store(client, site):
    code = site.dossier.code
    site.visit_as(client, "a.reception")
    download = client.get(f"/can-bo/ho-so/{code}/tep/{site.file.uuid}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    receipt = client.get(f"/can-bo/ho-so/{code}/bieu-mau/receipt.pdf")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    site.visit_as(client, "a.leader")
    export = client.get("/thong-ke/", {"period": MONTH, "by": "channel", "format": "csv"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    for response in (download, receipt, export):
        assert no_store(response), response["Content-Type"]


def test_api_answers_are_no_store(client, site):
    code = site.dossier.code
    staff = {"HTTP_AUTHORIZATION": f"Bearer {create_api_token('a.reception')}"}
    resident = {"HTTP_AUTHORIZATION": f"Bearer {resident_services.issue_token(site.resident)}"}
    answers = [
        client.get(f"/api/v1/dossiers/{code}", **staff),
        client.get("/api/v1/portal/dossiers", **resident),
        client.get("/api/v1/portal/dossiers"),  # 401: errors too
        client.get("/api/v1/procedures", {"q": "khai sinh"}),
    ]
    assert [a.status_code for a in answers] == [200, 200, 401, 200]
    for answer in answers:
        assert no_store(answer), answer.request["PATH_INFO"]


def test_a_view_that_chooses_its_own_caching_keeps_it(rf):
    from django.http import HttpResponse
    from django.views.decorators.cache import cache_control

    from motcua.security.middleware import NoStoreByDefaultMiddleware

    public = cache_control(public=True, max_age=3600)(lambda request: HttpResponse("ok"))
    response = NoStoreByDefaultMiddleware(public)(rf.get("/"))
    assert response["Cache-Control"] == "public, max-age=3600"


def test_static_files_keep_their_caching(client, db):
    response = client.get("/static/css/motcua.css")
    assert response.status_code == 200
    assert not no_store(response) and "max-age" in response["Cache-Control"]
    assert "Content-Security-Policy" not in response
