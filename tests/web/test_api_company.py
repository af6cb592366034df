"""Issue 11: ``GET /api/v1/companies/{id}``, the company's sync status in one call, on SQLite and
PostgreSQL, after a real simulated sync over HTTP."""

from __future__ import annotations

import json

from qbwc_server import admin
from qbwc_server.simulate import FakeQuickBooks, FakeWebConnector, load_sample_company
from tests.conftest import ROOT
from tests.web.conftest import Api

OPENAPI = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))


def _check(body: object) -> None:
    import jsonschema

    schema = {
        "$ref": "#/components/schemas/CompanyStatusAnswer",
        "components": OPENAPI["components"],
    }
    jsonschema.Draft202012Validator(schema).validate(body)


def test_point_company_status_after_a_sync(api: Api, store, clock, live_url: str) -> None:
    """Before its first sync the company is due and has no session; after a simulated sync it
    reports the success, not due, not in progress, its counts and the finished session."""
    created = admin.add_company(store, clock, "Evergreen Builders")
    company_id = created.company.id
    token = admin.create_api_token(store, clock, company_id).token
    before = api.get(f"/api/v1/companies/{company_id}", token)
    assert before.status == 200, before.body
    _check(before.body)
    assert before.data["due"] is True and before.data["due_reason"] == "first sync"
    assert before.data["last_session"] is None and before.data["in_progress"] is False
    assert before.data["last_success_at"] is None

    installation = store.get_installation()
    quickbooks = FakeQuickBooks(load_sample_company(clock=clock))
    transcript = FakeWebConnector(
        f"{live_url}/qbwc",
        created.company.qbwc_username,
        created.password,
        quickbooks,
        owner_id=installation.owner_id,
        file_id=created.company.file_id,
        sleep=lambda s: clock.advance(seconds=s),
    ).run()
    assert transcript.outcome == "finished"

    after = api.get(f"/api/v1/companies/{company_id}", token)
    assert after.status == 200
    _check(after.body)
    data = after.data
    assert data["id"] == company_id and data["name"] == "Evergreen Builders"
    assert data["last_success_at"] and data["due"] is False and data["due_reason"] is None
    assert data["in_progress"] is False and data["last_error"] is None
    assert data["last_session"]["state"] == "finished"
    assert data["counts"]["team_members"]["total"] == 15
    assert data["counts"]["customers"]["total"] > 40


def test_point_company_status_in_progress_and_refusals(api: Api, store, clock, live_url) -> None:
    """A live session shows as in progress; another company's token gets the same 404 as an
    unknown company, and no token gets 401."""
    from tests.qbwc_server.conftest import WSDLS, zeep_service

    created = admin.add_company(store, clock, "Acme Builders")
    other = admin.add_company(store, clock, "Other Co")
    token = admin.create_api_token(store, clock, created.company.id).token
    other_token = admin.create_api_token(store, clock, other.company.id).token
    wsdl, binding = WSDLS["intuit-troubleshoot"]
    qbwc = zeep_service(wsdl, binding, f"{live_url}/qbwc")
    qbwc.authenticate(strUserName=created.company.qbwc_username, strPassword=created.password)
    status = api.get(f"/api/v1/companies/{created.company.id}", token)
    assert status.data["in_progress"] is True and status.data["last_session"]["state"] == "open"
    assert api.get(f"/api/v1/companies/{created.company.id}", other_token).status == 404
    assert api.get("/api/v1/companies/999", token).status == 404
    assert api.get(f"/api/v1/companies/{created.company.id}").status == 401
