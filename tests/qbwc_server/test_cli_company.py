"""qbtime company token|show|options|confirm-first-sync|unbind through click's CliRunner, with
their bad-input paths and the proof that those change nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from qbwc_server.cli import main
from qbwc_server.store import SqlStore, make_engine
from qbwc_server.sync.credentials import hash_ticket
from qbwc_server.testing import FixedClock
from tests.web.conftest import Seeder

FIRST_SYNC = datetime(2026, 10, 1, 8, 30, tzinfo=UTC)
SHOW_KEYS = {
    "id",
    "name",
    "firm",
    "username",
    "file_id",
    "bound_company_file",
    "qb_product",
    "qb_country",
    "qbxml_version",
    "first_sync_at",
    "delete_confirmed_at",
    "last_success_at",
    "last_error_at",
    "last_error",
    "sync_requested_at",
    "created_at",
    "import_options",
    "disabled_requests",
    "counts",
    "last_session",
    "login_locks",
    "time_export",
    "health",
}
DEFAULT_OPTIONS = {
    "archive_existing_users": False,
    "import_customers_jobs": True,
    "assign_customers_to_all": True,
    "service_items": "show",
    "billable": "show",
    "classes": "off",
    "import_vendors": False,
    "export_time": False,
}


@pytest.fixture
def run(tmp_path: Path):
    """Invoke ``qbtime --home tmp_path ...``; the installation and company 1 exist."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--home", str(tmp_path), *args], catch_exceptions=False)

    assert invoke("init").exit_code == 0
    assert invoke("company", "add", "Acme Builders", "--firm", "Smith CPA").exit_code == 0
    return invoke


@pytest.fixture
def db(tmp_path: Path, run) -> Iterator[SqlStore]:
    """The CLI's own SQLite store, opened beside it to set up and check rows."""
    store = SqlStore(make_engine(f"sqlite:///{(tmp_path / 'qbtime.sqlite3').resolve()}"))
    yield store
    store.dispose()


def one_line_error(result, status: int = 1) -> str:
    assert result.exit_code == status, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    return result.stderr


# ------------------------------------------------------------------------------ token
def test_token_is_printed_once_and_only_its_hash_is_stored(run, db: SqlStore) -> None:
    """`company token` prints a new token and a note; the store keeps its hash and label."""
    result = run("company", "token", "1", "--label", "payroll app")
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert token.startswith("qbt_") and len(token) > 40
    assert "cannot be shown again" in result.stderr
    found = db.use_api_token(hash_ticket(token), now=datetime.now(UTC))
    assert found is not None and found.company_id == 1 and found.label == "payroll app"
    second = run("company", "token", "1").stdout.strip()
    assert second != token


def test_token_label_too_long(run, db: SqlStore) -> None:
    """A label over 100 characters is refused and no token is made."""
    assert "at most 100" in one_line_error(run("company", "token", "1", "--label", "x" * 101))


# ------------------------------------------------------------------------------ show
def test_show_json_has_the_documented_keys(run, db: SqlStore) -> None:
    """`company show --json` prints the company, options, counts and the last session."""
    seed = Seeder(db, FixedClock())
    seed.rows("team-members", 1, 2)
    seed.row("team-members", 1, qb_role="vendor")
    seed.rows("customers", 1, 3, archived=True, is_active=False)
    seed.session(1, minutes_ago=10)
    last = seed.session(1, state="failed", errors=1, last_error="QuickBooks was busy.")
    db.update_company(1, bound_company_file=r"C:\acme.qbw", qbxml_version="13.0")
    result = run("company", "show", "1", "--json")
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert set(shown) == SHOW_KEYS
    assert shown["name"] == "Acme Builders" and shown["firm"] == "Smith CPA"
    assert shown["bound_company_file"] == r"C:\acme.qbw" and shown["qbxml_version"] == "13.0"
    assert shown["import_options"] == DEFAULT_OPTIONS
    assert shown["counts"]["team_members"] == {
        "total": 3,
        "active": 3,
        "archived": 0,
        "deleted_in_qb": 0,
        "employees": 2,
        "vendors": 1,
        "local": 0,
    }
    assert shown["counts"]["customers"]["archived"] == 3
    assert set(shown["counts"]) == {
        "team_members",
        "customers",
        "service_items",
        "classes",
        "payroll_items",
    }
    assert shown["last_session"]["id"] == last and shown["last_session"]["state"] == "failed"
    assert shown["first_sync_at"] is None and shown["delete_confirmed_at"] is None


def test_show_text(run, db: SqlStore) -> None:
    """`company show` prints readable sections, and says what the first sync waits for."""
    result = run("company", "show", "1")
    assert result.exit_code == 0
    out = result.stdout
    for text in (
        "Acme Builders",
        "not bound yet",
        "confirm-first-sync 1 --type delete",
        "import-customers-jobs:",
        "team members",
        "employees 0, vendors 0, local 0",
        "last sync session: none yet",
    ):
        assert text in out
    run("company", "confirm-first-sync", "1", "--type", "delete")
    assert "removals confirmed" in run("company", "show", "1").stdout
    Seeder(db, FixedClock()).session(1, counts={"employees": 4}, last_error="hresult 0x80040408")
    db.update_company(1, first_sync_at=FIRST_SYNC)
    out = run("company", "show", "1").stdout
    assert "done 2026-10-01T08:30:00+00:00" in out and "employees 4" in out
    assert "hresult 0x80040408" in out


