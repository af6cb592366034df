"""Accountant invitations both ways: a firm adds a client with 'make me the primary admin'; a
company invites its accountant (accepted, expired, revoked, reused, a third firm), email through
the local SMTP sink or a link to copy."""

from __future__ import annotations

import re

import pytest

from qbwc_server.app import create_app
from tests.smtp_sink import smtp_sink
from tests.web.admin.conftest import Client, World, make_user

_LINK = re.compile(r'<code id="invite-link">http://localhost(/invitations/[^<]+)</code>')


def _invite(boss: Client, company: int, email: str = "acc@green.example") -> str:
    page = boss.post(f"/companies/{company}/accountant/invite", {"email": email, "name": "Ann Acc"})
    assert page.status_code == 200, page.get_data(as_text=True)
    found = _LINK.search(page.get_data(as_text=True))
    assert found
    return found.group(1)


@pytest.fixture
def green(app, world: World) -> Client:
    """The owner of Green & Co (no clients yet), signed in."""
    from qbwc_server import accounts  # noqa: F401

    world.store.add_admin_user(
        email="x@x.example",
        password_hash="x",
        role="owner",
        firm_name="Green & Co",
        company_id=None,
        now=world.clock.now(),
    )
    make_user(world.store, world.clock, "acc@green.example", "owner", firm="Green & Co")
    c = Client(app.test_client())
    assert c.sign_in("acc@green.example").status_code == 302
    return c


def _own_company(world: World) -> int:
    """A company that manages itself (no firm), with its own admin (the primary admin)."""
    from qbwc_server import admin

    company = admin.add_company(world.store, world.clock, "Self Made").company.id
    make_user(world.store, world.clock, "me@self.example", "admin", company_id=company)
    return company


def test_invitation_accepted_then_reused_refused(app, world: World, green: Client) -> None:
    """The accountant accepts the link; the company shows in their list; the link works once."""
    company = _own_company(world)
    boss = Client(app.test_client())
    assert boss.sign_in("me@self.example").status_code == 302
    link = _invite(boss, company)
    assert "No mail server" in boss.get(f"/companies/{company}/accountant").get_data(as_text=True)
    page = green.get(link)
    assert page.status_code == 200 and "Self Made" in page.get_data(as_text=True)
    firm = world.store.find_firm("Green & Co")
    assert firm
    assert green.post(link, {"firm": str(firm.id)}).status_code == 302
    assert "Self Made" in green.get("/").get_data(as_text=True)
    again = green.post(link, {"firm": str(firm.id)})
    assert again.status_code == 409 and "already been used" in again.get_data(as_text=True)


def test_expired_revoked_and_bad_links(app, world: World, green: Client) -> None:
    """Past 14 days, after revoke, or a tampered link: refused, and the company gains no firm."""
    company = _own_company(world)
    boss = Client(app.test_client())
    assert boss.sign_in("me@self.example").status_code == 302
    firm = world.store.find_firm("Green & Co")
    assert firm
    link = _invite(boss, company)
    world.clock.advance(days=15)
    expired = green.post(link, {"firm": str(firm.id)})
    assert expired.status_code == 409 and "expired" in expired.get_data(as_text=True)
    (inv,) = world.store.invitations_of(company, now=world.clock.now())
    assert boss.post(f"/companies/{company}/accountant/{inv.id}/revoke").status_code == 302
    revoked = green.post(link, {"firm": str(firm.id)})
    assert revoked.status_code == 409 and "withdrawn" in revoked.get_data(as_text=True)
    assert green.get(link[:-3] + "xyz").status_code == 404
    assert world.store.company_firm_ids(company) == []


def test_third_firm_refused_and_remove_gives_primary_back(
    app, world: World, green: Client, signed_in
) -> None:
    """a1 has Smith CPA; Green & Co joins as second; a third (Jones LLP) is refused; removing
    the firm that held the primary-admin role gives it back to the company."""
    world.store.set_primary_admin_firm(world.a1, None)
    boss = signed_in("company_admin")
    firm = world.store.find_firm("Green & Co")
    jones = world.store.find_firm("Jones LLP")
    assert firm and jones
    assert green.post(_invite(boss, world.a1), {"firm": str(firm.id)}).status_code == 302
    third = signed_in("other_owner")
    refused = third.post(_invite(boss, world.a1, "owner@jones.example"), {"firm": str(jones.id)})
    assert refused.status_code == 409 and "2 firms" in refused.get_data(as_text=True)
    smith = world.store.find_firm("Smith CPA")
    assert smith
    world.store.set_primary_admin_firm(world.a1, smith.id)
    assert (
        boss.post(
            f"/companies/{world.a1}/accountant/invite", {"email": "a@b.example", "name": "A"}
        ).status_code
        == 403
    )
    owner = signed_in("owner")
    assert (
        owner.post(f"/companies/{world.a1}/accountant/firms/{smith.id}/remove").status_code == 302
    )
    assert world.store.primary_admin_firm(world.a1) is None
    assert world.store.company_firm_ids(world.a1) == [firm.id]
    assert owner.get(f"/companies/{world.a1}").status_code == 404
    assert boss.get(f"/companies/{world.a1}/accountant").status_code == 200


