"""Time entries in the REST API: create (idempotent by external_id), list, read, change, delete,
approve, unapprove and unlock (docs/api.md). Routes on the ``api`` blueprint; must not import
spyne.

Scopes: reading needs ``read``; creating, changing and deleting ``write``; approving,
unapproving and unlocking ``admin``. Bad input is 422 naming each field; an exported (locked)
entry refuses changes with 409 and the unlock hint.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, NoReturn

from flask import Response, jsonify, request

from mappings.time import EXPORT_STATES, STATES, UNLOCK_DAYS, EntryInputError, parse_entry_input

from ..errors import InvalidInputError, LockedError, NotFoundError
from ..store import to_json
from .api import (
    _MAX_ID,
    ApiError,
    _authorize,
    _cursor,
    _limit,
    _page_response,
    _services,
    bp,
)

MAX_BATCH = 1000
ENTRIES = "/companies/<int:company_id>/time-entries"


def _invalid(fields: dict[str, str]) -> NoReturn:
    raise InvalidInputError(fields)


def _body() -> Any:
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "bad_request", "Send a JSON body (Content-Type: application/json).")
    return data


def _entry_json(record: object) -> Any:
    return to_json(record)


def _date_arg(name: str) -> date | None:
    text = request.args.get(name)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ApiError(400, "bad_request", f"{name} must be a date YYYY-MM-DD.") from None


def _choice_arg(name: str, allowed: tuple[str, ...]) -> str | None:
    text = request.args.get(name)
    if text is not None and text not in allowed:
        raise ApiError(400, "bad_request", f"{name} must be one of {', '.join(allowed)}.")
    return text


def _id_arg(name: str) -> int | None:
    text = request.args.get(name)
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= _MAX_ID:
        raise ApiError(400, "bad_request", f"{name} must be a row id.")
    return int(text)


@bp.post(ENTRIES)
def create_time_entries(company_id: int) -> tuple[Response, int]:
    """Create one entry (a JSON object) or up to 1000 (a JSON list), all or none.

    An entry whose ``external_id`` the company already has is answered as stored (200).
    """
    _authorize(company_id, "write")
    data = _body()
    many = isinstance(data, list)
    items = data if many else [data]
    if many and not 1 <= len(items) <= MAX_BATCH:
        _invalid({"(body)": f"send 1 to {MAX_BATCH} entries"})
    labels = [f"[{n}]." if many else "" for n in range(len(items))]
    parsed, bad = [], {}
    for label, item in zip(labels, items, strict=True):
        try:
            parsed.append(parse_entry_input(item))
        except EntryInputError as exc:
            bad.update({label + k: v for k, v in exc.fields.items()})
    if bad:
        _invalid(bad)
    services = _services()
    results = services.store.create_time_entries(
        company_id, parsed, now=services.qbwc.clock.now(), labels=labels
    )
    status = 201 if any(created for _, created in results) else 200
    records = [_entry_json(r) for r, _ in results]
    return jsonify(data=records if many else records[0]), status


@bp.get(ENTRIES)
def list_time_entries(company_id: int) -> Response:
    """One page of the company's time entries, by id, with optional filters."""
    _authorize(company_id)
    page = _services().store.list_time_entries(
        company_id,
        after_id=_cursor("time_entries"),
        limit=_limit(),
        date_from=_date_arg("from"),
        date_to=_date_arg("to"),
        team_member_id=_id_arg("team_member_id"),
        state=_choice_arg("state", STATES),
        export_state=_choice_arg("export_state", EXPORT_STATES),
    )
    return _page_response("time_entries", page)


def _entry_or_404(company_id: int, entry_id: int) -> Any:
    record = _services().store.get_time_entry(company_id, entry_id) if entry_id <= _MAX_ID else None
    if record is None:
        raise ApiError(404, "not_found", "No such company or record.")
    return record


@bp.get(ENTRIES + "/<int:entry_id>")
def get_time_entry(company_id: int, entry_id: int) -> Response:
    """One time entry."""
    _authorize(company_id)
    return jsonify(data=_entry_json(_entry_or_404(company_id, entry_id)))


