"""Browser fixtures: the seeded app served by a real HTTP server in a thread (CSRF enforced, as in
production), and Debian's Chromium driven by Playwright.

Only the SQLite pass runs these (`-m "not browser"` on PostgreSQL). Screenshots go to test-results/.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import dbutil
from tests.conftest import BACKEND, DEMO_PASSWORD, build_seeded

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests"
    elif BACKEND != "sqlite":
        reason = "browser tests run on the SQLite pass only"
    for item in items:
        if Path(item.fspath).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def live_app(template_factory, tmp_path_factory):
    """The app the live server serves: its own copy of the seeded demo, CSRF enforced."""
    from grassroots.app import create_app

    tmp = tmp_path_factory.mktemp("browser")
    url = dbutil.clone(BACKEND, template_factory("seeded", build_seeded), tmp / "browser.db")
    config = dbutil.test_config(BACKEND, url, tmp)
    config.update(WTF_CSRF_ENABLED=True, SERVER_NAME=None)  # the real forms, tokens and all; any host
    app = create_app(config)
    try:
        yield app
    finally:
        dbutil.dispose(app)
        dbutil.drop(BACKEND, url)


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    """The seeded demo (its own copy) behind werkzeug's threaded server; yields the base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# Who acts along the secondment journeys besides the demo manifests' staff (one holder per office there): the
# placement tests' office holders, a second city HR officer (the compiler of a roster may not review it) and
# the province's officers holding their claim-chain offices in Lijiang (as tests/subsidy's `lijiang_offices`).
SECONDMENT_STAFF = (
    ("lijiang", "lj_city_hr_2", "city_hr", "tenant", ""),
    ("lijiang", "yn_province_hr", "province_hr", "tenant", ""),
    ("lijiang", "yn_province_finance", "province_finance", "tenant", ""),
)


@pytest.fixture(scope="session")
def secondment_staff(live_app) -> None:
    """The extra memberships, added once to the live server's database, as the API journeys add them."""
    from grassroots.db import db
    from tests.placement.conftest import EXTRA_STAFF, add_member

    with live_app.app_context():
        for row in EXTRA_STAFF + SECONDMENT_STAFF:
            add_member(*row)
        db.session.remove()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # launch() starts from a fresh temporary profile (user-data-dir) every time.
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def new_page(browser, live_server):
    """Pages in fresh browser contexts (no cookies shared); each closed at the end of the test."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1200, "height": 800})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Through the login form, as a person does (the CSRF token travels in the form)."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/login" not in page.url, f"{username} could not sign in: {page.inner_text('main')}"


def screenshot(page, name: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
