"""Client set-up from the firm in the store (issue 16), on SQLite and PostgreSQL: payroll
settings, set-up progress, and client administrator invitations: single use, expiry, a newer
invitation replacing an older one, the firm's notices."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mappings.payroll_settings import PayrollSettings
from qbwc_server.errors import NotFoundError
from qbwc_server.store import SqlStore
from qbwc_server.testing import FixedClock
from tests.store.conftest import add_company


def _firm(store: SqlStore, clock: FixedClock, name: str = "Firm A") -> int:
    user = store.add_admin_user(
        email=f"owner@{name.replace(' ', '').lower()}.example",
        password_hash="x",
        role="owner",
        firm_name=name,
        company_id=None,
        now=clock.now(),
    )
    assert user.firm_id is not None
    return user.firm_id


def _invite(store: SqlStore, clock: FixedClock, company: int, firm: int | None, **kw: object):
    base: dict[str, object] = {
        "firm_id": firm,
        "email": "boss@client.example",
        "name": "Pat Boss",
        "team_member_id": None,
        "invited_by": "owner@firma.example",
        "token_hash": "a" * 64,
        "expires_at": clock.now() + timedelta(days=14),
        "now": clock.now(),
    }
    base.update(kw)
    return store.add_client_admin_invitation(company, **base)  # type: ignore[arg-type]


def test_payroll_settings_default_then_stored(store: SqlStore, clock: FixedClock) -> None:
    company = add_company(store, clock)
    assert store.payroll_settings(company) == PayrollSettings()
    assert store.get_company_setup(company).payroll_done_at is None
    wanted = PayrollSettings(
        pay_period="biweekly",
        anchor=date(2026, 11, 30),
        week_start="Sunday",
        overtime_daily_minutes=480,
        overtime_weekly_minutes=None,
    )
    assert store.put_payroll_settings(company, wanted, now=clock.now()) == wanted
    assert store.payroll_settings(company) == wanted
    assert store.get_company_setup(company).payroll_done_at == clock.now()


def test_payroll_settings_of_an_unknown_company(store: SqlStore, clock: FixedClock) -> None:
    with pytest.raises(NotFoundError):
        store.payroll_settings(999)
    with pytest.raises(NotFoundError):
        store.put_payroll_settings(999, PayrollSettings(), now=clock.now())


def test_setup_facts_include_the_new_steps(store: SqlStore, clock: FixedClock) -> None:
    company = add_company(store, clock)
    got = store.mark_company_setup(company, options_done_at=clock.now())
    assert got.options_done_at == clock.now()
    with pytest.raises(ValueError, match="unknown"):
        store.mark_company_setup(company, nonsense_at=clock.now())


def test_an_invitation_is_accepted_once(store: SqlStore, clock: FixedClock) -> None:
    company = add_company(store, clock)
    firm = _firm(store, clock)
    made = _invite(store, clock, company, firm)
    assert made.state == "pending"
    assert store.get_company_setup(company).client_admin_done_at == clock.now()
    accepted, problem = store.accept_client_admin_invitation(
        "a" * 64, password_hash="hash", now=clock.now()
    )
    assert problem is None and accepted is not None
    assert accepted.state == "accepted" and accepted.admin_user_id is not None
    user = store.get_admin_user(accepted.admin_user_id)
    assert user is not None
    assert (user.email, user.company_id, user.role) == ("boss@client.example", company, "admin")
    assert not user.must_change_password
    again, problem = store.accept_client_admin_invitation(
        "a" * 64, password_hash="other", now=clock.now()
    )
    assert again is None and problem is not None and "works once" in problem
    assert store.get_admin_user(accepted.admin_user_id).password_hash == "hash"  # type: ignore[union-attr]


def test_an_expired_invitation_changes_nothing(store: SqlStore, clock: FixedClock) -> None:
    company = add_company(store, clock)
    _invite(store, clock, company, None)
    later = clock.now() + timedelta(days=14)
    got, problem = store.accept_client_admin_invitation("a" * 64, password_hash="h", now=later)
    assert got is None and problem is not None and "expired" in problem
    assert store.client_admin_invitations(company, now=later)[0].state == "expired"
    assert not [u for u in store.list_admin_users() if u.company_id == company]


def test_a_new_invitation_withdraws_the_older_one(store: SqlStore, clock: FixedClock) -> None:
    company = add_company(store, clock)
    first = _invite(store, clock, company, None)
    _invite(store, clock, company, None, token_hash="b" * 64)
    states = {i.id: i.state for i in store.client_admin_invitations(company, now=clock.now())}
    assert states[first.id] == "revoked"
    _, problem = store.accept_client_admin_invitation("a" * 64, password_hash="h", now=clock.now())
    assert problem is not None and "revoked" in problem


def test_revoke_and_renew(store: SqlStore, clock: FixedClock) -> None:
    company = add_company(store, clock)
    made = _invite(store, clock, company, None)
    renewed = store.renew_client_admin_invitation(
        company,
        made.id,
        token_hash="c" * 64,
        expires_at=clock.now() + timedelta(days=20),
        now=clock.now(),
    )
    assert renewed is not None
    assert store.client_admin_invitation_by_token("a" * 64, now=clock.now()) is None
    assert store.client_admin_invitation_by_token("c" * 64, now=clock.now()) is not None
    other = add_company(store, clock, name="Other")
    assert not store.revoke_client_admin_invitation(other, made.id, now=clock.now())
    assert store.revoke_client_admin_invitation(company, made.id, now=clock.now())
    assert not store.revoke_client_admin_invitation(company, made.id, now=clock.now())
    assert (
        store.renew_client_admin_invitation(
            company, made.id, token_hash="d" * 64, expires_at=clock.now(), now=clock.now()
        )
        is None
    )


def test_a_team_member_of_another_company_is_refused(store: SqlStore, clock: FixedClock) -> None:
    company = add_company(store, clock)
    with pytest.raises(NotFoundError):
        _invite(store, clock, company, None, team_member_id=12345)
    assert store.client_admin_invitations(company, now=clock.now()) == []


def test_an_existing_administrator_is_not_made_twice(store: SqlStore, clock: FixedClock) -> None:
    company = add_company(store, clock)
    store.add_admin_user(
        email="boss@client.example",
        password_hash="x",
        role="admin",
        firm_name=None,
        company_id=company,
        now=clock.now(),
    )
    _invite(store, clock, company, None)
    got, problem = store.accept_client_admin_invitation(
        "a" * 64, password_hash="h", now=clock.now()
    )
    assert got is None and problem is not None and "already administers" in problem
    assert store.client_admin_invitations(company, now=clock.now())[0].state == "pending"


def test_notices_reach_the_inviting_firm_until_dismissed(
    store: SqlStore, clock: FixedClock
) -> None:
    company = add_company(store, clock)
    firm = _firm(store, clock)
    stranger = _firm(store, clock, "Firm B")
    made = _invite(store, clock, company, firm)
    assert store.client_admin_notices([firm], now=clock.now()) == []
    store.accept_client_admin_invitation("a" * 64, password_hash="h", now=clock.now())
    (notice,) = store.client_admin_notices([firm], now=clock.now())
    assert (notice.id, notice.company_name) == (made.id, "Acme")
    assert store.client_admin_notices([stranger], now=clock.now()) == []
    assert store.client_admin_notices([], now=clock.now()) == []
    assert not store.dismiss_client_admin_notice(made.id, [stranger], now=clock.now())
    assert store.dismiss_client_admin_notice(made.id, [firm], now=clock.now())
    assert store.client_admin_notices([firm], now=clock.now()) == []


def test_worked_days_groups_minutes_per_day_and_hour_type(
    store: SqlStore, clock: FixedClock
) -> None:
    import uuid

    from sqlalchemy import insert, select
    from sqlalchemy.orm import Session

    from qbwc_server.store.models import TeamMember, TimeEntry
    from tests.store.test_lists import apply, sample_rows

    company = add_company(store, clock)
    apply(store, company, sample_rows()["team_member"], clock.now())
    with Session(store.engine) as s, s.begin():
        member = s.scalars(select(TeamMember.id).where(TeamMember.company_id == company)).first()
        for day, seconds, hour_type, deleted in [
            (2, 7200, "regular", False),
            (2, 5400, "regular", False),
            (2, 3600, "overtime", False),
            (3, 3600, "regular", True),
            (30, 3600, "regular", False),
        ]:
            s.execute(
                insert(TimeEntry),
                {
                    "company_id": company,
                    "uuid": "{" + str(uuid.uuid4()).upper() + "}",
                    "team_member_id": member,
                    "work_date": date(2026, 11, day),
                    "duration_seconds": seconds,
                    "hour_type": hour_type,
                    "billable": False,
                    "state": "submitted",
                    "export_state": "pending",
                    "locked": False,
                    "deleted": deleted,
                    "created_at": clock.now(),
                    "updated_at": clock.now(),
                },
            )
    got = store.worked_days(company, date_from=date(2026, 11, 1), date_to=date(2026, 11, 29))
    assert sorted((w.team_member_id, w.day.day, w.hour_type, w.minutes) for w in got) == [
        (member, 2, "overtime", 60),
        (member, 2, "regular", 210),
    ]
    none = store.worked_days(
        company, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30), team_member_ids=[-1]
    )
    assert none == []
