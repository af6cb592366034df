"""The AppSupport page the Web Connector checks (it must answer HTTP 200) and a health check."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template

from .. import __version__

bp = Blueprint("support", __name__, template_folder="templates")


@bp.get("/support")
def support() -> str:
    """What a Web Connector user sees when clicking the application's support link."""
    return render_template("support.html", version=__version__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Liveness: the app is up and the database answers."""
    store = current_app.extensions["qbtime"].store
    store.get_installation()
    return jsonify(status="ok", version=__version__), 200
