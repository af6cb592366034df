"""Streaming parser for qbXML response documents (``QBXMLMsgsRs``).

For each ``…Rs`` in document order :func:`iter_msgs_rs` yields its :class:`ResponseStatus`, then
one record per known Ret element; each Ret is converted as soon as it ends and then cleared, so
a 100 MB response never becomes a full tree. Rets are recognised by element name in any Rs
(a ``CustomerRet`` inside ``CustomerAddRs`` is parsed too); unknown Rs types yield only their
status; unknown elements are ignored. Pure apart from the :mod:`._xml` seam.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal, overload

from ._ret_parse import RET_PARSERS, TXN_DEL_FIELDS, build_txn_del, parse_ret
from ._xml import MSG_END, MSG_START, MSGS, RECORD, Source, XmlElement, iter_messages
from .errors import QbxmlError, QbxmlStructureError, QbxmlValueError
from .records_problems import RetNotice, RetProblem, UnreadableRet, ValueNote
from .records_txn import Record
from .responses import Response, ResponseStatus, Severity
from .values import parse_int

__all__ = ["iter_msgs_rs", "parse_msgs_rs", "parse_status"]

_RECORD_TAGS = frozenset(RET_PARSERS)
_WHOLE = frozenset({"TxnDelRs"})
_SEVERITIES: dict[str, Severity] = {
    "info": "Info",
    "warn": "Warn",
    "warning": "Warn",
    "error": "Error",
}


def _int_attr(elem: XmlElement, name: str, path: str) -> int | None:
    text = elem.get(name)
    if text is None or not text.strip():
        return None
    return parse_int(text, path=f"{path}/@{name}")


def parse_status(elem: XmlElement, path: str) -> ResponseStatus:
    """Read the status attributes of an ``…Rs`` element.

    :raises QbxmlStructureError: statusCode or statusSeverity missing.
    :raises QbxmlValueError: a non-integer code or count, or an unknown severity.
    """
    code = _int_attr(elem, "statusCode", path)
    if code is None:
        raise QbxmlStructureError("statusCode is missing", path=f"{path}/@statusCode")
    raw = elem.get("statusSeverity")
    if raw is None:
        raise QbxmlStructureError("statusSeverity is missing", path=f"{path}/@statusSeverity")
    severity = _SEVERITIES.get(raw.strip().lower())
    if severity is None:
        raise QbxmlValueError("unknown statusSeverity", path=f"{path}/@statusSeverity", value=raw)
    return ResponseStatus(
        request_id=elem.get("requestID"),
        rs_name=elem.tag,
        code=code,
        severity=severity,
        message=elem.get("statusMessage") or "",
        ret_count=_int_attr(elem, "retCount", path),
        iterator_id=elem.get("iteratorID"),
        iterator_remaining_count=_int_attr(elem, "iteratorRemainingCount", path),
    )


def _child_text(elem: XmlElement, *tags: str) -> str | None:
    for child in elem:
        if child.tag in tags and child.text and child.text.strip():
            return child.text.strip()
    return None


def _lenient_ret(elem: XmlElement, rs_path: str) -> Iterator[Record | RetProblem]:
    """One Ret read leniently: the record (then a notice if values were off), or why not."""
    notes: list[ValueNote] = []
    try:
        record = parse_ret(elem, rs_path, notes)
    except QbxmlError as exc:
        yield UnreadableRet(
            ret=elem.tag,
            list_id=_child_text(elem, "ListID", "TxnID"),
            time_modified=_child_text(elem, "TimeModified", "TimeDeleted"),
            message=str(exc),
        )
        return
    if record is not None:
        yield record
        if notes:
            yield RetNotice(
                ret=elem.tag, list_id=_child_text(elem, "ListID", "TxnID"), notes=tuple(notes)
            )


@overload
def iter_msgs_rs(
    source: Source, *, max_bytes: int | None = None, lenient: Literal[False] = False
) -> Iterator[ResponseStatus | Record]: ...


@overload
def iter_msgs_rs(
    source: Source, *, max_bytes: int | None = None, lenient: Literal[True]
) -> Iterator[ResponseStatus | Record | RetProblem]: ...


def iter_msgs_rs(
    source: Source, *, max_bytes: int | None = None, lenient: bool = False
) -> Iterator[ResponseStatus | Record | RetProblem]:
    """Yield each response's status followed by its records, streaming.

    :param source: the response as ``bytes``, ``str`` or a binary file object.
    :param max_bytes: size limit (default 256 MiB); larger input raises QbxmlSyntaxError.
    :param lenient: one bad Ret does not fail the answer: it is yielded as an
        :class:`UnreadableRet`, and values outside their type (an enumeration value this parser
        does not know, a bad date) are kept as text or dropped and reported by a
        :class:`RetNotice` after the record. Malformed XML and bad status attributes still raise.
    :raises QbxmlError: malformed XML, missing status attributes, or a bad value.
    """
    saw_msgs = False
    rs_path = ""
    for kind, elem in iter_messages(
        source,
        root="QBXML",
        container="QBXMLMsgsRs",
        records=_RECORD_TAGS,
        whole=_WHOLE,
        max_bytes=max_bytes,
    ):
        if kind == RECORD:
            if lenient:
                yield from _lenient_ret(elem, rs_path)
            else:
                record = parse_ret(elem, rs_path)
                if record is not None:
                    yield record
        elif kind == MSG_START:
            rs_path = f"QBXML/QBXMLMsgsRs/{elem.tag}"
            yield parse_status(elem, rs_path)
        elif kind == MSG_END:
            if elem.tag == "TxnDelRs":
                txn_del = _txn_del_fields(elem, rs_path)
                if txn_del:
                    yield build_txn_del(txn_del)
        elif kind == MSGS:
            saw_msgs = True
        elif elem.tag != "QBXML":  # ROOT
            raise QbxmlStructureError("the root element must be QBXML", path=str(elem.tag))
    if not saw_msgs:
        raise QbxmlStructureError("no QBXMLMsgsRs element", path="QBXML/QBXMLMsgsRs")


def _txn_del_fields(elem: XmlElement, rs_path: str) -> dict[str, Any]:
    """TxnDelRs carries its fields directly, without a Ret element."""
    fields: dict[str, Any] = {}
    for child in elem:
        spec = TXN_DEL_FIELDS.get(child.tag)
        if isinstance(spec, tuple):
            fields[spec[0]] = spec[1](child, rs_path)
    return fields


def parse_msgs_rs(source: Source, *, max_bytes: int | None = None) -> tuple[Response, ...]:
    """Parse a whole response into one :class:`Response` per ``…Rs`` (for small responses)."""
    responses: list[Response] = []
    status: ResponseStatus | None = None
    records: list[Record] = []
    for item in iter_msgs_rs(source, max_bytes=max_bytes):
        if isinstance(item, ResponseStatus):
            if status is not None:
                responses.append(Response(status=status, records=tuple(records)))
            status, records = item, []
        else:
            records.append(item)
    if status is not None:
        responses.append(Response(status=status, records=tuple(records)))
    return tuple(responses)
