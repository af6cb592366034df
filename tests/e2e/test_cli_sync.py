"""`qbtime company resync` and `qbtime company enable-request` through click's CliRunner, their
bad-input paths (which change nothing), and disabled requests in `company show`."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tests.qbwc_server.test_cli_company import db, one_line_error, run  # noqa: F401

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_point9_resync_clears_the_watermark_and_marks_the_company_due(run, db) -> None:  # noqa: F811
    """`company resync 1 --list customers` forgets only the customers' watermark, asks for a
    sweep and marks the company due; without --list every watermark goes."""
    for kind in ("customers", "employees", "deleted"):
        db.set_watermark(1, kind, "2026-10-01T00:00:00", NOW)
    result = run("company", "resync", "1", "--list", "customers")
    assert result.exit_code == 0, result.output
    assert "customers will be imported in full" in result.stdout
    assert set(db.get_watermarks(1)) == {"employees", "deleted"}
    assert db.get_sync_state(1).sweep_requested
    assert db.get_company(1).sync_requested_at is not None
    assert run("company", "resync", "1").exit_code == 0
    assert db.get_watermarks(1) == {}


def test_point9_resync_refuses_unknown_input_and_changes_nothing(run, db) -> None:  # noqa: F811
    """An unknown list or company is one line of error and no change."""
    db.set_watermark(1, "customers", "2026-10-01T00:00:00", NOW)
    result = run("company", "resync", "1", "--list", "invoices")
    assert result.exit_code == 2 and "invoices" in result.output
    one_line_error(run("company", "resync", "99"))
    assert db.get_watermarks(1) == {"customers": "2026-10-01T00:00:00"}
    assert not db.get_sync_state(1).sweep_requested


def test_point5_enable_request_and_company_show(run, db) -> None:  # noqa: F811
    """A disabled request shows in `company show`; `enable-request` takes it off the list, and
    asking for one that is not disabled is a one-line error."""
    db.update_company(1, disabled_requests=["payroll_items"])
    db.update_sync_state(1, NOW, disabled={"payroll_items": {"at": NOW.isoformat()}})
    shown = run("company", "show", "1")
    assert "payroll_items (not in this edition" in shown.stdout
    assert "enable-request 1 NAME" in shown.stdout
    as_json = json.loads(run("company", "show", "1", "--json").stdout)
    assert as_json["disabled_requests"] == ["payroll_items"]
    result = run("company", "enable-request", "1", "payroll_items")
    assert result.exit_code == 0 and "asked for at the next sync" in result.stdout
    assert db.get_company(1).disabled_requests == ()
    assert db.get_sync_state(1).disabled == {}
    assert "no requests" in run("company", "show", "1").stdout
    error = one_line_error(run("company", "enable-request", "1", "payroll_items"), status=2)
    assert "not disabled" in error
    one_line_error(run("company", "enable-request", "1", "invoices"), status=2)
