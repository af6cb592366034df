"""The REST API shows what the syncs put in the store: the issue's "done when"."""

from __future__ import annotations

import json
import urllib.request

from qbwc_server import admin
from qbwc_server.simulate.lists import CompanyError


def _get(url: str, token: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as answer:
        return json.loads(answer.read())


def _all(harness, company_id: int, path: str, token: str) -> list[dict]:
    rows: list[dict] = []
    cursor = ""
    while True:
        page = _get(f"{harness.url}/api/v1/companies/{company_id}/{path}?limit=40{cursor}", token)
        rows.extend(page["data"])
        if not page["next_cursor"]:
            return rows
        cursor = f"&cursor={page['next_cursor']}"


def test_api_follows_the_company_over_several_syncs(harness) -> None:
    """After a first sync and an incremental one, every endpoint shows QuickBooks' state."""
    created = harness.add_company()
    qb = harness.quickbooks()
    cid = created.company.id
    token = admin.create_api_token(harness.store, harness.clock, cid).token
    assert harness.sync(created, qb).outcome == "finished"

    customers = _all(harness, cid, "customers", token)
    assert {c["qb_list_id"] for c in customers} == {
        c.list_id for c in qb.company.records("Customer")
    }
    by_id = {c["id"]: c for c in customers}
    for row in customers:
        if row["parent_id"]:
            assert by_id[row["parent_id"]]["qb_list_id"] == row["parent_list_id"]
            assert row["full_name"].startswith(by_id[row["parent_id"]]["full_name"] + ":")
    members = _all(harness, cid, "team-members", token)
    assert len(members) == len(list(qb.company.records("Employee")))
    assert len(_all(harness, cid, "payroll-items", token)) == 9
    assert len(_all(harness, cid, "service-items", token)) == 13
    assert _all(harness, cid, "classes", token) == []

    harness.clock.advance(minutes=61)
    victim = None
    for record in list(qb.company.records("Customer")):
        try:
            qb.company.delete(record.list_id)
        except CompanyError:
            continue
        victim = record
        break
    assert victim is not None
    assert harness.sync(created, qb).outcome == "finished"
    gone = [c for c in _all(harness, cid, "customers", token) if c["qb_list_id"] == victim.list_id]
    assert gone and gone[0]["deleted_in_qb"] and gone[0]["archived"]

    sessions = _get(f"{harness.url}/api/v1/companies/{cid}/sync-sessions", token)["data"]
    assert [s["state"] for s in sessions] == ["finished", "finished"]
    assert sessions[1]["counts"]["customers"] == 151 and sessions[0]["counts"]["deleted"] == 1
    assert sessions[0]["progress"] == 100
