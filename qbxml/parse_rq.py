"""Parse a qbXML request document back into request specs (the QuickBooks side).

``parse_msgs_rq(build_msgs_rq(specs, v)).requests == tuple(specs)``. Like QuickBooks, it is
strict: elements must come in schema order, and anything newer than the declared version is
refused. A request type (or element) the specs cannot represent raises
:class:`QbxmlStructureError`, or with ``unknown="keep"`` becomes an :class:`UnsupportedRequest`
the simulator answers with status 1030. Pure apart from the :mod:`._xml` seam.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal, cast

from ._spec import NameFilter, NameRangeFilter, OnError
from ._xml import END, PI, START, Source, XmlElement, iter_events
from .build import ON_ERROR_VALUES, check_version
from .errors import QbxmlError, QbxmlStructureError, QbxmlValueError
from .records import Ref
from .requests import (
    ClassQuery,
    CompanyQuery,
    CustomerQuery,
    EmployeeQuery,
    HostQuery,
    ItemServiceQuery,
    ListQuery,
    OtherNameQuery,
    PayrollItemWageQuery,
    PreferencesQuery,
    VendorQuery,
)
from .requests_txn import (
    ListDeletedQuery,
    MsgsRq,
    RequestSpec,
    TimeTrackingAdd,
    TimeTrackingMod,
    TimeTrackingQuery,
    TxnDel,
    UnsupportedRequest,
)
from .values import parse_date, parse_datetime, parse_duration, parse_int
from .versions import QbxmlVersion, parse_version

__all__ = ["parse_msgs_rq"]

_PI_VERSION = re.compile(r"""version\s*=\s*["']([^"']*)["']""")
_LIST_ORDER = [
    "ListID",
    "FullName",
    "MaxReturned",
    "ActiveStatus",
    "FromModifiedDate",
    "ToModifiedDate",
    "NameFilter",
    "NameRangeFilter",
    "IncludeRetElement",
    "OwnerID",
]
_TIME_FIELDS = [
    "TxnDate",
    "EntityRef",
    "CustomerRef",
    "ItemServiceRef",
    "Duration",
    "ClassRef",
    "PayrollItemWageRef",
    "Notes",
    "BillableStatus",
]
_REPEATED = frozenset(
    {"ListID", "FullName", "TxnID", "IncludeRetElement", "OwnerID", "ListDelType"}
)


def _children(elem: XmlElement, order: list[str], path: str) -> dict[str, list[XmlElement]]:
    """Group children by tag, refusing unknown, out-of-order or wrongly repeated elements."""
    out: dict[str, list[XmlElement]] = {}
    last = -1
    for child in elem:
        tag = child.tag
        if tag not in order:
            raise QbxmlStructureError("unexpected or unsupported element", path=f"{path}/{tag}")
        index = order.index(tag)
        if index < last or (index == last and tag not in _REPEATED):
            raise QbxmlStructureError("element out of schema order", path=f"{path}/{tag}")
        last = index
        out.setdefault(tag, []).append(child)
    return out


def _texts(kids: dict[str, list[XmlElement]], tag: str) -> tuple[str, ...]:
    return tuple(child.text or "" for child in kids.get(tag, ()))


def _one(
    kids: dict[str, list[XmlElement]], tag: str, path: str, conv: Callable[..., Any] | None = None
) -> Any:
    found = kids.get(tag)
    if not found:
        return None
    text = found[0].text or ""
    return text if conv is None else conv(text, path=f"{path}/{tag}")


def _ref(kids: dict[str, list[XmlElement]], tag: str, path: str) -> Ref | None:
    found = kids.get(tag)
    if not found:
        return None
    inner = _children(found[0], ["ListID", "FullName"], f"{path}/{tag}")
    return Ref(list_id=_one(inner, "ListID", path), full_name=_one(inner, "FullName", path))


def _range(
    kids: dict[str, list[XmlElement]],
    tag: str,
    names: list[str],
    path: str,
    conv: Callable[..., Any],
) -> list[Any]:
    found = kids.get(tag)
    if not found:
        return [None] * len(names)
    inner = _children(found[0], names, f"{path}/{tag}")
    return [_one(inner, name, f"{path}/{tag}", conv) for name in names]


def _base(rq: XmlElement, kids: dict[str, list[XmlElement]]) -> dict[str, Any]:
    return {
        "request_id": (rq.get("requestID") or ""),
        "include_ret_elements": _texts(kids, "IncludeRetElement"),
    }


def _iterator(rq: XmlElement) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if rq.get("iterator") is not None:
        out["iterator"] = rq.get("iterator")
    if rq.get("iteratorID") is not None:
        out["iterator_id"] = rq.get("iteratorID")
    return out


def _list_query(cls: type[ListQuery]) -> Callable[[XmlElement, str], RequestSpec]:
    def parse(rq: XmlElement, path: str) -> RequestSpec:
        kids = _children(rq, _LIST_ORDER, path)
        name_filter = name_range = None
        if "NameFilter" in kids:
            inner = _children(
                kids["NameFilter"][0], ["MatchCriterion", "Name"], f"{path}/NameFilter"
            )
            name_filter = NameFilter(
                match_criterion=cast(Any, _one(inner, "MatchCriterion", path) or ""),
                name=_one(inner, "Name", path) or "",
            )
        if "NameRangeFilter" in kids:
            inner = _children(kids["NameRangeFilter"][0], ["FromName", "ToName"], path)
            name_range = NameRangeFilter(
                from_name=_one(inner, "FromName", path), to_name=_one(inner, "ToName", path)
            )
        spec = cls(
            **_base(rq, kids),
            **_iterator(rq),
            list_ids=_texts(kids, "ListID"),
            full_names=_texts(kids, "FullName"),
            max_returned=_one(kids, "MaxReturned", path, parse_int),
            active_status=_one(kids, "ActiveStatus", path),
            from_modified_date=_one(kids, "FromModifiedDate", path, parse_datetime),
            to_modified_date=_one(kids, "ToModifiedDate", path, parse_datetime),
            name_filter=name_filter,
            name_range=name_range,
            owner_ids=_texts(kids, "OwnerID"),
        )
        return cast(RequestSpec, spec)

    return parse


def _simple(cls: type[HostQuery | PreferencesQuery]) -> Callable[[XmlElement, str], RequestSpec]:
    def parse(rq: XmlElement, path: str) -> RequestSpec:
        return cls(**_base(rq, _children(rq, ["IncludeRetElement"], path)))

    return parse


def _company(rq: XmlElement, path: str) -> RequestSpec:
    kids = _children(rq, ["IncludeRetElement", "OwnerID"], path)
    return CompanyQuery(**_base(rq, kids), owner_ids=_texts(kids, "OwnerID"))


def _list_deleted(rq: XmlElement, path: str) -> RequestSpec:
    kids = _children(rq, ["ListDelType", "DeletedDateRangeFilter", "IncludeRetElement"], path)
    start, end = _range(
        kids, "DeletedDateRangeFilter", ["FromDeletedDate", "ToDeletedDate"], path, parse_datetime
    )
    return ListDeletedQuery(
        **_base(rq, kids),
        list_del_types=_texts(kids, "ListDelType"),
        from_deleted_date=start,
        to_deleted_date=end,
    )


def _time_query(rq: XmlElement, path: str) -> RequestSpec:
    order = [
        "TxnID",
        "MaxReturned",
        "ModifiedDateRangeFilter",
        "TxnDateRangeFilter",
        "TimeTrackingEntityFilter",
        "IncludeRetElement",
    ]
    kids = _children(rq, order, path)
    mod = _range(
        kids,
        "ModifiedDateRangeFilter",
        ["FromModifiedDate", "ToModifiedDate"],
        path,
        parse_datetime,
    )
    txn = _range(kids, "TxnDateRangeFilter", ["FromTxnDate", "ToTxnDate"], path, parse_date)
    entity: dict[str, list[XmlElement]] = {}
    if "TimeTrackingEntityFilter" in kids:
        entity = _children(kids["TimeTrackingEntityFilter"][0], ["ListID", "FullName"], path)
    return TimeTrackingQuery(
        **_base(rq, kids),
        **_iterator(rq),
        txn_ids=_texts(kids, "TxnID"),
        max_returned=_one(kids, "MaxReturned", path, parse_int),
        from_modified_date=mod[0],
        to_modified_date=mod[1],
        from_txn_date=txn[0],
        to_txn_date=txn[1],
        entity_list_ids=_texts(entity, "ListID"),
        entity_full_names=_texts(entity, "FullName"),
    )


def _time_write(rq: XmlElement, path: str) -> RequestSpec:
    is_add = rq.tag == "TimeTrackingAddRq"
    body_tag = "TimeTrackingAdd" if is_add else "TimeTrackingMod"
    outer = _children(rq, [body_tag, "IncludeRetElement"], path)
    if body_tag not in outer:
        raise QbxmlStructureError("missing element", path=f"{path}/{body_tag}")
    here = f"{path}/{body_tag}"
    order = _TIME_FIELDS + ["ExternalGUID"] if is_add else ["TxnID", "EditSequence", *_TIME_FIELDS]
    body = outer[body_tag][0]
    kids = _children(body, order, here)
    if set(body.keys()) - ({"defMacro"} if is_add else set()):
        raise QbxmlStructureError("unsupported attribute", path=here)
    fields: dict[str, Any] = {
        "txn_date": _one(kids, "TxnDate", here, parse_date),
        "entity_ref": _ref(kids, "EntityRef", here),
        "customer_ref": _ref(kids, "CustomerRef", here),
        "item_service_ref": _ref(kids, "ItemServiceRef", here),
        "duration": _one(kids, "Duration", here, parse_duration),
        "class_ref": _ref(kids, "ClassRef", here),
        "payroll_item_wage_ref": _ref(kids, "PayrollItemWageRef", here),
        "notes": _one(kids, "Notes", here),
        "billable_status": _one(kids, "BillableStatus", here),
    }
    if is_add:
        return TimeTrackingAdd(
            **_base(rq, outer),
            **fields,
            external_guid=_one(kids, "ExternalGUID", here),
            def_macro=body.get("defMacro"),
        )
    return TimeTrackingMod(
        **_base(rq, outer),
        **fields,
        txn_id=_one(kids, "TxnID", here),
        edit_sequence=_one(kids, "EditSequence", here),
    )


def _txn_del(rq: XmlElement, path: str) -> RequestSpec:
    kids = _children(rq, ["TxnDelType", "TxnID"], path)
    return TxnDel(
        request_id=(rq.get("requestID") or ""),
        txn_del_type=_one(kids, "TxnDelType", path),
        txn_id=_one(kids, "TxnID", path),
    )


_PARSERS: dict[str, Callable[[XmlElement, str], RequestSpec]] = {
    "HostQueryRq": _simple(HostQuery),
    "CompanyQueryRq": _company,
    "PreferencesQueryRq": _simple(PreferencesQuery),
    "EmployeeQueryRq": _list_query(EmployeeQuery),
    "VendorQueryRq": _list_query(VendorQuery),
    "CustomerQueryRq": _list_query(CustomerQuery),
    "ClassQueryRq": _list_query(ClassQuery),
    "PayrollItemWageQueryRq": _list_query(PayrollItemWageQuery),
    "ItemServiceQueryRq": _list_query(ItemServiceQuery),
    "OtherNameQueryRq": _list_query(OtherNameQuery),
    "ListDeletedQueryRq": _list_deleted,
    "TimeTrackingAddRq": _time_write,
    "TimeTrackingModRq": _time_write,
    "TimeTrackingQueryRq": _time_query,
    "TxnDelRq": _txn_del,
}
_ATTRIBUTES = frozenset({"requestID", "iterator", "iteratorID"})


def _parse_one(rq: XmlElement, version: QbxmlVersion) -> RequestSpec:
    path = f"QBXML/QBXMLMsgsRq/{rq.tag}"
    parser = _PARSERS.get(rq.tag)
    if parser is None:
        raise QbxmlStructureError("request type not supported by qbxml", path=path)
    extra = set(rq.keys()) - _ATTRIBUTES
    if extra:
        raise QbxmlStructureError(f"unsupported attribute {sorted(extra)[0]}", path=path)
    try:
        spec = parser(rq, path)
    except QbxmlError:
        raise
    except (ValueError, TypeError) as exc:
        raise QbxmlStructureError(str(exc), path=path) from exc
    check_version(spec, version)
    return spec


def parse_msgs_rq(
    source: Source,
    *,
    unknown: Literal["raise", "keep"] = "raise",
    max_bytes: int | None = None,
) -> MsgsRq:
    """Parse a request document into a :class:`MsgsRq`.

    :param unknown: ``"keep"`` turns requests the specs cannot represent into
        :class:`UnsupportedRequest` items instead of raising.
    :raises QbxmlStructureError: missing PI/onError, wrong root, unknown or malformed request.
    :raises QbxmlVersionError: a request or element newer than the declared version.
    """
    version: QbxmlVersion | None = None
    on_error: OnError | None = None
    requests: list[RequestSpec | UnsupportedRequest] = []
    for kind, depth, elem in iter_events(source, element_depth=2, max_bytes=max_bytes):
        if kind == PI:
            if getattr(elem, "target", None) == "qbxml" and version is None:
                m = _PI_VERSION.search(elem.text or "")
                try:
                    version = parse_version(m[1] if m else "")
                except ValueError as exc:
                    raise QbxmlValueError(
                        "bad qbxml version", path="<?qbxml?>", value=elem.text
                    ) from exc
        elif kind == START and depth == 0:
            if elem.tag != "QBXML":
                raise QbxmlStructureError("the root element must be QBXML", path=str(elem.tag))
            if version is None:
                raise QbxmlStructureError("missing <?qbxml version?> instruction", path="<?qbxml?>")
        elif kind == START and depth == 1 and elem.tag == "QBXMLMsgsRq":
            value = elem.get("onError")
            if value not in ON_ERROR_VALUES:
                raise QbxmlStructureError(
                    "missing or unknown onError", path="QBXML/QBXMLMsgsRq/@onError"
                )
            on_error = value  # type: ignore[assignment]
        elif kind == END and depth == 2 and on_error is not None and version is not None:
            try:
                requests.append(_parse_one(elem, version))
            except QbxmlStructureError as exc:
                if unknown == "raise":
                    raise
                requests.append(
                    UnsupportedRequest(
                        request_id=elem.get("requestID"), rq_name=elem.tag, reason=str(exc)
                    )
                )
    if on_error is None or version is None:
        raise QbxmlStructureError("no QBXMLMsgsRq element", path="QBXML/QBXMLMsgsRq")
    return MsgsRq(version=version, on_error=on_error, requests=tuple(requests))
