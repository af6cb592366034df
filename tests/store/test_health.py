"""The health checks' facts (issue 16) on SQLite and PostgreSQL: the simulator's sample company
imported the way the importer does, with time entries and sessions; one batch of queries for
many companies, and nothing of one company in another's facts."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import event, text

from mappings import ImportOptions, options_to_dict
from mappings.time import parse_entry_input
from qbwc_server import admin
from qbwc_server.settings import Settings
from qbwc_server.simulate import FakeQuickBooks, load_sample_company
from qbwc_server.store import SqlStore
from qbwc_server.testing import FixedClock
from tests.store.conftest import add_company
from tests.store.test_lists import apply, sample_rows

DAY = date(2026, 11, 23)
FILE = r"C:\Company Files\sample.qbw"
STAMP = "{11111111-2222-3333-4444-555555555555}"


def import_sample(store: SqlStore, clock: FixedClock, name: str = "Acme") -> int:
    company = add_company(store, clock, name)
    rows = sample_rows()
    for kind in ("payroll_item", "team_member"):
        apply(store, company, rows[kind], clock.now())
    store.update_company(company, import_options=options_to_dict(ImportOptions(export_time=True)))
    return company


def members(store: SqlStore, company_id: int) -> dict[str, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT name, id FROM team_member WHERE company_id = :c"), {"c": company_id}
        )
        return {str(r[0]): int(r[1]) for r in rows}


def add_entry(store: SqlStore, clock: FixedClock, company_id: int, member_id: int) -> int:
    [(record, _)] = store.create_time_entries(
        company_id,
        [
            parse_entry_input(
                {
                    "team_member_id": member_id,
                    "work_date": DAY.isoformat(),
                    "duration_seconds": 3600,
                }
            )
        ],
        now=clock.now(),
    )
    return int(record.id)


def add_session(
    store: SqlStore,
    clock: FixedClock,
    company_id: int,
    *,
    state: str = "finished",
    company_file: str = FILE,
    product: str = "QuickBooks Pro 2023",
    stamp: str | None = STAMP,
    hcp: bytes | None = None,
) -> int:
    clock.advance(minutes=1)
    opened = store.open_session(
        company_id=company_id,
        ticket_hash=uuid.uuid4().hex,
        now=clock.now(),
        live_since=clock.now() - timedelta(minutes=30),
        address="127.0.0.1",
        sync_requested_at=None,
        state_data={},
    )
    assert opened is not None
    store.update_session(
        opened.id,
        state=state,
        qbxml_version="16.0",
        company_file=company_file,
        hcp_response=hcp,
        state_data={"product": product, "file_stamp": stamp},
        ended_at=clock.now(),
    )
    return opened.id


def test_employees_with_time_to_export_and_their_payroll_facts(
    store: SqlStore, clock: FixedClock
) -> None:
    """Only active employees with time still to export are listed, by name, with their wage
    items judged against the company's hourly items; exported time does not count."""
    company = import_sample(store, clock)
    ids = members(store, company)
    for name in ("Owen Fitzgerald", "Maria Alvarez", "Aiyana Begay"):
        add_entry(store, clock, company, ids[name])
    done = add_entry(store, clock, company, ids["James O'Connor"])
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE time_entry SET export_state = 'exported' WHERE id = :i"), {"i": done}
        )
    facts = store.health_inputs([company])[company].facts
    by_name = {e.name: e for e in facts.employees}
    assert list(by_name) == sorted(by_name) == ["Aiyana Begay", "Maria Alvarez", "Owen Fitzgerald"]
    assert by_name["Owen Fitzgerald"].has_hourly_item is False
    assert by_name["Maria Alvarez"].has_hourly_item is True
    assert by_name["Aiyana Begay"].uses_time_data is False
    assert by_name["Maria Alvarez"].uses_time_data is True
    assert facts.payroll_items_known is True and facts.options.export_time is True


def test_unlinked_members_with_approved_time(store: SqlStore, clock: FixedClock) -> None:
    """A local member's approved entries still to export are counted; drafts are not."""
    company = import_sample(store, clock)
    local = store.add_local_team_member(
        company, first_name="Nadia", last_name="Petrova", email=None, now=clock.now()
    )
    draft_only = store.add_local_team_member(
        company, first_name="Dee", last_name="Draft", email=None, now=clock.now()
    )
    add_entry(store, clock, company, local)
    add_entry(store, clock, company, local)
    store.set_approval(
        company, date_from=DAY, date_to=DAY, member_ids=[local], approve=True, now=clock.now()
    )
    add_entry(store, clock, company, draft_only)
    facts = store.health_inputs([company])[company].facts
    assert facts.unlinked_with_approved_time == (("Nadia Petrova", 2),)


