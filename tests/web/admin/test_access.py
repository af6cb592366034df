"""Every admin URL against every role: firm and company isolation (404), support is read-only
(403), and every state-changing form needs its CSRF token (400)."""

from __future__ import annotations

import pytest

from tests.web.admin.conftest import Client, World

# (method, path after /companies/<id>, changes something or hands out credentials)
COMPANY_URLS: list[tuple[str, str, bool]] = [
    ("GET", "", False),
    ("GET", "/team-members", False),
    ("GET", "/customers", False),
    ("GET", "/service-items", False),
    ("GET", "/classes", False),
    ("GET", "/payroll-items", False),
    ("GET", "/payroll-mapping", False),
    ("GET", "/billing", False),
    ("GET", "/sessions", False),
    ("GET", "/sessions/{session}", False),
    ("GET", "/sessions/{session}/log", False),
    ("GET", "/time", False),
    ("GET", "/setup/options", True),
    ("GET", "/setup/first-sync", True),
    ("GET", "/setup/web-connector", True),
    ("GET", "/setup/checklist", True),
    ("GET", "/qwc", True),
    ("POST", "/sync-now", True),
    ("POST", "/password", True),
    ("POST", "/setup/options", True),
    ("POST", "/setup/first-sync", True),
    ("POST", "/setup/checklist", True),
    ("POST", "/time/approval", True),
    ("POST", "/time/{entry}/unlock", True),
    ("POST", "/payroll-mapping", True),
]
POST_FORMS = {
    "/setup/first-sync": {"typed": "delete"},
    "/time/approval": {"date_from": "2026-11-01", "date_to": "2026-11-07"},
}


def _urls(world: World, seed, company: str) -> list[tuple[str, str, bool, str]]:
    company_id = world.company_ids()[company]
    session = seed.session(company_id)
    entry = seed_entry(seed, company_id)
    out = []
    for method, path, write in COMPANY_URLS:
        url = f"/companies/{company_id}" + path.format(session=session, entry=entry)
        out.append((method, url, write, path))
    return out


def seed_entry(seed, company_id: int) -> int:
    """A locked, exported time entry of the company (so unlock has something to act on)."""
    import uuid

    from sqlalchemy import insert
    from sqlalchemy.orm import Session

    from qbwc_server.store.models import TimeEntry

    member = seed.row("team-members", company_id)
    now = seed.clock.now()
    with Session(seed.store.engine) as s, s.begin():
        return int(
            s.scalar(
                insert(TimeEntry).returning(TimeEntry.id),
                {
                    "company_id": company_id,
                    "uuid": "{" + str(uuid.uuid4()).upper() + "}",
                    "team_member_id": member,
                    "work_date": now.date(),
                    "duration_seconds": 3600,
                    "hour_type": "regular",
                    "billable": False,
                    "state": "approved",
                    "export_state": "exported",
                    "locked": True,
                    "created_at": now,
                    "updated_at": now,
                },
            )
        )


def _call(c: Client, method: str, url: str, path: str):
    if method == "GET":
        return c.get(url)
    return c.post(url, POST_FORMS.get(path, {}))


@pytest.mark.parametrize(
    ("role", "foreign"),
    [
        ("owner", "b1"),
        ("admin", "b1"),
        ("support", "b1"),
        ("other_owner", "a1"),
        ("other_owner", "a2"),
        ("company_admin", "a2"),
        ("company_admin", "b1"),
        ("company_support", "a2"),
    ],
)
def test_point2_other_firms_companies_are_404_on_every_url(
    signed_in, world: World, seed, role: str, foreign: str
) -> None:
    """A user gets 404 for every page and file of a company outside their firm or company."""
    c = signed_in(role)
    for method, url, _, path in _urls(world, seed, foreign):
        answer = _call(c, method, url, path)
        assert answer.status_code == 404, (role, method, url, answer.status_code)
        assert "Not found" in answer.get_data(as_text=True)
    # and nothing changed: the foreign company was not marked due by the POSTs
    assert world.store.get_company(world.company_ids()[foreign]).sync_requested_at is None


def test_point2_unknown_company_ids_are_404_too(signed_in) -> None:
    """An id no company has looks the same as another firm's company."""
    c = signed_in("owner")
    for url in ("/companies/999999", "/companies/999999/qwc", "/companies/99999999999999999999"):
        assert c.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["owner", "admin", "company_admin"])
def test_point2_writers_reach_every_url_of_their_company(
    signed_in, world: World, seed, role: str
) -> None:
    """Owners and admins open every page of their companies and may use every form."""
    c = signed_in(role)
    for method, url, _, path in _urls(world, seed, "a1"):
        answer = _call(c, method, url, path)
        assert answer.status_code in (200, 302), (role, method, url, answer.status_code)


@pytest.mark.parametrize("role", ["support", "company_support"])
def test_point2_support_is_read_only(signed_in, world: World, seed, role: str) -> None:
    """Support staff read status, sessions and lists, and get 403 for set-up, credentials and
    every change."""
    c = signed_in(role)
    for method, url, write, path in _urls(world, seed, "a1"):
        answer = _call(c, method, url, path)
        want = 403 if write else 200
        assert answer.status_code == want, (role, method, url, answer.status_code)
    assert world.store.get_company(world.a1).sync_requested_at is None
    assert c.get("/companies/new").status_code == 403


def test_point2_company_users_cannot_add_companies(signed_in) -> None:
    """Only a firm's owners and admins add client companies (to their own firm)."""
    assert signed_in("company_admin").get("/companies/new").status_code == 403
    assert signed_in("admin").get("/companies/new").status_code == 200


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_point1_every_form_needs_its_csrf_token(
    signed_in, world: World, seed, token: str | None
) -> None:
    """Each POST without the CSRF token, or with a wrong one, is refused with 400 and changes
    nothing."""
    c = signed_in("owner")
    posts = [(m, u, p) for m, u, _, p in _urls(world, seed, "a1") if m == "POST"]
    posts += [
        ("POST", "/logout", ""),
        ("POST", "/account/password", ""),
        ("POST", "/companies/new", ""),
    ]
    for _, url, path in posts:
        data = dict(POST_FORMS.get(path, {}))
        if token:
            data["csrf_token"] = token
        answer = c.post(url, data, csrf=False)
        assert answer.status_code == 400, (url, answer.status_code)
        assert "security token" in answer.get_data(as_text=True)
    assert world.store.get_company(world.a1).sync_requested_at is None
    assert world.store.get_company(world.a1).delete_confirmed_at is None
    assert c.get("/").status_code == 200  # still signed in: the logout was refused too


def test_point1_sign_in_needs_its_csrf_token(client: Client, world: World) -> None:
    """Even the sign-in form is refused without its token (no login CSRF)."""
    answer = client.post("/login", {"email": world.emails["owner"], "password": "x"}, csrf=False)
    assert answer.status_code == 400
