"""Every admin URL against every role: firm and company isolation (404), support is read-only
(403), and every state-changing form needs its CSRF token (400)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from tests.web.admin.conftest import Client, World, make_user

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


# ------------------------------------------------------------------ the route matrix (issue 16)
# Every route of the app, by endpoint, with what it reaches: "company" (its company_id and any
# other ids are the company's; an invisible company is 404 whatever the method), "account" (the
# signed-in user's own account: never names another firm's clients), "firm" (a firm id of the
# user's connection group, else 404), "link" (a signed link: a forged one is 404), "public".
# A new route fails test_matrix_names_every_route until it has its line here.
MATRIX: dict[str, str] = {
    "admin.accept_invitation": "link",
    "admin.accept_into_new_firm": "link",
    "admin.accountant": "company",
    "admin.billing": "company",
    "admin.billing_date": "company",
    "admin.billing_decide": "company",
    "admin.billing_propose": "company",
    "admin.choose_account": "account",
    "admin.dashboard": "account",
    "admin.download_qwc": "company",
    "admin.firms": "account",
    "admin.firms_add": "account",
    "admin.firms_cancel": "account",
    "admin.firms_confirm": "account",
    "admin.firms_disconnect": "firm",
    "admin.firms_primary": "account",
    "admin.firms_review": "account",
    "admin.invite": "company",
    "admin.list_classes": "company",
    "admin.list_customers": "company",
    "admin.list_payroll_items": "company",
    "admin.list_service_items": "company",
    "admin.list_team_members": "company",
    "admin.login": "public",
    "admin.logout": "account",
    "admin.make_password": "company",
    "admin.new_company": "account",
    "admin.overview": "company",
    "admin.password": "account",
    "admin.payroll_mapping": "company",
    "admin.payroll_mapping_save": "company",
    "admin.remove_firm": "company",
    "admin.resend_invitation": "company",
    "admin.revoke_invitation": "company",
    "admin.session_detail": "company",
    "admin.session_log": "company",
    "admin.sessions": "company",
    "admin.setup_checklist": "company",
    "admin.setup_confirm": "company",
    "admin.setup_options": "company",
    "admin.setup_overview": "company",
    "admin.setup_payroll": "company",
    "admin.setup_client_admin": "company",
    "admin.invite_client_admin": "company",
    "admin.skip_client_admin": "company",
    "admin.resend_client_admin": "company",
    "admin.revoke_client_admin": "company",
    "admin.accept_client_admin": "link",
    "admin.dismiss_client_admin_notice": "account",
    "admin.setup_web_connector": "company",
    "admin.static": "public",
    "admin.switch_account": "account",
    "admin.sync_now": "company",
    "admin.time_approval": "company",
    "admin.time_entries": "company",
    "admin.time_unlock": "company",
    "static": "public",
    "support.healthz": "public",
    "support.support": "public",
}
KINDS = {"company", "account", "firm", "link", "public", "api"}
# form fields a POST needs to get past validation (by endpoint); the rest post only the token
MATRIX_FORMS: dict[str, dict[str, str]] = {
    "admin.setup_confirm": {"typed": "delete"},
    "admin.time_approval": {"date_from": "2026-11-01", "date_to": "2026-11-07"},
    "admin.invite": {"email": "acc@elsewhere.example", "name": "Ann Acc"},
    "admin.billing_date": {"next_billing_date": "2027-01-01"},
    "admin.make_password": {"confirm": "y"},
}
# users of: the firm (Smith CPA), a connected firm (North LLP), a separate one (Quiet LLP), an
# unconnected one (Jones LLP), and a company user of a1; and which companies each may see
VISIBLE: dict[str, set[str]] = {
    "owner": {"a1", "a2", "n1"},
    "support": {"a1", "a2", "n1"},
    "north": {"a1", "a2", "n1"},
    "quiet": {"q1"},
    "other_owner": {"b1"},
    "company_admin": {"a1"},
}
COMPANIES = ("a1", "a2", "n1", "q1", "b1")


def rules_of(app, kinds: set[str] | None = None):
    """(endpoint, rule, methods) of every route, by rule."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        kind = "api" if rule.endpoint.startswith("api.") else MATRIX.get(rule.endpoint)
        if kinds is None or kind in kinds:
            yield rule.endpoint, rule, methods


def test_matrix_names_every_route(app) -> None:
    """Every route of app.url_map has a line in MATRIX (the API's are checked in
    tests/web/test_api_isolation.py), and MATRIX names no route that is gone."""
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    missing = [
        f"{rule.rule} {methods} (endpoint {endpoint!r})"
        for endpoint, rule, methods in rules_of(app)
        if not endpoint.startswith("api.") and endpoint not in MATRIX
    ]
    assert not missing, (
        "these routes have no line in MATRIX of tests/web/admin/test_access.py (say whether "
        "each reaches a company, the user's own account, a firm, a signed link or is public): "
        + "; ".join(missing)
    )
    assert not set(MATRIX) - endpoints, (
        f"MATRIX names routes that are gone: {set(MATRIX) - endpoints}"
    )
    assert set(MATRIX.values()) <= KINDS
    for endpoint, rule, _ in rules_of(app, {"company"}):
        assert "company_id" in rule.arguments, (
            f"{rule.rule} ({endpoint}) is 'company' without a company_id"
        )


