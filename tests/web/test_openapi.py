"""docs/openapi.json: it is a valid OpenAPI 3.1 document, it lists exactly the app's /api/v1
routes, and real answers match its schemas."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import ROOT
from tests.web.conftest import Api, Seeder

OPENAPI = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _app_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
            routes |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def _documented() -> set[tuple[str, str]]:
    return {(path, method) for path, ops in OPENAPI["paths"].items() for method in ops}


@sqlite_only
def test_document_lists_exactly_the_routes(app) -> None:
    """Every route under /api/v1 is documented, and every documented operation exists."""
    assert _app_routes(app) == _documented()
    assert len(_documented()) == 17


def test_document_is_valid_openapi_3_1() -> None:
    """The document passes the OpenAPI 3.1 validator."""
    validator = pytest.importorskip("openapi_spec_validator")
    assert OPENAPI["openapi"].startswith("3.1")
    validator.validate(OPENAPI)


def _check(body: object, schema_name: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = {
        "$ref": f"#/components/schemas/{schema_name}",
        "components": OPENAPI["components"],
    }
    jsonschema.Draft202012Validator(schema).validate(body)


@sqlite_only
def test_answers_match_the_schemas(api: Api, seed: Seeder) -> None:
    """A page of each list, the session list, a session detail and an error match their schemas."""
    company_id = seed.company()
    token = seed.token(company_id)
    pages = {
        "team-members": "TeamMemberPage",
        "customers": "CustomerPage",
        "service-items": "ServiceItemPage",
        "classes": "QbClassPage",
        "payroll-items": "PayrollItemPage",
    }
    for segment in pages:
        seed.rows(segment, company_id, 2)
    seed.row(
        "team-members",
        company_id,
        qb_role=None,
        payroll_earnings=[{"payroll_item_list_id": "1-1", "rate": "20.00"}],
    )
    sid = seed.session(company_id, counts={"customers": 2}, ended_at=seed.clock.now())
    seed.sync_error(company_id, sid, status_code="3100", fix="Rename it.")
    base = f"/api/v1/companies/{company_id}"
    for segment, schema in pages.items():
        answer = api.get(f"{base}/{segment}", token, limit=1)
        assert answer.status == 200 and answer.body["next_cursor"]
        _check(answer.body, schema)
    _check(api.get(f"{base}/sync-sessions", token).body, "SyncSessionPage")
    _check(api.get(f"{base}/sync-sessions/{sid}", token).body, "SyncSessionDetailAnswer")
    for path, params in [(f"{base}/customers", {}), (f"{base}/customers", {"limit": "0"})]:
        _check(api.get(path, **params).body, "Error")
