"""PostgreSQL: the importer's look-ups probe ``(company_id, key)`` per value, and a list table
gets statistics at its first import (issue #15: without them a first import read the whole
company at every batch; a 100k-customer import took 64 s of wall time instead of 7)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

import qbxml
from qbwc_server.simulate import FakeQuickBooks, generate_company
from qbwc_server.store import SqlStore, _bulk
from qbwc_server.store.models import Customer
from qbwc_server.store.views import WorkItemView
from qbwc_server.sync.importer import ResponseImporter
from qbwc_server.testing import FixedClock
from tests.conftest import make_store
from tests.store.conftest import add_company

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store(postgres_url: str, clock: FixedClock) -> Iterator[SqlStore]:
    s = make_store(postgres_url, clock)
    yield s
    s.dispose()


def _import(store: SqlStore, clock: FixedClock, company_id: int, customers: int) -> int:
    company = generate_company(customers=customers, jobs_per_customer=2, clock=clock)
    request = qbxml.build_msgs_rq([qbxml.CustomerQuery(request_id="1.1")], "16.0")
    answer = FakeQuickBooks(company).process(request)
    item = WorkItemView(id=1, company_id=company_id, session_id=None, position=10,
                        kind="customers", state="sent", attempt=1, request_id="1.1",
                        error=None)  # fmt: skip
    importer = ResponseImporter(store=store, company_id=company_id, session_id=0,
                                sent={"1.1": item}, assign_to_all=True, now=clock.now())  # fmt: skip
    return importer.run(answer.encode("utf-8"), max_bytes=1 << 30)[0].received


def _customer_stat(store: SqlStore, query: str) -> float:
    with store.engine.connect() as conn:
        return float(conn.execute(text(query)).scalar_one())


def _reltuples(store: SqlStore) -> float:
    return _customer_stat(store, "SELECT reltuples FROM pg_class WHERE relname = 'customer'")


def _analyze_count(store: SqlStore) -> int:
    query = "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'customer'"
    return int(_customer_stat(store, query))


def test_a_first_import_gives_the_table_statistics(pg_store: SqlStore, clock: FixedClock) -> None:
    """A fresh database's table is analyzed at its first import, and again once per company
    whose import writes a big batch; small batches of a company analyzed already do not."""
    assert _reltuples(pg_store) < 0  # a fresh database: never analyzed
    company = add_company(pg_store, clock)
    received = _import(pg_store, clock, company, 400)  # several batches of 500
    assert pg_store.count_list_rows(company, "customer") == received > 1000
    assert _reltuples(pg_store) >= 0
    assert _analyze_count(pg_store) == 1  # once for the company, not once per batch
    _import(pg_store, clock, company, 400)  # the same records again: nothing to write
    _import(pg_store, clock, add_company(pg_store, clock, "Small"), 20)  # one small batch
    assert _analyze_count(pg_store) == 1
    _import(pg_store, clock, add_company(pg_store, clock, "Second"), 400)
    assert _analyze_count(pg_store) == 2


@pytest.mark.parametrize(
    ("key", "null", "index"),
    [
        ("qb_list_id", None, "uq_customer_company_id"),
        ("parent_list_id", "parent_id", "ix_customer_company_parent"),
        ("parent_id", None, "ix_customer_company_parent_id"),
    ],
)
@pytest.mark.parametrize("whose", ["big", "second"])
def test_batch_lookups_probe_the_index_per_value(
    pg_store: SqlStore, clock: FixedClock, key: str, null: str | None, index: str, whose: str
) -> None:
    """For the company with the table's rows and for a company newer than the statistics
    (estimated as having none), each value of the batch is one probe of ``(company_id, key)``,
    never a read of the company's rows through ``company_id`` alone."""
    big = add_company(pg_store, clock, "Big")
    _import(pg_store, clock, big, 400)
    company = big
    if whose == "second":  # a company whose first import comes after the table's statistics
        company = add_company(pg_store, clock, "New")
        _import(pg_store, clock, company, 400)
    values: list[object]
    with pg_store.engine.connect() as conn:
        ids = conn.execute(
            text("SELECT id, qb_list_id FROM customer WHERE company_id = :c LIMIT 300"), {"c": big}
        ).all()
    values = [r[0] for r in ids] if key == "parent_id" else [r[1] for r in ids]
    with pg_store.engine.connect() as conn:
        prepared = _bulk._prepared_select(
            conn.dialect, Customer.__table__, ("id", "qb_list_id"), key, 0, null
        )
        params = {"_company": company, "_keys": values}
        plan = "\n".join(
            r[0] for r in conn.exec_driver_sql("EXPLAIN " + prepared.sql, params).all()
        )
        found = _bulk.select_in(
            conn, Customer.__table__, ("id", "qb_list_id"), company, key, values, null=null
        )
    assert "Nested Loop" in plan and f"using {index} on customer" in plan, plan
    assert "Bitmap" not in plan and "Seq Scan on customer" not in plan, plan
    if key == "qb_list_id":  # the generated companies have the same ListIDs
        assert {r[1] for r in found} == set(values)
        mine = {r[0] for r in found}
        assert (mine == {r[0] for r in ids}) == (whose == "big")
