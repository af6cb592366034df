"""A client set-up from the firm in a real browser (JavaScript off), from nothing to a first
sync: the firm adds the client (primary admin), sets payroll, import options and the first
sync's confirmation, invites the client's administrator, who opens the link in their own
browser and chooses a password, downloads the .qwc and hands it to a simulated Web Connector;
the firm sees the acceptance on its dashboard and the client in sync."""

from __future__ import annotations

import re

import lxml.etree
import pytest

from tests.browser.conftest import Site, screenshot, sync_with_qwc
from tests.web.admin.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser

CLIENT_PASSWORD = "the bakery's own password"


def _sign_in(page, site: Site, email: str, password: str = PASSWORD) -> None:
    page.goto(site.url + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def test_client_setup_from_nothing_to_a_first_sync(page, chromium, site: Site, tmp_path) -> None:
    store = site.store
    make_user(store, site.clock, "owner@smith.example", "owner", firm="Smith CPA")
    _sign_in(page, site, "owner@smith.example")

    page.click("text=Add a client company")
    page.fill("#name", "Harbor Bakery")
    page.check("input[name=primary_admin]")
    page.click("main button[type=submit]")
    company_id = int(re.search(r"/companies/(\d+)/setup/payroll", page.url)[1])
    assert store.primary_admin_firm(company_id) is not None

    # leave after the payroll step, come back through the set-up overview
    page.check("input[name=pay_period][value=weekly]")
    page.fill("#anchor", "2026-11-29")
    page.select_option("#week_start", "Sunday")
    page.check("input[name=overtime][value=rules]")
    page.fill("#daily_hours", "8")
    page.fill("#weekly_hours", "40")
    page.click("text=Save and continue")
    assert "/setup/options" in page.url
    page.goto(site.url + "/")
    page.click('table a:has-text("Harbor Bakery")')
    page.click("nav.tabs >> text=Set-up")
    assert "/setup" in page.url and "done" in page.inner_text("table")
    screenshot(page, "setup-overview")
    page.click("text=Continue the set-up")
    assert "/setup/options" in page.url
    page.click("text=Save and continue")
    page.fill("#typed", "delete")
    page.click("button.danger")

    # the client's administrator, by email (no team members before the first sync)
    assert "/setup/client-admin" in page.url
    page.fill("#email", "rosa@harbor.example")
    page.fill("#name", "Rosa Baker")
    page.click('button:has-text("Invite")')
    link = page.inner_text("#invitation-link").strip()
    assert "/client-admin/" in link
    screenshot(page, "setup-client-admin")

    # Rosa opens the link in her own browser and chooses her password
    context = chromium.new_context(java_script_enabled=False)
    try:
        rosa = context.new_page()
        rosa.goto(link)
        assert "Harbor Bakery" in rosa.inner_text("h1")
        rosa.fill("#new", CLIENT_PASSWORD)
        rosa.fill("#repeat", CLIENT_PASSWORD)
        rosa.click("main button[type=submit]")
        assert rosa.url.endswith("/login")
        _sign_in(rosa, site, "rosa@harbor.example", CLIENT_PASSWORD)
        assert "Harbor Bakery" in rosa.inner_text("table")
        rosa.goto(link)
        assert "works once" in rosa.inner_text(".alert")
    finally:
        context.close()

    # the Web Connector step: the password and the .qwc
    page.click("a.button:has-text('Continue')")
    assert "/setup/web-connector" in page.url
    page.click('button:has-text("Make the password")')
    password = page.inner_text("#password").strip()
    with page.expect_download() as info:
        page.click("text=Download Harbor Bakery.qwc")
    qwc_path = tmp_path / "harbor.qwc"
    info.value.save_as(str(qwc_path))
    qwc = lxml.etree.parse(str(qwc_path)).getroot()

    sync_with_qwc(site, qwc, password)

    # the firm's dashboard: the acceptance, and the client in sync
    page.goto(site.url + "/")
    notice = page.inner_text(".notice")
    assert "Rosa Baker" in notice and "Harbor Bakery" in notice
    assert "in sync" in page.inner_text("table")
    # each client's health at a glance: the sample company's week starts on Monday in
    # QuickBooks, the payroll settings above say Sunday
    assert page.inner_text("td.health").strip() != "OK"
    screenshot(page, "dashboard-notice", full_page=False)
    page.click("td.health a")
    assert "first day of the work week" in page.inner_text("main").lower()
    page.goto(site.url + "/")
    page.click('.notice button:has-text("Dismiss")')
    assert page.locator(".notice").count() == 0
