"""Fixtures for the admin pages: two firms with companies, a user of each role, and a signed-in
Flask test client that reads the CSRF token from the pages like a browser does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from qbwc_server import accounts, admin
from qbwc_server.app import create_app
from qbwc_server.store import SqlStore
from qbwc_server.testing import FixedClock
from tests.web.conftest import Seeder

PASSWORD = "correct horse battery"
_TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def app(settings, sqlite_store: SqlStore, clock: FixedClock, tickets):
    """The app on SQLite (the admin store queries run on PostgreSQL in tests/store)."""
    return create_app(settings, clock=clock, tickets=tickets, store=sqlite_store)


def csrf_token(html: str) -> str:
    """The hidden csrf_token of the first form on a page."""
    found = _TOKEN_RE.search(html)
    assert found, "the page has no csrf_token field"
    return found.group(1)


class Client:
    """A test client that signs in and posts forms with the page's CSRF token."""

    def __init__(self, client: FlaskClient, base_url: str = "http://localhost") -> None:
        self.http = client
        self.base_url = base_url
        self._token: str | None = None

    def get(self, url: str, **kw: Any) -> Any:
        kw.setdefault("base_url", self.base_url)
        return self.http.get(url, **kw)

    def token(self) -> str:
        if self._token is None:
            page = self.get("/login")
            if page.status_code == 302:  # signed in: every page's header has the sign-out form
                page = self.get("/account/password")
            self._token = csrf_token(page.get_data(as_text=True))
        return self._token

    def post(self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kw: Any):
        body = dict(data or {})
        if csrf:
            body.setdefault("csrf_token", self.token())
        kw.setdefault("base_url", self.base_url)
        return self.http.post(url, data=body, **kw)

    def sign_in(self, email: str, password: str = PASSWORD, *, account: str | None = None) -> Any:
        """Sign in; when the password opens several accounts, open ``account`` (a firm or
        company name) from the chooser."""
        response = self.post("/login", {"email": email, "password": password})
        self._token = None  # a new session: read the token again
        if account is not None and response.headers.get("Location") == "/login/account":
            response = self.choose(account)
        return response

    def choose(self, label: str) -> Any:
        """Press the chooser's button of the account named ``label``."""
        html = self.get("/login/account").get_data(as_text=True)
        found = re.search(r'name="account" value="(\d+)" class="primary">' + re.escape(label), html)
        assert found, f"no account {label!r} on the chooser"
        response = self.post("/login/account", {"account": found.group(1)})
        self._token = None
        return response


@dataclass
class World:
    """Firm A (Smith CPA: companies a1, a2), firm B (Jones LLP: b1) and a user of each role."""

    store: SqlStore
    clock: FixedClock
    a1: int
    a2: int
    b1: int
    emails: dict[str, str]

    def company_ids(self) -> dict[str, int]:
        return {"a1": self.a1, "a2": self.a2, "b1": self.b1}


_HASHES: dict[str, str] = {}


def password_hash(password: str = PASSWORD) -> str:
    """The scrypt hash of a test password, made once per run (scrypt is slow on purpose)."""
    if password not in _HASHES:
        _HASHES[password] = accounts.hash_password(password)
    return _HASHES[password]


def make_user(store: SqlStore, clock: FixedClock, email: str, role: str, **scope: Any) -> None:
    """A user whose password is ``PASSWORD`` (already changed from the one-time one)."""
    user = store.add_admin_user(
        email=email,
        password_hash=password_hash(),
        role=role,
        firm_name=scope.get("firm"),
        company_id=scope.get("company_id"),
        now=clock.now(),
    )
    store.set_admin_password(
        user.id, password_hash=password_hash(), one_time=False, now=clock.now()
    )


@pytest.fixture
def world(sqlite_store: SqlStore, clock: FixedClock) -> World:
    a1 = admin.add_company(sqlite_store, clock, "Acme Builders", firm="Smith CPA").company.id
    a2 = admin.add_company(sqlite_store, clock, "Birch Dental", firm="Smith CPA").company.id
    b1 = admin.add_company(sqlite_store, clock, "Cedar Farms", firm="Jones LLP").company.id
    emails = {
        "owner": "owner@smith.example",
        "admin": "admin@smith.example",
        "support": "support@smith.example",
        "company_admin": "boss@acme.example",
        "company_support": "help@acme.example",
        "other_owner": "owner@jones.example",
    }
    make_user(sqlite_store, clock, emails["owner"], "owner", firm="Smith CPA")
    make_user(sqlite_store, clock, emails["admin"], "admin", firm="Smith CPA")
    make_user(sqlite_store, clock, emails["support"], "support", firm="Smith CPA")
    make_user(sqlite_store, clock, emails["company_admin"], "admin", company_id=a1)
    make_user(sqlite_store, clock, emails["company_support"], "support", company_id=a1)
    make_user(sqlite_store, clock, emails["other_owner"], "owner", firm="Jones LLP")
    return World(sqlite_store, clock, a1, a2, b1, emails)


@pytest.fixture
def seed(sqlite_store: SqlStore, clock: FixedClock) -> Seeder:
    return Seeder(sqlite_store, clock)


@pytest.fixture
def client(app) -> Client:
    return Client(app.test_client())


@pytest.fixture
def signed_in(app, world: World):
    """``signed_in(role)``: a client signed in as that role's user of ``world``."""

    def _make(role: str, base_url: str = "http://localhost") -> Client:
        c = Client(app.test_client(), base_url)
        response = c.sign_in(world.emails[role])
        assert response.status_code == 302, response.get_data(as_text=True)
        return c

    return _make
