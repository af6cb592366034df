"""FakeQuickBooks' answers to the list queries and ListDeletedQuery, with QuickBooks' filters.

ListID/FullName select records directly (missing ones: status 500, the others returned);
otherwise ActiveStatus (default ActiveOnly), From/ToModifiedDate (naive = company local time,
inclusive), NameFilter/NameRangeFilter (on FullName, case-insensitive) and MaxReturned apply,
and iterators page the result. DataExt is returned only for the OwnerIDs asked for.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import qbxml
from qbxml import Response, ResponseStatus
from qbxml.responses import RET_COUNT_RS

from .company import CompanyFile, ListKind

if TYPE_CHECKING:
    from .iterators import IteratorStore, Page

__all__ = [
    "KIND_BY_RQ",
    "MESSAGES",
    "answer_list_deleted",
    "answer_list_query",
    "page_or_all",
    "records_response",
    "status_response",
]

KIND_BY_RQ: dict[str, ListKind] = {
    "EmployeeQueryRq": "Employee",
    "VendorQueryRq": "Vendor",
    "CustomerQueryRq": "Customer",
    "ClassQueryRq": "Class",
    "PayrollItemWageQueryRq": "PayrollItemWage",
    "ItemServiceQueryRq": "ItemService",
    "OtherNameQueryRq": "OtherName",
}
# statusMessage texts as QuickBooks writes them.
MESSAGES: dict[int, str] = {
    0: "Status OK",
    1: "A query request did not find a matching object in QuickBooks",
}
_NOT_FOUND = (
    'The query request has not been fully completed. There was a required element ("{}") '
    "that could not be found in QuickBooks."
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# IncludeRetElement names whose record field is not their snake_case.
_SPECIAL_FIELDS: dict[str, tuple[str, ...]] = {
    "EmployeePayrollInfo": ("payroll",),
    "DataExtRet": ("data_ext",),
    "SalesOrPurchase": ("description", "price"),
    "IsVendorEligibleFor1099": ("is_vendor_eligible_for_1099",),
}


def rs_name(spec: qbxml.RequestSpec) -> str:
    return spec.RQ_NAME.removesuffix("Rq") + "Rs"


def status_response(
    spec: qbxml.RequestSpec,
    code: int,
    message: str | None = None,
    *,
    records: Sequence[qbxml.Record] = (),
    ret_count: int | None = None,
    page: Page | None = None,
) -> Response:
    """A response with QuickBooks' severity for ``code`` and optional records/iterator data."""
    name = rs_name(spec)
    status = ResponseStatus(
        request_id=spec.request_id,
        rs_name=name,
        code=code,
        severity=qbxml.describe_status(code).severity,
        message=message if message is not None else MESSAGES.get(code, ""),
        ret_count=ret_count if name in RET_COUNT_RS else None,
        iterator_id=page.iterator_id if page else None,
        iterator_remaining_count=page.remaining if page else None,
    )
    return Response(status=status, records=tuple(records))


def _fields_for(element: str) -> tuple[str, ...]:
    return _SPECIAL_FIELDS.get(element) or (_CAMEL.sub("_", element).lower(),)


def shape(record: Any, include: Iterable[str], owner_ids: Iterable[str]) -> Any:
    """Trim a record to its IncludeRetElement fields and to the DataExt of the given owners."""
    changes: dict[str, Any] = {}
    if hasattr(record, "data_ext") and record.data_ext:
        wanted = {o.casefold() for o in owner_ids}
        kept = tuple(d for d in record.data_ext if (d.owner_id or "0").casefold() in wanted)
        if kept != record.data_ext:
            changes["data_ext"] = kept
    include = tuple(include)
    if include:
        keep = {name for element in include for name in _fields_for(element)}
        for f in dataclasses.fields(record):
            if f.name not in keep and f.default is not dataclasses.MISSING:
                changes[f.name] = f.default
    return dataclasses.replace(record, **changes) if changes else record


def records_response(
    spec: Any,
    records: Sequence[Any],
    *,
    page: Page | None = None,
    missing: Sequence[str] = (),
    owner_ids: Iterable[str] = (),
) -> Response:
    """Status 0 with records, 1 when there are none, 500 when some asked-for ids were missing."""
    owner_ids = tuple(owner_ids)
    shaped = [shape(r, spec.include_ret_elements, owner_ids) for r in records]
    code = 500 if missing else (0 if shaped else 1)
    message = _NOT_FOUND.format(missing[0]) if missing else None
    return status_response(spec, code, message, records=shaped, ret_count=len(shaped), page=page)


