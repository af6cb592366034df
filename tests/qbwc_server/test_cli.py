"""The qbtime CLI: init, company add/list/qwc/password, sync-now, serve, and clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from lxml import etree

from qbwc_server.cli import main
from tests.conftest import _free_port
from tests.qbwc_server.conftest import WSDLS, zeep_service


@pytest.fixture
def run(tmp_path: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--home", str(tmp_path), *args], catch_exceptions=False)

    return invoke


def test_round_trip(run, tmp_path: Path) -> None:
    """init, add, list, qwc, password and sync-now work together."""
    assert run("init").exit_code == 0
    added = run("company", "add", "Acme Builders", "--firm", "Smith CPA", "--json")
    assert added.exit_code == 0
    company = json.loads(added.stdout)
    assert {"id", "username", "password", "file_id"} <= company.keys()
    listed = json.loads(run("company", "list", "--json").stdout)
    assert [c["username"] for c in listed] == ["acme-builders"] and "password" not in listed[0]
    out = tmp_path / "acme.qwc"
    assert (
        run(
            "company",
            "qwc",
            str(company["id"]),
            "--url",
            "https://sync.example.com",
            "-o",
            str(out),
        ).exit_code
        == 0
    )
    qwc = etree.parse(str(out)).getroot()
    assert qwc.findtext("AppURL") == "https://sync.example.com/qbwc"
    assert qwc.findtext("FileID") == company["file_id"]
    new_password = run("company", "password", str(company["id"])).stdout.strip()
    assert len(new_password) >= 16 and new_password != company["password"]
    assert "next poll" in run("sync-now", str(company["id"])).stdout
    assert json.loads(run("company", "list", "--json").stdout)[0]["sync_requested_at"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("company", "qwc", "1", "--url", "http://sync.example.com"), "https"),
        (("company", "qwc", "99", "--url", "https://sync.example.com"), "no company with id 99"),
        (("sync-now", "42"), "no company with id 42"),
        (("company", "add", "   "), "needs a name"),
    ],
)
def test_errors_are_one_line(run, args: tuple[str, ...], message: str) -> None:
    """Errors are one clear line on stderr and a non-zero exit."""
    run("init")
    run("company", "add", "Acme")
    result = run(*args)
    assert result.exit_code != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_commands_before_init_say_so(run) -> None:
    """Using the CLI before `qbtime init` tells the user to run it."""
    result = run("company", "list")
    assert result.exit_code != 0 and "qbtime init" in result.stderr


def test_serve_answers_a_web_connector(tmp_path: Path) -> None:
    """`qbtime serve` (a real process) answers the WSDL, the support page and authenticate."""
    env = {**os.environ, "QBTIME_HOME": str(tmp_path)}
    cli = [sys.executable, "-m", "qbwc_server.cli"]
    subprocess.run([*cli, "init"], env=env, check=True, capture_output=True)
    added = json.loads(
        subprocess.run(
            [*cli, "company", "add", "Acme", "--json"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    subprocess.run([*cli, "sync-now", str(added["id"])], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        session = requests.Session()
        session.trust_env = False
        for _ in range(100):
            try:
                if session.get(f"{base}/support", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert b"definitions" in session.get(f"{base}/qbwc?wsdl", timeout=5).content
        wsdl, binding = WSDLS["intuit-troubleshoot"]
        qbwc = zeep_service(wsdl, binding, f"{base}/qbwc")
        answer = qbwc.authenticate(strUserName=added["username"], strPassword=added["password"])
        assert answer[1] in ("", None) and len(answer) == 4
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()


@pytest.mark.parametrize(
    ("args", "limit"),
    [
        ((), 32),
        (("--threads", "2"), 16),
        (("--threads", "16"), 64),
        (("--connection-limit", "5"), 5),
    ],
)
def test_serve_limits_the_connections_it_serves_at_once(
    run, monkeypatch, args: tuple[str, ...], limit: int
) -> None:
    """waitress serves a few connections per thread (the others wait to be accepted): its main
    loop's cost per event grows with the connections it holds (issue #15)."""
    import waitress

    from qbwc_server import scheduler

    seen: dict[str, object] = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: seen.update(kw))
    # no background jobs: this serve returns at once (test_api_and_scheduler runs them)
    monkeypatch.setattr(scheduler, "start_in_background", lambda *a: lambda: None)
    assert run("init").exit_code == 0
    result = run("serve", "--port", "0", *args)
    assert result.exit_code == 0, result.output
    assert seen["connection_limit"] == limit
    assert run("serve", "--connection-limit", "0").exit_code != 0
