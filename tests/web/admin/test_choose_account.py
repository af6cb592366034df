"""An email in several accounts: the account chooser at sign-in, bound to the accounts whose
password was typed, and switching accounts while signed in (issue 16)."""

from __future__ import annotations

import re

import pytest

from qbwc_server import accounts
from tests.web.admin.conftest import PASSWORD, Client, World, make_user, password_hash

ME = "me@practice.example"
GREEN_PASSWORD = "a different green secret"


@pytest.fixture
def me(world: World) -> World:
    """ME is an owner in Smith CPA and Jones LLP (same password) and in Green & Co (another
    password, client Grove Vets)."""
    from qbwc_server import admin

    admin.add_company(world.store, world.clock, "Grove Vets", firm="Green & Co")
    for firm in ("Smith CPA", "Jones LLP", "Green & Co"):
        make_user(world.store, world.clock, ME, "owner", firm=firm)
    green = _user(world, "Green & Co")
    world.store.set_admin_password(
        green, password_hash=password_hash(GREEN_PASSWORD), one_time=False, now=world.clock.now()
    )
    return world


def _user(world: World, firm: str) -> int:
    return next(u.id for u in world.store.admin_users_with_email(ME) if u.firm_name == firm)


def _choices(html: str) -> list[str]:
    return re.findall(r'name="account" value="\d+" class="primary">([^<]+)</button>', html)


def test_two_matching_accounts_ask_which_to_open(client: Client, me: World) -> None:
    """The password opens Smith CPA and Jones LLP: the chooser lists those two (not Green &
    Co), nothing is open before the choice, and the choice opens that account."""
    answer = client.sign_in(ME)
    assert answer.status_code == 302 and answer.headers["Location"] == "/login/account"
    assert client.get("/").headers["Location"].startswith("/login")  # not signed in yet
    page = client.get("/login/account")
    assert page.status_code == 200
    assert _choices(page.get_data(as_text=True)) == ["Jones LLP", "Smith CPA"]
    opened = client.choose("Jones LLP")
    assert opened.status_code == 302 and opened.headers["Location"] == "/"
    dashboard = client.get("/").get_data(as_text=True)
    assert "Cedar Farms" in dashboard and "Acme Builders" not in dashboard
    assert "Switch account" in dashboard


def test_one_matching_account_opens_at_once(client: Client, me: World) -> None:
    """Green & Co's own password opens only Green & Co, without the chooser."""
    answer = client.sign_in(ME, GREEN_PASSWORD)
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    assert "Grove Vets" in client.get("/").get_data(as_text=True)


def test_the_choice_cannot_name_an_unproven_account(client: Client, me: World) -> None:
    """Only accounts whose password was typed can be chosen: Green & Co's id, another person's
    id, garbage, a tampered session value or no sign-in at all open nothing."""
    assert client.sign_in(ME).headers["Location"] == "/login/account"
    other = me.store.find_admin_user(me.emails["other_owner"])
    assert other is not None
    for wanted in (str(_user(me, "Green & Co")), str(other.id), "x", ""):
        answer = client.post("/login/account", {"account": wanted})
        assert answer.status_code == 400, wanted
        assert client.get("/").status_code == 302
    with client.http.session_transaction() as session:
        session["qbtime_accounts"] = session["qbtime_accounts"][:-3] + "AAA"
    assert (
        client.post("/login/account", {"account": str(_user(me, "Smith CPA"))}).status_code == 302
    )
    assert client.get("/").headers["Location"].startswith("/login")
    fresh = Client(client.http.application.test_client())
    answer = fresh.post("/login/account", {"account": str(_user(me, "Smith CPA"))})
    assert answer.headers["Location"] == "/login"
    assert fresh.get("/").headers["Location"].startswith("/login")


def test_the_choice_expires_and_needs_its_csrf_token(client: Client, me: World) -> None:
    """The choice is a CSRF POST and must be made within five minutes of the password."""
    client.sign_in(ME)
    smith = str(_user(me, "Smith CPA"))
    assert client.post("/login/account", {"account": smith}, csrf=False).status_code == 400
    me.clock.advance(minutes=6)
    assert client.post("/login/account", {"account": smith}).headers["Location"] == "/login"
    assert client.get("/").headers["Location"].startswith("/login")


def test_sign_out_forgets_the_proven_accounts(client: Client, me: World) -> None:
    """After signing out, the chooser is gone: the next person must type a password."""
    client.sign_in(ME, account="Smith CPA")
    assert client.post("/logout").status_code == 302
    answer = client.post("/login/account", {"account": str(_user(me, "Jones LLP"))})
    assert answer.headers["Location"] == "/login"


def test_switch_among_proven_accounts_without_a_password(client: Client, me: World) -> None:
    """Signed in to Smith CPA, Jones LLP opens at once; Green & Co asks for its password."""
    client.sign_in(ME, account="Smith CPA")
    page = client.get("/account/switch").get_data(as_text=True)
    assert "Jones LLP" in page and "Green &amp; Co" in page
    green, jones = _user(me, "Green & Co"), _user(me, "Jones LLP")
    assert f'id="password-{green}"' in page and f'id="password-{jones}"' not in page
    answer = client.post("/account/switch", {"account": str(jones)})
    assert answer.status_code == 302
    dashboard = client.get("/").get_data(as_text=True)
    assert "Cedar Farms" in dashboard and "Acme Builders" not in dashboard
    # and back again
    assert (
        client.post("/account/switch", {"account": str(_user(me, "Smith CPA"))}).status_code == 302
    )
    assert "Acme Builders" in client.get("/").get_data(as_text=True)


