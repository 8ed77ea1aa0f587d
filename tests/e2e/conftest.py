"""Browser tests: Playwright driving Debian's chromium against pytest-django's ``live_server``.

Every test in this folder is marked ``browser`` (run them with ``pytest -m browser``). The
``screenshot`` fixture saves full-page pictures at phone and desktop width into
``docs/screenshots/``.
"""

import os
from pathlib import Path

import pytest

from tests.queueing.conftest import QueueWorld, open_all_day

# live_server runs Django in a thread while Playwright's sync API runs an event loop in this one.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
SCREENSHOT_DIR = E2E_DIR.parent.parent / "docs" / "screenshots"
WIDTHS = (360, 1280)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Chromium would otherwise send Accept-Language: en-US and LocaleMiddleware would pick English;
    # the tests read the Vietnamese interface, as residents and officers see it.
    return {
        **browser_context_args,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
        "viewport": {"width": 1280, "height": 800},
    }


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def screenshot():
    """``screenshot(page, "home")`` saves home-360.png and home-1280.png (full page).

    The viewport is restored afterwards, so a test can carry on where it was.
    """

    def take(page, name: str) -> list[Path]:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        original = page.viewport_size or {"width": 1280, "height": 800}
        saved = []
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            # Let the page lay itself out at the new width before measuring its full height.
            page.evaluate(
                "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
            )
            path = SCREENSHOT_DIR / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True, animations="disabled")
            saved.append(path)
        page.set_viewport_size(original)
        return saved

    return take


@pytest.fixture
def open_queue(transactional_db, settings, live_server):
    """The queue tests' world with today a working day open at every hour, so numbers are
    issued whenever the browser tests run; slips link to the live server."""
    settings.PUBLIC_BASE_URL = live_server.url
    world = QueueWorld()
    open_all_day(world.center)
    return world
