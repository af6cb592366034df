"""``GET .../sync-sessions/{sid}/log`` downloads the log file; the purge job of the scheduler
that ``qbtime serve`` starts enforces ``log_retention_days``."""

from __future__ import annotations

import gzip
import json
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from qbwc_server import admin
from qbwc_server.cli import main
from qbwc_server.scheduler import PURGE_JOB, make_scheduler, purge_sync_log
from tests.conftest import make_settings
from tests.e2e.conftest import harness  # noqa: F401 - fixture


def _get(url: str, token: str | None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {token}"} if token else {}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _count(store, table: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_point_api_downloads_the_log_file(harness) -> None:  # noqa: F811
    """The body is the gzip file itself (application/gzip), scrubbed on request; another
    company's token gets 404, no token 401, a bad scrub value 400."""
    created = harness.add_company()
    assert harness.sync(created, harness.quickbooks()).outcome == "finished"
    other = harness.add_company("Other Co")
    token = admin.create_api_token(harness.store, harness.clock, created.company.id).token
    other_token = admin.create_api_token(harness.store, harness.clock, other.company.id).token
    sid = harness.store.list_logged_sessions(company_id=created.company.id)[0].id
    base = f"{harness.url}/api/v1/companies/{created.company.id}/sync-sessions/{sid}/log"
    status, headers, body = _get(base, token)
    assert status == 200 and headers["Content-Type"] == "application/gzip"
    lines = gzip.decompress(body).decode().splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "qbtime-synclog" and header["scrubbed"] is False
    assert len(lines) - 1 == header["session"]["exchanges"]
    assert "attachment" in headers["Content-Disposition"]
    status, _, body = _get(base + "?scrub=true", token)
    assert status == 200 and json.loads(gzip.decompress(body).splitlines()[0])["scrubbed"] is True
    assert b"Evergreen" not in gzip.decompress(body)
    assert _get(base, other_token)[0] == 404
    assert _get(base, None)[0] == 401
    assert _get(base + "?scrub=yes", token)[0] == 400
    assert _get(base.replace(f"/{sid}/", "/999/"), token)[0] == 404


def test_point_purge_job_deletes_old_exchanges_only(harness) -> None:  # noqa: F811
    """The scheduler's purge deletes exchanges older than the retention; sessions and errors
    stay; younger exchanges stay."""
    created = harness.add_company()
    assert harness.sync(created, harness.quickbooks()).outcome == "finished"
    settings = make_settings(Path("."), "sqlite://", log_retention_days=10)
    harness.clock.advance(days=9)
    assert purge_sync_log(harness.store, settings, harness.clock) == 0
    harness.clock.advance(days=2)
    n = purge_sync_log(harness.store, settings, harness.clock)
    assert n > 5 and _count(harness.store, "sync_exchange") == 0
    assert _count(harness.store, "sync_session") == 1


def test_point_scheduler_runs_the_purge_at_start(harness) -> None:  # noqa: F811
    """``make_scheduler`` has the purge job; started, it runs it at once (even when late)."""
    created = harness.add_company()
    assert harness.sync(created, harness.quickbooks()).outcome == "finished"
    harness.clock.advance(days=91)
    scheduler = make_scheduler(harness.store, make_settings(Path("."), "sqlite://"), harness.clock)
    assert scheduler.get_job(PURGE_JOB) is not None
    scheduler.start()
    try:
        deadline = time.monotonic() + 20
        while _count(harness.store, "sync_exchange") and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.shutdown(wait=True)
    assert _count(harness.store, "sync_exchange") == 0


def test_point_serve_starts_the_scheduler(harness, tmp_path: Path, monkeypatch) -> None:  # noqa: F811
    """``qbtime serve`` starts the purge job before serving (waitress replaced by a wait)."""
    import waitress

    created = harness.add_company()
    assert harness.sync(created, harness.quickbooks()).outcome == "finished"
    monkeypatch.setenv("QBTIME_DATABASE_URL", str(harness.store.engine.url))
    monkeypatch.setenv("QBTIME_LOG_RETENTION_DAYS", "0")  # every exchange is old enough
    purged = threading.Event()

    def fake_serve(app, **kw) -> None:
        deadline = time.monotonic() + 20
        while _count(harness.store, "sync_exchange") and time.monotonic() < deadline:
            time.sleep(0.05)
        purged.set()

    monkeypatch.setattr(waitress, "serve", fake_serve)
    result = CliRunner().invoke(main, ["--home", str(tmp_path), "serve"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert purged.is_set() and _count(harness.store, "sync_exchange") == 0


@pytest.mark.parametrize("days", [timedelta(days=1)])
def test_point_retention_setting_exists(days) -> None:
    """``log_retention_days`` defaults to 90 and ``record_exchanges`` to on."""
    settings = make_settings(Path("."), "sqlite://")
    assert settings.log_retention_days == 90 and settings.record_exchanges is True
