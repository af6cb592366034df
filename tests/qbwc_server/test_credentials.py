"""Web Connector passwords: keyed HMAC-SHA-256, older scrypt hashes migrate at login (issue #15)."""

from __future__ import annotations

import hmac

import pytest
from werkzeug import security

from qbwc_server import admin
from qbwc_server.errors import ConfigurationError
from qbwc_server.store import SqlStore, make_engine, upgrade_schema
from qbwc_server.sync import credentials
from qbwc_server.testing import FixedClock
from tests.conftest import make_store
from tests.qbwc_server.conftest import WSDLS, zeep_service


@pytest.fixture
def qbwc(live_url: str):
    wsdl, binding = WSDLS["intuit-troubleshoot"]
    return zeep_service(wsdl, binding, f"{live_url}/qbwc")


def _status(qbwc, user: str, password: str) -> str:
    return qbwc.authenticate(strUserName=user, strPassword=password)[1] or ""


def test_point5_generated_passwords_are_stored_as_keyed_hmac(qbwc, companies, sqlite_store):
    """A new company's password is stored as HMAC-SHA-256 under the installation's key."""
    created = companies.add()
    stored = sqlite_store.get_company(created.company.id).password_hash
    secret = sqlite_store.get_installation().secret_key
    assert stored == credentials.GeneratedPasswords(secret).hash(created.password)
    assert stored.startswith("hmac-sha256$") and created.password not in stored
    assert stored != credentials.GeneratedPasswords(secret + "x").hash(created.password)
    assert _status(qbwc, created.company.qbwc_username, created.password) == ""
    again = admin.regenerate_password(sqlite_store, created.company.id)
    assert sqlite_store.get_company(created.company.id).password_hash.startswith("hmac-sha256$")
    assert _status(qbwc, created.company.qbwc_username, created.password) == "nvu"
    assert _status(qbwc, created.company.qbwc_username, again) == "busy"


def test_point5_scrypt_hash_migrates_at_the_next_successful_login(qbwc, companies, sqlite_store):
    """An older scrypt hash still logs in, and the successful login replaces it with the HMAC."""
    created = companies.add()
    company_id, user = created.company.id, created.company.qbwc_username
    legacy = credentials.hash_password(created.password)
    assert legacy.startswith("scrypt:")
    sqlite_store.update_company(company_id, password_hash=legacy)
    assert _status(qbwc, user, created.password + "x") == "nvu"
    assert sqlite_store.get_company(company_id).password_hash == legacy  # a failure changes nothing
    assert _status(qbwc, user, created.password) == ""
    migrated = sqlite_store.get_company(company_id).password_hash
    secret = sqlite_store.get_installation().secret_key
    assert migrated == credentials.GeneratedPasswords(secret).hash(created.password)
    assert _status(qbwc, user, created.password) == "busy"  # the new hash logs in too


def test_point5_unknown_user_does_the_work_of_a_known_user(monkeypatch, sqlite_store):
    """Unknown users, wrong and right passwords each cost one HMAC and one constant-time compare."""
    passwords = credentials.GeneratedPasswords.of(sqlite_store)
    stored = passwords.hash("the-right-password-xyz")
    calls: list[str] = []
    real_new, real_compare = hmac.new, hmac.compare_digest

    def counting_new(*args, **kwargs):
        calls.append("hmac")
        return real_new(*args, **kwargs)

    def counting_compare(a, b):
        calls.append("compare")
        return real_compare(a, b)

    def no_scrypt(*args, **kwargs):
        raise AssertionError("scrypt must not run for generated passwords")

    monkeypatch.setattr(credentials.hmac, "new", counting_new)
    monkeypatch.setattr(credentials.hmac, "compare_digest", counting_compare)
    monkeypatch.setattr(credentials, "check_password_hash", no_scrypt)
    seen = []
    for stored_hash, password, want in [
        (None, "the-right-password-xyz", False),
        (stored, "the-right-password-xyz", True),
        (stored, "a-wrong-password-xyz1", False),
    ]:
        calls.clear()
        assert passwords.check(stored_hash, password) == (want, None)
        seen.append(list(calls))
    assert seen == [["hmac", "compare"]] * 3


def test_point5_people_keep_scrypt_and_hashes_need_an_installation(tmp_path):
    """Passwords people choose stay scrypt; without an installation there is no HMAC key."""
    assert credentials.hash_password("chosen by a person").startswith("scrypt:")
    assert security.check_password_hash(credentials.hash_password("p w"), "p w")
    store = make_store(f"sqlite:///{tmp_path / 'x.sqlite3'}", FixedClock())
    try:
        with pytest.raises(ValueError, match="secret"):
            credentials.GeneratedPasswords("")
        assert credentials.GeneratedPasswords.of(store).hash("a") != credentials.GeneratedPasswords(
            "other"
        ).hash("a")
    finally:
        store.dispose()
    bare = tmp_path / "bare.sqlite3"
    engine = make_engine(f"sqlite:///{bare}")
    upgrade_schema(engine)
    empty = SqlStore(engine)
    try:
        with pytest.raises(ConfigurationError, match="qbtime init"):
            credentials.GeneratedPasswords.of(empty)
    finally:
        empty.dispose()
