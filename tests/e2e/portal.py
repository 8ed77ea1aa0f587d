"""Helpers for the residents' portal browser tests: the phone sign-in done with the keyboard, a
tiny real PDF to upload, the 360 px fit check and the axe-core run."""

import io
import json
import re
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from motcua.dossiers import services
from motcua.dossiers.workflow import Action
from motcua.notify.models import Message
from motcua.residents.sessions import SESSION_KEY
from tests.world import GOOD_ID, PASSWORD

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PHONE = "0903123456"
# Axe impacts that fail a test; "moderate" and "minor" are printed for the record.
BLOCKING = {"serious", "critical"}


def write_pdf(path: Path, text: str = "Giay to") -> Path:
    """A one-page, valid PDF (reportlab) of a few hundred bytes, for set_input_files."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawString(72, 760, text)  # ASCII: the standard PDF fonts have no Vietnamese marks
    pdf.showPage()
    pdf.save()
    path.write_bytes(buffer.getvalue())
    return path


def sign_in_officer(page, base: str, username: str) -> None:
    """An officer signs in on the staff sign-in page with the test password."""
    page.goto(f"{base}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def latest_code(phone: str = PHONE) -> str:
    """The 6-digit code of the last SMS sent to the phone, read from the notification outbox."""
    body = Message.objects.filter(recipient=phone, channel="sms").order_by("-id").first().body
    return re.search(r"\b(\d{6})\b", body).group(1)


def tab_to(page, target, limit: int = 60) -> None:
    """Press Tab until ``target`` (a locator) has the focus, as a keyboard user would, and check
    that the focus can be seen."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            assert_focus_visible(page)
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def assert_focus_visible(page) -> None:
    """The focused control wears the design system's yellow focus ring (on itself, or on the
    drawn box of a radio or checkbox label)."""
    shown = page.evaluate(
        """() => {
            const el = document.activeElement, yellow = 'rgb(255, 221, 0)';
            const styles = [getComputedStyle(el)];
            if (el.labels && el.labels[0]) styles.push(getComputedStyle(el.labels[0], '::before'));
            return styles.some(s => (s.outlineStyle !== 'none' && s.outlineColor === yellow)
                || s.boxShadow.includes(yellow) || s.backgroundColor === yellow
                || s.borderTopColor === yellow);
        }"""
    )
    focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")
    assert shown, f"no visible focus on {focused}"


def sign_in_by_phone(page, phone: str = PHONE, *, on_code_page=None) -> None:
    """From the residents' sign-in page: the phone number, then the SMS code, keyboard only.

    ``on_code_page(page)`` runs on the code page before the code is typed (for a screenshot).
    """
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập để nộp và theo dõi hồ sơ")
    tab_to(page, page.get_by_label("Số điện thoại di động"))
    page.keyboard.type(phone)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập mã đăng nhập")
    # The phone number is shown masked, so the resident knows where the code went.
    expect(page.get_by_text("Đã gửi tin nhắn có mã 6 chữ số")).to_be_visible()
    assert phone not in page.content()
    if on_code_page:
        on_code_page(page)
    tab_to(page, page.get_by_label("Mã đăng nhập"))
    page.keyboard.type(latest_code(phone))
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def assert_fits(page, width: int = 360) -> None:
    """Nothing on the page is wider than the screen: no sideways scrolling at ``width``."""
    assert page.viewport_size["width"] == width
    overflow = page.evaluate(
        """() => {
            const w = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll('body *')].filter(el => {
                const r = el.getBoundingClientRect();
                return r.width > 0 && r.right > w + 1 && getComputedStyle(el).position !== 'fixed'
                    && !el.closest('.mc-table-wrapper, .mc-skip-link, .mc-visually-hidden');
            }).slice(0, 5).map(el => el.tagName.toLowerCase() + '.' + el.className
                                     + ' → ' + Math.round(el.getBoundingClientRect().right));
            return {scroll: document.documentElement.scrollWidth, width: w, wide};
        }"""
    )
    assert overflow["scroll"] <= overflow["width"] and not overflow["wide"], (
        f"{page.url} is wider than {width}px: {overflow}"
    )


