"""Composition root for background jobs (APScheduler 3.x): the sync log purge.

``qbtime serve`` starts it in its own process (the single-process default); a multi-worker
set-up will run it in one process of its own (STYLE section 6). Jobs only touch the store.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler

if TYPE_CHECKING:
    from .clock import Clock
    from .settings import Settings
    from .store import SqlStore

log = logging.getLogger(__name__)

PURGE_JOB = "purge-sync-log"
PURGE_EVERY_HOURS = 6


def purge_sync_log(store: SqlStore, settings: Settings, clock: Clock) -> int:
    """Delete exchanges older than ``log_retention_days``; returns how many."""
    before = clock.now() - timedelta(days=settings.log_retention_days)
    n = store.purge_exchanges(before=before)
    if n:
        log.info("sync log: purged %d exchanges recorded before %s", n, before.isoformat())
    return n


def _safe_purge(store: SqlStore, settings: Settings, clock: Clock) -> None:
    try:
        purge_sync_log(store, settings, clock)
    except Exception as exc:  # a failed purge is retried at the next run
        log.warning("sync log purge failed (%s: %s); it runs again later", type(exc).__name__, exc)


def make_scheduler(store: SqlStore, settings: Settings, clock: Clock) -> BackgroundScheduler:
    """A scheduler (not started) with the purge job: once at start, then every few hours."""
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        _safe_purge,
        "interval",
        hours=PURGE_EVERY_HOURS,
        args=(store, settings, clock),
        id=PURGE_JOB,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,  # a run found late (a sleeping laptop) still runs
    )
    # and once at start (a trigger-less job runs as soon as the scheduler starts)
    scheduler.add_job(
        _safe_purge,
        args=(store, settings, clock),
        id=PURGE_JOB + "-at-start",
        misfire_grace_time=None,
    )
    return scheduler