def test_sessions_give_the_last_file_product_and_the_hcp_of_the_bound_file(
    store: SqlStore, clock: FixedClock
) -> None:
    """The latest session that reached QuickBooks gives the file, stamp and product; the one
    before that finished gives the earlier product; the HCP bytes are the newest of the bound
    file, not of a refused other file."""
    company = import_sample(store, clock)
    store.update_company(company, bound_company_file=FILE, bound_file_stamp=STAMP)
    add_session(store, clock, company, product="QuickBooks Pro 2023", hcp=b"<old/>")
    add_session(store, clock, company, state="failed", product="QuickBooks Premier 2023")
    add_session(store, clock, company, product="QuickBooks Pro 2023", hcp=b"<bound/>")
    add_session(
        store,
        clock,
        company,
        state="failed",
        company_file=r"C:\other.qbw",
        product="QuickBooks Enterprise Solutions 24.0",
        stamp=None,
        hcp=b"<other/>",
    )
    found = store.health_inputs([company])[company]
    assert found.facts.last_session is not None
    assert found.facts.last_session.company_file == r"C:\other.qbw"
    assert found.facts.last_session.product == "QuickBooks Enterprise Solutions 24.0"
    assert found.facts.previous_product == "QuickBooks Pro 2023"
    assert found.hcp_response == b"<bound/>"
    assert found.facts.bound_company_file == FILE and found.facts.bound_file_stamp == STAMP


def test_no_session_no_facts_of_quickbooks(store: SqlStore, clock: FixedClock) -> None:
    """Before any session: no last session, no HCP; unknown ids are left out."""
    company = add_company(store, clock)
    found = store.health_inputs([company, 999_999])
    assert list(found) == [company]
    assert found[company].facts.last_session is None and found[company].hcp_response is None
    assert found[company].facts.payroll_items_known is False
    assert store.health_inputs([]) == {}


def test_companies_are_separate_and_read_in_a_fixed_number_of_queries(
    store: SqlStore, clock: FixedClock
) -> None:
    """Facts of several companies come from the same few statements as one company's (no N+1),
    and nothing of one company appears in another's."""
    first = import_sample(store, clock, "First")
    second = import_sample(store, clock, "Second")
    add_entry(store, clock, first, members(store, first)["Owen Fitzgerald"])
    add_session(store, clock, first, hcp=b"<first/>")
    add_session(store, clock, second, product="QuickBooks Enterprise Solutions 24.0")
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        store.health_inputs([first])
        one = len(statements)
        statements.clear()
        both = store.health_inputs([first, second])
        assert len(statements) == one
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert [e.name for e in both[first].facts.employees] == ["Owen Fitzgerald"]
    assert both[second].facts.employees == ()
    assert both[first].hcp_response == b"<first/>" and both[second].hcp_response is None
    assert both[second].facts.last_session is not None
    assert both[second].facts.last_session.product == "QuickBooks Enterprise Solutions 24.0"


@pytest.mark.parametrize(("day", "tracking"), [("Sunday", False), ("Monday", True)])
def test_company_health_reads_the_preferences_of_the_stored_hcp(
    store: SqlStore, clock: FixedClock, day: str, tracking: bool
) -> None:
    """admin.company_health completes the facts with the last HCP response's preferences: a
    QuickBooks week start of Sunday and class tracking off raise their checks, the defaults none."""
    company = import_sample(store, clock)
    store.update_company(
        company,
        import_options=options_to_dict(ImportOptions(classes="show")),
        bound_company_file=FILE,
        last_success_at=clock.now(),
    )
    qb_file = load_sample_company(clock=clock)
    qb_file.preferences = dataclasses.replace(
        qb_file.preferences, first_day_of_week=day, is_using_class_tracking=tracking
    )
    hcp = FakeQuickBooks(qb_file).hcp_response().encode("utf-8")
    add_session(store, clock, company, hcp=hcp)
    settings = Settings(run_every_n_minutes=60)
    checks = admin.company_health(store, [company], settings=settings, now=clock.now())[company]
    expected = [] if day == "Monday" else ["week_start", "class_tracking"]
    assert [c.code for c in checks] == expected
