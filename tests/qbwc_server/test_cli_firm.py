"""qbtime firm list|connect|disconnect through click's CliRunner, with their bad-input paths."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from qbwc_server.cli import main
from qbwc_server.store import SqlStore, make_engine


@pytest.fixture
def run(tmp_path: Path):
    """``qbtime --home tmp_path ...``; firms Smith CPA (2 clients) and Jones LLP (1 client)."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--home", str(tmp_path), *args], catch_exceptions=False)

    assert invoke("init").exit_code == 0
    for name, firm in (("Acme", "Smith CPA"), ("Birch", "Smith CPA"), ("Cedar", "Jones LLP")):
        assert invoke("company", "add", name, "--firm", firm).exit_code == 0
    return invoke


@pytest.fixture
def db(tmp_path: Path, run) -> Iterator[SqlStore]:
    store = SqlStore(make_engine(f"sqlite:///{(tmp_path / 'qbtime.sqlite3').resolve()}"))
    yield store
    store.dispose()


def test_firm_list_connect_disconnect(run, db: SqlStore) -> None:
    """Connect puts Jones LLP under Smith CPA (list says so); disconnect undoes it."""
    listed = run("firm", "list")
    assert listed.exit_code == 0
    assert "Smith CPA\t2 clients\tnot connected" in listed.output
    connected = run("firm", "connect", "Smith CPA", "jones llp")
    assert connected.exit_code == 0, connected.output
    assert "Jones LLP: connected under Smith CPA" in connected.output
    listed = run("firm", "list").output
    assert "Smith CPA\t2 clients\tprimary" in listed
    assert "Jones LLP\t1 clients\tconnected under Smith CPA" in listed
    smith = db.find_firm("Smith CPA")
    jones = db.find_firm("Jones LLP")
    assert smith and jones
    assert db.visible_firm_ids(jones.id) == {smith.id, jones.id}
    gone = run("firm", "disconnect", "Jones LLP")
    assert gone.exit_code == 0 and "Jones LLP: disconnected" in gone.output
    assert db.visible_firm_ids(jones.id) == {jones.id}


def test_firm_connect_separate_stays_invisible(run, db: SqlStore) -> None:
    """--separate records the account under the primary, and neither sees the other's clients."""
    assert run("firm", "connect", "Smith CPA", "Jones LLP", "--separate").exit_code == 0
    assert "separate under Smith CPA" in run("firm", "list").output
    smith, jones = db.find_firm("Smith CPA"), db.find_firm("Jones LLP")
    assert smith and jones
    assert db.visible_firm_ids(smith.id) == {smith.id}
    assert db.visible_firm_ids(jones.id) == {jones.id}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("connect", "Smith CPA", "Nobody"), "no firm account named 'Nobody'"),
        (("connect", "Smith CPA", "Smith CPA"), "cannot be connected to itself"),
        (("disconnect", "Jones LLP"), "is not connected"),
        (("disconnect", "Nobody"), "no firm account named"),
    ],
)
def test_firm_bad_input_changes_nothing(run, db: SqlStore, args, message) -> None:
    """Unknown firms, a firm under itself, or disconnecting what is not connected are refused."""
    result = run("firm", *args)
    assert result.exit_code == 2 and message in result.stderr
    assert all(r.primary_firm_id is None for r in db.list_firms())
