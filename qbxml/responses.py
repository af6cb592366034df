"""Response status and per-request results: the data a qbXML response carries.

Status is data, never an exception (STYLE §5): ``code=1`` (no match) is a normal outcome of a
query. Also the response-side schema facts renderers and parsers share. Pure standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .records_txn import Record

__all__ = [
    "ITERATOR_RS",
    "RET_COUNT_RS",
    "RS_RET",
    "Response",
    "ResponseStatus",
    "Severity",
]

Severity = Literal["Info", "Warn", "Error"]

# Rs element -> the Ret element it carries (None: TxnDelRs carries its fields directly).
RS_RET: dict[str, str | None] = {
    "HostQueryRs": "HostRet",
    "CompanyQueryRs": "CompanyRet",
    "PreferencesQueryRs": "PreferencesRet",
    "EmployeeQueryRs": "EmployeeRet",
    "VendorQueryRs": "VendorRet",
    "CustomerQueryRs": "CustomerRet",
    "ClassQueryRs": "ClassRet",
    "PayrollItemWageQueryRs": "PayrollItemWageRet",
    "ItemServiceQueryRs": "ItemServiceRet",
    "OtherNameQueryRs": "OtherNameRet",
    "ListDeletedQueryRs": "ListDeletedRet",
    "TimeTrackingAddRs": "TimeTrackingRet",
    "TimeTrackingModRs": "TimeTrackingRet",
    "TimeTrackingQueryRs": "TimeTrackingRet",
    "TxnDelRs": None,
}
# Rs types whose schema has iteratorRemainingCount/iteratorID (qbxmlops130/160.xsd).
ITERATOR_RS = frozenset(
    {"CustomerQueryRs", "VendorQueryRs", "ItemServiceQueryRs", "TimeTrackingQueryRs"}
)
# Rs types whose schema has retCount: the list/transaction queries.
RET_COUNT_RS = frozenset(
    name
    for name in RS_RET
    if name.endswith("QueryRs")
    and name not in ("HostQueryRs", "CompanyQueryRs", "PreferencesQueryRs")
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ResponseStatus:
    """The status attributes of one ``…Rs`` element."""

    request_id: str | None
    rs_name: str
    code: int
    severity: Severity
    message: str = ""
    ret_count: int | None = None
    iterator_id: str | None = None
    iterator_remaining_count: int | None = None

    @property
    def is_ok(self) -> bool:
        """statusCode 0: the request succeeded."""
        return self.code == 0

    @property
    def is_no_match(self) -> bool:
        """statusCode 1: a query found nothing (not an error)."""
        return self.code == 1

    @property
    def is_warning(self) -> bool:
        """statusSeverity Warn (e.g. 500: some objects not found)."""
        return self.severity == "Warn"

    @property
    def is_error(self) -> bool:
        """statusSeverity Error: the request failed (see ``describe_status``)."""
        return self.severity == "Error"


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    """One request's result: its status and the records it returned, in document order."""

    status: ResponseStatus
    records: tuple[Record, ...] = ()
