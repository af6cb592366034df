"""Time entries, approval, unlock, payroll mapping and token scopes in the REST API (issue 13),
over real HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from qbwc_server import admin
from tests.web.conftest import Api, Seeder

BASE = "/api/v1/companies/{}/time-entries"


class Client:
    """JSON calls with one token."""

    def __init__(self, api: Api, token: str) -> None:
        self.api, self.token = api, token

    def send(self, method: str, path: str, body: object = None):
        headers = {"Content-Type": "application/json"}
        request_body = json.dumps(body).encode() if body is not None else None
        import urllib.error
        import urllib.request

        req = urllib.request.Request(
            self.api.base + path, data=request_body, method=method, headers=headers
        )
        req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with self.api._opener.open(req, timeout=30) as r:
                raw, status = r.read(), r.status
        except urllib.error.HTTPError as exc:
            raw, status = exc.read(), exc.code
            exc.close()
        return status, (json.loads(raw) if raw else None)


@pytest.fixture
def world(api: Api, seed: Seeder, store):
    """A company with a member, a customer, a service item, and tokens of each scope."""
    cid = seed.company()
    other = seed.company("Other Co")
    tokens = {
        scope: admin.create_api_token(store, seed.clock, cid, scope=scope).token
        for scope in ("read", "write", "admin")
    }
    ids = {
        "member": seed.row("team-members", cid, name="Maria Alvarez"),
        "customer": seed.row("customers", cid),
        "item": seed.row("service-items", cid),
        "other_customer": seed.row("customers", other),
    }
    clients = {scope: Client(api, t) for scope, t in tokens.items()}
    return cid, ids, clients, seed


def _entry(ids, **kw):
    body = {
        "team_member_id": ids["member"],
        "work_date": "2026-11-02",
        "duration_seconds": 8 * 3600,
        "customer_id": ids["customer"],
        "service_item_id": ids["item"],
    }
    body.update(kw)
    return body


def test_point_idempotent_post_by_external_id(world) -> None:
    """A retried POST with the same external_id returns the stored entry with 200, not a copy."""
    cid, ids, c, _ = world
    status, first = c["write"].send("POST", BASE.format(cid), _entry(ids, external_id="tt-1"))
    assert status == 201 and first["data"]["state"] == "draft"
    assert first["data"]["export_state"] == "pending" and first["data"]["locked"] is False
    status, again = c["write"].send("POST", BASE.format(cid), _entry(ids, external_id="tt-1"))
    assert status == 200 and again["data"]["id"] == first["data"]["id"]
    status, page = c["read"].send("GET", BASE.format(cid))
    assert status == 200 and len(page["data"]) == 1
    from tests.web.test_openapi import _check

    _check(first, "TimeEntryAnswer")
    _check(page, "TimeEntryPage")


def test_point_post_list_is_all_or_nothing_and_names_fields(world) -> None:
    """A list with one bad entry stores nothing and names the entry and field (422)."""
    cid, ids, c, _ = world
    body = [_entry(ids), _entry(ids, work_date="2026-13-01"), _entry(ids, hour_type="night")]
    status, answer = c["write"].send("POST", BASE.format(cid), body)
    assert status == 422
    assert set(answer["error"]["fields"]) == {"[1].work_date", "[2].hour_type"}
    from tests.web.test_openapi import _check

    _check(answer, "Error")
    assert c["read"].send("GET", BASE.format(cid))[1]["data"] == []
    status, ok = c["write"].send("POST", BASE.format(cid), [_entry(ids), _entry(ids)])
    assert status == 201 and len(ok["data"]) == 2


def test_point_reference_to_another_company_is_422(world) -> None:
    """A customer id of another company is refused by name, never linked."""
    cid, ids, c, _ = world
    status, answer = c["write"].send(
        "POST", BASE.format(cid), _entry(ids, customer_id=ids["other_customer"])
    )
    assert status == 422 and "customer_id" in answer["error"]["fields"]


def test_point_start_end_with_time_zone(world) -> None:
    """start/end with an IANA zone give the duration and the local date of the start."""
    cid, ids, c, _ = world
    body = {
        "team_member_id": ids["member"],
        "start": "2026-11-02T22:30",
        "end": "2026-11-03T01:00",
        "time_zone": "America/Chicago",
    }
    status, answer = c["write"].send("POST", BASE.format(cid), body)
    assert status == 201, answer
    assert answer["data"]["work_date"] == "2026-11-02"
    assert answer["data"]["duration_seconds"] == 9000
    status, bad = c["write"].send("POST", BASE.format(cid), {**body, "time_zone": "Mars/Base"})
    assert status == 422 and "time_zone" in bad["error"]["fields"]


def test_point_scopes_are_checked_on_every_route(world) -> None:
    """read cannot write, write cannot approve or map payroll items; each answers 403 JSON."""
    cid, ids, c, _ = world
    status, answer = c["read"].send("POST", BASE.format(cid), _entry(ids))
    assert status == 403 and answer["error"]["code"] == "forbidden"
    assert "--scope write" in answer["error"]["message"]
    body = {"from": "2026-11-01", "to": "2026-11-07"}
    assert c["write"].send("POST", BASE.format(cid) + "/approve", body)[0] == 403
    assert c["write"].send("GET", f"/api/v1/companies/{cid}/payroll-mapping")[0] == 403
    assert c["admin"].send("POST", BASE.format(cid) + "/approve", body)[0] == 200
    assert c["admin"].send("GET", f"/api/v1/companies/{cid}/payroll-mapping")[0] == 200
    assert c["read"].send("GET", f"/api/v1/companies/{cid}/team-members")[0] == 200


def test_point_locked_entry_refuses_patch_and_delete_until_unlocked(world, store) -> None:
    """An exported entry answers 409 with the unlock hint; after unlock PATCH works and the
    entry needs an update in QuickBooks."""
    cid, ids, c, seed = world
    _, made = c["write"].send("POST", BASE.format(cid), _entry(ids))
    entry_id = made["data"]["id"]
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE time_entry SET state='approved', export_state='exported', locked=:t,"
                " qb_txn_id='1A2-1', qb_edit_sequence='1' WHERE id=:i"
            ),
            {"t": True, "i": entry_id},
        )
    path = BASE.format(cid) + f"/{entry_id}"
    status, answer = c["write"].send("PATCH", path, {"notes": "late"})
    assert status == 409 and "unlock" in answer["error"]["message"]
    assert c["write"].send("DELETE", path)[0] == 409
    old = (seed.clock.now() - timedelta(days=91)).date().isoformat()
    status, far = c["admin"].send(
        "POST", BASE.format(cid) + "/unlock", {"from": old, "to": "2026-11-30"}
    )
    assert status == 422 and "from" in far["error"]["fields"]
    body = {"from": "2026-11-01", "to": "2026-11-30"}
    assert c["admin"].send("POST", BASE.format(cid) + "/unlock", body)[1]["data"]["changed"] == 1
    status, patched = c["write"].send("PATCH", path, {"notes": "late"})
    assert status == 200 and patched["data"]["export_state"] == "needs_update"
    assert patched["data"]["state"] == "submitted" and patched["data"]["locked"] is False
    status, deleted = c["write"].send("DELETE", path)
    assert status == 202 and deleted["data"]["export_state"] == "needs_delete"


def test_point_list_filters_and_keyset_pages(world) -> None:
    """GET filters by date, member, state and export state, and pages by cursor."""
    cid, ids, c, _ = world
    days = [f"2026-11-0{d}" for d in range(1, 6)]
    c["write"].send("POST", BASE.format(cid), [_entry(ids, work_date=d) for d in days])
    c["admin"].send(
        "POST", BASE.format(cid) + "/approve", {"from": "2026-11-01", "to": "2026-11-02"}
    )
    pages = c["read"].api.walk(BASE.format(cid), c["read"].token, limit=2)
    assert [len(p) for p in pages] == [2, 2, 1]
    got = c["read"].api.get(
        BASE.format(cid), c["read"].token, **{"from": "2026-11-02", "to": "2026-11-04"}
    )
    assert [e["work_date"] for e in got.data] == days[1:4]
    approved = c["read"].api.get(BASE.format(cid), c["read"].token, state="approved")
    assert len(approved.data) == 2
    bad = c["read"].api.get(BASE.format(cid), c["read"].token, export_state="sent")
    assert bad.status == 400


def test_point_payroll_mapping_only_the_employees_earnings_unless_force(world, store) -> None:
    """A wage item the employee does not earn is refused unless force; vendors get none."""
    cid, ids, c, seed = world
    earned = seed.row("payroll-items", cid, name="Hourly Regular")
    other = seed.row("payroll-items", cid, name="Salary")
    vendor = seed.row("team-members", cid, name="Cascade Electric", qb_role="vendor")
    with store.engine.begin() as conn:
        list_id = conn.execute(
            text("SELECT qb_list_id FROM payroll_item WHERE id=:i"), {"i": earned}
        ).scalar()
        conn.execute(
            text("UPDATE team_member SET payroll_earnings=:e WHERE id=:i"),
            {
                "e": json.dumps(
                    [{"payroll_item_list_id": list_id, "payroll_item_name": "Hourly Regular"}]
                ),
                "i": ids["member"],
            },
        )
    path = f"/api/v1/companies/{cid}/payroll-mapping"
    pair = {"team_member_id": ids["member"], "hour_type": "regular", "payroll_item_id": other}
    status, refused = c["admin"].send("PUT", path, {"mappings": [pair]})
    assert status == 422 and "mappings[0].payroll_item_id" in refused["error"]["fields"]
    status, vend = c["admin"].send(
        "PUT", path, {"mappings": [{**pair, "team_member_id": vendor, "payroll_item_id": earned}]}
    )
    assert status == 422 and "vendors" in vend["error"]["fields"]["mappings[0].team_member_id"]
    status, ok = c["admin"].send(
        "PUT",
        path,
        {
            "mappings": [
                {**pair, "payroll_item_id": earned},
                {**pair, "hour_type": "overtime", "force": True},
            ],
            "defaults": [{"hour_type": "regular", "payroll_item_id": earned}],
        },
    )
    assert status == 200, ok
    assert {(m["hour_type"], m["payroll_item_id"], m["force"]) for m in ok["data"]["mappings"]} == {
        ("regular", earned, False),
        ("overtime", other, True),
    }
    assert ok["data"]["defaults"] == [{"hour_type": "regular", "payroll_item_id": earned}]
