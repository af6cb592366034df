"""qbtime company billing ID through click's CliRunner."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from qbwc_server.cli import main
from qbwc_server.store import SqlStore, make_engine


def test_company_billing_shows_owner_and_history(tmp_path: Path) -> None:
    """The owner is the client until a change; each proposal is listed with its state."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--home", str(tmp_path), *args], catch_exceptions=False)

    assert invoke("init").exit_code == 0
    assert invoke("company", "add", "Acme Builders", "--firm", "Smith CPA").exit_code == 0
    out = invoke("company", "billing", "1").output
    assert "billing owner: client since" in out and "history: none" in out
    store = SqlStore(make_engine(f"sqlite:///{(tmp_path / 'qbtime.sqlite3').resolve()}"))
    try:
        change = store.propose_billing(1, by="owner@smith.example", now=datetime.now(UTC))
        store.decide_billing(1, change.id, action="refuse", by="boss", now=datetime.now(UTC))
    finally:
        store.dispose()
    out = invoke("company", "billing", "1").output
    assert "#1 refused: proposed" in out and "by owner@smith.example" in out
    result = invoke("company", "billing", "99")
    assert result.exit_code != 0 and "no company with id 99" in result.output