def page_or_all(
    iterators: IteratorStore,
    spec: Any,
    matched_ids: Callable[[], list[str]],
    fetch: Callable[[str], Any | None],
    **kw: Any,
) -> Response:
    """Answer a query that may use an iterator (Start/Continue/Stop) or MaxReturned."""
    if spec.iterator == "Stop":
        if not iterators.stop(spec.iterator_id):
            return status_response(spec, 3391, f'The iteratorID "{spec.iterator_id}" is not valid.')
        return status_response(spec, 0, ret_count=0)
    if spec.iterator == "Continue":
        page = iterators.next_page(spec.iterator_id, spec.RQ_NAME, spec.max_returned)
        if page is None:
            return status_response(spec, 3391, f'The iteratorID "{spec.iterator_id}" is not valid.')
    elif spec.iterator == "Start":
        page = iterators.start(spec.RQ_NAME, matched_ids(), spec.max_returned)
    else:
        ids = matched_ids()
        if spec.max_returned is not None:
            ids = ids[: spec.max_returned]
        return records_response(spec, [r for r in map(fetch, ids) if r is not None], **kw)
    found = [r for r in map(fetch, page.ids) if r is not None]
    return records_response(spec, found, page=page, **kw)


def _name_matches(name: str, spec: qbxml.ListQuery) -> bool:
    folded = name.casefold()
    if spec.name_filter is not None:
        wanted = spec.name_filter.name.casefold()
        how = spec.name_filter.match_criterion
        if how == "StartsWith" and not folded.startswith(wanted):
            return False
        if how == "Contains" and wanted not in folded:
            return False
        if how == "EndsWith" and not folded.endswith(wanted):
            return False
    if spec.name_range is not None:
        low, high = spec.name_range.from_name, spec.name_range.to_name
        if low is not None and folded < low.casefold():
            return False
        if high is not None and folded > high.casefold():
            return False
    return True


def _matches(company: CompanyFile, spec: qbxml.ListQuery, record: Any) -> bool:
    active = spec.active_status or "ActiveOnly"
    if active == "ActiveOnly" and not record.is_active:
        return False
    if active == "InactiveOnly" and record.is_active:
        return False
    modified = company.to_local_naive(record.time_modified)
    if spec.from_modified_date is not None and modified < spec.from_modified_date:
        return False
    if spec.to_modified_date is not None and modified > spec.to_modified_date:
        return False
    return _name_matches(company.display_name(record), spec)


def _selected(company: CompanyFile, kind: ListKind, spec: qbxml.ListQuery) -> Response:
    records, missing = [], []
    for list_id in spec.list_ids:
        record = company.get(list_id)
        if record is None or company.kind_of(list_id) != kind:
            missing.append(list_id)
        else:
            records.append(record)
    for name in spec.full_names:
        record = company.find(kind, name)
        if record is None:
            missing.append(name)
        else:
            records.append(record)
    return records_response(spec, records, missing=missing, owner_ids=spec.owner_ids)


def answer_list_query(
    company: CompanyFile, iterators: IteratorStore, spec: qbxml.ListQuery
) -> Response:
    """Answer Employee/Vendor/Customer/Class/PayrollItemWage/ItemService/OtherName queries."""
    kind = KIND_BY_RQ[spec.RQ_NAME]
    if spec.list_ids or spec.full_names:
        return _selected(company, kind, spec)

    def matched() -> list[str]:
        hits = [r for r in company.records(kind) if _matches(company, spec, r)]
        hits.sort(key=lambda r: company.display_name(r).casefold())
        return [r.list_id for r in hits]

    def fetch(list_id: str) -> Any | None:
        return company.get(list_id) if company.kind_of(list_id) == kind else None

    return page_or_all(iterators, spec, matched, fetch, owner_ids=spec.owner_ids)


def answer_list_deleted(company: CompanyFile, spec: qbxml.ListDeletedQuery) -> Response:
    """Deleted list records of the asked types, optionally within a deleted-date range."""
    kinds = set(spec.list_del_types)
    rows = []
    for gone in company.deleted:
        if gone.list_del_type not in kinds or gone.time_deleted is None:
            continue
        when = company.to_local_naive(gone.time_deleted)
        if spec.from_deleted_date is not None and when < spec.from_deleted_date:
            continue
        if spec.to_deleted_date is not None and when > spec.to_deleted_date:
            continue
        rows.append(gone)
    return records_response(spec, rows)