# ------------------------------------------------------------------------------ options
def test_options_print_and_save(run, db: SqlStore) -> None:
    """With no flag the options are printed; with flags they are validated and saved."""
    assert json.loads(run("company", "options", "1", "--json").stdout) == DEFAULT_OPTIONS
    text = run("company", "options", "1").stdout
    assert "service-items:" in text and "import-vendors:" in text
    result = run(
        "company",
        "options",
        "1",
        "--billable",
        "require",
        "--import-vendors",
        "yes",
        "--import-customers-jobs",
        "no",
        "--classes",
        "show",
        "--json",
    )
    assert result.exit_code == 0
    expected = {
        **DEFAULT_OPTIONS,
        "billable": "require",
        "import_vendors": True,
        "import_customers_jobs": False,
        "classes": "show",
    }
    assert json.loads(result.stdout) == expected
    assert db.get_company(1).import_options == expected
    assert "saved 1 option" in run("company", "options", "1", "--export-time", "no").stderr


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--billable", "maybe"), "billable: expected one of off, show, require"),
        (("--export-time", "perhaps"), "export-time: expected yes or no"),
        (("--classes", "show", "--service-items", "always"), "service-items"),
    ],
)
def test_bad_option_values_change_nothing(run, db: SqlStore, flags, message: str) -> None:
    """A bad value is one error line and no option is saved, not even the good ones."""
    assert message in one_line_error(run("company", "options", "1", *flags))
    assert db.get_company(1).import_options == {}


@pytest.mark.parametrize("flag", ["--import-customers-jobs", "--assign-customers-to-all"])
def test_fixed_options_cannot_change_after_the_first_sync(run, db: SqlStore, flag: str) -> None:
    """After the first sync the customer options are fixed; restating them is fine."""
    db.update_company(1, first_sync_at=FIRST_SYNC)
    error = one_line_error(run("company", "options", "1", "--billable", "off", flag, "no"))
    assert "fixed after the first sync" in error and flag.lstrip("-") in error
    assert db.get_company(1).import_options == {}
    assert run("company", "options", "1", flag, "yes", "--billable", "off").exit_code == 0
    assert db.get_company(1).import_options["billable"] == "off"


# ------------------------------------------------------------------------------ first sync
@pytest.mark.parametrize("word", ["yes", "delet", "remove", ""])
def test_confirmation_needs_the_word_delete(run, db: SqlStore, word: str) -> None:
    """Any word but `delete` is one error line, exit status 2, and nothing is recorded."""
    error = one_line_error(run("company", "confirm-first-sync", "1", "--type", word), status=2)
    assert "delete" in error
    assert db.get_company(1).delete_confirmed_at is None


def test_confirmation_without_type_is_a_usage_error(run, db: SqlStore) -> None:
    """Leaving out --type is click's usage error (status 2), and nothing is recorded."""
    assert run("company", "confirm-first-sync", "1").exit_code == 2
    assert db.get_company(1).delete_confirmed_at is None


def test_confirmation_is_recorded_once(run, db: SqlStore) -> None:
    """Typing delete records the time and explains the removals; a repeat keeps that time."""
    result = run("company", "confirm-first-sync", "1", "--type", "delete")
    assert result.exit_code == 0
    assert "remove" in result.stdout and "archived" in result.stdout
    confirmed = db.get_company(1).delete_confirmed_at
    assert confirmed is not None
    again = run("company", "confirm-first-sync", "1", "--type", " DELETE ")
    assert again.exit_code == 0 and "already confirmed" in again.stdout
    assert db.get_company(1).delete_confirmed_at == confirmed


def test_confirmation_after_the_first_sync_is_moot(run, db: SqlStore) -> None:
    """After the first sync there is nothing to confirm: exit 0 and no change."""
    db.update_company(1, first_sync_at=FIRST_SYNC)
    result = run("company", "confirm-first-sync", "1", "--type", "delete")
    assert result.exit_code == 0 and "nothing to confirm" in result.stdout
    assert db.get_company(1).delete_confirmed_at is None


# ------------------------------------------------------------------------------ unbind
def test_unbind_clears_the_bound_file(run, db: SqlStore) -> None:
    """unbind prints the file that was bound and clears the binding; a repeat says so."""
    db.update_company(1, bound_company_file=r"C:\Company Files\acme.qbw", bound_file_stamp="{F}")
    result = run("company", "unbind", "1")
    assert result.exit_code == 0 and r"C:\Company Files\acme.qbw" in result.stdout
    company = db.get_company(1)
    assert company.bound_company_file is None and company.bound_file_stamp is None
    assert "was not bound" in run("company", "unbind", "1").stdout


# ------------------------------------------------------------------------------ unknown company
@pytest.mark.parametrize(
    "args",
    [
        ("token", "7"),
        ("show", "7"),
        ("show", "7", "--json"),
        ("options", "7"),
        ("options", "7", "--billable", "off"),
        ("confirm-first-sync", "7", "--type", "delete"),
        ("unbind", "7"),
    ],
)
def test_unknown_company(run, db: SqlStore, args: tuple[str, ...]) -> None:
    """Every command names the missing company in one line and changes nothing."""
    assert "no company with id 7" in one_line_error(run("company", *args))
    company = db.get_company(1)
    assert company.import_options == {} and company.delete_confirmed_at is None
    assert [c.id for c in db.list_companies()] == [1]


def test_unreadable_stored_options_are_a_clear_error(run, db: SqlStore) -> None:
    """Options stored with a value this version cannot read are named in one error line."""
    db.update_company(1, import_options={"billable": "sometimes"})
    for args in (("show", "1"), ("options", "1")):
        assert "unreadable import options" in one_line_error(run("company", *args))