@dataclass
class Matrix:
    """The world of the route matrix: five companies, their users, and each company's rows."""

    world: World
    ids: dict[str, int]
    firms: dict[str, int]
    params: dict[str, dict[str, object]]


@pytest.fixture
def matrix(world: World, seed) -> Matrix:
    from qbwc_server import admin

    store, clock = world.store, world.clock
    n1 = admin.add_company(store, clock, "North Clinic", firm="North LLP").company.id
    q1 = admin.add_company(store, clock, "Quiet Vets", firm="Quiet LLP").company.id
    make_user(store, clock, "owner@north.example", "owner", firm="North LLP")
    make_user(store, clock, "owner@quiet.example", "owner", firm="Quiet LLP")
    world.emails.update(north="owner@north.example", quiet="owner@quiet.example")
    firms = {r.name: r.id for r in store.list_firms()}
    store.connect_firms(
        firms["Smith CPA"],
        {firms["North LLP"]: "connected", firms["Quiet LLP"]: "separate"},
        now=clock.now(),
    )
    ids = {**world.company_ids(), "n1": n1, "q1": q1}
    params: dict[str, dict[str, object]] = {}
    for name, company in ids.items():
        invitation = store.add_invitation(
            company,
            email="acc@elsewhere.example",
            name="Ann Acc",
            token_hash=f"{company:064x}",
            expires_at=clock.now() + timedelta(days=14),
            now=clock.now(),
        )
        change = store.propose_billing(company, by="owner@example.example", now=clock.now())
        admin_invite = store.add_client_admin_invitation(
            company,
            firm_id=None,
            email="pat@client.example",
            name="Pat",
            team_member_id=None,
            invited_by="owner@example.example",
            token_hash=f"{company:063x}a",
            expires_at=clock.now() + timedelta(days=14),
            now=clock.now(),
        )
        params[name] = {
            "company_id": company,
            "session_id": seed.session(company),
            "entry_id": seed_entry(seed, company),
            "invitation_id": invitation.id,
            "invite_id": admin_invite.id,
            "change_id": change.id,
            "firm_id": store.company_firm_ids(company)[0],
            "action": "withdraw",
        }
    return Matrix(world, ids, firms, params)


def snapshot(store, company_id: int, entry_id: int) -> tuple[object, ...]:
    """Everything a page or form could change about a company."""
    now = datetime(2030, 1, 1, tzinfo=UTC)
    return (
        store.get_company(company_id),
        store.company_firm_ids(company_id),
        store.primary_admin_firm(company_id),
        [(i.id, i.state, i.expires_at) for i in store.invitations_of(company_id, now=now)],
        store.billing_record(company_id),
        store.get_time_entry(company_id, entry_id),
        store.get_company_setup(company_id),
        store.get_payroll_mapping(company_id),
        store.list_api_tokens(company_id),
        store.payroll_settings(company_id),
        [
            (i.id, i.state, i.expires_at)
            for i in store.client_admin_invitations(company_id, now=now)
        ],
    )


def _build(rule, values: dict[str, object]) -> str:
    missing = set(rule.arguments) - set(values)
    assert not missing, (
        f"{rule.rule}: no value for {sorted(missing)} in the matrix fixture's params"
    )
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(r"<(?:[^:<>]+:)?" + name + r">", str(values[name]), path)
    return path


def _hit(c: Client, method: str, endpoint: str, url: str):
    if method == "GET":
        return c.get(url)
    return c.post(url, MATRIX_FORMS.get(endpoint, {}))


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_matrix_invisible_companies_are_404_on_every_company_route(
    app, signed_in, matrix: Matrix, role: str
) -> None:
    """For every company route and method, each company the user may not see (an unconnected
    firm's, a separate firm's, another firm's) answers 404, and nothing of it changes."""
    c = signed_in(role)
    store = matrix.world.store
    hidden = [n for n in COMPANIES if n not in VISIBLE[role]]
    before = {n: snapshot(store, matrix.ids[n], matrix.params[n]["entry_id"]) for n in hidden}
    for name in hidden:
        for endpoint, rule, methods in rules_of(app, {"company"}):
            url = _build(rule, matrix.params[name])
            for method in methods:
                answer = _hit(c, method, endpoint, url)
                assert answer.status_code == 404, (role, name, method, url, answer.status_code)
    for name in hidden:
        after = snapshot(store, matrix.ids[name], matrix.params[name]["entry_id"])
        assert after == before[name], (role, name)


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_matrix_visible_companies_open_on_every_page(
    app, signed_in, matrix: Matrix, role: str
) -> None:
    """Each company the user may see (a connected firm's included) opens on every GET route
    (support gets 403 on set-up and credentials, never 404)."""
    c = signed_in(role)
    for name in sorted(VISIBLE[role]):
        for _endpoint, rule, methods in rules_of(app, {"company"}):
            if "GET" not in methods:
                continue
            url = _build(rule, matrix.params[name])
            answer = c.get(url)
            assert answer.status_code in (200, 302, 403), (role, name, url, answer.status_code)
            if answer.status_code == 403:
                assert role == "support", (role, name, url)


