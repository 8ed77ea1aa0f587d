#!/usr/bin/env python3
"""Page weight of the residents' portal: what a phone downloads on the first visit to each page.

    .venv/bin/python bench/page_weight.py            # JSON lines on stdout, a table on stderr

The script makes a fresh SQLite database in a temporary folder, fills it the way ``motcua demo``
does (real units, day swaps and procedure catalogue, service centres of Hà Nội and Huế, demo
officers and the demo resident with dossiers in every state, all through the services), starts
``motcua runserver`` on a free local port, and opens each portal page in Debian's Chromium
(Playwright) with the browser cache disabled, so every page is a first load. It adds up the
bodies of every response the page needed (HTML, CSS, JS, fonts, images, the favicon), as sent
uncompressed, and the same bodies gzip-compressed (level 6, what a compressing server or CDN
sends). HTTP headers are not counted.

One JSON line per page::

    {"page": "home", "path": "/", "html": 6172, "assets": 79876, "total": 86048,
     "total_gzip": 24311, "limit": 153600, "ok": true, "requests": 4,
     "largest": "/static/vendor/htmx.min.js"}

``ok`` compares the uncompressed total with the limit (150 KB = 153,600 bytes). Then one
``{"summary": ...}`` line, with every asset's size. Exit status 1 if a page is over the limit.
"""

import gzip
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 150 * 1024
CHROMIUM = "/usr/bin/chromium"
PROCEDURE = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân: online filing allowed
COMMUNE = "00070"  # Phường Hoàn Kiếm, where the demo resident's dossiers are


# --------------------------------------------------------------------------- the data


def prepare_data() -> dict:
    """The demo's data, made by the demo's own commands and services (no dossier history)."""
    from django.core.management import call_command

    from motcua.dossiers.demo_data import ensure_demo_users
    from motcua.dossiers.workflow import State
    from motcua.feedback.links import rating_token
    from motcua.residents.demo_data import ensure_demo_resident, ensure_volunteers

    quiet = {"verbosity": 0, "stdout": io.StringIO(), "stderr": io.StringIO()}  # stdout is JSON
    call_command("migrate", interactive=False, **quiet)
    for command in ("import_units", "import_day_overrides", "import_procedures"):
        call_command(command, **quiet)
    call_command("create_service_centers", **quiet)
    ensure_demo_users()
    ensure_volunteers()
    resident = ensure_demo_resident()
    mine = {d.state: d for d in resident.dossiers.all()}
    returned = mine[State.RETURNED_ONLINE]
    return {
        "resident": resident,
        "waiting": mine[State.AWAITING_SUPPLEMENT].code,
        "new": mine[State.SUBMITTED_ONLINE].code,
        "rating_token": rating_token(returned),
        **queue_data(resident),
    }


def queue_data(resident) -> dict:
    """A number the demo resident booked for the first slot of the commune centre's next working
    day (through the services, so its live page is a real one), and the kiosk's address."""
    from django.utils import timezone

    from motcua.queueing import links
    from motcua.queueing import services as queue
    from motcua.queueing.slots import local_today, slots_for
    from motcua.units.calendars import calendar_for_center
    from motcua.units.models import ServiceCenter

    center = ServiceCenter.objects.get(commune__code=COMMUNE, parent__isnull=True)
    settings = queue.settings_for(center)
    field = center.counters.filter(is_active=True).first().fields.first()
    now = timezone.now()
    day = calendar_for_center(center).next_working_day(local_today(center, now))
    slot = slots_for(center, field.pk, day, settings, at=now)[0]
    ticket = queue.book(resident, center, field, slot.start, at=now)
    return {
        "queue_center": center.pk,
        "ticket_path": links.ticket_path(ticket),
        "kiosk_path": links.kiosk_path(settings),
    }


