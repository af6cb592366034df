"""``qbtime log list|show|export|purge`` and ``qbtime replay``: what support staff type."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import text

from qbwc_server.cli import main
from tests.conftest import make_settings
from tests.e2e.conftest import harness  # noqa: F401 - fixture
from tests.synclog.conftest import MAX_RETURNED, read_lines, write_lines


def _run(tmp_path: Path, monkeypatch, url: str, *args: str):
    monkeypatch.setenv("QBTIME_DATABASE_URL", url)
    return CliRunner().invoke(main, ["--home", str(tmp_path), *args], catch_exceptions=False)


def test_point_log_list_newest_first(recorded, tmp_path: Path, monkeypatch) -> None:
    """``log list --json``: sessions newest first with the API's ids, outcome, counts, errors,
    exchange count and log size."""
    url = str(recorded.store.engine.url)
    result = _run(tmp_path, monkeypatch, url, "log", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == [recorded.sessions[1], recorded.sessions[0]]
    first = rows[1]
    assert first["outcome"] == "finished" and first["counts"]["customers"] == 151
    assert first["exchanges"] > 5 and first["log_bytes"] > 0 and first["errors"] == 0
    assert {"company", "started_at", "duration_seconds"} <= first.keys()
    text_out = _run(tmp_path, monkeypatch, url, "log", "list", "--company", "1", "--limit", "1")
    assert text_out.exit_code == 0 and len(text_out.stdout.splitlines()) == 1


def test_point_log_show_digests_each_exchange(recorded, tmp_path: Path, monkeypatch) -> None:
    """``log show``: every exchange in order with requests, statusCodes, percent and hresult,
    then the errors."""
    url = str(recorded.store.engine.url)
    result = _run(tmp_path, monkeypatch, url, "log", "show", str(recorded.sessions[1]))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "sent PayrollItemWageQueryRq" in out and "hresult 0x80040400" in out
    assert "statusCode 3391" in out and "iterator Continue" in out and "100%" in out
    assert "1 error(s):" in out and "Fix:" in out
    data = json.loads(
        _run(tmp_path, monkeypatch, url, "log", "show", str(recorded.sessions[1]), "--json").stdout
    )
    assert [e["seq"] for e in data["exchanges"]] == list(range(1, len(data["exchanges"]) + 1))
    assert data["errors"][0]["status_code"] == "0x80040400"
    missing = _run(tmp_path, monkeypatch, url, "log", "show", "999")
    assert missing.exit_code == 1 and "no sync session with id 999" in missing.output


def test_point_log_export_and_replay_exit_codes(recorded, tmp_path: Path, monkeypatch) -> None:
    """``log export`` then ``replay``: exit 0 when reproduced, 1 with the difference, JSON."""
    url = str(recorded.store.engine.url)
    out = tmp_path / "s.jsonl.gz"
    result = _run(
        tmp_path,
        monkeypatch,
        url,
        "log",
        "export",
        str(recorded.sessions[0]),
        "-o",
        str(out),
        "--scrub",
    )
    assert result.exit_code == 0 and "(scrubbed)" in result.stdout
    assert read_lines(out)[0]["scrubbed"] is True
    ok = _run(tmp_path, monkeypatch, url, "replay", str(out))
    assert ok.exit_code == 0, ok.output
    assert (
        "reproduces the recorded outcome" in ok.stdout and "created/updated/archived" in ok.stdout
    )
    lines = read_lines(out)
    closing = lines[-1]
    assert closing["operation"] == "closeConnection"
    closing["answer"] = "Synced 1 employee; no errors"
    edited = write_lines(tmp_path / "edited.jsonl.gz", lines)
    bad = _run(tmp_path, monkeypatch, url, "replay", str(edited), "--json")
    assert bad.exit_code == 1
    report = json.loads(bad.stdout)
    assert report["reproduced"] is False and "the summary is" in report["divergences"][0]


def test_point_replay_against_needs_credentials(recorded, tmp_path: Path, monkeypatch) -> None:
    """``--against`` without ``--user``/``--password`` is refused (exit 2)."""
    result = _run(
        tmp_path,
        monkeypatch,
        "sqlite://",
        "replay",
        str(recorded.files[0]),
        "--against",
        "http://127.0.0.1:9/qbwc",
    )
    assert result.exit_code == 2 and "--user and --password" in result.output


def test_point_log_purge(harness, tmp_path: Path, monkeypatch) -> None:  # noqa: F811
    """``log purge`` keeps what is younger than the retention; ``--older-than 0`` deletes every
    exchange but keeps the sessions and their errors."""
    created = harness.add_company()
    assert harness.sync(created, harness.quickbooks()).outcome == "finished"
    url = str(harness.store.engine.url)

    def count(table: str) -> int:
        with harness.store.engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())

    before = count("sync_exchange")
    assert before > 5
    kept = _run(tmp_path, monkeypatch, url, "log", "purge")  # 90 days: nothing is that old
    assert kept.exit_code == 0 and "purged 0 exchanges" in kept.stdout
    gone = _run(tmp_path, monkeypatch, url, "log", "purge", "--older-than", "0")
    assert gone.exit_code == 0 and f"purged {before} exchanges" in gone.stdout
    assert count("sync_exchange") == 0 and count("sync_session") == 1


def test_point_replay_against_a_server_with_qwc(
    recorded, harness_for, sqlite_url: str, tmp_path: Path, monkeypatch
) -> None:
    """``replay FILE --against URL --user --password --qwc`` replays live with the target's
    OwnerID and FileID from its .qwc; exit 0 and the summary."""
    from qbwc_server import admin

    target_server = harness_for(sqlite_url, max_returned=MAX_RETURNED)  # as when recorded
    target = target_server.add_company("Support copy")
    qwc = tmp_path / "target.qwc"
    settings = make_settings(tmp_path, str(target_server.store.engine.url))
    url = "https://sync.example.com"  # the .qwc refuses IP hosts; only its ids are used here
    qwc.write_text(admin.company_qwc(target_server.store, settings, target.company.id, url))
    result = _run(
        tmp_path,
        monkeypatch,
        "sqlite://",
        "replay",
        str(recorded.files[0]),
        "--against",
        f"{target_server.url}/qbwc",
        "--user",
        target.company.qbwc_username,
        "--password",
        target.password,
        "--qwc",
        str(qwc),
    )
    assert result.exit_code == 0, result.output
    assert "(live): finished" in result.stdout and recorded.transcripts[0].summary in result.stdout
    company = target_server.store.get_company(target.company.id)
    assert company.bound_file_stamp == target.company.file_id
