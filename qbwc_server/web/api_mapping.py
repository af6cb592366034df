"""Payroll item mapping in the REST API (admin scope): which wage item each member's hours of
each hour type go to, and the company defaults (docs/api.md). Must not import spyne.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from ..errors import InvalidInputError
from ..store import to_json
from ..store.views_time import PayrollPair
from .api import _authorize, _services, bp
from .api_time import _body

MAPPING = "/companies/<int:company_id>/payroll-mapping"


def _mapping_json(view: Any) -> Any:
    data: Any = to_json(view)
    for pair in data["defaults"]:
        pair.pop("team_member_id", None)
        pair.pop("force", None)
    return data


def _pairs(data: Any, group: str, bad: dict[str, str]) -> list[PayrollPair]:
    items = data.get(group, [])
    if not isinstance(items, list):
        bad[group] = "must be a list"
        return []
    out = []
    for n, item in enumerate(items):
        label = f"{group}[{n}]"
        if not isinstance(item, dict):
            bad[label] = "must be an object"
            continue
        allowed = {"team_member_id", "hour_type", "payroll_item_id", "force"}
        if group == "defaults":
            allowed -= {"team_member_id", "force"}
        for key in sorted(set(item) - allowed):
            bad[f"{label}.{key}"] = "is not a field here"
        member, hour, pay = (
            item.get("team_member_id"),
            item.get("hour_type"),
            item.get("payroll_item_id"),
        )
        force = item.get("force", False)
        if group == "mappings" and (not isinstance(member, int) or isinstance(member, bool)):
            bad[f"{label}.team_member_id"] = "must be a row id"
        if not isinstance(hour, str):
            bad[f"{label}.hour_type"] = "must be an hour type such as regular"
        if not isinstance(pay, int) or isinstance(pay, bool):
            bad[f"{label}.payroll_item_id"] = "must be a row id"
        if not isinstance(force, bool):
            bad[f"{label}.force"] = "must be true or false"
        if not any(k.startswith(label) for k in bad):
            out.append(
                PayrollPair(
                    team_member_id=member if group == "mappings" else None,
                    hour_type=str(hour),
                    payroll_item_id=pay,  # type: ignore[arg-type]
                    force=bool(force),
                )
            )
    return out


@bp.get(MAPPING)
def get_payroll_mapping(company_id: int) -> Response:
    """The company's payroll item mapping and its defaults."""
    _authorize(company_id, "admin")
    return jsonify(data=_mapping_json(_services().store.get_payroll_mapping(company_id)))


@bp.put(MAPPING)
def put_payroll_mapping(company_id: int) -> Response:
    """Set the pairs named (all or none); the others keep their items."""
    _authorize(company_id, "admin")
    data = _body()
    bad: dict[str, str] = {}
    if not isinstance(data, dict):
        raise InvalidInputError({"(body)": "must be an object with mappings and defaults"})
    for key in sorted(set(data) - {"mappings", "defaults"}):
        bad[key] = "is not a field here"
    mappings, defaults = _pairs(data, "mappings", bad), _pairs(data, "defaults", bad)
    if bad:
        raise InvalidInputError(bad)
    services = _services()
    view = services.store.put_payroll_mapping(
        company_id, mappings, defaults, now=services.qbwc.clock.now()
    )
    return jsonify(data=_mapping_json(view))
