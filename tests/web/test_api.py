"""The REST API at /api/v1 over real HTTP, on SQLite and PostgreSQL: auth, company isolation,
keyset pagination, filters, every endpoint's fields, and JSON errors."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from qbwc_server.errors import StoreError
from qbwc_server.store import SqlStore
from tests.web.conftest import MODELS, MODIFIED, Api, Seeder

LISTS = sorted(MODELS)
ENDPOINTS = [*LISTS, "sync-sessions"]
COMMON = {
    "id",
    "company_id",
    "qb_list_id",
    "edit_sequence",
    "qb_time_modified",
    "name",
    "is_active",
    "archived",
    "deleted_in_qb",
    "created_at",
    "updated_at",
}
TREE = COMMON | {"parent_id", "parent_list_id", "full_name", "sublevel"}
FIELDS = {
    "team-members": COMMON
    | {
        "qb_role",
        "first_name",
        "last_name",
        "email",
        "uses_time_data_for_paychecks",
        "payroll_earnings",
    },
    "customers": TREE | {"company_name", "email", "job_status", "is_job", "assigned_to_all"},
    "service-items": TREE | {"description", "price"},
    "classes": TREE,
    "payroll-items": COMMON | {"wage_type"},
}
SESSION_FIELDS = {
    "id",
    "state",
    "started_at",
    "last_seen_at",
    "ended_at",
    "progress",
    "planned",
    "done",
    "counts",
    "errors",
    "last_error",
    "qbxml_version",
    "company_file",
}


# Checks of HTTP shape alone need no second backend; the queries run on both.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def url(company_id: int, endpoint: str) -> str:
    return f"/api/v1/companies/{company_id}/{endpoint}"


@pytest.fixture
def acme(seed: Seeder) -> tuple[int, str]:
    """A company with one API token."""
    company_id = seed.company()
    return company_id, seed.token(company_id, label="payroll app")


# ------------------------------------------------------------------------------ auth
@sqlite_only
@pytest.mark.parametrize(
    "authorization",
    [None, "Basic YWxhZGRpbjpvcGVuc2VzYW1l", "Bearer", "Bearer    ", "Bearer qbt_not-a-token"],
)
def test_without_a_valid_token_the_answer_is_401(
    api: Api, acme: tuple[int, str], authorization: str | None
) -> None:
    """A missing, non-bearer, empty or unknown token gets a JSON 401 with a Bearer challenge."""
    company_id, _ = acme
    headers = {"Authorization": authorization} if authorization else {}
    answer = api.call(url(company_id, "customers"), headers=headers)
    assert answer.status == 401
    assert answer.body["error"]["code"] == "unauthorized" and answer.body["error"]["message"]
    assert answer.headers["WWW-Authenticate"].startswith('Bearer realm="qbtime"')
    invalid = authorization is not None and authorization.startswith("Bearer qbt_")
    assert ('error="invalid_token"' in answer.headers["WWW-Authenticate"]) == invalid


def test_token_is_accepted_and_its_use_recorded(
    api: Api, acme: tuple[int, str], store: SqlStore, clock
) -> None:
    """A valid token gets 200 and its last_used_at moves to the request time (to the minute)."""
    company_id, token = acme
    assert api.get(url(company_id, "customers"), token).status == 200
    from qbwc_server.sync.credentials import hash_ticket

    first = store.use_api_token(hash_ticket(token), now=clock.now())
    assert first is not None and first.last_used_at == clock.now()
    later = clock.advance(minutes=5)
    assert api.get(url(company_id, "customers"), token).status == 200
    again = store.use_api_token(hash_ticket(token), now=later)
    assert again is not None and again.last_used_at == later and again.label == "payroll app"


@pytest.mark.parametrize("endpoint", [*ENDPOINTS, "sync-sessions/1"])
def test_other_and_unknown_companies_are_404(
    api: Api, seed: Seeder, acme: tuple[int, str], endpoint: str
) -> None:
    """A token asking for another company gets the same JSON 404 as for a company that does not exist."""
    company_id, token = acme
    other = seed.company("Other Co")
    seed.token(other)
    seed.session(other)
    for segment in LISTS:
        seed.row(segment, other)
    foreign = api.get(url(other, endpoint), token)
    unknown = api.get(url(9999, endpoint), token)
    assert foreign.status == unknown.status == 404
    assert foreign.body == unknown.body and foreign.body["error"]["code"] == "not_found"
    assert company_id != other


# ------------------------------------------------------------------------------ pagination
@pytest.mark.parametrize("segment", LISTS)
def test_pages_cover_every_row_once(
    api: Api, seed: Seeder, acme: tuple[int, str], segment: str
) -> None:
    """Walking next_cursor returns each of the company's rows once, by id, and none of another's."""
    company_id, token = acme
    other = seed.company("Other Co")
    mine: list[int] = []
    for _ in range(5):  # interleave the two companies' ids
        mine += seed.rows(segment, company_id, 5)
        seed.rows(segment, other, 3)
    pages = api.walk(url(company_id, segment), token, limit=7)
    assert [len(p) for p in pages] == [7, 7, 7, 4]
    ids = [row["id"] for page in pages for row in page]
    assert ids == sorted(mine)
    assert {row["company_id"] for page in pages for row in page} == {company_id}


def test_default_limit_is_100_and_the_last_page_has_no_cursor(
    api: Api, seed: Seeder, acme: tuple[int, str]
) -> None:
    """Without ?limit pages hold 100 rows; an exactly full last page still ends with a null cursor."""
    company_id, token = acme
    seed.rows("customers", company_id, 200)
    pages = api.walk(url(company_id, "customers"), token)
    assert [len(p) for p in pages] == [100, 100]
    one = api.get(url(company_id, "customers"), token, limit=1000)
    assert len(one.data) == 200 and one.body["next_cursor"] is None


def test_empty_list(api: Api, acme: tuple[int, str]) -> None:
    """A list with no rows answers an empty page."""
    company_id, token = acme
    answer = api.get(url(company_id, "classes"), token)
    assert answer.status == 200 and answer.body == {"data": [], "next_cursor": None}


def test_sessions_are_newest_first_across_pages(
    api: Api, seed: Seeder, acme: tuple[int, str]
) -> None:
    """Sync sessions come newest first and paging continues with older ones."""
    company_id, token = acme
    other = seed.company("Other Co")
    ids = []
    for minutes in range(5, 0, -1):
        ids.append(seed.session(company_id, minutes_ago=minutes))
        seed.session(other)
    pages = api.walk(url(company_id, "sync-sessions"), token, limit=2)
    assert [[s["id"] for s in p] for p in pages] == [ids[:-3:-1], ids[-3:-5:-1], ids[:1]]


@pytest.mark.parametrize(
    ("active", "expected"),
    [("true", {"active"}), ("false", {"inactive", "archived", "deleted"}), (None, None)],
)
def test_active_filter(
    api: Api, seed: Seeder, acme: tuple[int, str], active: str | None, expected: set[str] | None
) -> None:
    """active=true keeps rows that are active and not archived; active=false keeps the rest."""
    company_id, token = acme
    seed.row("service-items", company_id, name="active")
    seed.row("service-items", company_id, name="inactive", is_active=False, archived=True)
    seed.row("service-items", company_id, name="archived", archived=True)
    seed.row(
        "service-items",
        company_id,
        name="deleted",
        is_active=False,
        archived=True,
        deleted_in_qb=True,
    )
    params = {"active": active, "limit": 2} if active else {"limit": 2}
    pages = api.walk(url(company_id, "service-items"), token, **params)
    names = {row["name"] for page in pages for row in page}
    assert names == (expected or {"active", "inactive", "archived", "deleted"})


# ------------------------------------------------------------------------------ fields
def test_team_member_fields(api: Api, seed: Seeder, acme: tuple[int, str]) -> None:
    """Team members carry the store columns, the QuickBooks role and the payroll fields."""
    company_id, token = acme
    earnings = [
        {
            "payroll_item_list_id": "80000001-1",
            "payroll_item_name": "Hourly Regular",
            "rate": "25.00",
            "rate_percent": None,
        }
    ]
    seed.row(
        "team-members",
        company_id,
        name="Dana Lee",
        first_name="Dana",
        last_name="Lee",
        email="dana@example.com",
        uses_time_data_for_paychecks=True,
        payroll_earnings=earnings,
        qb_list_id="80000005-1193687261",
    )
    seed.row("team-members", company_id, name="Local Pat", qb_role=None, qb_list_id=None)
    dana, pat = api.get(url(company_id, "team-members"), token).data
    assert set(dana) == FIELDS["team-members"]
    assert dana["qb_role"] == "employee" and dana["first_name"] == "Dana"
    assert dana["last_name"] == "Lee" and dana["email"] == "dana@example.com"
    assert dana["uses_time_data_for_paychecks"] is True and dana["payroll_earnings"] == earnings
    assert dana["qb_list_id"] == "80000005-1193687261" and dana["edit_sequence"] == "1193687261"
    assert datetime.fromisoformat(dana["qb_time_modified"]) == MODIFIED
    assert dana["qb_time_modified"].endswith("+00:00")
    assert pat["qb_role"] is None and pat["qb_list_id"] is None


def test_customer_tree_fields(api: Api, seed: Seeder, acme: tuple[int, str]) -> None:
    """Customers and jobs carry their tree position, job flag and status."""
    company_id, token = acme
    parent = seed.row(
        "customers", company_id, name="Kitchen Co", full_name="Kitchen Co", qb_list_id="800001-1"
    )
    seed.row(
        "customers",
        company_id,
        name="Remodel",
        full_name="Kitchen Co:Remodel",
        parent_id=parent,
        parent_list_id="800001-1",
        sublevel=1,
        is_job=True,
        job_status="InProgress",
        assigned_to_all=True,
    )
    customer, job = api.get(url(company_id, "customers"), token).data
    assert set(customer) == set(job) == FIELDS["customers"]
    assert customer["is_job"] is False and customer["parent_id"] is None
    assert job["parent_id"] == parent and job["parent_list_id"] == "800001-1"
    assert job["full_name"] == "Kitchen Co:Remodel" and job["sublevel"] == 1
    assert job["is_job"] is True and job["job_status"] == "InProgress"


@pytest.mark.parametrize(
    ("segment", "extra"),
    [
        ("service-items", {"description": "Framing labour", "price": "85.00", "sublevel": 0}),
        ("classes", {"full_name": "Field", "sublevel": 0}),
        ("payroll-items", {"wage_type": "HourlyRegular"}),
    ],
)
def test_other_list_fields(
    api: Api, seed: Seeder, acme: tuple[int, str], segment: str, extra: dict
) -> None:
    """Service items, classes and payroll items carry the store columns and their own."""
    company_id, token = acme
    seed.row(segment, company_id, **extra)
    (row,) = api.get(url(company_id, segment), token).data
    assert set(row) == FIELDS[segment]
    assert {k: row[k] for k in extra} == extra
    assert row["is_active"] is True and row["archived"] is False and row["deleted_in_qb"] is False


def test_session_list_and_detail_with_errors(
    api: Api, seed: Seeder, acme: tuple[int, str], clock
) -> None:
    """A session lists its fields, and its detail adds its own sync_error rows only."""
    company_id, token = acme
    other = seed.company("Other Co")
    ended = clock.now() + timedelta(minutes=2)
    sid = seed.session(
        company_id,
        state="failed",
        ended_at=ended,
        progress=50,
        planned=6,
        done=3,
        counts={"customers": 40, "employees": 12},
        errors=2,
        last_error="QuickBooks could not find the item.",
        qbxml_version="13.0",
        company_file=r"C:\Company Files\acme.qbw",
    )
    quiet = seed.session(company_id)
    first = seed.sync_error(
        company_id,
        sid,
        request_type="CustomerQueryRq",
        status_code="3100",
        record_ref="Customer 800001-1",
        message="The name is already used.",
        fix="Rename one of the two customers in QuickBooks.",
    )
    second = seed.sync_error(company_id, sid, status_code="0x80040408")
    seed.sync_error(company_id, quiet)
    seed.sync_error(other, seed.session(other))
    listed = api.get(url(company_id, "sync-sessions"), token).data
    assert [s["id"] for s in listed] == [quiet, sid]
    assert all(set(s) == SESSION_FIELDS for s in listed)
    detail = api.get(url(company_id, f"sync-sessions/{sid}"), token)
    assert detail.status == 200
    data = detail.data
    assert set(data) == SESSION_FIELDS | {"sync_errors", "sync_errors_truncated"}
    assert {k: data[k] for k in SESSION_FIELDS} == listed[1]
    assert data["state"] == "failed" and data["progress"] == 50 and data["planned"] == 6
    assert data["counts"] == {"customers": 40, "employees": 12} and data["errors"] == 2
    assert datetime.fromisoformat(data["ended_at"]) == ended.astimezone(UTC)
    assert data["company_file"] == r"C:\Company Files\acme.qbw" and data["qbxml_version"] == "13.0"
    assert [e["id"] for e in data["sync_errors"]] == [first, second]
    assert data["sync_errors"][0] == {
        "id": first,
        "session_id": sid,
        "request_type": "CustomerQueryRq",
        "status_code": "3100",
        "record_ref": "Customer 800001-1",
        "message": "The name is already used.",
        "fix": "Rename one of the two customers in QuickBooks.",
        "created_at": clock.now().isoformat(),
    }
    assert data["sync_errors_truncated"] is False


def test_session_of_another_company_or_unknown_is_404(
    api: Api, seed: Seeder, acme: tuple[int, str]
) -> None:
    """A session id that belongs to another company, or to none, is a JSON 404."""
    company_id, token = acme
    foreign = seed.session(seed.company("Other Co"))
    for sid in (foreign, 424242, 2**70):
        answer = api.get(url(company_id, f"sync-sessions/{sid}"), token)
        assert answer.status == 404 and answer.body["error"]["code"] == "not_found"


# ------------------------------------------------------------------------------ errors
def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@sqlite_only
@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "1001"},
        {"limit": "-5"},
        {"limit": "ten"},
        {"limit": ""},
        {"limit": " 5"},
        {"limit": "١٠"},
        {"cursor": "!!!"},
        {"cursor": ""},
        {"cursor": "x" * 65},
        {"cursor": "AAAA"},
        {"cursor": "A"},
        {"cursor": base64.urlsafe_b64encode(b"\xff\xfecustomers:1").decode().rstrip("=")},
        {"cursor": _b64("customers:0")},
        {"cursor": _b64("customers:-3")},
        {"cursor": _b64("customers:1e3")},
        {"cursor": _b64(f"customers:{2**63}")},
        {"cursor": _b64("team_members:5")},
        {"cursor": _b64("5")},
        {"active": "yes"},
        {"active": "TRUE"},
    ],
    ids=repr,
)
def test_bad_parameters_are_400(api: Api, acme: tuple[int, str], params: dict[str, str]) -> None:
    """A limit outside 1..1000, a cursor not made by this listing, or a bad active flag is a JSON 400."""
    company_id, token = acme
    answer = api.get(url(company_id, "customers"), token, **params)
    assert answer.status == 400
    assert answer.body["error"]["code"] == "bad_request" and answer.body["error"]["message"]


def test_cursor_of_one_listing_is_refused_by_another(
    api: Api, seed: Seeder, acme: tuple[int, str]
) -> None:
    """A next_cursor only continues the listing that made it."""
    company_id, token = acme
    seed.rows("customers", company_id, 3)
    cursor = api.get(url(company_id, "customers"), token, limit=1).body["next_cursor"]
    assert api.get(url(company_id, "customers"), token, cursor=cursor).status == 200
    assert api.get(url(company_id, "classes"), token, cursor=cursor).status == 400


@sqlite_only
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1",
        "/api/v1/",
        "/api/v1/nothing",
        "/api/v1/companies/1/invoices",
        "/api/v1/companies/x/customers",
    ],
)
def test_unknown_api_routes_are_json_404(api: Api, acme: tuple[int, str], path: str) -> None:
    """Unknown URLs under /api/v1 get a JSON 404, not an HTML page."""
    _, token = acme
    answer = api.get(path, token)
    assert answer.status == 404
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.body["error"]["code"] == "not_found"


@sqlite_only
def test_other_404s_keep_html(api: Api) -> None:
    """Outside /api/v1 an unknown URL keeps Flask's ordinary page."""
    answer = api.get("/api/v1x/companies")
    assert answer.status == 404 and answer.headers["Content-Type"].startswith("text/html")


