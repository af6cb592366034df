"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium, headless, never a
downloaded browser) against the real server on loopback, with the simulator behind it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from qbwc_server.app import create_app
from qbwc_server.store import SqlStore
from qbwc_server.testing import CountingTicketSource, FixedClock, serve_in_thread
from tests.conftest import ROOT, make_settings, make_store

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "docs" / "screenshots"


@dataclass
class Site:
    """The live server: its store, clock and the base URL a browser opens (``localhost``, the
    one plain-http host the Web Connector accepts)."""

    store: SqlStore
    clock: FixedClock
    url: str


@pytest.fixture
def site(tmp_path: Path, sqlite_url: str, clock: FixedClock) -> Iterator[Site]:
    store = make_store(sqlite_url, clock)
    app = create_app(
        make_settings(tmp_path, sqlite_url),
        clock=clock,
        tickets=CountingTicketSource(),
        store=store,
    )
    with serve_in_thread(app) as url:
        yield Site(store, clock, url.replace("127.0.0.1", "localhost"))
    store.dispose()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright; skipped (failed on CI) when it is not installed."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing: scripts/install-system-deps.sh installs it")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A fresh page with JavaScript switched off: every admin page must work without it."""
    context = chromium.new_context(
        java_script_enabled=False, accept_downloads=True, viewport={"width": 1280, "height": 860}
    )
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def screenshot(page: Any, name: str, *, full_page: bool = True) -> None:
    """Write docs/screenshots/<name>.png (linked from the README)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def sync_with_qwc(site: Site, qwc: Any, password: str) -> None:
    """The client's QuickBooks PC: a simulated Web Connector loaded with that parsed .qwc and
    password runs a whole session against the sample company."""
    from qbwc_server.simulate import FakeQuickBooks, FakeWebConnector, load_sample_company

    quickbooks = FakeQuickBooks(load_sample_company(clock=site.clock))
    transcript = FakeWebConnector(
        qwc.findtext("AppURL"),
        qwc.findtext("UserName"),
        password,
        quickbooks,
        owner_id=qwc.findtext("OwnerID"),
        file_id=qwc.findtext("FileID"),
        sleep=lambda s: site.clock.advance(seconds=s),
    ).run()
    assert transcript.outcome == "finished", transcript.outcome