def session_cookie(resident, base: str) -> dict:
    """A signed-in resident's session, for the pages behind the sign-in."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from motcua.residents.sessions import SESSION_KEY

    session = SessionStore()
    session[SESSION_KEY] = resident.pk
    session.create()
    return {"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base}


# --------------------------------------------------------------------------- the pages


def pages(data: dict) -> list[tuple[str, bool, object]]:
    """(name, signed in?, visit): ``visit(page, base, start)`` gets the page ready and calls
    ``start()`` just before the navigation that is measured."""

    def goto(path):
        def visit(page, base, start):
            start()
            page.goto(base + path, wait_until="networkidle")

        return visit

    def sign_in_code(page, base, start):
        page.goto(base + "/dang-nhap-cong-dan/")
        page.get_by_label("Số điện thoại di động").fill(data["resident"].phone)
        start()
        page.get_by_role("button", name="Gửi mã đăng nhập").click()
        page.wait_for_url("**/dang-nhap-cong-dan/ma/**")
        page.wait_for_load_state("networkidle")

    def rating_thanks(page, base, start):
        page.goto(f"{base}/danh-gia/{data['rating_token']}/?kenh=cong")
        for group in page.locator("fieldset.mc-fieldset").all():
            group.get_by_label("Hài lòng", exact=True).check()
        start()
        page.get_by_role("button", name="Gửi đánh giá").click()
        page.wait_for_url("**/cam-on/")
        page.wait_for_load_state("networkidle")

    return [
        ("home", False, goto("/")),
        ("search", False, goto("/thu-tuc/?q=khai+sinh")),
        ("procedure", False, goto(f"/thu-tuc/{PROCEDURE}/")),
        ("procedure-where", False, goto(f"/thu-tuc/{PROCEDURE}/?xa={COMMUNE}#where")),
        ("sign-in", False, goto("/dang-nhap-cong-dan/")),
        ("sign-in-code", False, sign_in_code),
        ("pick-commune", True, goto(f"/nop-truc-tuyen/{PROCEDURE}/?tinh=01")),
        ("submit", True, goto(f"/nop-truc-tuyen/{PROCEDURE}/?xa={COMMUNE}")),
        ("submitted", True, goto(f"/ho-so-cua-toi/{data['new']}/da-nop/")),
        ("my-dossiers", True, goto("/ho-so-cua-toi/")),
        ("my-dossier", True, goto(f"/ho-so-cua-toi/{data['waiting']}/")),
        ("tracking", False, goto(f"/tra-cuu/{data['waiting']}/")),
        ("rating", False, goto(f"/danh-gia/{data['rating_token']}/?kenh=cong")),
        ("rating-thanks", False, rating_thanks),
        ("queue-book", False, goto(f"/lay-so/?center={data['queue_center']}")),
        ("queue-ticket", False, goto(data["ticket_path"])),
        ("queue-mine", True, goto("/so-cua-toi/")),
        ("queue-kiosk", False, goto(data["kiosk_path"])),
        ("queue-display", False, goto(f"/man-hinh/{data['queue_center']}/")),
    ]


class Tally:
    """The bodies of the responses a page needed, by URL path, from ``start()`` on."""

    def __init__(self):
        self.on = False
        self.status = 0  # of the last document: the page itself, after any redirect
        self.bodies: dict[str, tuple[str, bytes]] = {}

    def start(self):
        self.on = True

    def __call__(self, response):
        if not self.on:
            return
        try:
            body = response.body()
        except Exception:  # a redirect has no body to read
            body = b""
        path = urlsplit(response.url).path
        if response.request.method != "GET":
            path = f"{response.request.method} {path}"  # a form's POST (its answer is a redirect)
        self.bodies[path] = (response.request.resource_type, body)
        if response.request.resource_type == "document":
            self.status = response.status


def measure_page(browser, base: str, name: str, cookie, visit, token: str) -> dict:
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 360, "height": 800}, device_scale_factor=1
    )
    if cookie:
        context.add_cookies([cookie])
    page = context.new_page()
    # Every page as a first visit: nothing from the cache, even assets the setup steps loaded.
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    tally = Tally()
    page.on("response", tally)
    visit(page, base, tally.start)
    # A favicon is fetched by a real browser's tab strip but often not by headless Chromium.
    for href in page.eval_on_selector_all("link[rel~=icon]", "els => els.map(e => e.href)"):
        path = urlsplit(href).path
        if path not in tally.bodies:
            tally.bodies[path] = ("image", page.request.get(href).body())
    path = urlsplit(page.url).path.replace(token, "<token>")
    context.close()
    if tally.status != 200:  # a weight of an error page would mean nothing
        raise SystemExit(f"{name}: {path} answered {tally.status}, not 200")

    html = sum(len(b) for k, b in tally.bodies.values() if k == "document")
    total = sum(len(b) for _, b in tally.bodies.values())
    total_gzip = sum(len(gzip.compress(b, 6)) for _, b in tally.bodies.values() if b)
    largest = max(tally.bodies.items(), key=lambda item: len(item[1][1]))[0]
    return {
        "page": name,
        "path": path,
        "html": html,
        "assets": total - html,
        "total": total,
        "total_gzip": total_gzip,
        "limit": LIMIT,
        "ok": total <= LIMIT,
        "requests": len(tally.bodies),
        "largest": largest,
        "_bodies": {p: (k, len(b), len(gzip.compress(b, 6))) for p, (k, b) in tally.bodies.items()},
    }


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode}); see its log")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {base} within {seconds:.0f} s")


def kb(n: int) -> str:
    return f"{n / 1024:.1f}"


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="motcua-page-weight-") as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        os.environ.pop("DATABASE_URL", None)  # always a fresh SQLite database in tmp
        os.environ.update(
            DJANGO_SETTINGS_MODULE="motcua.settings",
            MOTCUA_STATE_DIR=tmp,
            MOTCUA_PUBLIC_BASE_URL=base,
            MOTCUA_LOG_LEVEL="WARNING",
            MOTCUA_DEBUG="0",
        )
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        print("preparing the data (as motcua demo does) …", file=sys.stderr, flush=True)
        data = prepare_data()
        log = open(Path(tmp) / "server.log", "wb")  # noqa: SIM115 - closed below
        server = subprocess.Popen(
            [sys.executable, "-m", "motcua", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(base, server)
            cookie = session_cookie(data["resident"], base)
            results = []
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                for name, signed_in, visit in pages(data):
                    result = measure_page(
                        browser,
                        base,
                        name,
                        cookie if signed_in else None,
                        visit,
                        data["rating_token"],
                    )
                    results.append(result)
                    line = {k: v for k, v in result.items() if not k.startswith("_")}
                    print(json.dumps(line, ensure_ascii=False), flush=True)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()

    assets: dict[str, tuple[str, int, int]] = {}
    for result in results:
        for path, (kind, size, size_gzip) in result["_bodies"].items():
            if kind != "document":
                assets[path] = (kind, size, size_gzip)
    heaviest = max(results, key=lambda r: r["total"])
    summary = {
        "pages": len(results),
        "all_ok": all(r["ok"] for r in results),
        "heaviest": {"page": heaviest["page"], "total": heaviest["total"]},
        "max_html": max(r["html"] for r in results),
        "assets": {p: {"type": k, "bytes": s, "gzip": g} for p, (k, s, g) in assets.items()},
    }
    print(json.dumps({"summary": summary}, ensure_ascii=False), flush=True)

    out = sys.stderr
    print("\n| page | HTML KB | assets KB | total KB | gzip KB | under 150 KB |", file=out)
    print("|---|---:|---:|---:|---:|:---:|", file=out)
    for r in results:
        print(
            f"| {r['page']} | {kb(r['html'])} | {kb(r['assets'])} | {kb(r['total'])} "
            f"| {kb(r['total_gzip'])} | {'yes' if r['ok'] else '**no**'} |",
            file=out,
        )
    print("\n| asset | type | KB | gzip KB |\n|---|---|---:|---:|", file=out)
    for path, (kind, size, size_gzip) in sorted(assets.items(), key=lambda a: -a[1][1]):
        print(f"| `{path}` | {kind} | {kb(size)} | {kb(size_gzip)} |", file=out)
    return 0 if summary["all_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
