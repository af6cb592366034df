"""Recording: every SOAP call of a session is a sync_exchange row, the password never appears,
strangers are not recorded, and a recording failure never breaks a sync."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import text

from qbwc_server.errors import StoreError
from qbwc_server.simulate import FakeWebConnector
from qbwc_server.simulate.soapclient import SoapClient
from qbwc_server.synclog import export_session
from qbwc_server.synclog.recorder import compress_text, decompress_text
from tests.e2e.conftest import harness  # noqa: F401 - fixture
from tests.synclog.conftest import read_lines


def _exchanges(store, where: str = "1=1") -> list[dict]:
    with store.engine.connect() as conn:
        rows = conn.execute(text(f"SELECT * FROM sync_exchange WHERE {where} ORDER BY id"))
        out = [dict(r._mapping) for r in rows]
    for row in out:  # JSON columns read back as text through raw SQL
        for key in ("params", "answer", "context"):
            if isinstance(row[key], str):
                row[key] = json.loads(row[key])
    return out


def test_point_every_call_of_a_session_is_recorded(recorded) -> None:
    """Each call from authenticate to closeConnection is a row: seq in order, operation,
    parameters in wire order (password ***), answer, duration and time."""
    rows = _exchanges(recorded.store, f"session_id = {recorded.sessions[0]}")
    ops = [r["operation"] for r in rows]
    calls = [c.operation for c in recorded.transcripts[0].calls]
    assert ops == calls[2:]  # serverVersion and clientVersion carry neither ticket nor user
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    auth = rows[0]
    assert auth["params"] == [
        ["strUserName", recorded.created.company.qbwc_username],
        ["strPassword", "***"],
    ]
    send = rows[1]
    assert [p[0] for p in send["params"]] == [
        "ticket",
        "strHCPResponse",
        "strCompanyFileName",
        "qbXMLCountry",
        "qbXMLMajorVers",
        "qbXMLMinorVers",
    ]
    assert "<HostQueryRs" in decompress_text(send["qbxml_in"])  # qbXML stored compressed
    assert "<PayrollItemWageQueryRq" in decompress_text(send["qbxml_out"])
    assert all(isinstance(r["duration_ms"], int) and r["at"] for r in rows)
    assert rows[-1]["answer"] == recorded.transcripts[0].summary


def test_point_password_never_appears(harness, tmp_path: Path, caplog) -> None:  # noqa: F811
    """The password is in no table, no exported file and no log line (ticket masked too)."""
    caplog.set_level(logging.DEBUG)
    created = harness.add_company()
    transcript = harness.sync(created, harness.quickbooks())
    assert transcript.outcome == "finished"
    bad = FakeWebConnector(
        f"{harness.url}/qbwc",
        created.company.qbwc_username,
        created.password[::-1],
        harness.quickbooks(),
    ).run()
    assert bad.outcome == "not_valid_user"
    password = created.password
    session_id = harness.store.list_logged_sessions()[0].id
    out = tmp_path / "log.jsonl.gz"
    export_session(harness.store, session_id, out, now=harness.clock.now())
    import gzip

    assert password not in gzip.decompress(out.read_bytes()).decode()
    for table in ("sync_exchange", "sync_session", "company", "login_failure", "sync_error"):
        with harness.store.engine.connect() as conn:
            dump = repr([tuple(r) for r in conn.execute(text(f"SELECT * FROM {table}"))])
        assert password not in dump and password[::-1] not in dump, table
        assert transcript.ticket not in dump, table
    assert password not in caplog.text and password[::-1] not in caplog.text


def test_point_calls_without_session_recorded_for_known_user_only(harness) -> None:  # noqa: F811
    """A wrong password of a known user is recorded against its company (no session); a
    stranger's authenticate and calls with unknown tickets are not recorded at all."""
    created = harness.add_company()
    client = SoapClient(f"{harness.url}/qbwc", keep_alive=False)  # a connection per call
    answer = client.call(
        "authenticate", [("strUserName", created.company.qbwc_username), ("strPassword", "wrong")]
    )
    assert answer[1] == "nvu"
    client.call("authenticate", [("strUserName", "stranger"), ("strPassword", "x")])
    client.call("getLastError", [("ticket", "00000000-0000-4000-8000-999999999999")])
    client.call("closeConnection", [("ticket", "nonsense")])
    rows = _exchanges(harness.store)
    assert [(r["company_id"], r["session_id"], r["operation"]) for r in rows] == [
        (created.company.id, None, "authenticate")
    ]
    assert rows[0]["answer"][1] == "nvu" and rows[0]["params"][1] == ["strPassword", "***"]


