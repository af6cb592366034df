"""Issue 11, as a new user meets the CLI: one-line failures, unlock, duplicate names, .qwc URLs,
the export default. Through click's runner and, where a real process matters, a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from lxml import etree

from qbwc_server.app import create_app
from qbwc_server.cli import main
from qbwc_server.settings import load_settings
from qbwc_server.store import SqlStore, make_engine
from qbwc_server.testing import serve_in_thread
from tests.conftest import _free_port
from tests.qbwc_server.conftest import TNS, envelope, post_envelope

CLI = [sys.executable, "-m", "qbwc_server.cli"]


@pytest.fixture
def run(tmp_path: Path):
    """Invoke ``qbtime --home tmp_path/instance ...`` in-process (nothing initialised yet)."""
    runner = CliRunner()
    home = tmp_path / "instance"

    def invoke(*args: str, home_dir: Path = home):
        return runner.invoke(main, ["--home", str(home_dir), *args], catch_exceptions=False)

    return invoke


def one_line(result, status: int = 1) -> str:
    """The failure's stderr, after checking it is one line with that exit status."""
    assert result.exit_code == status, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def cli_process(*args: str, env: dict[str, str], unprivileged: bool = False, timeout: float = 60):
    """Run ``qbtime`` as a real process; ``unprivileged``: subject to file permissions even when
    the tests run as root (root keeps its uid but loses the capabilities that bypass them)."""
    prefix: list[str] = []
    if unprivileged and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without util-linux's setpriv to drop privileges")
        drop = "-dac_override,-dac_read_search,-fowner"
        prefix = [setpriv, f"--inh-caps={drop}", f"--bounding-set={drop}", "--"]
    return subprocess.run(
        [*prefix, *CLI, *args], env=env, capture_output=True, text=True, timeout=timeout, cwd="/"
    )


def process_env(home: Path, **extra: str) -> dict[str, str]:
    repo = str(Path(__file__).resolve().parents[2])
    return {
        **os.environ,
        "QBTIME_HOME": str(home),
        "PYTHONPATH": repo,
        "PYTHONDONTWRITEBYTECODE": "1",
        **extra,
    }


