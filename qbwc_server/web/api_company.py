"""``GET /api/v1/companies/{id}``: one company's sync status, so an API client need not page
through its sessions; ``GET /api/v1/companies/{id}/health``: its integration health checks. A route on the ``api`` blueprint of ``web/api.py``. Must not import spyne.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Response, jsonify

from mappings import check_to_json, health_summary

from ..admin import company_health
from ..store import to_json
from ..sync.planner import due_reason
from .api import _authorize, _services, bp

OPEN = "open"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@bp.get("/companies/<int:company_id>")
def get_company_status(company_id: int) -> Response:
    """The company's sync status: last success, last error, due, in progress, list counts."""
    _authorize(company_id)
    services = _services()
    store, settings = services.store, services.settings
    company = store.get_company(company_id)  # the token is this company's, so it exists
    now = services.qbwc.clock.now()
    sessions = store.list_sync_sessions(company_id, limit=1).rows
    last = sessions[0] if sessions else None
    live_since = now - timedelta(seconds=settings.ticket_ttl_seconds)
    in_progress = last is not None and last.state == OPEN and last.last_seen_at >= live_since
    reason = due_reason(
        company,
        now=now,
        every=timedelta(minutes=settings.run_every_n_minutes),
        unfinished=store.has_unfinished_items(company_id),
    )
    data: dict[str, Any] = {
        "id": company.id,
        "name": company.name,
        "firm": company.firm_name,
        "qb_product": company.qb_product,
        "qb_country": company.qb_country,
        "bound_company_file": company.bound_company_file,
        "first_sync_at": _iso(company.first_sync_at),
        "last_success_at": _iso(company.last_success_at),
        "last_error_at": _iso(company.last_error_at),
        "last_error": company.last_error,
        "sync_requested_at": _iso(company.sync_requested_at),
        "due": reason is not None,
        "due_reason": reason,
        "in_progress": in_progress,
        "counts": to_json(store.company_counts(company_id)),
        "last_session": to_json(last),
    }
    return jsonify(data=data)


@bp.get("/companies/<int:company_id>/health")
def get_company_health(company_id: int) -> Response:
    """The company's integration health checks (``docs/health.md``): an empty list is healthy."""
    _authorize(company_id)
    services = _services()
    now = services.qbwc.clock.now()
    checks = company_health(services.store, [company_id], settings=services.settings, now=now)
    found = checks.get(company_id, ())
    text, _ = health_summary(found)
    return jsonify(
        data={
            "company_id": company_id,
            "ok": not found,
            "summary": text,
            "checked_at": now.isoformat(),
            "checks": [check_to_json(c) for c in found],
        }
    )
