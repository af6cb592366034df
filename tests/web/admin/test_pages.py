"""The dashboard, the set-up wizard, the .qwc download, the company pages and the error pages."""

from __future__ import annotations

import re

import lxml.etree
import pytest

from qbwc_server.sync import credentials
from tests.web.admin.conftest import PASSWORD, Client, World


def test_point2_dashboard_lists_only_the_firms_companies(signed_in, world: World) -> None:
    """The firm dashboard shows every company of the user's firm and none of another firm."""
    html = signed_in("owner").get("/").get_data(as_text=True)
    assert "Acme Builders" in html and "Birch Dental" in html
    assert "Cedar Farms" not in html
    other = signed_in("other_owner").get("/").get_data(as_text=True)
    assert "Cedar Farms" in other and "Acme Builders" not in other
    company_only = signed_in("company_admin").get("/").get_data(as_text=True)
    assert "Acme Builders" in company_only and "Birch Dental" not in company_only


def test_point2_dashboard_status_search_and_filter(signed_in, world: World, seed) -> None:
    """Statuses show last success, last error, due, syncing; search and filter narrow them."""
    now = world.clock.now()
    world.store.update_company(
        world.a1, first_sync_at=now, last_success_at=now, sync_requested_at=None
    )
    world.store.update_company(
        world.a2, first_sync_at=now, last_error_at=now, last_error="QuickBooks was closed."
    )
    seed.session(world.a2, state="open", progress=40)
    c = signed_in("owner")
    html = c.get("/").get_data(as_text=True)
    assert "in sync" in html and "syncing 40%" in html and "QuickBooks was closed." in html
    assert "Birch Dental" not in c.get("/?q=acme").get_data(as_text=True)
    syncing = c.get("/?status=syncing").get_data(as_text=True)
    assert "Birch Dental" in syncing and "Acme Builders" not in syncing
    assert "No company matches" in c.get("/?q=zzz").get_data(as_text=True)


def test_point2_dashboard_counts_waiting_and_blocked_time(signed_in, world: World, seed) -> None:
    """Approved time waiting for export and blocked entries are counted per company."""
    from tests.web.admin.test_access import seed_entry

    seed_entry(seed, world.a1)  # exported: neither waiting nor blocked
    now = world.clock.now()
    world.store.update_company(world.a1, first_sync_at=now, last_success_at=now)
    statuses = {
        s.company.id: s
        for s in world.store.company_statuses(world.store.find_admin_user(world.emails["owner"]))
    }  # type: ignore[arg-type]
    assert statuses[world.a1].approved_waiting == 0 and statuses[world.a1].blocked_entries == 0
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from qbwc_server.store.models import TimeEntry

    with Session(world.store.engine) as s, s.begin():
        s.execute(update(TimeEntry).values(export_state="error", export_error="No payroll item."))
    html = signed_in("owner").get("/?status=attention").get_data(as_text=True)
    assert "Acme Builders" in html and "entries blocked" in html


def test_point3_add_a_company_then_walk_the_wizard(signed_in, world: World) -> None:
    """Adding a client company opens step 1 of its set-up (payroll settings), in the owner's
    firm; step 2 is what to import."""
    c = signed_in("admin")
    answer = c.post("/companies/new", {"name": "  Dune   Surveying "})
    assert answer.status_code == 302
    company_id = int(re.search(r"/companies/(\d+)/setup/payroll", answer.headers["Location"])[1])
    company = world.store.get_company(company_id)
    assert company.name == "Dune Surveying" and company.firm_name == "Smith CPA"
    step1 = c.get(answer.headers["Location"]).get_data(as_text=True)
    assert "1. Payroll settings" in step1
    step2 = c.get(f"/companies/{company_id}/setup/options").get_data(as_text=True)
    assert "2. What to import" in step2 and "Fixed after the first sync" in step2


def test_point3_new_company_form_keeps_what_was_typed(signed_in) -> None:
    """A refused company name is shown again with the reason."""
    c = signed_in("owner")
    answer = c.post("/companies/new", {"name": "x" * 201})
    assert answer.status_code == 400
    assert "x" * 50 in answer.get_data(as_text=True)