@sqlite_only
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_wrong_method_is_json_405(api: Api, acme: tuple[int, str], method: str) -> None:
    """Writing to a read endpoint gets a JSON 405 that lists the allowed methods."""
    company_id, token = acme
    answer = api.call(url(company_id, "customers"), token, method=method)
    assert answer.status == 405
    assert answer.body["error"]["code"] == "method_not_allowed"
    assert "GET" in answer.headers["Allow"]


@sqlite_only
def test_answers_are_not_cached(api: Api, acme: tuple[int, str]) -> None:
    """API answers, errors included, tell caches not to store them."""
    company_id, token = acme
    assert api.get(url(company_id, "customers"), token).headers["Cache-Control"] == "no-store"
    assert api.get(url(company_id, "customers")).headers["Cache-Control"] == "no-store"
    assert api.get("/api/v1/nothing").headers["Cache-Control"] == "no-store"


@sqlite_only
@pytest.mark.allow_error_logs
@pytest.mark.parametrize(
    ("failure", "status", "code"),
    [
        (StoreError("database error: OperationalError"), 503, "unavailable"),
        (RuntimeError("a bug"), 500, "internal_server_error"),
    ],
)
def test_failures_are_json_without_details(
    api: Api,
    acme: tuple[int, str],
    store: SqlStore,
    monkeypatch: pytest.MonkeyPatch,
    failure: Exception,
    status: int,
    code: str,
) -> None:
    """A database failure is a 503 and a bug a 500, both JSON and neither showing the exception."""
    company_id, token = acme

    def fail(*args, **kwargs):
        raise failure

    monkeypatch.setattr(store, "list_rows", fail)
    answer = api.get(url(company_id, "customers"), token)
    assert answer.status == status and answer.body["error"]["code"] == code
    assert str(failure) not in answer.body["error"]["message"]
