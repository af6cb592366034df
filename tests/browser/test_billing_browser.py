"""Issue 16 in a real browser (JavaScript off): the firm proposes to take over a client's
billing, the client's primary admin sees the notice and confirms, and both see the history."""

from __future__ import annotations

from datetime import date

import pytest

from qbwc_server import accounts, admin
from tests.browser.conftest import Site

pytestmark = pytest.mark.browser

PASSWORD = "a long browser password"


def _user(site: Site, email: str, **scope: object) -> None:
    made = accounts.add_user(site.store, site.clock, email, **scope)  # type: ignore[arg-type]
    site.store.set_admin_password(
        made.user.id,
        password_hash=accounts.hash_password(PASSWORD),
        one_time=False,
        now=site.clock.now(),
    )


def _sign_in(page, site: Site, email: str) -> None:
    page.goto(site.url + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")


def test_firm_proposes_and_the_primary_admin_confirms(chromium, site: Site) -> None:
    """Propose, confirm, and the firm takes over on the next billing date."""
    cid = admin.add_company(site.store, site.clock, "Acme Builders", firm="Smith CPA").company.id
    _user(site, "owner@smith.example", role="owner", firm="Smith CPA")
    _user(site, "primary@acme.example", role="owner", company_id=cid)
    firm = chromium.new_context(java_script_enabled=False).new_page()
    client = chromium.new_context(java_script_enabled=False).new_page()
    try:
        _sign_in(firm, site, "owner@smith.example")
        firm.goto(f"{site.url}/companies/{cid}/billing")
        firm.click("text=Propose to take over billing")
        assert "The firm (owner@smith.example) proposed" in firm.inner_text("#billing-pending")

        _sign_in(client, site, "primary@acme.example")
        client.goto(f"{site.url}/companies/{cid}")
        client.click("#billing-notice a")
        client.click("button:has-text('Confirm')")
        assert "from 2026-12-01" in client.inner_text("main")
        assert "confirmed" in client.inner_text("#billing-history")

        firm.goto(f"{site.url}/companies/{cid}/billing")
        assert "the firm takes over on 2026-12-01" in firm.inner_text("main")
        assert "primary@acme.example" in firm.inner_text("#billing-history")
    finally:
        firm.context.close()
        client.context.close()
    owner = site.store.billing_record(cid).owner(date(2026, 12, 1))
    assert owner.owner == "firm"