def test_point3_options_are_explained_saved_and_validated(signed_in, world: World) -> None:
    """Step 1 explains each option, saves choices and keeps a refused choice on the page."""
    c = signed_in("owner")
    page = c.get(f"/companies/{world.a1}/setup/options").get_data(as_text=True)
    for name in ("service-items", "billable", "classes", "import-vendors", "export-time"):
        assert f'name="{name}"' in page
    saved = c.post(
        f"/companies/{world.a1}/setup/options", {"classes": "require", "import-vendors": "yes"}
    )
    assert saved.headers["Location"].endswith("/setup/first-sync")
    options = world.store.get_company(world.a1).import_options
    assert options["classes"] == "require" and options["import_vendors"] is True
    bad = c.post(f"/companies/{world.a1}/setup/options", {"classes": "maybe", "billable": "off"})
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert "nothing changed" in html and '<option value="off" selected>' in html
    assert world.store.get_company(world.a1).import_options["billable"] == "show"


def test_point3_fixed_options_after_first_sync(signed_in, world: World) -> None:
    """After the first sync customers/jobs import is fixed: the page says so and refuses it."""
    world.store.update_company(world.a1, first_sync_at=world.clock.now())
    c = signed_in("owner")
    assert "this is fixed now" in c.get(f"/companies/{world.a1}/setup/options").get_data(
        as_text=True
    )
    answer = c.post(f"/companies/{world.a1}/setup/options", {"import-customers-jobs": "no"})
    assert answer.status_code == 400
    assert "fixed after the first sync" in answer.get_data(as_text=True)


def test_point3_continue_needs_the_word_delete(signed_in, world: World) -> None:
    """Step 2's Continue works only after the admin types delete; another word changes nothing."""
    c = signed_in("owner")
    page = c.get(f"/companies/{world.a1}/setup/first-sync").get_data(as_text=True)
    assert "will be removed" in page and 'pattern="' in page
    refused = c.post(f"/companies/{world.a1}/setup/first-sync", {"typed": "yes"})
    assert refused.status_code == 400
    assert "Type the word delete" in refused.get_data(as_text=True)
    assert world.store.get_company(world.a1).delete_confirmed_at is None
    ok = c.post(f"/companies/{world.a1}/setup/first-sync", {"typed": " Delete "})
    assert ok.headers["Location"].endswith("/setup/client-admin")
    assert world.store.get_company(world.a1).delete_confirmed_at == world.clock.now()


def test_point3_qwc_download_from_the_request_host(signed_in, world: World) -> None:
    """The .qwc is an attachment pointing at the host the page was opened on (localhost)."""
    c = signed_in("owner")
    answer = c.get(f"/companies/{world.a1}/qwc", base_url="http://localhost:8080")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == 'attachment; filename="Acme-Builders.qwc"'
    doc = lxml.etree.fromstring(answer.data)
    company = world.store.get_company(world.a1)
    assert doc.findtext("AppURL") == "http://localhost:8080/qbwc"
    assert doc.findtext("UserName") == company.qbwc_username
    assert doc.findtext("FileID") == company.file_id
    assert world.store.get_company_setup(world.a1).qwc_downloaded_at == world.clock.now()


def test_point3_qwc_uses_public_url(
    app, settings, sqlite_store, clock, tickets, world: World
) -> None:
    """With public_url set, the .qwc points there whatever host the page was opened on."""
    from qbwc_server.app import create_app

    other = create_app(
        settings.replace(public_url="https://sync.example.com"),
        clock=clock,
        tickets=tickets,
        store=sqlite_store,
    )
    c = Client(other.test_client(), "https://x.example")
    signed = c.post(
        "/login",
        {"email": world.emails["owner"], "password": PASSWORD},
        headers={"Referer": "https://x.example/login"},  # https: Flask-WTF checks the referrer
    )
    assert signed.status_code == 302
    answer = c.get(f"/companies/{world.a1}/qwc")
    assert answer.status_code == 200
    assert lxml.etree.fromstring(answer.data).findtext("AppURL") == "https://sync.example.com/qbwc"


