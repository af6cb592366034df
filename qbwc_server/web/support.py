"""The AppSupport page the Web Connector checks (it must answer HTTP 200) and opens for the person
at the QuickBooks PC: it shows the troubleshooting table itself. And a health check."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template

from .. import __version__, troubleshoot

bp = Blueprint("support", __name__, template_folder="templates")


@bp.get("/support")
def support() -> str:
    """What a Web Connector user sees when clicking the application's support link."""
    return render_template(
        "support.html",
        version=__version__,
        qbwc_rows=troubleshoot.qbwc_rows(),
        hresult_rows=troubleshoot.hresult_rows(),
        status_rows=troubleshoot.status_rows(),
    )


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Liveness: the app is up and the database answers."""
    store = current_app.extensions["qbtime"].store
    store.get_installation()
    return jsonify(status="ok", version=__version__), 200
