"""Connected firm accounts and an accountant invitation in a real browser (JavaScript off):
connect two accounts and see one labelled client list; a company invites its accountant, who
accepts into the second of two connected accounts."""

from __future__ import annotations

import re

import pytest

from qbwc_server import admin
from tests.browser.conftest import Site
from tests.web.admin.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


def _sign_in(page, site: Site, email: str, account: str | None = None) -> None:
    page.goto(site.url + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    if account is not None:  # the password opens several accounts: choose one
        page.click(f"#accounts button:has-text('{account}')")


def test_connect_accounts_and_accept_an_invitation_into_the_second(page, site: Site) -> None:
    """Smith CPA connects Jones LLP (labelled list), then a self-managed company's invitation is
    accepted into Jones LLP, and its client shows labelled Jones LLP."""
    store, clock = site.store, site.clock
    admin.add_company(store, clock, "Acme Builders", firm="Smith CPA")
    admin.add_company(store, clock, "Cedar Farms", firm="Jones LLP")
    own = admin.add_company(store, clock, "Self Made").company.id
    for firm in ("Smith CPA", "Jones LLP"):
        make_user(store, clock, "me@practice.example", "owner", firm=firm)
    make_user(store, clock, "boss@self.example", "admin", company_id=own)

    _sign_in(page, site, "me@practice.example", "Smith CPA")
    page.click("text=Firm accounts")
    page.select_option("#account", "Jones LLP")
    page.fill("#password", PASSWORD)
    page.check("input[name=mode][value=connected]")
    page.click("text=Confirm this account")
    assert "Jones LLP" in page.inner_text("#pending")
    page.click("a[href$='/firms/review']")
    page.click("button:has-text('Connect my accounts')")
    rows = page.inner_text("table.table")
    assert "Acme Builders" in rows and "Cedar Farms" in rows
    assert re.search(r"Cedar Farms\s+Jones LLP", rows) and re.search(
        r"Acme Builders\s+Smith CPA", rows
    )
    page.click("text=Sign out")

    _sign_in(page, site, "boss@self.example")
    page.goto(f"{site.url}/companies/{own}/accountant")
    page.fill("#email", "me@practice.example")
    page.fill("#name", "Ann Acc")
    page.click("main form.card button[type=submit]")
    link = page.inner_text("#invite-link")
    page.click("text=Sign out")

    _sign_in(page, site, "me@practice.example", "Smith CPA")
    assert link.startswith(site.url + "/invitations/")  # built from the request's host
    page.goto(link)
    page.select_option("#firm", label="Jones LLP")
    page.click("main button.primary")
    page.goto(site.url + "/")
    assert re.search(r"Self Made\s+Jones LLP", page.inner_text("table.table"))


def test_choose_an_account_at_sign_in_then_switch(page, site: Site) -> None:
    """An email in two firm accounts with one password chooses Jones LLP at sign-in, sees its
    client only, then switches to Smith CPA from the header without typing a password."""
    store, clock = site.store, site.clock
    admin.add_company(store, clock, "Acme Builders", firm="Smith CPA")
    admin.add_company(store, clock, "Cedar Farms", firm="Jones LLP")
    for firm in ("Smith CPA", "Jones LLP"):
        make_user(store, clock, "me@practice.example", "owner", firm=firm)

    _sign_in(page, site, "me@practice.example")
    assert page.url == site.url + "/login/account"
    listed = page.inner_text("#accounts")
    assert "Smith CPA" in listed and "Jones LLP" in listed
    page.click("#accounts button:has-text('Jones LLP')")
    rows = page.inner_text("table.table")
    assert "Cedar Farms" in rows and "Acme Builders" not in rows

    page.click("text=Switch account")
    page.click("button:has-text('Open Smith CPA')")
    rows = page.inner_text("table.table")
    assert "Acme Builders" in rows and "Cedar Farms" not in rows
    assert "Smith CPA" in page.inner_text(".topnav")
