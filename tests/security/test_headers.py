"""The headers every answer carries: a Content-Security-Policy that allows only this site's own
files (no inline script or style, no eval), and ``Cache-Control: no-store`` on everything dynamic,
so no browser or proxy keeps a page, a download, an export or an API answer with personal data.

The pages are rendered for real, for each kind of visitor, and their HTML is read for anything the
policy would block: inline scripts and event handlers, ``style`` attributes and ``<style>``
elements, ``javascript:`` links. The browser test (tests/e2e/test_content_security_policy.py)
shows Chromium reports no violation on them either.
"""

from html.parser import HTMLParser

import pytest

from motcua.accounts.services import create_api_token
from motcua.residents import services as resident_services
from tests.security.site import MONTH, Site


@pytest.fixture
def site(db):
    return Site()


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
