"""A record the database refuses in the middle of a batch (issue #15 changed the batch's
savepoint): on SQLite and PostgreSQL, inside one unit as receiveResponseXML runs the importer,
the batch is stored row by row, the refused record becomes a recorded error with its fix, and
every other record of the batch, its jobs included, is stored once."""

from __future__ import annotations

import pytest
from sqlalchemy import text

import qbxml
from qbwc_server.simulate import FakeQuickBooks, generate_company
from qbwc_server.store import SqlStore
from qbwc_server.sync.importer import RECORD_FIX, ResponseImporter
from qbwc_server.testing import FixedClock
from tests.store.conftest import add_company
from tests.store.test_queue import open_session

REFUSED = "Refused By The Database"

_TRIGGERS = {
    "sqlite": [
        f"""CREATE TRIGGER refuse_one BEFORE INSERT ON customer WHEN NEW.name = '{REFUSED}'
            BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END"""
    ],
    "postgresql": [
        f"""CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.name = '{REFUSED}' THEN RAISE EXCEPTION 'refused by a test trigger'; END IF;
              RETURN NEW;
            END $$""",
        "CREATE TRIGGER refuse_one BEFORE INSERT ON customer "
        "FOR EACH ROW EXECUTE FUNCTION refuse_one()",
    ],
}


@pytest.mark.parametrize("position", ["first", "middle", "last"])
def test_a_refused_record_fails_alone(store: SqlStore, clock: FixedClock, position: str) -> None:
    company_id = add_company(store, clock)
    session = open_session(store, company_id, clock)
    item = next(i for i in store.session_items(session.id) if i.kind == "customers")
    qb_company = generate_company(customers=30, jobs_per_customer=2, clock=clock)
    customers = [r for r in qb_company.records("Customer") if r.parent_ref is None]
    target = {"first": customers[0], "middle": customers[15], "last": customers[-1]}[position]
    qb_company.modify(target.list_id, name=REFUSED)
    request = qbxml.build_msgs_rq([qbxml.CustomerQuery(request_id="1.1")], "16.0")
    answer = FakeQuickBooks(qb_company).process(request)
    total = sum(1 for _ in qb_company.records("Customer"))
    with store.engine.begin() as conn:
        for statement in _TRIGGERS[store.engine.dialect.name]:
            conn.execute(text(statement))

    importer = ResponseImporter(store=store, company_id=company_id, session_id=session.id,
                                sent={"1.1": item}, assign_to_all=True, now=clock.now())  # fmt: skip
    with store.unit(write=True):
        (received,) = importer.run(answer.encode("utf-8"), max_bytes=1 << 30)
    assert received.received == total

    with store.engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT qb_list_id, parent_list_id, parent_id FROM customer WHERE company_id = :c"
            ),
            {"c": company_id},
        ).all()
        errors = conn.execute(
            text(
                "SELECT status_code, record_ref, message, fix FROM sync_error WHERE company_id = :c"
            ),
            {"c": company_id},
        ).all()
    ids = [r[0] for r in stored]
    assert len(ids) == len(set(ids)) == total - 1  # each once, the refused one missing
    assert target.list_id not in ids
    # its jobs are stored, waiting for their parent (linked when it arrives)
    jobs = [r for r in stored if r[1] == target.list_id]
    assert len(jobs) == 2 and all(r[2] is None for r in jobs)
    assert all(r[2] is not None for r in stored if r[1] and r[1] != target.list_id)
    assert [(e[0], e[1], e[3]) for e in errors] == [("store", target.list_id, RECORD_FIX)]
    assert "could not be stored" in errors[0][2] and "asked for again" in errors[0][2]
    assert importer.counts["customers"] + importer.counts.get("jobs", 0) == total - 1
