"""``GET /api/v1/companies/{id}/health`` (issue 16) on SQLite and PostgreSQL: the checks with
their fixes, matching docs/openapi.json; a token of another company gets 404."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import text

from mappings import ImportOptions, options_to_dict
from mappings.time import parse_entry_input
from tests.conftest import ROOT
from tests.web.conftest import Api, Seeder

OPENAPI = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))


def _check(body: object) -> None:
    import jsonschema

    schema = {
        "$ref": "#/components/schemas/CompanyHealthAnswer",
        "components": OPENAPI["components"],
    }
    jsonschema.Draft202012Validator(schema).validate(body)


def test_health_lists_the_problems_then_ok(api: Api, store, clock, seed: Seeder) -> None:
    """A company with unlinked approved time and no recent sync has two checks; once linked in
    the store and synced recently it is OK."""
    company_id = seed.company()
    token = seed.token(company_id)
    store.update_company(
        company_id,
        import_options=options_to_dict(ImportOptions(export_time=True)),
        last_success_at=clock.now() - timedelta(hours=4),
    )
    local = store.add_local_team_member(
        company_id, first_name="Nadia", last_name="Petrova", email=None, now=clock.now()
    )
    day = clock.now().date()
    store.create_time_entries(
        company_id,
        [
            parse_entry_input(
                {"team_member_id": local, "work_date": day.isoformat(), "duration_seconds": 3600}
            )
        ],
        now=clock.now(),
    )
    store.set_approval(
        company_id, date_from=day, date_to=day, member_ids=None, approve=True, now=clock.now()
    )
    answer = api.get(f"/api/v1/companies/{company_id}/health", token)
    assert answer.status == 200, answer.body
    _check(answer.body)
    data = answer.data
    assert data["company_id"] == company_id and data["ok"] is False
    assert data["summary"] == "2 problems"
    by_code = {c["code"]: c for c in data["checks"]}
    assert list(by_code) == ["unlinked_time", "no_recent_sync"]
    unlinked = by_code["unlinked_time"]
    assert unlinked["severity"] == "error" and unlinked["where"] == "QuickBooks"
    assert unlinked["names"] == ["Nadia Petrova"] and unlinked["page"] == "team-members"
    assert "Nadia Petrova" in unlinked["found"] and unlinked["fix"]

    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE team_member SET qb_list_id = '80000099-1700000000' WHERE id = :i"),
            {"i": local},
        )
    store.update_company(company_id, last_success_at=clock.now())
    healthy = api.get(f"/api/v1/companies/{company_id}/health", token)
    _check(healthy.body)
    assert healthy.data["ok"] is True and healthy.data["checks"] == []
    assert healthy.data["summary"] == "OK"


def test_health_of_another_company_is_404_and_no_token_is_401(api: Api, seed: Seeder) -> None:
    """Tokens are per company: another company's token gets the same 404 as an unknown company;
    no token gets 401."""
    mine, theirs = seed.company("Mine"), seed.company("Theirs")
    token = seed.token(mine)
    assert api.get(f"/api/v1/companies/{theirs}/health", token).status == 404
    assert api.get("/api/v1/companies/999999/health", token).status == 404
    assert api.get(f"/api/v1/companies/{mine}/health").status == 401
    assert api.get(f"/api/v1/companies/{mine}/health", token).status == 200
