"""Company isolation of the REST API, derived from app.url_map (issue 16): a token of one company
reads and changes nothing of another on any route, by its URL or by ids in its own URL or body.

Every API route needs a line in API_MATRIX (the JSON body its writes send, or None).
"""

from __future__ import annotations

import gzip
import json
import re
from typing import Any

import pytest

from qbwc_server import admin
from tests.web.admin.test_access import seed_entry
from tests.web.conftest import Seeder

# endpoint -> the body of its non-GET methods ("{member}" and "{payroll_item}" are the ids of the
# company whose rows the test wants named), or None
API_MATRIX: dict[str, Any] = {
    "api.approve_time_entries": {"from": "2026-10-01", "to": "2026-12-31"},
    "api.create_time_entries": {
        "team_member_id": "{member}",
        "work_date": "2026-11-02",
        "duration_seconds": 3600,
    },
    "api.delete_time_entry": None,
    "api.get_company_health": None,
    "api.get_company_setup": None,
    "api.get_company_status": None,
    "api.get_payroll_mapping": None,
    "api.get_sync_log": None,
    "api.get_sync_session": None,
    "api.get_time_entry": None,
    "api.list_classes": None,
    "api.list_customers": None,
    "api.list_payroll_items": None,
    "api.list_service_items": None,
    "api.list_sync_sessions": None,
    "api.list_team_members": None,
    "api.list_time_entries": None,
    "api.patch_time_entry": {"notes": "changed by another company"},
    "api.put_payroll_mapping": {
        "mappings": [
            {
                "team_member_id": "{member}",
                "hour_type": "regular",
                "payroll_item_id": "{payroll_item}",
            }
        ],
        "defaults": [{"hour_type": "overtime", "payroll_item_id": "{payroll_item}"}],
    },
    "api.unapprove_time_entries": {"from": "2026-10-01", "to": "2026-12-31"},
    "api.unlock_time_entries": {"from": "2026-10-01", "to": "2026-12-31"},
}

only_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def api_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint.startswith("api."):
            yield rule.endpoint, rule, sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


@only_sqlite
def test_api_matrix_names_every_api_route(app) -> None:
    """Every /api/v1 route has a line in API_MATRIX and a company_id in its URL."""
    missing = [
        f"{rule.rule} {methods} (endpoint {endpoint!r})"
        for endpoint, rule, methods in api_rules(app)
        if endpoint not in API_MATRIX
    ]
    assert not missing, (
        "these API routes have no line in API_MATRIX of tests/web/test_api_isolation.py (the "
        "JSON body of its writes, or None): " + "; ".join(missing)
    )
    endpoints = {e for e, _, _ in api_rules(app)}
    assert not set(API_MATRIX) - endpoints, f"gone: {set(API_MATRIX) - endpoints}"
    for endpoint, rule, _ in api_rules(app):
        assert "company_id" in rule.arguments, f"{rule.rule} ({endpoint}) is not per company"


def _company(seed: Seeder, name: str) -> dict[str, Any]:
    company = admin.add_company(seed.store, seed.clock, name).company.id
    member = seed.row("team-members", company, uses_time_data_for_paychecks=True)
    item = seed.row("payroll-items", company, wage_type="HourlyRegular")
    for segment in ("customers", "service-items", "classes"):
        seed.row(segment, company)
    session = seed.session(company)
    seed.sync_error(company, session)
    token = admin.create_api_token(seed.store, seed.clock, company, scope="admin").token
    return {
        "company_id": company,
        "session_id": session,
        "entry_id": seed_entry(seed, company),
        "member": member,
        "payroll_item": item,
        "token": token,
    }