@pytest.mark.allow_error_logs
def test_point_recording_failure_does_not_break_a_sync(harness, monkeypatch, caplog) -> None:  # noqa: F811
    """With every insert failing, the sync finishes as usual and each failure is a WARNING."""
    store = harness.store

    def broken(new):
        raise StoreError("database error: OperationalError")

    monkeypatch.setattr(store, "record_exchange", broken)
    created = harness.add_company()
    transcript = harness.sync(created, harness.quickbooks())
    assert transcript.outcome == "finished" and transcript.summary.endswith("no errors")
    warnings = [r for r in caplog.records if "sync log: recording failed" in r.getMessage()]
    assert warnings and all(r.levelno == logging.WARNING for r in warnings)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert _exchanges(store) == []


def test_point_recording_can_be_switched_off(harness_for, sqlite_url: str) -> None:
    """``record_exchanges = false`` records nothing."""
    h = harness_for(sqlite_url, record_exchanges=False)
    created = h.add_company()
    assert h.sync(created, h.quickbooks()).outcome == "finished"
    assert _exchanges(h.store) == []


def test_point_large_text_is_compressed_a_slice_at_a_time() -> None:
    """A text of several slices (multi-byte characters included) comes back unchanged, and
    XML compresses well."""
    body = "<CustomerRet><Name>Café Ünïcødé €</Name></CustomerRet>" * 60_000
    data, size = compress_text(body)
    assert data is not None and size == len(body.encode("utf-8")) > 2 * (1 << 20)
    assert decompress_text(data) == body and len(data) < size / 20
    assert compress_text("") == (None, 0)


def test_point_exported_file_has_header_and_lines(recorded) -> None:
    """The file's header names format, version, company, session, qbXML version, counts and
    scrubbed; each line is one exchange with the qbXML as text."""
    lines = read_lines(recorded.files[0])
    header = lines[0]
    assert header["format"] == "qbtime-synclog" and header["version"] == 1
    assert {
        "server_version",
        "exported_at",
        "company",
        "session",
        "qbxml_version",
        "counts",
        "scrubbed",
    } <= header.keys()
    assert header["scrubbed"] is False and header["session"]["exchanges"] == len(lines) - 1
    for line in lines[1:]:
        assert set(line) == {"seq", "operation", "params", "answer", "error", "duration_ms", "at"}
    sends = [line for line in lines if line.get("operation") == "sendRequestXML"]
    assert sends[0]["params"][1][1].startswith("<?xml")  # the HCP response as text


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_point_recording_and_export_on_postgres(harness_for, database_url: str, tmp_path) -> None:
    """On PostgreSQL too, a sync is recorded (compressed qbXML in bytea) and exports to a file
    that replays offline to the same outcome."""
    from qbwc_server.synclog import read_log, replay_offline

    h = harness_for(database_url)
    created = h.add_company()
    assert h.sync(created, h.quickbooks()).outcome == "finished"
    session = h.store.list_logged_sessions(company_id=created.company.id)[0]
    assert session.exchanges > 5 and 0 < session.log_bytes < session.raw_bytes
    out = tmp_path / "pg.jsonl.gz"
    export_session(h.store, session.id, out, now=h.clock.now())
    assert replay_offline(read_log(out)).reproduced
