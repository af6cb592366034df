"""Scrub: a scrubbed log holds none of the company's names, emails, phones or addresses, keeps
ids, times and structure, and still replays to the same counts."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from xml.sax.saxutils import escape

import qbxml
from qbwc_server.simulate import sample_company_data
from qbwc_server.synclog import Scrubber, export_session, read_log, replay_offline
from tests.conftest import FIXTURES

# a payroll item named like the WageType enum value it has: the enum is structure, kept
STRUCTURAL = {"Salary"}
PERSONAL_KEYS = {"name", "first_name", "last_name", "email", "phone", "company_name", "job_desc"}


def _values(data: object) -> set[str]:
    """Every personal or business string of the sample company's data."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key in PERSONAL_KEYS and isinstance(value, str) and value:
                found.add(value)
            else:
                found |= _values(value)
    elif isinstance(data, list):
        for item in data:
            found |= _values(item)
    return found


def _scrubbed(recorded, tmp_path: Path, n: int) -> Path:
    path = tmp_path / f"scrubbed{n}.jsonl.gz"
    export_session(
        recorded.store, recorded.sessions[n], path, now=recorded.harness.clock.now(), scrub=True
    )
    return path


def test_point_scrubbed_file_holds_no_original_value(recorded, tmp_path: Path) -> None:
    """Search the scrubbed files for every name, email and phone of the sample company, its
    name, the QBWC username and the company file path: none is there."""
    data = sample_company_data()
    originals = _values(data) | {"Zephyr Studio", "hello@zephyr.example", "(503) 555-7777"}
    company = recorded.store.get_company(recorded.created.company.id)
    originals |= {
        company.name,
        company.qbwc_username,
        company.bound_company_file or "",
        company.qb_company_name or "",
    }
    assert len(originals) > 200
    for n in (0, 1):
        body = gzip.decompress(_scrubbed(recorded, tmp_path, n).read_bytes()).decode("utf-8")
        left = sorted(
            v
            for v in originals - STRUCTURAL
            if any(
                re.search(rf"(?<!\w){re.escape(form)}(?!\w)", body)
                for form in {v, escape(v), json.dumps(v)[1:-1]}
            )
        )
        assert left == [], left[:10]
        header = json.loads(body.splitlines()[0])
        assert header["scrubbed"] is True


def test_point_scrub_keeps_ids_times_and_structure(recorded, tmp_path: Path) -> None:
    """ListIDs, EditSequences, TimeModified and the element structure are unchanged, and the
    pseudonyms are consistent (a job's FullName is its parent's pseudonym : its own)."""
    plain = read_log(recorded.files[0])
    scrubbed = read_log(_scrubbed(recorded, tmp_path, 0))
    tag = re.compile(r"</?(\w+)")
    kept = re.compile(r"<(ListID|EditSequence|TimeModified|TimeCreated)>([^<]*)<")
    for a, b in zip(plain.exchanges, scrubbed.exchanges, strict=True):
        for x, y in ((a.param("response"), b.param("response")), (a.answer, b.answer)):
            if isinstance(x, str) and x.startswith("<?xml"):
                assert tag.findall(x) == tag.findall(y)
                assert kept.findall(x) == kept.findall(y)
    customers = [
        b.param("response")
        for b in scrubbed.exchanges
        if "<CustomerRet>" in str(b.param("response") or "")
    ]
    blocks = re.findall(r"<CustomerRet>(.*?)</CustomerRet>", "".join(customers), re.S)
    own = re.compile(r"^.*?<ListID>([^<]+)</ListID>.*?<FullName>([^<]+)</FullName>", re.S)
    names = dict(own.match(b).groups() for b in blocks)  # type: ignore[union-attr]
    parents = [
        (own.match(b).group(2), m.group(1))  # type: ignore[union-attr]
        for b in blocks
        if (m := re.search(r"<ParentRef>\s*<ListID>([^<]+)</ListID>", b))
    ]
    assert parents
    for full, parent_id in parents:
        assert full.rsplit(":", 1)[0] == names[parent_id]


def test_point_scrubbed_file_replays_to_the_same_counts(recorded, tmp_path: Path) -> None:
    """Both scrubbed logs replay offline, in order, to the recorded counts and summaries."""
    db = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
    for n in (0, 1):
        report = replay_offline(read_log(_scrubbed(recorded, tmp_path, n)), db_url=db)
        assert report.reproduced, report.divergences
        assert report.counts == report.recorded_counts


def test_point_addresses_ssn_and_notes_are_scrubbed() -> None:
    """A captured CustomerQueryRs (addresses, phone, fax, email, balances) and an employee with
    an SSN and notes: no original value is left and qbxml still reads the result."""
    captured = (FIXTURES / "qbxml/CustomerQueryRs/qbwc_gem_customer_query.xml").read_text()
    employee = (
        '<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><EmployeeQueryRs requestID="1" '
        'statusCode="0" statusSeverity="Info" statusMessage="Status OK"><EmployeeRet>'
        "<ListID>80000001-1</ListID><TimeCreated>2026-01-01T00:00:00-05:00</TimeCreated>"
        "<TimeModified>2026-01-01T00:00:00-05:00</TimeModified><EditSequence>1</EditSequence>"
        "<Name>Keith Palmer</Name><IsActive>true</IsActive><SSN>123-45-6789</SSN>"
        "<EmployeeAddress><Addr1>9 Elm Street</Addr1><City>Storrs</City></EmployeeAddress>"
        "<Notes>Prefers mornings</Notes></EmployeeRet></EmployeeQueryRs></QBXMLMsgsRs></QBXML>"
    )
    scrubber = Scrubber()
    for xml in (captured, employee):
        scrubber.learn(xml)
    out = scrubber.xml(captured) + scrubber.xml(employee)
    for original in (
        "Keith",
        "Palmer",
        "134 Stonemill Road",
        "Suite D",
        "Storrs",
        "06268",
        "(860) 634-1602",
        "(860) 429-5182",
        "keith@uglyslug.com",
        "250.00",
        "123-45-6789",
        "9 Elm Street",
        "Prefers mornings",
    ):
        assert original not in out, original
    assert "10006-1211236622" in out and "1213155356" in out
    records = list(qbxml.iter_msgs_rs(scrubber.xml(captured).encode("utf-8")))
    assert records and scrubber.text("Keith Palmer is a duplicate") == "Name 1 is a duplicate"
