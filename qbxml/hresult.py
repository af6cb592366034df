"""HRESULTs the Web Connector passes to ``receiveResponseXML``/``connectionError``, as data.

Messages are QBXMLRP2's standard texts; causes and fixes from QBWC-NOTES A.4 (Intuit guide
samples, issue threads, public error handlers). Pure standard library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["HRESULTS", "HresultInfo", "describe_hresult"]

_HEX = re.compile(r"(?:0x)?([0-9a-f]{1,8})", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class HresultInfo:
    """What an HRESULT means: the standard message, its usual cause, and the fix."""

    hresult: str
    message: str
    cause: str
    fix: str
    known: bool = True


# hresult: (message, cause, fix)
_TABLE: dict[str, tuple[str, str, str]] = {
    "0x80040400": (
        "QuickBooks found an error when parsing the provided XML text stream.",
        "The qbXML is invalid: elements out of order, an element the version or edition does not support, or bad characters.",
        "Tell the server's administrator the time of the sync: the server sends schema-checked qbXML, so this is a bug or an edition difference; an optional request that QuickBooks cannot parse is switched off for this company.",
    ),
    "0x80040401": (
        "Could not access QuickBooks.",
        "QuickBooks could not be reached by the request processor.",
        "Make sure QuickBooks is installed and can start on the Web Connector's machine.",
    ),
    "0x80040402": (
        "Unexpected error. Check the qbsdklog.txt file for possible additional information.",
        "An unexpected QuickBooks SDK error.",
        "Read qbsdklog.txt on the QuickBooks machine; retry the sync.",
    ),
    "0x80040403": (
        "Could not open the specified QuickBooks company data file.",
        "The company file path is wrong, moved, or not accessible.",
        "Check the company file path and permissions; open it once in QuickBooks.",
    ),
    "0x80040408": (
        "Could not start QuickBooks.",
        "QuickBooks is not installed or cannot start in the Web Connector's Windows session.",
        "Open QuickBooks and the company file on that PC in the Windows user session that runs the Web Connector, or allow the application to log in automatically (Edit > Preferences > Integrated Applications).",
    ),
    "0x8004040A": (
        "A QuickBooks company data file is already open and it is different from the one requested.",
        "Another company file is open than the one this company is bound to.",
        "Open the right company file in QuickBooks, or close QuickBooks so the Web Connector can open it.",
    ),
    "0x8004040D": (
        "The ticket parameter is invalid.",
        "The QuickBooks session was lost mid-run.",
        "Run the update again.",
    ),
    "0x80040410": (
        "The QuickBooks company data file is currently open in a mode other than the one specified by your application.",
        "Single-user versus multi-user mode mismatch.",
        "Switch the company file to multi-user mode (File > Switch to Multi-user Mode), or close it so the Web Connector can open it.",
    ),
    "0x80040414": (
        "A modal dialog box is showing in the QuickBooks user interface. Your application cannot access QuickBooks until the user dismisses the dialog box.",
        "A dialog is open in QuickBooks.",
        "Close the dialog in QuickBooks and run the update again.",
    ),
    "0x80040416": (
        "If QuickBooks is not running, the company data file name must be supplied to BeginSession.",
        "No company file is open and none was named.",
        "Open the company file in QuickBooks and run the update again.",
    ),
    "0x80040417": (
        "The company data file is not open.",
        "No company file is open in QuickBooks.",
        "Open the company file in QuickBooks and run the update again.",
    ),
    "0x80040418": (
        "This application has not accessed this QuickBooks company data file before. Only the QuickBooks administrator can grant an application permission to access a QuickBooks company data file for the first time.",
        "First run by a non-admin user, or unattended.",
        "Log into QuickBooks as Admin in single-user mode and accept the certificate once.",
    ),
    "0x8004041A": (
        "This application does not have permission to access this QuickBooks company data file.",
        "The application was removed or denied in Integrated Applications preferences.",
        "Allow the application in Edit > Preferences > Integrated Applications.",
    ),
    "0x8004041D": (
        "This application is not allowed to log into this QuickBooks company data file automatically.",
        "Unattended (automatic login) access was not granted.",
        "Grant 'allow this application to login automatically' in Integrated Applications preferences.",
    ),
    "0x8004041E": (
        "This application's certificate is expired.",
        "The application certificate expired.",
        "Re-add the application (.qwc) and accept its certificate again.",
    ),
    "0x80040420": (
        "The QuickBooks user has denied access.",
        "The user answered No to the access prompt.",
        "Log into QuickBooks as Admin, Edit > Preferences > Integrated Applications > Company Preferences: allow qbtime-sync; or remove it in the Web Connector and add the .qwc again, answering Yes.",
    ),
    "0x80040422": (
        "This application requires Single User file access mode and there is already another application sharing data with this QuickBooks company data file.",
        "Another integrated application holds the file.",
        "Close the other application or switch to multi-user mode.",
    ),
    "0x80040423": (
        "The version of qbXML that was requested is not supported or is unknown.",
        "The qbXML version is newer than this QuickBooks (or needs a country prefix).",
        "Negotiate the version from HostRet/SupportedQBXMLVersion.",
    ),
    "0x80040424": (
        "QuickBooks did not finish its initialization. Please try again later.",
        "QuickBooks is still starting.",
        "Retry in a minute.",
    ),
    "0x80040427": (
        "This QuickBooks installation is not registered.",
        "Unregistered QuickBooks.",
        "Register QuickBooks.",
    ),
    "0x8004042A": (
        "Remote access is not allowed.",
        "The request came through remote access that QuickBooks forbids.",
        "Run the Web Connector on the QuickBooks machine.",
    ),
    "0x8004042C": (
        "This application's certificate has been revoked.",
        "The certificate was revoked.",
        "Contact the application vendor for a new certificate.",
    ),
}
HRESULTS: tuple[str, ...] = tuple(sorted(_TABLE))


def _normalize(hresult: str | int) -> str | None:
    if isinstance(hresult, int):
        return f"0x{hresult & 0xFFFFFFFF:08X}"
    m = _HEX.fullmatch(hresult.strip())
    return None if m is None else f"0x{int(m[1], 16):08X}"


def describe_hresult(hresult: str | int) -> HresultInfo:
    """Describe an HRESULT given as ``"0x80040400"`` (any case, 0x optional) or an int."""
    key = _normalize(hresult)
    entry = _TABLE.get(key) if key is not None else None
    if entry is not None:
        return HresultInfo(hresult=key or "", message=entry[0], cause=entry[1], fix=entry[2])
    if key is not None and key.startswith("0x8004"):
        return HresultInfo(
            hresult=key,
            message="QuickBooks request processor error.",
            cause="An error of the QuickBooks SDK request processor (QBXMLRP2).",
            fix="Look the code up in Intuit's OSR error-code page and qbsdklog.txt.",
            known=False,
        )
    return HresultInfo(
        hresult=key or str(hresult),
        message="Unknown error.",
        cause="The Web Connector reported an error that is not a QuickBooks SDK code.",
        fix="Check the Web Connector log (QWCLog.txt) on the QuickBooks machine.",
        known=False,
    )
