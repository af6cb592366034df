"""FakeQuickBooks: answers qbXML message sets from a :class:`CompanyFile` as QuickBooks Desktop does.

Requests are read with ``qbxml.parse_msgs_rq`` (strict: schema order, versions) and answers
rendered with ``qbxml.render_msgs_rs``. A request qbxml cannot read fails the whole message set
the way QuickBooks' ProcessRequest does: :class:`ProcessRequestError` with hresult 0x80040400.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

import qbxml
from qbxml import Response

from .iterators import ITERATOR_TTL, IteratorStore
from .queries import (
    answer_list_deleted,
    answer_list_query,
    records_response,
    shape,
    status_response,
)
from .timetracking import answer_time_add, answer_time_mod, answer_time_query, answer_txn_del

if TYPE_CHECKING:
    from .company import Clock, CompanyFile

__all__ = [
    "ALREADY_OPEN",
    "CANNOT_OPEN",
    "PARSE_ERROR",
    "UNSUPPORTED_VERSION",
    "FakeQuickBooks",
    "ProcessRequestError",
]

# (hresult, message) pairs as QBXMLRP2 reports them (QBWC-NOTES A.4).
PARSE_ERROR = ("0x80040400", "QuickBooks found an error when parsing the provided XML text stream.")
UNSUPPORTED_VERSION = (
    "0x80040423",
    "The version of QBXML that was requested is not supported or is unknown.",
)
CANNOT_OPEN = ("0x80040403", "Could not open the specified QuickBooks company data file.")
ALREADY_OPEN = (
    "0x8004040A",
    "A QuickBooks company data file is already open and it is different from the one requested.",
)
DEFAULT_VERSIONS = tuple(str(v) for v in qbxml.SUPPORTED_VERSIONS)


class ProcessRequestError(Exception):
    """QuickBooks' ProcessRequest failed: no response, an hresult and its message instead."""

    def __init__(self, hresult: str, message: str) -> None:
        self.hresult, self.message = hresult, message
        super().__init__(f"{hresult}: {message}")