@pytest.mark.parametrize(
    ("base", "words"),
    [("http://sync.example.com", "https"), ("http://192.168.1.20:8080", "IP address")],
)
def test_point3_qwc_refuses_what_the_web_connector_refuses(
    signed_in, world: World, base: str, words: str
) -> None:
    """Plain http on a host other than localhost (or an IP address) gets no .qwc, and the
    page explains why and what to set."""
    c = signed_in("owner", base)
    answer = c.get(f"/companies/{world.a1}/qwc")
    assert answer.status_code == 409
    html = answer.get_data(as_text=True)
    assert words in html and "public_url" in html
    step = c.get(f"/companies/{world.a1}/setup/web-connector").get_data(as_text=True)
    assert (
        "public_url" in step
        and "/qwc" not in step.split("The password")[0].split("The .qwc file")[1]
    )


def test_point3_password_shown_once_and_confirmed_before_regenerating(
    signed_in, world: World
) -> None:
    """The password is shown once when made; replacing it needs the confirmation box."""
    c = signed_in("owner")
    url = f"/companies/{world.a1}/password"
    first = c.post(url)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    password = re.search(r'id="password"><code>([^<]+)</code>', first.get_data(as_text=True))[1]
    stored = world.store.get_company(world.a1).password_hash
    passwords = credentials.GeneratedPasswords.of(world.store)
    assert passwords.check(stored, password)[0]
    page = c.get(f"/companies/{world.a1}/setup/web-connector").get_data(as_text=True)
    assert password not in page and "never shown again" in page
    refused = c.post(url)
    assert refused.status_code == 400 and "Tick the box" in refused.get_data(as_text=True)
    assert world.store.get_company(world.a1).password_hash == stored
    again = c.post(url, {"confirm": "y"}).get_data(as_text=True)
    new = re.search(r'id="password"><code>([^<]+)</code>', again)[1]
    assert new != password
    assert passwords.check(world.store.get_company(world.a1).password_hash, new)[0]


def test_point3_web_connector_instructions_and_checklist(signed_in, world: World) -> None:
    """Step 3 numbers the Web Connector steps; step 4 lists what to check in QuickBooks."""
    c = signed_in("owner")
    step3 = c.get(f"/companies/{world.a1}/setup/web-connector").get_data(as_text=True)
    for words in (
        "Add an application",
        "Yes, whenever this QuickBooks company file is open",
        "Update Selected",
    ):
        assert words in step3
    step4 = c.get(f"/companies/{world.a1}/setup/checklist").get_data(as_text=True)
    for words in ("Single-user mode", "week start", "Use time data to create paychecks"):
        assert words.lower() in step4.lower()
    done = c.post(f"/companies/{world.a1}/setup/checklist")
    assert done.headers["Location"] == f"/companies/{world.a1}"
    assert world.store.get_company_setup(world.a1).checklist_done_at is not None


def test_point4_overview_and_sync_now(signed_in, world: World, seed) -> None:
    """The overview shows status and last sessions; Sync now marks the company due."""
    seed.session(world.a1, counts={"employees": 3}, errors=1, last_error="One employee failed.")
    c = signed_in("admin")
    html = c.get(f"/companies/{world.a1}").get_data(as_text=True)
    assert "One employee failed." in html and "Sync now" in html
    assert "never synced" in html  # the status badge
    answer = c.post(f"/companies/{world.a1}/sync-now")
    assert answer.status_code == 302
    assert world.store.get_company(world.a1).sync_requested_at == world.clock.now()
    assert "next poll" in c.get(f"/companies/{world.a1}").get_data(as_text=True)


