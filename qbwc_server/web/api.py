"""The REST API at ``/api/v1`` (docs/api.md, docs/openapi.json). Must not import spyne.

JSON only, bearer tokens limited to one company with a scope (read < write < admin), keyset
pagination. Time entries and payroll mapping live in ``api_time.py`` and ``api_mapping.py``. The store is reached through
:func:`_services`, the module's one use of ``current_app``.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from typing import TYPE_CHECKING, Any, NoReturn, cast

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from ..errors import StoreError
from ..store import ListName, Page, to_json
from ..sync.credentials import hash_ticket

if TYPE_CHECKING:
    from ..app import Services

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
SESSION_ERRORS_LIMIT = 1000
REALM = "qbtime"
_CURSOR_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_MAX_ID = 2**63 - 1
SCOPES = ("read", "write", "admin")  # each includes the ones before it

bp = Blueprint("api", __name__, url_prefix=PREFIX)

# URL segment -> store list name
LIST_ROUTES: dict[str, ListName] = {
    "team-members": "team_members",
    "customers": "customers",
    "service-items": "service_items",
    "classes": "classes",
    "payroll-items": "payroll_items",
}


class ApiError(Exception):
    """An API answer other than 200: HTTP status, a stable code and a sentence."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


def _services() -> Services:
    """The app's services (store, settings, QBWC service), set up by ``create_app``."""
    services: Services = current_app.extensions["qbtime"]
    return services


def _error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    response.headers.update(headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def _unauthorized(message: str, *, invalid: bool) -> NoReturn:
    challenge = f'Bearer realm="{REALM}"' + (', error="invalid_token"' if invalid else "")
    raise ApiError(401, "unauthorized", message, {"WWW-Authenticate": challenge})


def _not_found() -> NoReturn:
    raise ApiError(404, "not_found", "No such company or record.")


def _authorize(company_id: int, scope: str = "read") -> None:
    """Check the bearer token; it must belong to ``company_id`` and have ``scope`` (or more).

    A token of another company gets the same 404 as an unknown company, so a client cannot
    learn which companies exist; a token short of the scope gets 403.
    """
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        _unauthorized("Send an API token: Authorization: Bearer <token>.", invalid=False)
    services = _services()
    found = services.store.use_api_token(hash_ticket(token), now=services.qbwc.clock.now())
    if found is None:
        log.info("API token refused from %s", request.remote_addr)
        _unauthorized("The API token is not valid.", invalid=True)
    if found.company_id != company_id:
        _not_found()
    have = SCOPES.index(found.scope) if found.scope in SCOPES else 0
    if have < SCOPES.index(scope):
        raise ApiError(
            403,
            "forbidden",
            f"This API token has the {SCOPES[have]} scope; this request needs {scope}. Create "
            f"a token with `qbtime company token {company_id} --scope {scope}`.",
        )


def _limit() -> int:
    text = request.args.get("limit")
    if text is None:
        return DEFAULT_LIMIT
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_LIMIT:
        raise ApiError(400, "bad_request", f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return int(text)


def encode_cursor(kind: str, row_id: int) -> str:
    """The opaque ``next_cursor`` for continuing a ``kind`` listing after ``row_id``."""
    return base64.urlsafe_b64encode(f"{kind}:{row_id}".encode()).decode("ascii").rstrip("=")


def _cursor(kind: str) -> int | None:
    text = request.args.get("cursor")
    if text is None:
        return None
    bad = ApiError(400, "bad_request", "cursor is not a next_cursor value of this listing.")
    if not _CURSOR_RE.fullmatch(text):
        raise bad
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad from None
    got_kind, _, number = raw.partition(":")
    if got_kind != kind or not (number.isascii() and number.isdigit()):
        raise bad
    row_id = int(number)
    if not 0 < row_id <= _MAX_ID:
        raise bad
    return row_id


def _active() -> bool | None:
    text = request.args.get("active")
    if text is None:
        return None
    if text in ("true", "false"):
        return text == "true"
    raise ApiError(400, "bad_request", "active must be true or false.")


def _page_response(kind: str, page: Page[Any]) -> Response:
    next_cursor = encode_cursor(kind, page.next_after) if page.next_after is not None else None
    return jsonify(data=[to_json(r) for r in page.rows], next_cursor=next_cursor)


def _list_view(kind: ListName) -> Any:
    def view(company_id: int) -> Response:
        _authorize(company_id)
        page = _services().store.list_rows(
            company_id, kind, after_id=_cursor(kind), limit=_limit(), active=_active()
        )
        return _page_response(kind, page)

    view.__name__ = f"list_{kind}"
    view.__doc__ = f"One page of the company's {kind.replace('_', ' ')}, by id."
    return view


for _segment, _kind in LIST_ROUTES.items():
    bp.add_url_rule(
        f"/companies/<int:company_id>/{_segment}", view_func=_list_view(_kind), methods=["GET"]
    )


@bp.get("/companies/<int:company_id>/sync-sessions")
def list_sync_sessions(company_id: int) -> Response:
    """One page of the company's sync sessions, newest first."""
    _authorize(company_id)
    page = _services().store.list_sync_sessions(
        company_id, before_id=_cursor("sync_sessions"), limit=_limit()
    )
    return _page_response("sync_sessions", page)


@bp.get("/companies/<int:company_id>/sync-sessions/<int:session_id>")
def get_sync_session(company_id: int, session_id: int) -> Response:
    """One sync session with the errors recorded during it."""
    _authorize(company_id)
    store = _services().store
    session = store.get_sync_session(company_id, session_id) if session_id <= _MAX_ID else None
    if session is None:
        _not_found()
    errors = store.list_session_errors(company_id, session_id, limit=SESSION_ERRORS_LIMIT)
    data = cast(dict[str, Any], to_json(session))
    data["sync_errors"] = to_json(errors.rows)
    data["sync_errors_truncated"] = errors.next_after is not None
    return jsonify(data=data)


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    return _error_response(exc.status, exc.code, exc.message, exc.headers)


@bp.errorhandler(StoreError)
def _store_error(exc: StoreError) -> Response:
    log.error("API request %s failed: %s", request.path, exc, exc_info=exc)
    return _error_response(503, "unavailable", "The database is not available; try again.")


@bp.app_errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response | HTTPException:
    """JSON for every HTTP error under /api/v1 (unknown routes and methods included).

    Registered on the app because a URL that matches no route belongs to no blueprint; errors
    elsewhere keep Flask's default pages.
    """
    if not (request.path == PREFIX or request.path.startswith(PREFIX + "/")):
        return exc
    status = exc.code or 500
    code = (exc.name or "error").lower().replace(" ", "_")
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    message = {
        404: "No such endpoint; see docs/api.md.",
        405: f"This endpoint does not answer {request.method}; see docs/api.md.",
    }.get(status, exc.description or exc.name)
    return _error_response(status, code, message, headers)


# Routes of the other API modules are added to ``bp`` when they are imported (here, so that
# registering ``bp`` registers them too).
from . import api_mapping as api_mapping  # noqa: E402
from . import api_time as api_time  # noqa: E402
