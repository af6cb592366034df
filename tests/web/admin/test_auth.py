"""Sign-in, sign-out, one-time passwords, password change, throttling and cookie settings."""

from __future__ import annotations

import pytest

from qbwc_server import accounts
from qbwc_server.app import create_app
from tests.web.admin.conftest import PASSWORD, Client


def test_point1_sign_in_page_has_the_csrf_field(client: Client) -> None:
    """The sign-in page is /login and its form carries Flask-WTF's hidden csrf_token."""
    page = client.get("/login")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'type="hidden"' in html and 'name="csrf_token"' in html


def test_point1_pages_need_a_signed_in_user(client: Client, world) -> None:
    """A visitor who is not signed in is sent to /login, with the page to come back to."""
    answer = client.get(f"/companies/{world.a1}")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/login?next=")


def test_point1_sign_in_with_the_right_password(client: Client, world) -> None:
    """The right email and password open the dashboard; the email's case does not matter."""
    answer = client.sign_in(world.emails["owner"].upper())
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    assert "Acme Builders" in client.get("/").get_data(as_text=True)


def test_point1_wrong_password_is_refused_with_a_sentence(client: Client, world) -> None:
    """A wrong password (or an unknown email) gets 401 and the same sentence."""
    wrong = client.sign_in(world.emails["owner"], "not the password")
    unknown = client.sign_in("nobody@nowhere.example", "not the password")
    for answer in (wrong, unknown):
        assert answer.status_code == 401
        assert "do not match" in answer.get_data(as_text=True)


def test_point1_next_never_leaves_the_site(client: Client, world) -> None:
    """The page to come back to after sign-in is a path on this site, never another host."""
    answer = client.post(
        "/login",
        {"email": world.emails["owner"], "password": PASSWORD, "next": "//evil.example/x"},
    )
    assert answer.headers["Location"] == "/"


def test_point1_throttled_sign_in(client: Client, world) -> None:
    """After five wrong passwords the right one is refused too (429) until the window passes."""
    email = world.emails["owner"]
    for _ in range(5):
        assert client.sign_in(email, "wrong password!").status_code == 401
    answer = client.sign_in(email)
    assert answer.status_code == 429
    assert "Too many failed sign-ins" in answer.get_data(as_text=True)
    world.clock.advance(minutes=16)
    assert client.sign_in(email).status_code == 302


def test_point1_throttled_per_address(app, world) -> None:
    """Twenty failures from one address lock that address out for every email."""
    c = Client(app.test_client())
    for n in range(20):
        c.sign_in(f"guess{n}@nowhere.example", "wrong password!")
    assert c.sign_in(world.emails["admin"]).status_code == 429


def test_point1_one_time_password_must_be_changed_first(app, world) -> None:
    """A user signed in with a one-time password is sent to change it before any other page."""
    made = accounts.add_user(
        world.store, world.clock, "new@smith.example", role="admin", firm="Smith CPA"
    )
    c = Client(app.test_client())
    answer = c.sign_in("new@smith.example", made.password)
    assert answer.headers["Location"] == "/account/password"
    assert c.get("/").headers["Location"] == "/account/password"
    changed = c.post(
        "/account/password",
        {"current": made.password, "new": "a much better secret", "repeat": "a much better secret"},
    )
    assert changed.status_code == 302
    assert c.get("/").status_code == 200


def test_point1_password_change_validates_and_keeps_nothing(signed_in, world) -> None:
    """A short, mismatched or wrong-current password change is refused with a sentence."""
    c = signed_in("owner")
    cases = [
        (
            {"current": "wrong", "new": "long enough pass", "repeat": "long enough pass"},
            "current password",
        ),
        ({"current": PASSWORD, "new": "short", "repeat": "short"}, "at least 12"),
        ({"current": PASSWORD, "new": "long enough pass", "repeat": "long enough pas"}, "differ"),
    ]
    for data, words in cases:
        answer = c.post("/account/password", data)
        assert answer.status_code == 400
        assert words in answer.get_data(as_text=True)
    assert (
        Client(c.http.application.test_client()).sign_in(world.emails["owner"]).status_code == 302
    )


def test_point1_password_change_signs_out_other_sessions(app, signed_in, world) -> None:
    """Changing the password ends the user's other sessions but keeps the current one."""
    first, second = signed_in("owner"), signed_in("owner")
    answer = first.post(
        "/account/password",
        {"current": PASSWORD, "new": "another long secret", "repeat": "another long secret"},
    )
    assert answer.status_code == 302
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302


def test_point1_sign_out_is_a_post_with_csrf(signed_in) -> None:
    """Sign-out is a POST with the CSRF token; afterwards pages ask to sign in again."""
    c = signed_in("owner")
    assert c.get("/logout").status_code == 405
    assert c.post("/logout", csrf=False).status_code == 400
    assert c.post("/logout").status_code == 302
    assert c.get("/").status_code == 302


@pytest.mark.parametrize(
    ("public_url", "secure"), [("", False), ("https://sync.example.com", True)]
)
def test_point1_cookie_settings(
    settings, sqlite_store, clock, tickets, world, public_url: str, secure: bool
) -> None:
    """The session cookie is HttpOnly and SameSite=Lax, and Secure when public_url is https."""
    app = create_app(
        settings.replace(public_url=public_url), clock=clock, tickets=tickets, store=sqlite_store
    )
    base = "https://localhost" if secure else "http://localhost"
    c = Client(app.test_client(), base)
    answer = c.post(
        "/login",
        {"email": world.emails["owner"], "password": PASSWORD},
        headers={"Referer": base + "/login"},
    )
    assert answer.status_code == 302
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie) is secure