class FakeQuickBooks:
    """QuickBooks Desktop with one company file open.

    :param versions: the qbXML versions this "QuickBooks" accepts (``SupportedQBXMLVersion``);
        the highest is what the Web Connector reports as ``qbXMLMajorVers``/``MinorVers``.
    :param request_validator: optional strict mode for tests, e.g. an XSD check of each request;
        a request it refuses fails with hresult 0x80040400.
    :param open_error: ``(hresult, message)`` to make opening the company file fail.
    :param before_process: called with this QuickBooks and the message set's number (1-based)
        before each message set is processed: tests edit the company file between iterator
        pages, move the clock, or change the answer (``answer_filter``) there.
    :param answer_filter: rewrites each whole answer before it goes back (fault injection:
        control characters, foreign records, broken XML).
    """

    def __init__(
        self,
        company: CompanyFile,
        *,
        product: str = "QuickBooks Pro 2023",
        major_version: str = "33",
        minor_version: str = "0",
        country: str = "US",
        versions: Sequence[str] = DEFAULT_VERSIONS,
        qb_file_mode: str = "SingleUser",
        request_validator: Callable[[str], bool] | None = None,
        iterator_ttl: timedelta = ITERATOR_TTL,
        open_error: tuple[str, str] | None = None,
        before_process: Callable[[FakeQuickBooks, int], None] | None = None,
        answer_filter: Callable[[str], str] | None = None,
    ) -> None:
        self.company = company
        self.product = product
        self.country = country
        self.versions = tuple(versions)
        self._supported = {qbxml.parse_version(v).number for v in self.versions}
        self.host = qbxml.Host(
            product_name=product,
            major_version=major_version,
            minor_version=minor_version,
            country=country,
            supported_versions=self.versions,
            is_automatic_login=False,
            qb_file_mode=qb_file_mode,  # type: ignore[arg-type]
        )
        self.request_validator = request_validator
        self.iterators = IteratorStore(company.clock, iterator_ttl)
        self.open_error = open_error
        self.request_counts: Counter[str] = Counter()
        self.message_sets = 0
        self.before_process = before_process
        self.answer_filter = answer_filter

    @property
    def clock(self) -> Clock:
        return self.company.clock

    @property
    def max_version(self) -> qbxml.QbxmlVersion:
        """The newest qbXML version this QuickBooks accepts."""
        return max(qbxml.parse_version(v).number for v in self.versions)

    # sessions (what QBWC's OpenConnection/BeginSession/EndSession do) ---------------------------
    def open_company(self, path: str) -> tuple[str, str] | None:
        """Begin a session with ``path`` ("" = the open file): None, or (hresult, message)."""
        if self.open_error is not None:
            return self.open_error
        if path and path.casefold() != self.company.path.casefold():
            return ALREADY_OPEN
        return None

    def end_session(self) -> None:
        """End the QuickBooks session: its iterators die with it."""
        self.iterators.reset()

    def reset_iterators(self) -> None:
        """Forget every iterator (a later Continue answers 3391)."""
        self.iterators.reset()

    # qbXML -----------------------------------------------------------------------------------
    def hcp_response(self, owner_id: str | None = None) -> str:
        """QBWC's own HostQuery + CompanyQuery (DataExt of ``owner_id``) + PreferencesQuery answer.

        This is the ``strHCPResponse`` of the first sendRequestXML, requestIDs 0, 1 and 2.
        """
        specs: list[qbxml.RequestSpec] = [
            qbxml.HostQuery(request_id="0"),
            qbxml.CompanyQuery(request_id="1", owner_ids=(owner_id,) if owner_id else ()),
            qbxml.PreferencesQuery(request_id="2"),
        ]
        return qbxml.render_msgs_rs([self.answer(s) for s in specs], self.max_version)

    def process(self, request_xml: str) -> str:
        """Answer a whole qbXML message set (``ProcessRequest``), honouring ``onError``.

        :raises ProcessRequestError: the request cannot be parsed (0x80040400) or asks for a
            qbXML version this QuickBooks does not support (0x80040423).
        """
        if self.request_validator is not None and not self.request_validator(request_xml):
            raise ProcessRequestError(*PARSE_ERROR)
        try:
            msgs = qbxml.parse_msgs_rq(request_xml.encode("utf-8"))
        except qbxml.QbxmlError as exc:
            raise ProcessRequestError(*PARSE_ERROR) from exc
        if msgs.version.number not in self._supported:
            raise ProcessRequestError(*UNSUPPORTED_VERSION)
        self.message_sets += 1
        if self.before_process is not None:
            self.before_process(self, self.message_sets)
        responses: list[Response] = []
        for spec in msgs.requests:
            assert not isinstance(spec, qbxml.UnsupportedRequest)  # unknown="raise"
            self.request_counts[spec.RQ_NAME] += 1
            response = self.answer(spec)
            responses.append(response)
            # stopOnError also stops on warnings (qbwc/qbwc#54); rollbackOnError is treated the
            # same, without a rollback (QBWC-NOTES A.3.1: unverified in QuickBooks Desktop).
            if msgs.on_error != "continueOnError" and response.status.severity != "Info":
                break
        answer = qbxml.render_msgs_rs(responses, msgs.version)
        return self.answer_filter(answer) if self.answer_filter is not None else answer

    def answer(self, spec: qbxml.RequestSpec) -> Response:
        """Answer one request."""
        company = self.company
        if isinstance(spec, qbxml.HostQuery):
            return status_response(
                spec, 0, records=[shape(self.host, spec.include_ret_elements, ())]
            )
        if isinstance(spec, qbxml.CompanyQuery):
            record = shape(company.company_record(), spec.include_ret_elements, spec.owner_ids)
            return status_response(spec, 0, records=[record])
        if isinstance(spec, qbxml.PreferencesQuery):
            record = shape(company.preferences, spec.include_ret_elements, ())
            return status_response(spec, 0, records=[record])
        if isinstance(spec, qbxml.ListQuery):
            return answer_list_query(company, self.iterators, spec)
        if isinstance(spec, qbxml.ListDeletedQuery):
            return answer_list_deleted(company, spec)
        if isinstance(spec, qbxml.TimeTrackingAdd):
            return answer_time_add(company, spec)
        if isinstance(spec, qbxml.TimeTrackingMod):
            return answer_time_mod(company, spec)
        if isinstance(spec, qbxml.TimeTrackingQuery):
            return answer_time_query(company, self.iterators, spec)
        if isinstance(spec, qbxml.TxnDel):
            return answer_txn_del(company, spec)
        return records_response(spec, [])  # pragma: no cover - every RequestSpec is handled
