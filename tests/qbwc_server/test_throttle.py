"""Login throttling locks out attackers only (issue 10, points 4 and 8): the client address
behind a trusted proxy, a lock that a right password does not extend, wrong passwords of one
company that do not lock the others, and old failures purged."""

from __future__ import annotations

from sqlalchemy import func, select

from qbwc_server.store.models import LoginFailure
from qbwc_server.sync import messages
from tests.qbwc_server.conftest import authenticate_raw
from tests.qbwc_server.test_failure_paths import Qbwc

WRONG = "wrong-password-000000"


def _status(qbwc: Qbwc, user: str, password: str) -> str:
    return qbwc.authenticate(user, password)[1]


def test_point8_right_password_during_a_lock_does_not_extend_it(
    live_url, companies, clock, settings
) -> None:
    """Right passwords tried during a lock are not counted: the lock ends one window after
    the last wrong password."""
    qbwc = Qbwc(live_url)
    created = companies.add()
    user = created.company.qbwc_username
    for _ in range(settings.login_failures_per_user):
        assert _status(qbwc, user, WRONG) == "nvu"
    for _ in range(3):
        clock.advance(minutes=4)
        ticket, status, _, _ = qbwc.authenticate(user, created.password)
        assert status == "nvu"
        assert qbwc.close(ticket) == messages.THROTTLED_CLOSE.format(minutes=15)
    clock.advance(minutes=3, seconds=1)  # 15 minutes and 1 second after the last wrong one
    assert _status(qbwc, user, created.password) == ""


def test_point8_one_companys_wrong_passwords_do_not_lock_the_others(
    live_url, companies, settings
) -> None:
    """An accounting firm's PC: wrong passwords for four companies (20 failures from one
    address) leave the fifth company's right password working."""
    qbwc = Qbwc(live_url)
    made = [companies.add(f"Client {n}") for n in range(5)]
    for created in made[:4]:
        for _ in range(settings.login_failures_per_user + 2):
            assert _status(qbwc, created.company.qbwc_username, WRONG) == "nvu"
    last = made[4]
    assert _status(qbwc, last.company.qbwc_username, last.password) == ""
    assert _status(qbwc, made[0].company.qbwc_username, made[0].password) == "nvu"  # still locked


def test_point8_guessed_usernames_lock_the_address(live_url, companies, settings) -> None:
    """Failures for usernames no company has count per address: after too many, every login
    from that address is refused until the window passes."""
    qbwc = Qbwc(live_url)
    created = companies.add()
    for n in range(settings.login_failures_per_address):
        assert _status(qbwc, f"guess-{n}", WRONG) == "nvu"
    ticket, status, _, _ = qbwc.authenticate(created.company.qbwc_username, created.password)
    assert status == "nvu" and qbwc.close(ticket).startswith("Too many failed logins")


def test_point4_old_login_failures_are_purged(live_url, companies, clock, sqlite_store) -> None:
    """Failures older than the window are deleted by later failed logins: the table stays small."""
    qbwc = Qbwc(live_url)
    for n in range(6):
        _status(qbwc, f"stranger-{n}", WRONG)
    clock.advance(minutes=16)
    _status(qbwc, "one-more", WRONG)
    with sqlite_store.engine.connect() as conn:
        left = conn.scalars(select(LoginFailure.username)).all()
        assert left == ["one-more"]
        assert conn.scalar(select(func.count()).select_from(LoginFailure)) == 1


def _lock_out(url: str, forwarded_for: str, settings_limit: int) -> None:
    for n in range(settings_limit):
        answer = authenticate_raw(url, f"guess-{n}", WRONG, {"X-Forwarded-For": forwarded_for})
        assert answer[1] == "nvu"


def test_point4_client_address_comes_from_a_trusted_proxy(served) -> None:
    """With `trusted_proxies = 1`, `qbtime serve` throttles the address the proxy reports: one
    client's guesses do not lock out another client behind the same proxy."""
    instance = served(QBTIME_TRUSTED_PROXIES="1")
    good = instance.add_company("Acme")
    instance.start()
    _lock_out(instance.url, "203.0.113.7", 20)
    locked = authenticate_raw(
        instance.url, good["username"], good["password"], {"X-Forwarded-For": "203.0.113.7"}
    )
    assert locked[1] == "nvu"
    other = authenticate_raw(
        instance.url, good["username"], good["password"], {"X-Forwarded-For": "198.51.100.20"}
    )
    assert other[1] == ""


def test_point4_without_trusted_proxies_forwarded_headers_are_ignored(served) -> None:
    """With the default `trusted_proxies = 0` a client cannot pick its address with
    X-Forwarded-For: every request counts against the real peer address."""
    instance = served()
    good = instance.add_company("Acme")
    instance.start()
    _lock_out(instance.url, "203.0.113.7", 20)
    answer = authenticate_raw(
        instance.url, good["username"], good["password"], {"X-Forwarded-For": "198.51.100.20"}
    )
    assert answer[1] == "nvu"


def test_point8_store_counts_only_unknown_usernames_per_address(store, clock) -> None:
    """count_login_failures counts per address only the usernames no company has, on SQLite and
    PostgreSQL; a username longer than the column still matches its own failures."""
    from qbwc_server import admin

    known = admin.add_company(store, clock, "Acme").company.qbwc_username
    now = clock.now()
    long_name = "z" * 300
    for user in (known, known, "guess-a", "guess-b", long_name):
        store.record_login_failure(username=user, address="10.0.0.9", now=now)
    assert store.count_login_failures(username=known, address="10.0.0.9", since=now) == (2, 3)
    assert store.count_login_failures(username=long_name, address="10.0.0.9", since=now) == (1, 3)
    assert store.count_login_failures(username=known, address="10.0.0.8", since=now) == (0, 0)
