"""Connected firm accounts in the admin pages: connect, keep separate, choose the primary,
disconnect, and isolation of an unconnected account."""

from __future__ import annotations

import pytest

from tests.web.admin.conftest import Client, World, make_user

ME = "me@practice.example"


@pytest.fixture
def me(app, world: World) -> Client:
    """A person in Smith CPA and Jones LLP (one user row each), signed in to Smith CPA; a third
    account, Green & Co (client g1), is theirs too."""
    from qbwc_server import admin

    world.g1 = admin.add_company(
        world.store, world.clock, "Grove Vets", firm="Green & Co"
    ).company.id  # type: ignore[attr-defined]
    for firm in ("Smith CPA", "Jones LLP", "Green & Co"):
        make_user(world.store, world.clock, ME, "owner", firm=firm)
    c = Client(app.test_client())
    answer = c.sign_in(ME, "correct horse battery", account="Smith CPA")
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    return c


def _add(c: Client, account: str, mode: str = "connected", password: str = "correct horse battery"):
    return c.post("/firms/add", {"account": account, "password": password, "mode": mode})


def test_connect_two_accounts_shows_one_labelled_list(me: Client, world: World) -> None:
    """After confirming Jones LLP and 'Connect my accounts', the dashboard lists a1, a2 and b1,
    each with its account; Green & Co's client is not there."""
    page = me.get("/firms").get_data(as_text=True)
    assert "Jones LLP" in page and "Green &amp; Co" in page
    assert _add(me, "Jones LLP").status_code == 302
    review = me.get("/firms/review").get_data(as_text=True)
    assert "Connect my accounts" in review and "Go back" in review
    assert "Cedar Farms" not in me.get("/").get_data(as_text=True)  # nothing stored yet
    assert me.post("/firms/confirm").status_code == 302
    dashboard = me.get("/").get_data(as_text=True)
    for name in ("Acme Builders", "Birch Dental", "Cedar Farms"):
        assert name in dashboard
    assert '<td class="account">Jones LLP</td>' in dashboard
    assert '<td class="account">Smith CPA</td>' in dashboard
    assert "Grove Vets" not in dashboard
    assert me.get(f"/companies/{world.b1}").status_code == 200
    assert me.get(f"/companies/{world.g1}").status_code == 404  # type: ignore[attr-defined]


def test_a_wrong_password_or_unknown_account_confirms_nothing(me: Client) -> None:
    """The other account must be signed in to: a wrong password or a firm the email is not in
    is refused with the form kept."""
    bad = _add(me, "Jones LLP", password="wrong password!!")
    assert bad.status_code == 400 and "do not match" in bad.get_data(as_text=True)
    assert (
        me.post(
            "/firms/add", {"other": "Nobody LLP", "password": "x", "mode": "connected"}
        ).status_code
        == 400
    )
    assert me.get("/firms/review").status_code == 302


def test_keep_separate_stays_invisible(me: Client, world: World) -> None:
    """An account kept separate is connected under the sign-in but its clients stay invisible."""
    assert _add(me, "Jones LLP", mode="separate").status_code == 302
    assert me.post("/firms/confirm").status_code == 302
    assert "kept separate" in me.get("/firms").get_data(as_text=True)
    assert "Cedar Farms" not in me.get("/").get_data(as_text=True)
    assert me.get(f"/companies/{world.b1}").status_code == 404
    other = Client(me.http.application.test_client())
    assert other.sign_in(world.emails["other_owner"]).status_code == 302
    assert "Acme Builders" not in other.get("/").get_data(as_text=True)
    assert other.get(f"/companies/{world.a1}").status_code == 404


def test_choose_another_primary_then_disconnect(me: Client, world: World) -> None:
    """Jones LLP chosen as primary holds the group; disconnecting Smith CPA ends the sharing."""
    jones = world.store.find_firm("Jones LLP")
    smith = world.store.find_firm("Smith CPA")
    assert jones and smith
    assert _add(me, "Jones LLP").status_code == 302
    assert me.post("/firms/primary", {"primary": str(jones.id)}).status_code == 302
    assert me.post("/firms/confirm").status_code == 302
    rows = {r.name: r for r in world.store.list_firms()}
    assert (
        rows["Smith CPA"].primary_firm_id == jones.id and rows["Jones LLP"].primary_firm_id is None
    )
    assert me.post(f"/firms/{smith.id}/disconnect").status_code == 302
    assert "Cedar Farms" not in me.get("/").get_data(as_text=True)
    assert me.get(f"/companies/{world.b1}").status_code == 404


def test_isolation_unconnected_account_and_others(me: Client, signed_in, world: World) -> None:
    """Another firm cannot disconnect or see the group; company users get 404 on firm pages;
    the REST of the firm pages need a writer."""
    assert _add(me, "Jones LLP").status_code == 302
    assert me.post("/firms/confirm").status_code == 302
    green = world.store.find_firm("Green & Co")
    assert green
    assert me.post(f"/firms/{green.id}/disconnect").status_code == 404
    assert signed_in("company_admin").get("/firms").status_code == 404
    assert signed_in("support").get("/firms").status_code == 403
    smith_owner = signed_in("owner")  # another user of Smith CPA sees the connected clients
    assert "Cedar Farms" in smith_owner.get("/").get_data(as_text=True)