# errors a person sees -------------------------------------------------------------------------
def test_point_errors_port_in_use_is_one_line(tmp_path: Path) -> None:
    """`qbtime serve` on a port another program listens on says so in one line, exit 1."""
    env = process_env(tmp_path)
    assert cli_process("init", env=env).returncode == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = cli_process("serve", "--port", str(port), env=env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in lines[0] and "--port" in lines[0]


def test_point_errors_bad_host_is_one_line(run) -> None:
    """A --host that is no address of this machine is refused in one line, before serving."""
    assert run("init").exit_code == 0
    line = one_line(run("serve", "--host", "no-such-host.invalid", "--port", "0"))
    assert "cannot listen on host 'no-such-host.invalid'" in line and "0.0.0.0" in line
    line = one_line(run("serve", "--host", "192.0.2.1", "--port", str(_free_port())))
    assert "cannot listen on 192.0.2.1" in line


def test_point_errors_usage_errors_exit_2(run) -> None:
    """click's usage errors (a missing argument, a bad number) keep exit status 2."""
    assert run("company", "show").exit_code == 2
    assert run("serve", "--port", "99999").exit_code == 2


def test_point_errors_missing_instance_folder_creates_nothing(run, tmp_path: Path) -> None:
    """Commands before `qbtime init` say to run it and create no folder and no database file."""
    home = tmp_path / "instance"
    for args in (("company", "list"), ("company", "show", "1"), ("sync-now", "1"), ("serve",)):
        line = one_line(run(*args))
        assert "there is no instance folder" in line and "qbtime init" in line
    assert not home.exists()
    home.mkdir()
    line = one_line(run("company", "list"))
    assert "there is no database at" in line and "qbtime init" in line
    assert list(home.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX file permissions")
def test_point_errors_read_only_instance_folder(tmp_path: Path) -> None:
    """`qbtime init` in a folder this user may not write says so in one line (a real process,
    unprivileged so the permission is enforced even when the tests run as root)."""
    home = tmp_path / "instance"
    home.mkdir()
    home.chmod(0o555)
    done = cli_process("init", env=process_env(home), unprivileged=True)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"cannot write to the instance folder {home}" in lines[0] and "--home" in lines[0]
    assert list(home.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX file permissions")
def test_point_errors_read_only_database_file(tmp_path: Path) -> None:
    """A database whose folder this user may not write is named, with the fix, in one line."""
    home = tmp_path / "instance"
    env = process_env(home)
    assert cli_process("init", env=env).returncode == 0
    for path in (home, *home.iterdir()):
        path.chmod(0o555 if path.is_dir() else 0o444)
    done = cli_process("company", "add", "Acme", env=env, unprivileged=True)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "qbtime.sqlite3 cannot be written" in lines[0] and "writable" in lines[0]


def test_point_errors_unwritable_output_path(run, tmp_path: Path) -> None:
    """`company qwc -o` into a missing folder, or onto a folder, fails in one line."""
    assert run("init").exit_code == 0
    assert run("company", "add", "Acme").exit_code == 0
    missing = tmp_path / "nowhere" / "acme.qwc"
    line = one_line(
        run("company", "qwc", "1", "--url", "https://sync.example.com", "-o", str(missing))
    )
    assert f"cannot write {missing}" in line and "-o" in line
    assert not missing.parent.exists()


def test_point_errors_unreachable_database_url(run, tmp_path: Path) -> None:
    """A PostgreSQL URL nobody answers at is named (without its password) in one line."""
    port = _free_port()
    url = f"postgresql+psycopg://qbtime:s3cret@127.0.0.1:{port}/qbtime?connect_timeout=2"
    runner = CliRunner(env={"QBTIME_DATABASE_URL": url})
    for args in (("init",), ("company", "list")):
        result = runner.invoke(main, ["--home", str(tmp_path), *args], catch_exceptions=False)
        line = one_line(result)
        assert f"the database at postgresql+psycopg://qbtime:***@127.0.0.1:{port}" in line
        assert "s3cret" not in result.output and "reachable" in line


def test_point_errors_unexpected_failures_are_one_line(run, monkeypatch) -> None:
    """Even a bug ends in one line that says how to see the traceback."""
    assert run("init").exit_code == 0
    from qbwc_server import admin

    def broken(*_args, **_kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(admin, "request_sync", broken)
    line = one_line(run("sync-now", "1"))
    assert "failed unexpectedly (KeyError" in line and "QBTIME_DEBUG=1" in line


# companies and .qwc files ---------------------------------------------------------------------
def _authenticate(base_url: str, username: str, password: str) -> str:
    """The authenticate status (authRet[1]) the server answers over real HTTP."""
    answer = post_envelope(
        f"{base_url}/qbwc",
        envelope("authenticate", strUserName=username, strPassword=password),
        "authenticate",
    )
    strings = etree.fromstring(answer.content).findall(f".//{{{TNS}}}string")
    return strings[1].text or ""


def test_point_unlock_lifts_a_login_lock(run, tmp_path: Path) -> None:
    """Five wrong passwords lock the username; `company show` names the lock and its end, and
    `company unlock ID` lets the right password in at once."""
    home = tmp_path / "instance"
    assert run("init").exit_code == 0
    created = json.loads(run("company", "add", "Acme Builders", "--json").stdout)
    settings = load_settings({}, overrides={"home": home})
    store = SqlStore(make_engine(settings.effective_database_url))
    try:
        app = create_app(settings, store=store)
        with serve_in_thread(app) as base_url:
            for _ in range(5):
                assert _authenticate(base_url, created["username"], "wrong-password") == "nvu"
            assert _authenticate(base_url, created["username"], created["password"]) == "nvu"
            shown = run("company", "show", "1")
            assert "locked for 127.0.0.1 until" in shown.stdout
            assert "`qbtime company unlock 1`" in shown.stdout
            (lock,) = json.loads(run("company", "show", "1", "--json").stdout)["login_locks"]
            assert lock["address"] == "127.0.0.1" and lock["failures"] >= 5 and lock["until"]
            unlocked = run("company", "unlock", "1")
            assert unlocked.exit_code == 0 and "is unlocked" in unlocked.stdout
            assert _authenticate(base_url, created["username"], created["password"]) == ""
    finally:
        store.dispose()
    assert "  login:          not locked" in run("company", "show", "1").stdout
    assert "was not locked" in run("company", "unlock", "1").stdout
    assert "no company with id 9" in one_line(run("company", "unlock", "9"))


def test_point_duplicate_names_get_unique_app_names(run) -> None:
    """A second company of the same name is warned about, and its AppName differs."""
    assert run("init").exit_code == 0
    first = run("company", "add", "Acme Builders")
    assert "warning" not in first.stderr
    second = run("company", "add", "acme  builders")
    assert second.exit_code == 0
    assert "warning: company 1 is also named 'Acme Builders'" in second.stderr
    names = []
    for company_id in ("1", "2"):
        text = run("company", "qwc", company_id, "--url", "https://sync.example.com").stdout
        names.append(etree.fromstring(text.encode()).findtext("AppName"))
    assert names == ["qbtime-sync - Acme Builders", "qbtime-sync - acme builders (2)"]


def test_point_qwc_uses_public_url_and_ends_with_newline(run, tmp_path: Path) -> None:
    """Without --url, `company qwc` uses the public_url setting; the file ends with a newline."""
    assert run("init").exit_code == 0
    assert run("company", "add", "Acme").exit_code == 0
    line = one_line(run("company", "qwc", "1"))
    assert "--url" in line and "public_url" in line
    home = tmp_path / "instance"
    (home / "settings.toml").write_text('public_url = "https://h.example.com:8443/qb/"\n')
    out = tmp_path / "acme.qwc"
    assert run("company", "qwc", "1", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.endswith("</QBWCXML>\n")
    doc = etree.fromstring(text.encode())
    assert doc.findtext("AppURL") == "https://h.example.com:8443/qb/qbwc"
    assert doc.findtext("AppSupport") == "https://h.example.com:8443/qb/support"
    assert doc.findtext("IsReadOnly") == "false"


def test_point_qwc_refuses_a_query_string(run) -> None:
    """`--url https://h/qbwc?x=1` is refused with a sentence, instead of a broken AppURL."""
    assert run("init").exit_code == 0
    assert run("company", "add", "Acme").exit_code == 0
    line = one_line(run("company", "qwc", "1", "--url", "https://h.example.com/qbwc?x=1"))
    assert "query string or fragment" in line


def test_point_export_time_starts_off(run) -> None:
    """A new company does not export time until an admin turns it on."""
    assert run("init").exit_code == 0
    assert run("company", "add", "Acme").exit_code == 0
    options = json.loads(run("company", "options", "1", "--json").stdout)
    assert options["export_time"] is False


def test_point_errors_click_outcomes_pass_through(run, monkeypatch) -> None:
    """click's own exits (ctx.exit, Abort) keep their meaning instead of becoming 'unexpected'."""
    assert run("init").exit_code == 0
    from qbwc_server import admin

    def aborted(*_args, **_kwargs):
        raise click.Abort()

    monkeypatch.setattr(admin, "request_sync", aborted)
    result = run("sync-now", "1")
    assert result.exit_code == 1 and "unexpectedly" not in result.output
    assert "Aborted!" in result.stderr