def test_point4_lists_show_links_and_the_customer_tree(signed_in, world: World, seed) -> None:
    """Team members show their QuickBooks link and role; customers and jobs come as a tree."""
    seed.row("team-members", world.a1, name="Ann Lee", qb_role="employee")
    seed.row("team-members", world.a1, name="Local Larry", qb_role=None, qb_list_id=None)
    seed.row("customers", world.a1, name="Zed Corp", full_name="Zed Corp", is_job=False)
    seed.row(
        "customers", world.a1, name="Kitchen", full_name="Zed Corp:Kitchen", sublevel=1, is_job=True
    )
    seed.row("customers", world.a1, name="Able Inc", full_name="Able Inc")
    seed.row("service-items", world.a1, name="Framing", price="45.00")
    seed.row("classes", world.a1, name="East")
    seed.row("payroll-items", world.a1, name="Hourly Regular", wage_type="HourlyRegular")
    seed.row("customers", world.b1, name="Foreign Customer", full_name="Foreign Customer")
    c = signed_in("support")
    team = c.get(f"/companies/{world.a1}/team-members").get_data(as_text=True)
    assert "Ann Lee" in team and "linked" in team and "not linked" in team and "employee" in team
    tree = c.get(f"/companies/{world.a1}/customers").get_data(as_text=True)
    assert tree.index("Able Inc") < tree.index("Zed Corp") < tree.index("Kitchen")
    assert 'class="level-1">Kitchen' in tree and "Foreign Customer" not in tree
    assert "45.00" in c.get(f"/companies/{world.a1}/service-items").get_data(as_text=True)
    assert "East" in c.get(f"/companies/{world.a1}/classes").get_data(as_text=True)
    assert "HourlyRegular" in c.get(f"/companies/{world.a1}/payroll-items").get_data(as_text=True)


def test_point4_sessions_with_counts_and_errors(signed_in, world: World, seed) -> None:
    """The sessions page lists counts and errors; a session page shows each error and its fix."""
    sid = seed.session(world.a1, counts={"customers": 12}, errors=1, state="failed")
    seed.sync_error(world.a1, sid, status_code="3100", fix="Rename the customer in QuickBooks.")
    c = signed_in("support")
    listing = c.get(f"/companies/{world.a1}/sessions").get_data(as_text=True)
    assert "customers: 12" in listing and "failed" in listing
    page = c.get(f"/companies/{world.a1}/sessions/{sid}").get_data(as_text=True)
    assert "3100" in page and "Rename the customer in QuickBooks." in page
    other = seed.session(world.b1)
    assert c.get(f"/companies/{world.a1}/sessions/{other}").status_code == 404


def test_point5_error_pages_in_the_same_style(signed_in) -> None:
    """404 and 405 are HTML pages of the admin style; the REST API keeps its JSON errors."""
    c = signed_in("owner")
    missing = c.get("/no/such/page")
    assert missing.status_code == 404 and "admin.css" in missing.get_data(as_text=True)
    assert c.post("/companies/1").status_code == 405
    api = c.get("/api/v1/nothing")
    assert api.status_code == 404 and api.is_json


@pytest.mark.allow_error_logs
def test_point5_500_page_without_a_traceback(signed_in, world: World, monkeypatch) -> None:
    """An unexpected failure gives the styled 500 page, never a traceback."""
    c = signed_in("owner")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(type(world.store), "company_statuses", broken)
    answer = c.get("/")
    assert answer.status_code == 500
    html = answer.get_data(as_text=True)
    assert "Something went wrong" in html and "boom" not in html and "Traceback" not in html


def test_point4_lists_come_in_pages(signed_in, world: World, seed, monkeypatch) -> None:
    """A long list is shown a page at a time, in tree order, with Previous and Next."""
    from qbwc_server.web.admin import company as pages

    monkeypatch.setattr(pages, "ROWS_PER_PAGE", 2)
    for name in ("Cob", "Ash", "Elm", "Dun", "Bay"):
        seed.row("customers", world.a1, name=name, full_name=name)
    c = signed_in("owner")
    first = c.get(f"/companies/{world.a1}/customers").get_data(as_text=True)
    assert "Ash" in first and "Bay" in first and "Cob" not in first and "Next" in first
    last = c.get(f"/companies/{world.a1}/customers?page=3").get_data(as_text=True)
    assert "Elm" in last and "Dun" not in last and "Previous" in last and "Next" not in last
    assert "No more rows" in c.get(f"/companies/{world.a1}/customers?page=9").get_data(as_text=True)


def test_point2_an_expired_open_session_is_not_in_progress(signed_in, world: World, seed) -> None:
    """An open session silent for longer than the ticket lifetime no longer shows as syncing."""
    seed.session(world.a1, state="open", progress=30, minutes_ago=45)
    html = signed_in("owner").get("/").get_data(as_text=True)
    assert "syncing 30%" not in html


