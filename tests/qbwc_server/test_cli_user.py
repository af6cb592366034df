"""qbtime user add|list|password through click's CliRunner, with their bad-input paths."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from werkzeug.security import check_password_hash

from qbwc_server.cli import main
from qbwc_server.store import SqlStore, make_engine


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
    store = SqlStore(make_engine(f"sqlite:///{(tmp_path / 'qbtime.sqlite3').resolve()}"))
    yield store
    store.dispose()


def _password(output: str) -> str:
    found = re.search(r"^password: (\S+)$", output, re.MULTILINE)
    assert found, output
    return found.group(1)


def test_point1_user_add_firm_prints_a_one_time_password(run, db: SqlStore) -> None:
    """`user add --firm` creates the user (and a new firm) and prints `password: ...` alone on
    its line; the password works once and must be changed."""
    result = run("user", "add", "Owner@Jones.example", "--firm", "Jones LLP", "--role", "owner")
    assert result.exit_code == 0, result.output
    password = _password(result.stdout)
    user = db.find_admin_user("owner@jones.example")
    assert user is not None and user.role == "owner" and user.firm_name == "Jones LLP"
    assert user.must_change_password and check_password_hash(user.password_hash, password)


def test_point1_user_add_company_scope(run, db: SqlStore) -> None:
    """`user add --company ID` gives a role on that one company."""
    result = run("user", "add", "help@acme.example", "--company", "1", "--role", "support")
    assert result.exit_code == 0, result.output
    user = db.find_admin_user("help@acme.example")
    assert user is not None and user.company_id == 1 and user.firm_id is None


@pytest.mark.parametrize(
    ("args", "status", "words"),
    [
        (["--role", "owner"], 2, "either --firm"),
        (["--firm", "X", "--company", "1", "--role", "owner"], 2, "either --firm"),
        (["--company", "99", "--role", "admin"], 1, "no company with id 99"),
        (["--firm", "X", "--role", "boss"], 2, "Invalid value"),
    ],
)
def test_point1_user_add_refuses_bad_input(run, db: SqlStore, args, status, words) -> None:
    """Bad scopes, unknown companies and roles are one line on stderr; nothing is created."""
    result = run("user", "add", "x@y.example", *args)
    assert result.exit_code == status
    assert words in result.stderr
    assert db.find_admin_user("x@y.example") is None


def test_point1_user_add_refuses_a_taken_email_or_bad_email(run) -> None:
    """An email already used, or not an email, is refused."""
    assert run("user", "add", "a@b.example", "--firm", "F", "--role", "admin").exit_code == 0
    again = run("user", "add", "A@b.example", "--firm", "F", "--role", "admin")
    assert again.exit_code == 1 and "already exists" in again.stderr
    bad = run("user", "add", "not-an-email", "--firm", "F", "--role", "admin")
    assert bad.exit_code == 1 and "not an email address" in bad.stderr


def test_point1_user_list_and_password(run, db: SqlStore) -> None:
    """`user list` shows each user's role and scope; `user password` prints a new one-time
    password and the old one stops working."""
    first = _password(run("user", "add", "a@b.example", "--firm", "F", "--role", "admin").stdout)
    listing = run("user", "list")
    assert "a@b.example\tadmin\tfirm F (one-time password not changed yet)" in listing.stdout
    data = json.loads(run("user", "list", "--json").stdout)
    assert data[0]["email"] == "a@b.example" and data[0]["firm"] == "F"
    result = run("user", "password", "A@B.example")
    assert result.exit_code == 0
    second = _password(result.stdout)
    user = db.find_admin_user("a@b.example")
    assert user is not None and user.session_version == 1
    assert check_password_hash(user.password_hash, second)
    assert not check_password_hash(user.password_hash, first)
    missing = run("user", "password", "nobody@b.example")
    assert missing.exit_code == 1 and "no user" in missing.stderr


def test_point1_user_list_when_empty(run) -> None:
    """With no users, `user list` says how to add one."""
    assert "qbtime user add" in run("user", "list").stdout
