"""One import measurement in a fresh process: ``python -m bench._import_child MODE DATA [DB]``.

MODE: ``fromstring`` (bare ``lxml.etree.fromstring``), ``parse`` (``qbxml.iter_msgs_rs``),
``import`` (the server's importer: a first import into a fresh store, in one unit of work as
receiveResponseXML runs it) or ``reference``
(``bench.reference_importer`` into a fresh store). Prints one JSON line: records, CPU and wall
seconds, and the peak RSS growth over the RSS before the measured step (lxml's C memory counts).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def _status(key: str) -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key))


def _prepare(url: str):  # type: ignore[no-untyped-def]
    from qbwc_server import admin
    from qbwc_server.store import SqlStore, make_engine, upgrade_schema
    from qbwc_server.testing import FixedClock

    engine = make_engine(url)
    upgrade_schema(engine)
    store = SqlStore(engine)
    clock = FixedClock()
    admin.init_installation(store, clock)
    company_id = admin.add_company(store, clock, "Bench Builders").company.id
    return store, clock, company_id


def main(argv: list[str]) -> None:
    mode, path = argv[0], Path(argv[1])
    data = path.read_bytes()
    run: object
    if mode == "fromstring":
        from lxml import etree

        def run() -> int:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
            root = etree.fromstring(data, parser)
            return sum(1 for _ in root.iter("CustomerRet"))
    elif mode == "parse":
        import qbxml

        def run() -> int:
            return sum(
                1
                for r in qbxml.iter_msgs_rs(data, max_bytes=1 << 30)
                if r.__class__ is qbxml.Customer
            )
    elif mode == "reference":
        from bench.reference_importer import import_customers

        store, _, company_id = _prepare(argv[2])

        def run() -> int:
            return import_customers(store.engine, company_id, data)
    elif mode == "import":
        from qbwc_server.store.views import WorkItemView
        from qbwc_server.sync.importer import ResponseImporter

        store, clock, company_id = _prepare(argv[2])
        item = WorkItemView(id=1, company_id=company_id, session_id=None, position=10,
                            kind="customers", state="sent", attempt=1, request_id="1.1",
                            error=None)  # fmt: skip

        def run() -> int:
            importer = ResponseImporter(store=store, company_id=company_id, session_id=0,
                                        sent={"1.1": item}, assign_to_all=True, now=clock.now())  # fmt: skip
            # in one unit of work, as receiveResponseXML runs it (one transaction, a savepoint
            # per batch)
            with store.unit(write=True):
                answers = importer.run(data, max_bytes=1 << 30)
            return answers[0].received
    else:
        raise SystemExit(f"unknown mode {mode}")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak RSS mark (VmHWM) to the current RSS
    before = _status("VmRSS:")
    cpu, wall = time.process_time(), time.perf_counter()
    records = run()  # type: ignore[operator]
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = max(0, _status("VmHWM:") - before)
    if mode in ("import", "reference"):
        rows = store.count_list_rows(company_id, "customer")
        assert rows == records, (rows, records)
    print(json.dumps({"records": records, "cpu": cpu, "wall": wall, "peak_kib": peak}))


if __name__ == "__main__":
    main(sys.argv[1:])
