"""An accountant's whole journey in a real browser (JavaScript off): sign in, add a company,
walk the wizard with the ``delete`` confirmation, download and parse the .qwc, run a simulated
Web Connector sync with it, see the dashboard change, read the session and download its log,
approve time, map a payroll item."""

from __future__ import annotations

import gzip
import json
import re
import uuid
from datetime import date

import lxml.etree
import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from qbwc_server import accounts
from qbwc_server.store.models import TeamMember, TimeEntry
from tests.browser.conftest import Site, screenshot, sync_with_qwc

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a long browser password"


def _sign_in(page, site: Site, email: str, password: str) -> None:
    page.goto(site.url + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def _add_entries(site: Site, company_id: int) -> None:
    """Two submitted entries of an imported employee (time entry writing is not a page)."""
    now = site.clock.now()
    with Session(site.store.engine) as s, s.begin():
        member = s.scalars(
            select(TeamMember.id).where(
                TeamMember.company_id == company_id, TeamMember.qb_role == "employee"
            )
        ).first()
        for day in (2, 3):
            s.execute(
                insert(TimeEntry),
                {
                    "company_id": company_id,
                    "uuid": "{" + str(uuid.uuid4()).upper() + "}",
                    "team_member_id": member,
                    "work_date": date(2026, 11, day),
                    "duration_seconds": 8 * 3600,
                    "hour_type": "regular",
                    "billable": False,
                    "state": "submitted",
                    "export_state": "pending",
                    "locked": False,
                    "created_at": now,
                    "updated_at": now,
                },
            )


def test_point6_browser_journey(page, site: Site, tmp_path) -> None:
    """Sign in, set up a company, hand its .qwc to a simulated Web Connector, watch it sync and
    approve time, all in Chromium without JavaScript."""
    made = accounts.add_user(
        site.store, site.clock, "owner@smith.example", role="owner", firm="Smith CPA"
    )

    # sign in with the one-time password, then choose a real one
    _sign_in(page, site, "owner@smith.example", "wrong password")
    assert "do not match" in page.inner_text(".alert")
    screenshot(page, "login")
    _sign_in(page, site, "owner@smith.example", made.password)
    assert page.url.endswith("/account/password")
    page.fill("#current", made.password)
    page.fill("#new", NEW_PASSWORD)
    page.fill("#repeat", NEW_PASSWORD)
    page.click("main button[type=submit]")
    assert "No companies yet" in page.inner_text("main")

    # add a client company: the wizard opens at step 1, the payroll settings
    page.click("text=Add a client company")
    page.fill("#name", "Evergreen Builders")
    page.click("main button[type=submit]")
    assert "/setup/payroll" in page.url
    page.check("input[name=pay_period][value=biweekly]")
    page.fill("#anchor", "2026-11-30")
    page.select_option("#week_start", "Sunday")
    page.check("input[name=overtime][value=rules]")
    page.fill("#weekly_hours", "40")
    screenshot(page, "setup-payroll")
    page.click("text=Save and continue")
    assert "/setup/options" in page.url
    assert "Fixed after the first sync" in page.inner_text("main")
    page.select_option("#opt-classes", "show")
    screenshot(page, "setup-options")
    page.click("text=Save and continue")
    company_id = int(re.search(r"/companies/(\d+)/", page.url)[1])

    # step 2: Continue does nothing until the word delete is typed
    assert "/setup/first-sync" in page.url
    page.fill("#typed", "nope")
    page.click("button.danger")
    assert "/setup/first-sync" in page.url  # the browser refused to send it
    assert site.store.get_company(company_id).delete_confirmed_at is None
    page.fill("#typed", "delete")
    screenshot(page, "setup-first-sync")
    page.click("button.danger")
    assert "/setup/client-admin" in page.url
    assert site.store.get_company(company_id).delete_confirmed_at is not None
    assert site.store.payroll_settings(company_id).overtime_weekly_minutes == 40 * 60

    # step 4: no client administrator yet (tests/browser/test_client_setup_browser.py invites one)
    page.click('button:has-text("No administrator for now")')
    assert "/setup/web-connector" in page.url

    # step 3: the password, shown once, and the .qwc download
    page.click('button:has-text("Make the password")')
    password = page.inner_text("#password").strip()
    assert len(password) == 20
    screenshot(page, "setup-web-connector")
    with page.expect_download() as info:
        page.click("text=Download Evergreen Builders.qwc")
    download = info.value
    assert download.suggested_filename == "Evergreen-Builders.qwc"
    qwc_path = tmp_path / "evergreen.qwc"
    download.save_as(str(qwc_path))
    qwc = lxml.etree.parse(str(qwc_path)).getroot()
    assert qwc.findtext("AppURL") == site.url + "/qbwc"

    # step 4 and the company overview
    page.click('a.button:has-text("Continue")')
    assert "Single-user mode" in page.inner_text("main")
    page.click("text=Done: go to the company")
    assert page.url.endswith(f"/companies/{company_id}")
    page.goto(site.url + "/")
    assert "never synced" in page.inner_text("table")

    # the client's QuickBooks PC: a Web Connector loaded with that .qwc and password
    sync_with_qwc(site, qwc, password)

    page.goto(site.url + "/")
    assert "in sync" in page.inner_text("table")
    screenshot(page, "dashboard")
    page.click('table a:has-text("Evergreen Builders")')
    assert "in sync" in page.inner_text("main")
    screenshot(page, "company-overview")
    page.click("nav.tabs >> text=Customers and jobs")
    assert page.locator("table.tree tbody tr").count() > 3
    screenshot(page, "customers", full_page=False)
    page.click("nav.tabs >> text=Team members")
    assert "linked" in page.inner_text("table")
    page.click("nav.tabs >> text=Sync sessions")
    screenshot(page, "sessions")
    page.click("table >> a >> nth=0")
    assert "Session 1" in page.inner_text("main")
    assert "authenticate" in page.inner_text("main") and page.locator("pre.qbxml").count() > 3
    screenshot(page, "session")
    with page.expect_download() as info:
        page.click("text=Download the log, scrubbed")
    log_path = tmp_path / "session.jsonl.gz"
    info.value.save_as(str(log_path))
    with gzip.open(log_path, "rt", encoding="utf-8") as f:
        lines = [json.loads(line) for line in f]
    assert lines[0]["format"] == "qbtime-synclog" and len(lines) > 5

    # approve a week of time for everyone
    _add_entries(site, company_id)
    page.click("nav.tabs >> text=Time")
    page.fill("#a-from", "2026-11-01")
    page.fill("#a-to", "2026-11-07")
    page.click("button[value=yes]")
    assert "2 time entries approved" in page.inner_text(".flash")
    screenshot(page, "time")

    # map a payroll item in the grid: an employee's regular hours to one of their wage items
    page.click("nav.tabs >> text=Payroll mapping")
    assert "gap" in page.inner_text("main")
    cells = page.locator("select[id^=cell-][id$=-regular]")
    cell = next(
        cells.nth(i) for i in range(cells.count()) if cells.nth(i).locator("option").count() > 1
    )
    field = cell.get_attribute("id")
    chosen = cell.locator("option").nth(1).get_attribute("value")
    cell.select_option(chosen)
    page.click('button:has-text("Save mapping")')
    assert "Saved 1 change" in page.inner_text(".flash")
    assert page.locator(f"select#{field}").input_value() == chosen
    (pair,) = site.store.get_payroll_mapping(company_id).mappings
    assert (pair.hour_type, str(pair.payroll_item_id)) == ("regular", chosen)
    screenshot(page, "payroll-mapping")
    page.goto(site.url + "/")
    assert (
        page.inner_text("table tbody tr td:nth-child(7)").strip() == "2"
    )  # approved, waiting (after Health)

    # Sync now marks it due
    page.click('table a:has-text("Evergreen Builders")')
    page.click('button:has-text("Sync now")')
    assert "next poll" in page.inner_text(".flash")
    assert site.store.get_company(company_id).sync_requested_at is not None


def test_point6_other_firm_sees_404_in_the_browser(page, site: Site) -> None:
    """A user of another firm who types a company's URL gets the styled 404 page."""
    from qbwc_server import admin

    theirs = admin.add_company(site.store, site.clock, "Cedar Farms", firm="Jones LLP").company.id
    made = accounts.add_user(
        site.store, site.clock, "a@smith.example", role="admin", firm="Smith CPA"
    )
    site.store.set_admin_password(
        made.user.id,
        password_hash=accounts.hash_password(NEW_PASSWORD),
        one_time=False,
        now=site.clock.now(),
    )
    _sign_in(page, site, "a@smith.example", NEW_PASSWORD)
    answer = page.goto(f"{site.url}/companies/{theirs}/customers")
    assert answer.status == 404
    assert "Not found" in page.inner_text("main")
    screenshot(page, "not-found")
