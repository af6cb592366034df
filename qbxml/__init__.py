"""Pure qbXML: build and parse requests, parse and render responses, as typed records.

Imports nothing of this project and no I/O framework; lxml only inside ``qbxml/_xml.py``.
See ``docs/qbxml.md`` for the API, the version rules and the parser's safety settings.
"""

from __future__ import annotations

from ._spec import NameFilter as NameFilter
from ._spec import NameRangeFilter as NameRangeFilter
from .build import build_msgs_rq as build_msgs_rq
from .errors import QbxmlError as QbxmlError
from .errors import QbxmlStructureError as QbxmlStructureError
from .errors import QbxmlSyntaxError as QbxmlSyntaxError
from .errors import QbxmlValueError as QbxmlValueError
from .errors import QbxmlVersionError as QbxmlVersionError
from .hresult import HresultInfo as HresultInfo
from .hresult import describe_hresult as describe_hresult
from .parse_rq import parse_msgs_rq as parse_msgs_rq
from .parse_rs import iter_msgs_rs as iter_msgs_rs
from .parse_rs import parse_msgs_rs as parse_msgs_rs
from .records import Company as Company
from .records import Customer as Customer
from .records import DataExt as DataExt
from .records import Earning as Earning
from .records import Employee as Employee
from .records import EmployeePayroll as EmployeePayroll
from .records import Host as Host
from .records import ItemService as ItemService
from .records import OtherName as OtherName
from .records import PayrollItemWage as PayrollItemWage
from .records import Preferences as Preferences
from .records import QbClass as QbClass
from .records import Ref as Ref
from .records import Vendor as Vendor
from .records_problems import RetNotice as RetNotice
from .records_problems import RetProblem as RetProblem
from .records_problems import UnreadableRet as UnreadableRet
from .records_problems import ValueNote as ValueNote
from .records_txn import ListDeleted as ListDeleted
from .records_txn import Record as Record
from .records_txn import TimeTracking as TimeTracking
from .records_txn import TxnDelResult as TxnDelResult
from .render_rs import render_msgs_rs as render_msgs_rs
from .requests import ClassQuery as ClassQuery
from .requests import CompanyQuery as CompanyQuery
from .requests import CustomerQuery as CustomerQuery
from .requests import EmployeeQuery as EmployeeQuery
from .requests import HostQuery as HostQuery
from .requests import ItemServiceQuery as ItemServiceQuery
from .requests import ListQuery as ListQuery
from .requests import OtherNameQuery as OtherNameQuery
from .requests import PayrollItemWageQuery as PayrollItemWageQuery
from .requests import PreferencesQuery as PreferencesQuery
from .requests import VendorQuery as VendorQuery
from .requests_txn import ListDeletedQuery as ListDeletedQuery
from .requests_txn import MsgsRq as MsgsRq
from .requests_txn import RequestSpec as RequestSpec
from .requests_txn import TimeTrackingAdd as TimeTrackingAdd
from .requests_txn import TimeTrackingMod as TimeTrackingMod
from .requests_txn import TimeTrackingQuery as TimeTrackingQuery
from .requests_txn import TxnDel as TxnDel
from .requests_txn import UnsupportedRequest as UnsupportedRequest
from .responses import Response as Response
from .responses import ResponseStatus as ResponseStatus
from .status import StatusInfo as StatusInfo
from .status import describe_status as describe_status
from .values import format_amount as format_amount
from .values import format_bool as format_bool
from .values import format_date as format_date
from .values import format_datetime as format_datetime
from .values import format_duration as format_duration
from .values import format_guid as format_guid
from .values import format_price as format_price
from .values import parse_amount as parse_amount
from .values import parse_bool as parse_bool
from .values import parse_date as parse_date
from .values import parse_datetime as parse_datetime
from .values import parse_duration as parse_duration
from .values import parse_guid as parse_guid
from .values import parse_int as parse_int
from .versions import SUPPORTED_VERSIONS as SUPPORTED_VERSIONS
from .versions import QbxmlVersion as QbxmlVersion
from .versions import choose_version as choose_version
from .versions import parse_version as parse_version

__all__ = [
    "ClassQuery",
    "Company",
    "CompanyQuery",
    "Customer",
    "CustomerQuery",
    "DataExt",
    "Earning",
    "Employee",
    "EmployeePayroll",
    "EmployeeQuery",
    "Host",
    "HostQuery",
    "HresultInfo",
    "ItemService",
    "ItemServiceQuery",
    "ListDeleted",
    "ListDeletedQuery",
    "ListQuery",
    "MsgsRq",
    "NameFilter",
    "NameRangeFilter",
    "OtherName",
    "OtherNameQuery",
    "PayrollItemWage",
    "PayrollItemWageQuery",
    "Preferences",
    "PreferencesQuery",
    "QbClass",
    "QbxmlError",
    "QbxmlStructureError",
    "QbxmlSyntaxError",
    "QbxmlValueError",
    "QbxmlVersion",
    "QbxmlVersionError",
    "Record",
    "Ref",
    "RequestSpec",
    "Response",
    "ResponseStatus",
    "RetNotice",
    "RetProblem",
    "SUPPORTED_VERSIONS",
    "StatusInfo",
    "TimeTracking",
    "TimeTrackingAdd",
    "TimeTrackingMod",
    "TimeTrackingQuery",
    "TxnDel",
    "TxnDelResult",
    "UnreadableRet",
    "UnsupportedRequest",
    "ValueNote",
    "Vendor",
    "VendorQuery",
    "build_msgs_rq",
    "choose_version",
    "describe_hresult",
    "describe_status",
    "format_amount",
    "format_bool",
    "format_date",
    "format_datetime",
    "format_duration",
    "format_guid",
    "format_price",
    "iter_msgs_rs",
    "parse_amount",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_duration",
    "parse_guid",
    "parse_int",
    "parse_msgs_rq",
    "parse_msgs_rs",
    "parse_version",
    "render_msgs_rs",
]