def test_switch_to_an_unproven_account_asks_its_password(client: Client, me: World) -> None:
    """A wrong password for Green & Co is refused (and counts as a failed sign-in); the right
    one opens it, and from then on it switches without a password."""
    client.sign_in(ME, account="Smith CPA")
    green = str(_user(me, "Green & Co"))
    for typed in ("", PASSWORD, "not the password"):
        answer = client.post("/account/switch", {"account": green, "password": typed})
        assert answer.status_code == 401, typed
        assert "does not open this account" in answer.get_data(as_text=True)
    assert "Grove Vets" not in client.get("/").get_data(as_text=True)
    assert (
        client.post("/account/switch", {"account": green, "password": GREEN_PASSWORD}).status_code
        == 302
    )
    assert "Grove Vets" in client.get("/").get_data(as_text=True)
    smith = str(_user(me, "Smith CPA"))
    assert client.post("/account/switch", {"account": smith}).status_code == 302
    assert client.post("/account/switch", {"account": green}).status_code == 302
    assert "Grove Vets" in client.get("/").get_data(as_text=True)


def test_switch_is_throttled_like_sign_in(client: Client, me: World) -> None:
    """Five wrong passwords for another account lock the email out, the right one included."""
    client.sign_in(ME, account="Smith CPA")
    green = str(_user(me, "Green & Co"))
    for _ in range(3):  # the sign-in's failures count as well: five in all
        assert (
            client.post("/account/switch", {"account": green, "password": "wrong!"}).status_code
            == 401
        )
    fresh = Client(client.http.application.test_client())
    for _ in range(2):
        assert fresh.sign_in(ME, "wrong password!").status_code == 401
    answer = client.post("/account/switch", {"account": green, "password": GREEN_PASSWORD})
    assert answer.status_code == 429
    assert "Grove Vets" not in client.get("/").get_data(as_text=True)


def test_switch_cannot_open_another_persons_account(client: Client, me: World) -> None:
    """Only accounts of the signed-in email are offered; any other id is refused (400)."""
    client.sign_in(ME, account="Smith CPA")
    other = me.store.find_admin_user(me.emails["owner"])
    assert other is not None
    answer = client.post("/account/switch", {"account": str(other.id), "password": PASSWORD})
    assert answer.status_code == 400
    assert (
        client.post(
            "/account/switch", {"account": str(_user(me, "Jones LLP"))}, csrf=False
        ).status_code
        == 400
    )


def test_a_password_reset_ends_the_proof_for_that_account(client: Client, me: World) -> None:
    """After Jones LLP's password is reset, switching to it asks for the new password."""
    client.sign_in(ME, account="Smith CPA")
    jones = _user(me, "Jones LLP")
    me.store.set_admin_password(
        jones, password_hash=password_hash(GREEN_PASSWORD), one_time=False, now=me.clock.now()
    )
    page = client.get("/account/switch").get_data(as_text=True)
    assert f'id="password-{jones}"' in page
    assert client.post("/account/switch", {"account": str(jones)}).status_code == 401


def test_the_proof_for_switching_lasts_eight_hours(client: Client, me: World) -> None:
    """Later than that, a password is asked for every other account."""
    client.sign_in(ME, account="Smith CPA")
    me.clock.advance(hours=9)
    jones = _user(me, "Jones LLP")
    assert f'id="password-{jones}"' in client.get("/account/switch").get_data(as_text=True)


def test_a_single_account_email_has_no_switch_link(signed_in) -> None:
    """The header offers Switch account only to an email in several accounts."""
    c = signed_in("owner")
    assert "Switch account" not in c.get("/").get_data(as_text=True)
    page = c.get("/account/switch").get_data(as_text=True)
    assert "signed in" in page


def test_every_account_of_the_email_costs_one_password_check(
    me: World, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Right, wrong or half-right, an email in three accounts is checked three times (so the
    time does not say which matched); an unknown email once, against a dummy hash."""
    calls: list[str] = []
    real = accounts.check_password_hash

    def counting(hashed: str, password: str) -> bool:
        calls.append(hashed)
        return real(hashed, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    for typed, opened in ((PASSWORD, 2), (GREEN_PASSWORD, 1), ("wrong password!", 0)):
        calls.clear()
        outcome = accounts.sign_in(me.store, settings, me.clock, ME, typed, "10.0.0.1")
        assert len(calls) == 3 and len(outcome.users) == opened
    calls.clear()
    accounts.sign_in(me.store, settings, me.clock, "nobody@nowhere.example", PASSWORD, "10.0.0.1")
    assert len(calls) == 1


def test_a_chosen_account_with_a_one_time_password_asks_for_a_new_one(
    client: Client, me: World
) -> None:
    """An account whose password is still the one-time one goes to the password page."""
    jones = _user(me, "Jones LLP")
    me.store.set_admin_password(
        jones, password_hash=password_hash(), one_time=True, now=me.clock.now()
    )
    client.sign_in(ME)
    assert client.choose("Jones LLP").headers["Location"] == "/account/password"
    assert client.get("/").headers["Location"] == "/account/password"
