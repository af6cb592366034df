"""``GET /api/v1/companies/{id}/sync-sessions/{sid}/log``: a session's sync log file.

Added to the API blueprint of ``web/api.py`` (its token check and errors); the body is the gzip
log file itself (docs/synclog.md). Must not import spyne.
"""

from __future__ import annotations

import io

from flask import Response, request

from ..synclog.logfile import write_log
from .api import _MAX_ID, ApiError, _authorize, _not_found, _services, bp


def _scrub() -> bool:
    text = request.args.get("scrub")
    if text is None:
        return False
    if text in ("true", "false"):
        return text == "true"
    raise ApiError(400, "bad_request", "scrub must be true or false.")


@bp.get("/companies/<int:company_id>/sync-sessions/<int:session_id>/log")
def get_sync_log(company_id: int, session_id: int) -> Response:
    """The session's log file (gzip JSON Lines), scrubbed of personal data with ``scrub=true``."""
    _authorize(company_id)
    scrub = _scrub()
    services = _services()
    store = services.store
    if session_id > _MAX_ID or store.get_sync_session(company_id, session_id) is None:
        _not_found()
    body = io.BytesIO()
    write_log(store, session_id, body, now=services.qbwc.clock.now(), scrub=scrub)
    name = f"qbtime-sync-company{company_id}-session{session_id}{'-scrubbed' if scrub else ''}"
    return Response(
        body.getvalue(),
        mimetype="application/gzip",
        headers={"Content-Disposition": f'attachment; filename="{name}.jsonl.gz"'},
    )
