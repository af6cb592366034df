"""Render request specs as a qbXML request document, elements always in schema order.

Anything newer than the target version is refused with :class:`QbxmlVersionError` before it
reaches QuickBooks (which would fail the whole message set with 0x80040400). Text outside
ISO-8859-1 is refused too (QBWC-NOTES A.3.1). Pure: builds a :mod:`._tree` and serializes it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from ._since import (
    ITERATOR_SINCE,
    REQUEST_ELEMENT_SINCE,
    REQUEST_SINCE,
    TXN_DEL_TYPE_SINCE,
    ret_child_since,
)
from ._spec import OnError, RequestBase, check_choice
from ._tree import Node, node, serialize
from .errors import QbxmlVersionError
from .records import Ref
from .requests import CompanyQuery, HostQuery, ListQuery, PreferencesQuery
from .requests_txn import (
    ListDeletedQuery,
    RequestSpec,
    TimeTrackingAdd,
    TimeTrackingMod,
    TimeTrackingQuery,
    TxnDel,
)
from .values import format_date, format_datetime, format_duration
from .versions import QbxmlVersion, parse_version

__all__ = ["XML_DECLARATION", "build_msgs_rq", "build_rq", "check_version"]

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
ON_ERROR_VALUES = ("stopOnError", "continueOnError", "rollbackOnError")


def _need(version: QbxmlVersion, since: str | QbxmlVersion, path: str) -> None:
    if not version.at_least(since):
        raise QbxmlVersionError(path=path, version=str(version), required=str(since))


def check_version(spec: RequestSpec, version: QbxmlVersion) -> None:
    """Refuse a request, element or attribute newer than ``version``.

    :raises QbxmlVersionError: naming the element path and the version it needs.
    """
    rq = spec.RQ_NAME
    _need(version, REQUEST_SINCE[rq], rq)
    if isinstance(spec, CompanyQuery | ListQuery) and spec.owner_ids:
        _need(version, REQUEST_ELEMENT_SINCE["OwnerID"], f"{rq}/OwnerID")
    if isinstance(spec, ListQuery | TimeTrackingQuery) and spec.iterator is not None:
        _need(version, ITERATOR_SINCE, f"{rq}/@iterator")
    if isinstance(spec, TimeTrackingAdd | TimeTrackingMod):
        body = rq.removesuffix("Rq")
        if spec.billable_status is not None:
            _need(version, REQUEST_ELEMENT_SINCE["BillableStatus"], f"{body}/BillableStatus")
        if isinstance(spec, TimeTrackingAdd) and spec.external_guid is not None:
            _need(version, REQUEST_ELEMENT_SINCE["ExternalGUID"], f"{body}/ExternalGUID")
    if spec.include_ret_elements:
        _need(version, REQUEST_ELEMENT_SINCE["IncludeRetElement"], f"{rq}/IncludeRetElement")
        for name in spec.include_ret_elements:
            since = ret_child_since(spec.RET_NAME, name)
            if since is not None:
                _need(version, since, f"{rq}/IncludeRetElement[{name}]")
    if isinstance(spec, TxnDel) and spec.txn_del_type in TXN_DEL_TYPE_SINCE:
        _need(version, TXN_DEL_TYPE_SINCE[spec.txn_del_type], f"{rq}/TxnDelType")


def _text(tag: str, value: str | None) -> Node | None:
    return None if value is None else node(tag, value)


def _ref(tag: str, ref: Ref | None) -> Node | None:
    if ref is None:
        return None
    return node(tag, None, _text("ListID", ref.list_id), _text("FullName", ref.full_name))


def _dt(tag: str, value: datetime | None) -> Node | None:
    # Modified/deleted-date filters go out without an offset (QuickBooks local time).
    return None if value is None else node(tag, format_datetime(value, with_offset=False))


def _tail(rq: Node, spec: RequestBase, owner_ids: tuple[str, ...] = ()) -> Node:
    rq.extend(node("IncludeRetElement", name) for name in spec.include_ret_elements)
    rq.extend(node("OwnerID", owner) for owner in owner_ids)
    return rq


def _start(spec: RequestBase, iterator: str | None = None, iterator_id: str | None = None) -> Node:
    rq = node(spec.RQ_NAME, None, requestID=spec.request_id)
    if iterator is not None:
        rq.attrs["iterator"] = iterator
    if iterator_id is not None:
        rq.attrs["iteratorID"] = iterator_id
    return rq


def _build_simple(spec: HostQuery | PreferencesQuery) -> Node:
    return _tail(_start(spec), spec)


def _build_company(spec: CompanyQuery) -> Node:
    return _tail(_start(spec), spec, spec.owner_ids)


def _build_list(spec: ListQuery) -> Node:
    rq = _start(spec, spec.iterator, spec.iterator_id)
    rq.extend(node("ListID", v) for v in spec.list_ids)
    rq.extend(node("FullName", v) for v in spec.full_names)
    if spec.max_returned is not None:
        rq.add(node("MaxReturned", str(spec.max_returned)))
    rq.add(_text("ActiveStatus", spec.active_status))
    rq.add(_dt("FromModifiedDate", spec.from_modified_date))
    rq.add(_dt("ToModifiedDate", spec.to_modified_date))
    if spec.name_filter is not None:
        f = spec.name_filter
        rq.add(
            node(
                "NameFilter", None, node("MatchCriterion", f.match_criterion), node("Name", f.name)
            )
        )
    if spec.name_range is not None:
        r = spec.name_range
        rq.add(
            node(
                "NameRangeFilter", None, _text("FromName", r.from_name), _text("ToName", r.to_name)
            )
        )
    return _tail(rq, spec, spec.owner_ids)


def _build_list_deleted(spec: ListDeletedQuery) -> Node:
    rq = _start(spec)
    rq.extend(node("ListDelType", kind) for kind in spec.list_del_types)
    if spec.from_deleted_date is not None or spec.to_deleted_date is not None:
        rq.add(
            node(
                "DeletedDateRangeFilter",
                None,
                _dt("FromDeletedDate", spec.from_deleted_date),
                _dt("ToDeletedDate", spec.to_deleted_date),
            )
        )
    return _tail(rq, spec)


def _build_time_query(spec: TimeTrackingQuery) -> Node:
    rq = _start(spec, spec.iterator, spec.iterator_id)
    rq.extend(node("TxnID", v) for v in spec.txn_ids)
    if spec.max_returned is not None:
        rq.add(node("MaxReturned", str(spec.max_returned)))
    if spec.from_modified_date is not None or spec.to_modified_date is not None:
        rq.add(
            node(
                "ModifiedDateRangeFilter",
                None,
                _dt("FromModifiedDate", spec.from_modified_date),
                _dt("ToModifiedDate", spec.to_modified_date),
            )
        )
    if spec.from_txn_date is not None or spec.to_txn_date is not None:
        rng = node("TxnDateRangeFilter")
        if spec.from_txn_date is not None:
            rng.add(node("FromTxnDate", format_date(spec.from_txn_date)))
        if spec.to_txn_date is not None:
            rng.add(node("ToTxnDate", format_date(spec.to_txn_date)))
        rq.add(rng)
    if spec.entity_list_ids or spec.entity_full_names:
        entity = node("TimeTrackingEntityFilter")
        entity.extend(node("ListID", v) for v in spec.entity_list_ids)
        entity.extend(node("FullName", v) for v in spec.entity_full_names)
        rq.add(entity)
    return _tail(rq, spec)


def _build_time_write(spec: TimeTrackingAdd | TimeTrackingMod) -> Node:
    body = node(spec.RQ_NAME.removesuffix("Rq"))
    if isinstance(spec, TimeTrackingMod):
        body.extend((node("TxnID", spec.txn_id), node("EditSequence", spec.edit_sequence)))
    if spec.txn_date is not None:
        body.add(node("TxnDate", format_date(spec.txn_date)))
    body.extend(
        (
            _ref("EntityRef", spec.entity_ref),
            _ref("CustomerRef", spec.customer_ref),
            _ref("ItemServiceRef", spec.item_service_ref),
            node("Duration", format_duration(spec.duration)),
            _ref("ClassRef", spec.class_ref),
            _ref("PayrollItemWageRef", spec.payroll_item_wage_ref),
            _text("Notes", spec.notes),
            _text("BillableStatus", spec.billable_status),
        )
    )
    if isinstance(spec, TimeTrackingAdd):
        body.add(_text("ExternalGUID", spec.external_guid))
        if spec.def_macro is not None:
            body.attrs["defMacro"] = spec.def_macro
    return _tail(node(spec.RQ_NAME, None, body, requestID=spec.request_id), spec)


def _build_txn_del(spec: TxnDel) -> Node:
    rq = _start(spec)
    rq.extend((node("TxnDelType", spec.txn_del_type), node("TxnID", spec.txn_id)))
    return rq


_BUILDERS: dict[type, Callable[..., Node]] = {
    HostQuery: _build_simple,
    PreferencesQuery: _build_simple,
    CompanyQuery: _build_company,
    ListDeletedQuery: _build_list_deleted,
    TimeTrackingQuery: _build_time_query,
    TimeTrackingAdd: _build_time_write,
    TimeTrackingMod: _build_time_write,
    TxnDel: _build_txn_del,
}


def build_rq(spec: RequestSpec) -> Node:
    """Build one ``…Rq`` element tree (no version check)."""
    builder = _BUILDERS.get(type(spec))
    if builder is None:
        if isinstance(spec, ListQuery):
            return _build_list(spec)
        raise TypeError(f"not a request spec: {type(spec).__name__}")
    return builder(spec)


def build_msgs_rq(
    requests: Sequence[RequestSpec],
    version: QbxmlVersion | str,
    *,
    on_error: OnError = "stopOnError",
) -> str:
    """Build a complete qbXML request document (XML declaration, qbxml PI, QBXMLMsgsRq).

    :raises QbxmlVersionError: a request or field is newer than ``version``.
    :raises QbxmlValueError: text that is not XML 1.0 or not ISO-8859-1.
    :raises ValueError: no requests, duplicate request IDs, or an unknown ``on_error``.
    """
    target = parse_version(version) if isinstance(version, str) else version
    check_choice(on_error, ON_ERROR_VALUES, "on_error")
    if not requests:
        raise ValueError("a message set needs at least one request")
    ids = [spec.request_id for spec in requests]
    if len(set(ids)) != len(ids):
        raise ValueError("request IDs must be unique within a message set")
    msgs = node("QBXMLMsgsRq", None, onError=on_error)
    for spec in requests:
        check_version(spec, target)
        msgs.add(build_rq(spec))
    return serialize(
        node("QBXML", None, msgs),
        declaration=XML_DECLARATION,
        pis=(f'<?qbxml version="{target}"?>',),
        latin1=True,
    )
