"""``qbtime company setup|payroll-settings|invite-admin`` through click's CliRunner: the
printed link works in the pages, bad values change nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qbwc_server.cli import main
from qbwc_server.store import SqlStore, make_engine


@pytest.fixture
def invoke(tmp_path: Path):
    runner = CliRunner()

    def _invoke(*args: str):
        return runner.invoke(main, ["--home", str(tmp_path), *args], catch_exceptions=False)

    assert _invoke("init").exit_code == 0
    assert _invoke("company", "add", "Acme Builders", "--firm", "Smith CPA").exit_code == 0
    return _invoke


def _store(tmp_path: Path) -> SqlStore:
    return SqlStore(make_engine(f"sqlite:///{(tmp_path / 'qbtime.sqlite3').resolve()}"))


def test_setup_progress_resumes_at_the_first_step(invoke) -> None:
    out = invoke("company", "setup", "1").output
    assert "1. Payroll settings: to do" in out and "next: Payroll settings" in out
    assert (
        invoke(
            "company", "payroll-settings", "1", "--pay-period", "weekly", "--anchor", "2026-11-30"
        ).exit_code
        == 0
    )
    out = invoke("company", "setup", "1").output
    assert "1. Payroll settings: done" in out and "next: Import options" in out
    missing = invoke("company", "setup", "9")
    assert missing.exit_code != 0 and "no company with id 9" in missing.output


def test_payroll_settings_show_change_and_refuse(invoke, tmp_path: Path) -> None:
    assert "Pay period: not set" in invoke("company", "payroll-settings", "1").output
    changed = invoke(
        "company",
        "payroll-settings",
        "1",
        "--pay-period",
        "biweekly",
        "--anchor",
        "2026-11-30",
        "--week-start",
        "Sunday",
        "--overtime-weekly",
        "40",
        "--json",
    )
    assert changed.exit_code == 0, changed.output
    assert json.loads(changed.output) == {
        "anchor": "2026-11-30",
        "overtime_daily_minutes": None,
        "overtime_weekly_minutes": 2400,
        "pay_period": "biweekly",
        "week_start": "Sunday",
    }
    bad = invoke("company", "payroll-settings", "1", "--pay-period", "semimonthly")
    assert bad.exit_code != 0
    assert "nothing was changed" in bad.output and "the 1st or the 16th" in bad.output
    both = invoke("company", "payroll-settings", "1", "--no-overtime", "--overtime-daily", "8")
    assert both.exit_code != 0 and "not both" in both.output
    store = _store(tmp_path)
    try:
        assert store.payroll_settings(1).pay_period == "biweekly"
    finally:
        store.dispose()
    cleared = invoke("company", "payroll-settings", "1", "--no-overtime")
    assert "Weekly overtime after: none" in cleared.output


def test_invite_admin_prints_a_link_that_the_pages_accept(invoke, tmp_path: Path) -> None:
    from qbwc_server.app import create_app
    from qbwc_server.settings import load_settings

    out = invoke(
        "company",
        "invite-admin",
        "1",
        "--email",
        "Pat@Acme.example",
        "--name",
        "Pat Boss",
        "--url",
        "https://sync.example.com",
    )
    assert out.exit_code == 0, out.output
    link = out.output.splitlines()[0]
    assert re.fullmatch(r"https://sync\.example\.com/client-admin/\S+", link)
    assert "no mail server" in out.output
    refused = invoke(
        "company",
        "invite-admin",
        "1",
        "--email",
        "nope",
        "--name",
        "Pat",
        "--url",
        "https://x.example",
    )
    assert refused.exit_code != 0 and "not an email address" in refused.output
    nowhere = invoke("company", "invite-admin", "1", "--email", "a@b.example", "--name", "Pat")
    assert nowhere.exit_code != 0 and "give --url or set public_url" in nowhere.output

    app = create_app(load_settings({"QBTIME_HOME": str(tmp_path)}))
    client = app.test_client()
    page = client.get(link.removeprefix("https://sync.example.com"))
    assert page.status_code == 200 and "Acme Builders" in page.get_data(as_text=True)