def test_accept_into_the_second_of_two_connected_accounts(app, world: World) -> None:
    """With Smith CPA and Jones LLP connected, the accountant chooses Jones LLP for the client."""
    company = _own_company(world)
    make_user(world.store, world.clock, "acc@both.example", "owner", firm="Smith CPA")
    smith, jones = world.store.find_firm("Smith CPA"), world.store.find_firm("Jones LLP")
    assert smith and jones
    world.store.connect_firms(smith.id, {jones.id: "connected"}, now=world.clock.now())
    boss = Client(app.test_client())
    assert boss.sign_in("me@self.example").status_code == 302
    link = _invite(boss, company, "acc@both.example")
    acc = Client(app.test_client())
    assert acc.sign_in("acc@both.example").status_code == 302
    page = acc.get(link).get_data(as_text=True)
    assert "Jones LLP" in page and "Smith CPA" in page
    assert acc.post(link, {"firm": str(jones.id)}).status_code == 302
    assert world.store.company_firm_ids(company) == [jones.id]
    labels = acc.get("/").get_data(as_text=True)
    assert 'Self Made</a></td>\n    <td class="account">Jones LLP</td>' in labels


def test_firm_adds_a_client_as_primary_admin(signed_in, world: World) -> None:
    """'Make me the primary admin' gives the firm the role on the new company."""
    owner = signed_in("owner")
    made = owner.post("/companies/new", {"name": "New Client", "primary_admin": "y"})
    assert made.status_code == 302
    company = int(made.headers["Location"].split("/companies/")[1].split("/")[0])
    smith = world.store.find_firm("Smith CPA")
    assert smith and world.store.primary_admin_firm(company) == smith.id


def test_invitation_email_through_the_smtp_sink(
    settings, sqlite_store, clock, tickets, world: World
) -> None:
    """With SMTP settings the invitation is also sent, and its link is in the mail."""
    from dataclasses import replace

    company = _own_company(world)
    with smtp_sink() as sink:
        app = create_app(
            replace(settings, **sink.settings_changes()),
            clock=clock,
            tickets=tickets,
            store=sqlite_store,
        )
        boss = Client(app.test_client())
        assert boss.sign_in("me@self.example").status_code == 302
        link = _invite(boss, company)
        (msg,) = sink.wait_for(1)
        assert msg["To"] == "Ann Acc <acc@green.example>"
        assert link in msg.get_content()


def test_an_accountant_without_an_account_creates_a_firm_account_from_the_link(
    app, world: World
) -> None:
    """Not signed in, the link offers sign-in or a new firm account; the new account's owner is
    the invited email, the company joins it, and the link then works no more."""
    company = _own_company(world)
    boss = Client(app.test_client())
    assert boss.sign_in("me@self.example").status_code == 302
    link = _invite(boss, company, email="new@fresh.example")
    stranger = Client(app.test_client())
    page = stranger.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Self Made" in html and "Create a firm account" in html
    assert "Sign in to accept" in html
    posted = stranger.post(link, {"firm": "1"})
    assert posted.status_code == 302 and "/login" in posted.headers["Location"]
    taken = stranger.post(
        link + "/new-firm",
        {"firm_name": "Smith CPA", "new": "a long new password", "repeat": "a long new password"},
    )
    assert taken.status_code == 400 and "exists already" in taken.get_data(as_text=True)
    short = stranger.post(link + "/new-firm", {"firm_name": "Fresh", "new": "x", "repeat": "x"})
    assert short.status_code == 400 and "at least 12" in short.get_data(as_text=True)
    assert world.store.find_firm("Fresh") is None
    made = stranger.post(
        link + "/new-firm",
        {
            "firm_name": " Fresh  Books ",
            "new": "a long new password",
            "repeat": "a long new password",
        },
    )
    assert made.status_code == 302 and made.headers["Location"].endswith(f"/companies/{company}")
    firm = world.store.find_firm("Fresh Books")
    assert firm is not None and firm.id in world.store.company_firm_ids(company)
    assert "Self Made" in stranger.get("/").get_data(as_text=True)
    again = Client(app.test_client()).post(
        link + "/new-firm",
        {"firm_name": "Other", "new": "a long new password", "repeat": "a long new password"},
    )
    assert again.status_code == 410 and world.store.find_firm("Other") is None
    fresh = Client(app.test_client())
    assert fresh.sign_in("new@fresh.example", "a long new password").status_code == 302


def test_a_forged_link_names_nothing_to_a_stranger(app, world: World) -> None:
    _own_company(world)
    page = Client(app.test_client()).get("/invitations/forged.value")
    assert page.status_code == 404 and "Self Made" not in page.get_data(as_text=True)
    post = Client(app.test_client()).post(
        "/invitations/forged.value/new-firm",
        {"firm_name": "X", "new": "a long new password", "repeat": "a long new password"},
    )
    assert post.status_code == 404 and world.store.find_firm("X") is None
