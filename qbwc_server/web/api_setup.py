"""``GET /api/v1/companies/{id}/setup``: the company's client set-up (issue 16): its payroll
settings, each set-up step with when it was done, where it resumes, and its administrator
invitations (without their links). A route on the ``api`` blueprint of ``web/api.py``. Must not
import spyne."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, jsonify

from .. import client_setup
from .api import _authorize, _services, bp


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@bp.get("/companies/<int:company_id>/setup")
def get_company_setup(company_id: int) -> Response:
    """Payroll settings, set-up steps and the client administrator invitations."""
    _authorize(company_id)
    services = _services()
    store = services.store
    now = services.qbwc.clock.now()
    settings = store.payroll_settings(company_id)
    progress = client_setup.setup_progress(store, company_id)
    data: dict[str, Any] = {
        "payroll_settings": {
            "pay_period": settings.pay_period,
            "anchor": settings.anchor.isoformat() if settings.anchor else None,
            "week_start": settings.week_start,
            "overtime_daily_minutes": settings.overtime_daily_minutes,
            "overtime_weekly_minutes": settings.overtime_weekly_minutes,
        },
        "steps": [{"key": s.key, "label": s.label, "done_at": _iso(s.done_at)} for s in progress],
        "next_step": client_setup.next_step(progress),
        "client_admin_invitations": [
            {
                "email": i.email,
                "name": i.name,
                "state": i.state,
                "created_at": _iso(i.created_at),
                "expires_at": _iso(i.expires_at),
                "finished_at": _iso(i.finished_at),
            }
            for i in store.client_admin_invitations(company_id, now=now)
        ],
    }
    return jsonify(data=data)
