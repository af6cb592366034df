"""The first sendRequestXML's ``strHCPResponse``: product, versions, company and FileID stamp.

QBWC sends QuickBooks' answers to HostQuery, CompanyQuery (with our OwnerID's DataExt) and
PreferencesQuery once per session (QBWC Programmer's Guide, "sendRequestXML"). Pure: text in,
a record out; the binding rule compares it with what the company is bound to.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import qbxml

from ..store.views import CompanyView
from . import messages

log = logging.getLogger(__name__)

MAX_QBXML = "16.0"
FALLBACK_VERSION = "13.0"
FILE_ID = "FileID"


@dataclass(frozen=True, slots=True, kw_only=True)
class HostFacts:
    """What the session learned about QuickBooks and the open company file."""

    version: str
    country: str | None
    product: str | None
    company_name: str | None
    file_stamp: str | None


def _guid_key(value: str | None) -> str:
    return (value or "").strip().strip("{}").casefold()


def read_hcp(hcp: str, *, owner_id: str, country: str, major: int, minor: int) -> HostFacts:
    """Read the HCP response; fall back to what QBWC reported when it is empty or unreadable."""
    # Without a HostRet, QBWC's qbXMLMajorVers/MinorVers is the newest version QuickBooks accepts;
    # it accepts the older ones too.
    reported = (major, minor) if major > 0 else (13, 0)
    supported: list[str] = [
        str(v) for v in qbxml.SUPPORTED_VERSIONS if (v.major, v.minor) <= reported
    ] or [FALLBACK_VERSION]
    product = company_name = stamp = None
    if hcp.strip():
        try:
            for item in qbxml.iter_msgs_rs(hcp.encode("utf-8")):
                if isinstance(item, qbxml.Host):
                    supported = list(item.supported_versions) or supported
                    country = item.country or country
                    product = item.product_name
                elif isinstance(item, qbxml.Company):
                    company_name = item.company_name
                    for ext in item.data_ext:
                        if ext.name == FILE_ID and _guid_key(ext.owner_id) == _guid_key(owner_id):
                            stamp = ext.value
        except qbxml.QbxmlError as exc:
            log.warning("unreadable HCP response: %s", exc)
    try:
        version = qbxml.choose_version(supported, country or "US", maximum=MAX_QBXML)
    except ValueError:
        version = qbxml.choose_version([FALLBACK_VERSION], "US", maximum=MAX_QBXML)
    return HostFacts(
        version=str(version),
        country=country or None,
        product=product,
        company_name=company_name,
        file_stamp=stamp,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class HcpPreferences:
    """The preferences of the HCP response the health checks read (None: not said)."""

    first_day_of_week: str | None = None
    class_tracking: bool | None = None


def read_hcp_preferences(hcp: bytes | None) -> HcpPreferences:
    """``PreferencesRet``'s first day of the work week and class tracking, from a stored HCP
    response; empty or unreadable input gives an empty record (the checks then say nothing)."""
    if not hcp:
        return HcpPreferences()
    return _read_preferences(hcp)


# The dashboard reads every client's last HCP response on each load (about 0.5 ms a parse); a
# company's changes only when it syncs, so the answers are kept for the bytes they came from.
@functools.lru_cache(maxsize=1024)
def _read_preferences(hcp: bytes) -> HcpPreferences:
    try:
        for item in qbxml.iter_msgs_rs(hcp, lenient=True):
            if isinstance(item, qbxml.Preferences):
                return HcpPreferences(
                    first_day_of_week=item.first_day_of_week,
                    class_tracking=item.is_using_class_tracking,
                )
    except qbxml.QbxmlError as exc:
        log.warning("unreadable stored HCP response: %s", exc)
    return HcpPreferences()


def binding_problem(
    company: CompanyView, company_file: str, stamp: str | None, *, stamp_owner: str | None = None
) -> str | None:
    """The getLastError sentence when the open company file is not the bound one, else None.

    The path must match (QuickBooks paths are case-insensitive) and so must the FileID stamp
    when one was bound and the session brought one: an accountant who copies each client's file to one working path would
    otherwise sync client B's file into client A.

    :param stamp_owner: a description of the company whose FileID the open file carries.
    """
    bound = company.bound_company_file
    if not bound:
        return None
    same_path = company_file.strip().casefold() == bound.strip().casefold()
    if not same_path:
        return messages.FILE_MISMATCH.format(
            got=company_file or "(no file name given)", bound=bound, company_id=company.id
        )
    # No stamp (an empty or unreadable HCP answer, a failed CompanyQuery) means unknown, not a
    # mismatch: the path matched, and QBWC itself refuses to open another file at that path.
    if (
        company.bound_file_stamp
        and stamp
        and _guid_key(stamp) != _guid_key(company.bound_file_stamp)
    ):
        return messages.FILE_REPLACED.format(
            path=bound,
            owner=stamp_owner or "another company (or none)",
            company_id=company.id,
        )
    return None
