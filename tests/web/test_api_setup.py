"""GET /api/v1/companies/{id}/setup over real HTTP: the payroll settings, the set-up steps,
where it resumes and the administrator invitations (never their links), matching
docs/openapi.json; another company's token gets 404."""

from __future__ import annotations

from datetime import date, timedelta

from mappings.payroll_settings import PayrollSettings
from tests.web.conftest import Api, Seeder
from tests.web.test_openapi import _check


def test_setup_answer(api: Api, seed: Seeder) -> None:
    company = seed.company()
    token = seed.token(company)
    first = api.get(f"/api/v1/companies/{company}/setup", token)
    assert first.status == 200
    _check(first.body, "CompanySetupAnswer")
    assert first.data["next_step"] == "payroll"
    assert first.data["payroll_settings"]["pay_period"] is None
    now = seed.clock.now()
    seed.store.put_payroll_settings(
        company,
        PayrollSettings(
            pay_period="monthly", anchor=date(2026, 11, 5), overtime_weekly_minutes=2400
        ),
        now=now,
    )
    seed.store.add_client_admin_invitation(
        company,
        firm_id=None,
        email="pat@acme.example",
        name="Pat",
        team_member_id=None,
        invited_by="owner@smith.example",
        token_hash="f" * 64,
        expires_at=now + timedelta(days=14),
        now=now,
    )
    later = api.get(f"/api/v1/companies/{company}/setup", token)
    _check(later.body, "CompanySetupAnswer")
    assert later.data["payroll_settings"]["pay_period"] == "monthly"
    assert later.data["next_step"] == "options"
    steps = {s["key"]: s["done_at"] for s in later.data["steps"]}
    assert steps["payroll"] and steps["client_admin"] and not steps["options"]
    (invitation,) = later.data["client_admin_invitations"]
    assert invitation["state"] == "pending" and "f" * 64 not in str(later.body)


def test_another_company_token_and_no_token(api: Api, seed: Seeder) -> None:
    company, other = seed.company(), seed.company("Other Co")
    assert api.get(f"/api/v1/companies/{company}/setup", seed.token(other)).status == 404
    assert api.get(f"/api/v1/companies/{company}/setup").status == 401