def _record(world: World, company_id: int, session_id: int, operation: str, **kw) -> None:
    from qbwc_server.store.views_log import NewExchange
    from qbwc_server.synclog.recorder import compress_text

    xml_in, size_in = compress_text(kw.pop("xml_in", None))
    xml_out, size_out = compress_text(kw.pop("xml_out", None))
    world.store.record_exchange(
        NewExchange(
            company_id=company_id,
            session_id=session_id,
            operation=operation,
            params=kw.pop("params", []),
            qbxml_in=xml_in,
            answer=kw.pop("answer", None),
            qbxml_out=xml_out,
            error=kw.pop("error", None),
            duration_ms=12,
            raw_bytes=size_in + size_out,
            at=world.clock.now(),
        )
    )


def test_point4_session_exchanges_pretty_printed_and_collapsed(
    signed_in, world: World, seed
) -> None:
    """A session page lists its exchanges with escaped, highlighted qbXML; large ones start
    collapsed."""
    sid = seed.session(world.a1)
    request = '<?qbxml version="16.0"?><QBXML><QBXMLMsgsRq onError="stopOnError"><CustomerQueryRq requestID="1"><MaxReturned>500</MaxReturned></CustomerQueryRq></QBXMLMsgsRq></QBXML>'
    big = (
        "<QBXML><QBXMLMsgsRs>"
        + "<CustomerRet><Name>Kim &amp; Co &lt;script&gt;</Name></CustomerRet>" * 200
        + "</QBXMLMsgsRs></QBXML>"
    )
    _record(
        world,
        world.a1,
        sid,
        "authenticate",
        params=[["strUserName", "acme"], ["strPassword", "***"]],
        answer=["t", "", "", ""],
    )
    _record(world, world.a1, sid, "sendRequestXML", xml_out=request)
    _record(world, world.a1, sid, "receiveResponseXML", xml_in=big, answer=100)
    html = signed_in("support").get(f"/companies/{world.a1}/sessions/{sid}").get_data(as_text=True)
    assert "1. authenticate" in html and "strPassword=***" in html
    assert '<span class="tag">&lt;CustomerQueryRq</span> requestID=<span class="attr">' in html
    assert '      <span class="tag">&lt;MaxReturned</span>' in html  # indented
    assert "<script>" not in html and "&amp;lt;script&amp;gt;" in html
    assert "<details open>\n      <summary>qbXML sent" in html
    assert "<details>\n      <summary>qbXML from QuickBooks" in html


def test_point4_session_log_download_scrubbed_or_not(signed_in, world: World, seed) -> None:
    """The session's log file downloads as gzip JSON Lines, scrubbed of names on request."""
    import gzip
    import json

    world.store.update_company(world.a1, first_sync_at=world.clock.now())
    sid = seed.session(world.a1)
    answer = '<?xml version="1.0"?><QBXML><QBXMLMsgsRs><EmployeeQueryRs requestID="1" statusCode="0" statusSeverity="Info" statusMessage="Status OK"><EmployeeRet><ListID>80000001-1</ListID><Name>Kim Nguyen</Name><FirstName>Kim</FirstName><LastName>Nguyen</LastName></EmployeeRet></EmployeeQueryRs></QBXMLMsgsRs></QBXML>'
    params = [["ticket", "0000..."], ["response", None], ["hresult", ""], ["message", ""]]
    _record(world, world.a1, sid, "receiveResponseXML", xml_in=answer, answer=100, params=params)
    c = signed_in("support")
    plain = c.get(f"/companies/{world.a1}/sessions/{sid}/log")
    assert plain.status_code == 200
    assert plain.headers["Content-Disposition"].startswith("attachment;")
    lines = gzip.decompress(plain.data).decode().splitlines()
    assert len(lines) == 2 and "Kim Nguyen" in lines[1]
    json.loads(lines[0])
    scrubbed = c.get(f"/companies/{world.a1}/sessions/{sid}/log?scrub=yes")
    assert "scrubbed" in scrubbed.headers["Content-Disposition"]
    assert "Nguyen" not in gzip.decompress(scrubbed.data).decode()