@pytest.mark.parametrize(("role", "own"), [("owner", "a1"), ("north", "n1"), ("quiet", "q1")])
def test_matrix_ids_of_another_company_in_an_own_url_are_404(
    app, signed_in, matrix: Matrix, role: str, own: str
) -> None:
    """An own company's URL carrying a session, entry, invitation, proposal or firm id of an
    invisible company answers 404 (or 403 before the id is read) and changes nothing there."""
    c = signed_in(role)
    store = matrix.world.store
    for foreign in (n for n in COMPANIES if n not in VISIBLE[role]):
        before = snapshot(store, matrix.ids[foreign], matrix.params[foreign]["entry_id"])
        for endpoint, rule, methods in rules_of(app, {"company"}):
            extra = set(rule.arguments) - {"company_id", "action"}
            if not extra:
                continue
            values = {**matrix.params[foreign], "company_id": matrix.ids[own]}
            url = _build(rule, values)
            for method in methods:
                answer = _hit(c, method, endpoint, url)
                want = (404,) if method == "GET" else (403, 404)
                assert answer.status_code in want, (role, foreign, method, url, answer.status_code)
        after = snapshot(store, matrix.ids[foreign], matrix.params[foreign]["entry_id"])
        assert after == before, (role, foreign)


_NAMES = {
    "a1": "Acme Builders",
    "a2": "Birch Dental",
    "n1": "North Clinic",
    "q1": "Quiet Vets",
    "b1": "Cedar Farms",
}


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_matrix_own_account_pages_never_name_an_invisible_company(
    app, signed_in, matrix: Matrix, role: str
) -> None:
    """The dashboard (with every filter), firm pages and account pages list no company the user
    may not see, and no unconnected firm account."""
    c = signed_in(role)
    hidden = [_NAMES[n] for n in COMPANIES if n not in VISIBLE[role]]
    if role not in ("other_owner",):
        hidden.append("Jones LLP")
    urls = [
        _build(rule, {})
        for endpoint, rule, methods in rules_of(app, {"account"})
        if "GET" in methods and not rule.arguments
    ]
    filters = ["/?q=e", "/?filter=attention", "/?filter=due", "/?filter=firm-billed", "/?q=Cedar"]
    for url in urls + filters:
        answer = c.get(url)
        assert answer.status_code < 500, (role, url, answer.status_code)
        text = answer.get_data(as_text=True)
        for name in hidden:
            assert name not in text, (role, url, name)


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_matrix_firm_routes_reach_only_the_users_group(
    app, signed_in, matrix: Matrix, role: str
) -> None:
    """A firm id outside the user's connection group is 404 on every firm route and nothing is
    disconnected; a forged invitation link is 404 for everyone."""
    c = signed_in(role)
    store = matrix.world.store
    before = store.list_firms()
    group = {"owner", "support", "north", "quiet"}
    outside = [matrix.firms["Jones LLP"]] if role in group else [matrix.firms["Smith CPA"]]
    for endpoint, rule, methods in rules_of(app, {"firm"}):
        for firm_id in outside:
            for method in methods:
                answer = _hit(c, method, endpoint, _build(rule, {"firm_id": firm_id}))
                assert answer.status_code in (403, 404), (role, rule.rule, answer.status_code)
    for endpoint, rule, methods in rules_of(app, {"link"}):
        url = _build(rule, {"signed": "forged.link"})
        for method in methods:
            answer = _hit(c, method, endpoint, url)
            assert answer.status_code in (403, 404), (role, url, answer.status_code)
            for n in COMPANIES:
                assert _NAMES[n] not in answer.get_data(as_text=True)
    assert store.list_firms() == before


@pytest.mark.parametrize("role", ["north", "quiet", "other_owner", "owner"])
def test_matrix_no_firm_form_widens_what_a_user_sees(
    app, signed_in, matrix: Matrix, role: str
) -> None:
    """Whatever a user posts to the firm-account forms (each account as the primary, confirm,
    disconnect) without proving another account's password, they see no company they could not
    see before: a separate account cannot connect itself or take over its group."""
    c = signed_in(role)
    store = matrix.world.store
    user = store.find_admin_user(matrix.world.emails[role])
    assert user is not None
    before = set(store.visible_company_ids(user))
    for firm_id in matrix.firms.values():
        c.post("/firms/primary", {"primary": str(firm_id)})
        c.post("/firms/add", {"account": "Smith CPA", "password": "wrong!", "mode": "connected"})
        c.get("/firms/review")
        c.post("/firms/confirm")
        assert set(store.visible_company_ids(user)) <= before, (role, firm_id)
    for firm_id in matrix.firms.values():
        c.post(f"/firms/{firm_id}/disconnect")
        c.post("/firms/confirm")
        assert set(store.visible_company_ids(user)) <= before, (role, firm_id)