def run_axe(page) -> dict:
    """Run the vendored axe-core on the page (WCAG 2.x A/AA and best practices): the violations
    with their elements, how many rules passed, and the rules axe could not decide alone."""
    # Evaluated through the browser's debugging protocol: a <script> tag (add_script_tag) would be
    # inline, and the pages' Content-Security-Policy rightly refuses inline scripts.
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                'wcag22aa', 'best-practice']},
            });
            return {
                passes: result.passes.length,
                incomplete: result.incomplete.map(v => v.id + ' ('
                    + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ') + ')'),
                violations: result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                              html: n.html.slice(0, 200),
                                              summary: n.failureSummary})),
                })),
            };
        }"""
    )


def describe(violations: list[dict]) -> str:
    return json.dumps(violations, ensure_ascii=False, indent=1)


def assert_accessible(page, name: str, *, min_passes: int = 15) -> None:
    """The page fits 360 px, and axe finds no serious or critical violation at 360 and 1280 px.
    Moderate and minor findings are printed for the record. The viewport is left at 1280 px."""
    page.set_viewport_size({"width": 360, "height": 800})
    assert_fits(page)
    found = {}
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        result = run_axe(page)
        assert result["passes"] > min_passes, "axe ran too few rules: did the page load?"
        found[width] = result["violations"]
        print(
            f"\n{name} @{width}: {result['passes']} rules passed, "
            f"{len(result['violations'])} violated, needs review: {result['incomplete']}"
        )
    blocking = {w: [v for v in vs if v["impact"] in BLOCKING] for w, vs in found.items()}
    others = {w: [v for v in vs if v["impact"] not in BLOCKING] for w, vs in found.items()}
    if any(others.values()):
        print(f"{name} ({page.url}): moderate/minor findings\n{describe(others)}")
    assert not any(blocking.values()), f"{name} ({page.url}):\n{describe(blocking)}"


# --------------------------------------------------------------------------- data through services


def file_online(world, resident, **overrides):
    """A dossier the resident filed online for the World's procedure in commune A."""
    filing = {
        "procedure": world.procedure,
        "commune": world.a,
        "applicant": services.Applicant(
            name="Vũ Thị Thu Hà",
            id_number=GOOD_ID,
            phone=resident.phone or PHONE,
            address="Số 12 Hàng Bạc, Phường Hoàn Kiếm",
        ),
        "documents": [services.DocumentIn("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", 1)],
        "return_method": "online",
        "resident": resident,
    }
    filing.update(overrides)
    return services.submit_online(**filing)


def awaiting_supplement(world, resident):
    """Filed online, accepted, then sent back for one more paper."""
    dossier = file_online(world, resident)
    services.perform(dossier, Action.ACCEPT_ONLINE, actor=world.reception)
    return services.perform(
        dossier,
        Action.REQUEST_SUPPLEMENT,
        actor=world.reception,
        items=["Bản chụp thẻ căn cước hai mặt, rõ nét"],
        reason="Ảnh thẻ căn cước trong hồ sơ bị mờ, không đọc được số.",
    )


def returned_online(world, resident):
    """Filed online and carried all the way to the result returned online."""
    dossier = file_online(world, resident)
    steps = [
        (Action.ACCEPT_ONLINE, world.reception, {}),
        (Action.FORWARD, world.reception, {}),
        (Action.ASSIGN, world.leader, {"assignee": world.specialist}),
        (Action.PROPOSE, world.specialist, {}),
        (Action.APPROVE, world.leader, {"result_summary": "Giấy xác nhận số 27/2026"}),
        (Action.RETURN_ONLINE, world.reception, {}),
    ]
    for action, actor, inputs in steps:
        dossier = services.perform(dossier, action, actor=actor, **inputs)
    return dossier


def sign_in_cookie(context, base_url: str, resident) -> None:
    """Put a signed-in resident session into a browser context (for pages that are not about
    signing in)."""
    session = SessionStore()
    session[SESSION_KEY] = resident.pk
    session.create()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base_url}]
    )