@bp.patch(ENTRIES + "/<int:entry_id>")
def patch_time_entry(company_id: int, entry_id: int) -> Response:
    """Change the fields given; an exported entry must be unlocked first (409)."""
    _authorize(company_id, "write")
    _entry_or_404(company_id, entry_id)
    try:
        change = parse_entry_input(_body(), partial=True)
    except EntryInputError as exc:
        _invalid(exc.fields)
    services = _services()
    record = services.store.update_time_entry(
        company_id, entry_id, change, now=services.qbwc.clock.now()
    )
    return jsonify(data=_entry_json(record))


@bp.delete(ENTRIES + "/<int:entry_id>")
def delete_time_entry(company_id: int, entry_id: int) -> tuple[Response, int]:
    """Delete an entry (204), or mark it for deletion in QuickBooks at the next export (202)."""
    _authorize(company_id, "write")
    _entry_or_404(company_id, entry_id)
    services = _services()
    gone = services.store.delete_time_entry(company_id, entry_id, now=services.qbwc.clock.now())
    if gone:
        return Response(status=204), 204
    record = services.store.get_time_entry(company_id, entry_id)
    return jsonify(data=_entry_json(record)), 202


def _range_body(company_id: int) -> tuple[date, date, list[int] | None]:
    data = _body()
    if not isinstance(data, dict):
        _invalid({"(body)": "must be a JSON object with from, to and team_member_ids"})
    bad: dict[str, str] = {}
    days: dict[str, date] = {}
    for name in ("from", "to"):
        try:
            days[name] = date.fromisoformat(str(data.get(name)))
        except ValueError:
            bad[name] = "must be a date YYYY-MM-DD"
    members = data.get("team_member_ids")
    if members is not None and (
        not isinstance(members, list)
        or not all(isinstance(m, int) and not isinstance(m, bool) and m > 0 for m in members)
    ):
        bad["team_member_ids"] = "must be a list of row ids"
    unknown = sorted(set(data) - {"from", "to", "team_member_ids"})
    bad.update(dict.fromkeys(unknown, "is not a field of this request"))
    if not bad and days["from"] > days["to"]:
        bad["to"] = "must not be before from"
    if bad:
        _invalid(bad)
    return days["from"], days["to"], members or None


def _approval(company_id: int, approve: bool) -> Response:
    _authorize(company_id, "admin")
    start, end, members = _range_body(company_id)
    services = _services()
    changed = services.store.set_approval(
        company_id,
        date_from=start,
        date_to=end,
        member_ids=members,
        approve=approve,
        now=services.qbwc.clock.now(),
    )
    return jsonify(data={"changed": changed})


@bp.post(ENTRIES + "/approve")
def approve_time_entries(company_id: int) -> Response:
    """Approve every draft or submitted entry from ``from`` to ``to`` (of the members named)."""
    return _approval(company_id, True)


@bp.post(ENTRIES + "/unapprove")
def unapprove_time_entries(company_id: int) -> Response:
    """Take approval back from entries of the range that are neither exported nor in flight."""
    return _approval(company_id, False)


@bp.post(ENTRIES + "/unlock")
def unlock_time_entries(company_id: int) -> Response:
    """Unlock exported entries of the range (at most 90 days back) so they can be edited."""
    _authorize(company_id, "admin")
    start, end, members = _range_body(company_id)
    services = _services()
    now = services.qbwc.clock.now()
    earliest = now.date() - timedelta(days=UNLOCK_DAYS)
    if start < earliest:
        _invalid({"from": f"unlocking goes back at most {UNLOCK_DAYS} days (to {earliest})"})
    changed = services.store.unlock_entries(
        company_id, date_from=start, date_to=end, member_ids=members, now=now
    )
    return jsonify(data={"changed": changed})


@bp.errorhandler(InvalidInputError)
def _invalid_input(exc: InvalidInputError) -> Response:
    response = jsonify(
        error={
            "code": "invalid",
            "message": "Some fields cannot be used: " + "; ".join(sorted(exc.fields)) + ".",
            "fields": exc.fields,
        }
    )
    response.status_code = 422
    return response


@bp.errorhandler(LockedError)
def _locked(exc: LockedError) -> Response:
    response = jsonify(error={"code": "locked", "message": str(exc)})
    response.status_code = 409
    return response


@bp.errorhandler(NotFoundError)
def _not_found_error(exc: NotFoundError) -> Response:
    response = jsonify(error={"code": "not_found", "message": "No such company or record."})
    response.status_code = 404
    return response