@pytest.fixture
def two(seed: Seeder) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two companies with rows of every kind, and an admin-scope token each."""
    return _company(seed, "Acme Builders"), _company(seed, "Birch Dental")


def _url(rule, values: dict[str, Any]) -> str:
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.rule}: no value for {sorted(missing)} in the test's ids"
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(r"<(?:[^:<>]+:)?" + name + r">", str(values[name]), path)
    return path


def _body(endpoint: str, ids: dict[str, Any]) -> Any:
    template = API_MATRIX[endpoint]
    if template is None:
        return None
    text = json.dumps(template)
    for key in ("member", "payroll_item"):
        text = text.replace(f'"{{{key}}}"', str(ids[key]))
    return json.loads(text)


def _call(client, method: str, url: str, token: str, body: Any):
    headers = {"Authorization": f"Bearer {token}"}
    if body is None:
        return client.open(url, method=method, headers=headers)
    return client.open(url, method=method, headers=headers, json=body)


def snapshot(store, ids: dict[str, Any]) -> tuple[Any, ...]:
    """Everything the API could read or change of a company."""
    company = ids["company_id"]
    return (
        store.list_time_entries(company, limit=1000).rows,
        store.get_payroll_mapping(company),
        store.list_rows(company, "team_members", limit=1000).rows,
        store.list_sync_sessions(company, limit=1000).rows,
        store.list_api_tokens(company),
        store.get_company(company),
    )


@only_sqlite
def test_a_token_of_one_company_gets_404_on_every_route_of_another(app, store, two) -> None:
    """Acme's token on Birch's URLs (with Birch's own ids and bodies) is 404 on every route and
    method, and nothing of Birch changes."""
    acme, birch = two
    client = app.test_client()
    before = snapshot(store, birch)
    for endpoint, rule, methods in api_rules(app):
        url = _url(rule, birch)
        for method in methods:
            answer = _call(client, method, url, acme["token"], _body(endpoint, birch))
            assert answer.status_code == 404, (method, url, answer.status_code)
            assert answer.get_json()["error"]["code"] == "not_found"
            assert "Birch" not in answer.get_data(as_text=True)
    assert snapshot(store, birch) == before


@only_sqlite
def test_ids_of_another_company_in_an_own_url_or_body_reach_nothing(app, store, two) -> None:
    """Acme's token on Acme's URLs carrying Birch's session, entry, member or payroll item ids
    is refused (404, or 422 naming the field) and changes nothing of Birch's."""
    acme, birch = two
    client = app.test_client()
    before = snapshot(store, birch)
    checked = 0
    for endpoint, rule, methods in api_rules(app):
        foreign = {**birch, "company_id": acme["company_id"]}
        names_a_row = set(rule.arguments) - {"company_id"}
        body = _body(endpoint, birch)
        if not names_a_row and not (body and ("{member}" in json.dumps(API_MATRIX[endpoint]))):
            continue
        url = _url(rule, foreign)
        for method in methods:
            answer = _call(client, method, url, acme["token"], body)
            assert answer.status_code in (404, 422), (method, url, answer.status_code)
            checked += 1
    assert checked >= 7  # the session, log and entry routes, and the two bodies naming rows
    assert snapshot(store, birch) == before


@only_sqlite
def test_own_reads_hold_only_own_rows(app, two) -> None:
    """Every GET of Acme's with Acme's token answers rows of Acme only."""
    acme, birch = two
    client = app.test_client()

    def company_ids(value: Any) -> set[int]:
        if isinstance(value, dict):
            found = {value["company_id"]} if "company_id" in value else set()
            for v in value.values():
                found |= company_ids(v)
            return found
        if isinstance(value, list):
            return set().union(*(company_ids(v) for v in value)) if value else set()
        return set()

    for _endpoint, rule, methods in api_rules(app):
        if "GET" not in methods:
            continue
        url = _url(rule, acme)
        answer = _call(client, "GET", url, acme["token"], None)
        assert answer.status_code == 200, (url, answer.status_code)
        raw = answer.get_data()
        if answer.mimetype == "application/gzip":  # the sync log file
            raw = gzip.decompress(raw)
        assert b"Birch" not in raw and b'"company_id": %d' % birch["company_id"] not in raw
        if answer.is_json:
            assert company_ids(answer.get_json()) <= {acme["company_id"]}, url
