"""Error pages (400, 403, 404, 405, 409, 429, 500) in the admin pages' style; the REST API keeps
its JSON errors."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..api import PREFIX as API_PREFIX
from ..api import _http_error as api_http_error

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The page could not use what was sent. Go back and try again."),
    403: (
        "Not allowed",
        "Your role can read this company but not change it. Ask an owner or admin.",
    ),
    404: ("Not found", "There is no such page, or it belongs to a company you do not manage."),
    405: ("Not allowed", "This page does not answer that kind of request."),
    500: (
        "Something went wrong",
        "The server failed to answer. Try again; if it keeps failing, the server log says why.",
    ),
}


def _page(code: int, message: str | None = None) -> tuple[str, int]:
    title, default = MESSAGES.get(code, ("Error", "The request failed."))
    return render_template(
        "admin/error.html", code=code, title=title, message=message or default
    ), code


def register(app: Flask) -> None:
    """HTML error pages for everything outside ``/api/v1``."""

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> tuple[str, int]:
        log.info("CSRF check failed for %s: %s", request.path, exc.description)
        return _page(
            400,
            "The form was out of date or did not come from this site (its security token "
            "was missing or wrong). Reload the page and send it again.",
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        if request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/"):
            return api_http_error(exc)
        code = exc.code or 500
        if code < 400:  # redirects raised as exceptions keep their own response
            return exc
        return _page(code) if code in MESSAGES else exc
