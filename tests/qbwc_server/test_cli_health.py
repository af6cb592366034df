"""`qbtime company show` prints the integration health checks (issue 16), with `--json` too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from qbwc_server.cli import main
from qbwc_server.store import SqlStore, make_engine
from qbwc_server.testing import FixedClock
from tests.web.conftest import Seeder

FILE = r"C:\Company Files\acme.qbw"


@pytest.fixture
def run(tmp_path: Path):
    """Invoke ``qbtime --home tmp_path ...``; the installation and company 1 exist."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--home", str(tmp_path), *args], catch_exceptions=False)

    assert invoke("init").exit_code == 0
    assert invoke("company", "add", "Acme Builders").exit_code == 0
    return invoke


@pytest.fixture
def db(tmp_path: Path, run) -> Iterator[SqlStore]:
    store = SqlStore(make_engine(f"sqlite:///{(tmp_path / 'qbtime.sqlite3').resolve()}"))
    yield store
    store.dispose()


def test_show_prints_each_check_with_its_fix_and_where(run, db: SqlStore) -> None:
    """Two problems (the edition changed, no success for a day) are printed with what was found,
    the fix and where; `--json` has them under ``health``; after a recent success under the same
    edition the company is OK."""
    seed = Seeder(db, FixedClock())
    db.update_company(
        1, bound_company_file=FILE, last_success_at=datetime.now(UTC) - timedelta(days=1)
    )
    for minutes_ago, product in ((30, "QuickBooks Pro 2023"), (10, "QuickBooks Premier 2024")):
        seed.session(
            1,
            minutes_ago=minutes_ago,
            qbxml_version="16.0",
            company_file=FILE,
            state_data={"product": product},
        )
    shown = run("company", "show", "1")
    assert shown.exit_code == 0, shown.output
    out = shown.stdout
    assert "health:           2 problems" in out
    assert "[warning] edition_changed: The QuickBooks edition changed" in out
    assert "[error] no_recent_sync: No successful sync for a while" in out
    assert "fix in QuickBooks (page: sessions):" in out
    assert "found: The last sync ran under QuickBooks Premier 2024" in out

    data = json.loads(run("company", "show", "1", "--json").stdout)
    assert [c["code"] for c in data["health"]] == ["edition_changed", "no_recent_sync"]
    assert data["health"][1]["where"] == "QuickBooks" and data["health"][1]["fix"]

    seed.session(
        1,
        qbxml_version="16.0",
        company_file=FILE,
        state_data={"product": "QuickBooks Premier 2024"},
    )
    db.update_company(1, last_success_at=datetime.now(UTC))
    assert "health:           OK" in run("company", "show", "1").stdout
    assert json.loads(run("company", "show", "1", "--json").stdout)["health"] == []
