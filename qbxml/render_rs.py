"""Render responses (status + records) as a schema-valid ``QBXMLMsgsRs`` document.

This is the QuickBooks side of the protocol, used by the simulator (FakeQuickBooks) and by the
round-trip tests. Iterator attributes appear only on iterator-capable Rs types and ``retCount``
only where the schema has it. Like QuickBooks, the document has no ``<?qbxml?>`` PI. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._ret_render import RECORD_RET, render_ret, render_txn_del
from ._since import REQUEST_SINCE
from ._tree import Node, node, serialize
from .errors import QbxmlVersionError
from .records_txn import TxnDelResult
from .responses import ITERATOR_RS, RET_COUNT_RS, RS_RET, Response
from .versions import QbxmlVersion, parse_version

__all__ = ["RS_XML_DECLARATION", "render_msgs_rs", "render_rs"]

RS_XML_DECLARATION = '<?xml version="1.0" ?>'  # what QuickBooks writes (2008 QBWC log)
_SINGLE_RET = frozenset(
    {
        "HostQueryRs",
        "CompanyQueryRs",
        "PreferencesQueryRs",
        "TimeTrackingAddRs",
        "TimeTrackingModRs",
    }
)


def _attrs(response: Response) -> dict[str, str]:
    st = response.status
    attrs: dict[str, str] = {}
    if st.request_id is not None:
        attrs["requestID"] = st.request_id
    attrs.update(statusCode=str(st.code), statusSeverity=st.severity, statusMessage=st.message)
    if st.ret_count is not None:
        if st.rs_name not in RET_COUNT_RS:
            raise ValueError(f"{st.rs_name} has no retCount attribute")
        attrs["retCount"] = str(st.ret_count)
    if st.iterator_id is not None or st.iterator_remaining_count is not None:
        if st.rs_name not in ITERATOR_RS:
            raise ValueError(f"{st.rs_name} does not support iterators (qbXML schema)")
        if st.iterator_remaining_count is not None:
            attrs["iteratorRemainingCount"] = str(st.iterator_remaining_count)
        if st.iterator_id is not None:
            attrs["iteratorID"] = st.iterator_id
    return attrs


def render_rs(response: Response, version: QbxmlVersion) -> Node:
    """Render one ``…Rs`` element.

    :raises ValueError: unknown Rs name, records of the wrong kind, or too many for the Rs.
    :raises QbxmlVersionError: the Rs type is newer than ``version``.
    """
    name = response.status.rs_name
    if name not in RS_RET:
        raise ValueError(f"cannot render {name}: not a response type of this library")
    since = REQUEST_SINCE[name.removesuffix("Rs") + "Rq"]
    if not version.at_least(since):
        raise QbxmlVersionError(path=name, version=str(version), required=since)
    rs = node(name, None, **_attrs(response))
    ret = RS_RET[name]
    if name in _SINGLE_RET and len(response.records) > 1:
        raise ValueError(f"{name} carries at most one record")
    if ret is None:
        if len(response.records) > 1:
            raise ValueError("TxnDelRs carries at most one record")
        for record in response.records:
            if not isinstance(record, TxnDelResult):
                raise ValueError("TxnDelRs carries a TxnDelResult")
            rs.extend(render_txn_del(record))
        return rs
    for record in response.records:
        if RECORD_RET.get(type(record), ("",))[0] != ret:
            raise ValueError(f"{name} carries {ret} records, not {type(record).__name__}")
        rs.add(render_ret(record, version))
    return rs


def render_msgs_rs(responses: Sequence[Response], version: QbxmlVersion | str) -> str:
    """Render a complete response document for a message set of the given version."""
    target = parse_version(version) if isinstance(version, str) else version
    msgs = node("QBXMLMsgsRs", None, *(render_rs(r, target) for r in responses))
    return serialize(node("QBXML", None, msgs), declaration=RS_XML_DECLARATION, latin1=False)
