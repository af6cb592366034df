"""qbXML ``statusCode`` meanings, fixes and retry advice, as data.

Codes and ranges from Intuit's status-code and OSR error-code pages as summarised in
QBWC-NOTES A.3.8 (with the peer sources named there). Unknown codes fall back to the meaning
of their range. Pure standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["STATUS_CODES", "StatusInfo", "describe_status"]

Category = Literal["ok", "warning", "general", "not-supported", "format", "other", "macro"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusInfo:
    """What a statusCode means, what to do about it, and whether re-sending may succeed."""

    code: int
    meaning: str
    fix: str
    retry: bool
    severity: Literal["Info", "Warn", "Error"]
    category: Category
    known: bool = True


# code: (meaning, fix, retry)
_TABLE: dict[int, tuple[str, str, bool]] = {
    0: ("Status OK.", "Nothing to do.", False),
    1: (
        "A query found no matching object.",
        "Normal for a query; treat as an empty result.",
        False,
    ),
    500: (
        "One or more requested objects cannot be found (some results returned).",
        "Check the ListIDs/FullNames asked for; the others were returned.",
        False,
    ),
    501: (
        "The object is not supported by this qbXML version.",
        "Use a newer qbXML version or drop the request.",
        False,
    ),
    510: (
        "The object cannot be returned (e.g. no permission to personal data).",
        "Grant the application access to personal data in QuickBooks.",
        False,
    ),
    530: (
        "A field in the request is not supported by this edition and was ignored.",
        "Drop the field for this edition.",
        False,
    ),
    531: (
        "An enumeration value is not supported by this edition.",
        "Use a value this edition supports.",
        False,
    ),
    550: ("Notes could not be saved.", "Re-send the notes in a separate modify request.", False),
    560: ("A deprecated field was used.", "Switch to the replacement field.", False),
    570: (
        "The transaction cannot be linked to a closed transaction.",
        "Link it to an open transaction instead.",
        False,
    ),
    600: (
        "Error recovery: no cleared state for this message set.",
        "Re-send the request normally.",
        False,
    ),
    1000: (
        "QuickBooks had an internal error processing the request.",
        "Retry once; if it persists, check the company file (Verify Data).",
        True,
    ),
    1030: (
        "The request type is not supported by this QuickBooks edition or version.",
        "Disable this request for the company (feature not in this edition).",
        False,
    ),
    1060: (
        "The requestID is invalid (longer than 50 characters).",
        "Use request IDs of at most 50 characters.",
        False,
    ),
    3000: (
        "An object ID (ListID/TxnID) in the request is invalid.",
        "Re-import the list and use a current ListID.",
        False,
    ),
    3010: ("A boolean value in the request is invalid.", "Send true or false.", False),
    3020: ("A date value in the request is invalid.", "Send YYYY-MM-DD.", False),
    3030: (
        "A date range in the request is invalid.",
        "Make the from-date not later than the to-date.",
        False,
    ),
    3040: (
        "An amount value in the request is invalid.",
        "Send a decimal with at most two places.",
        False,
    ),
    3050: (
        "A numeric value in the request is invalid (format error).",
        "Check the number's format and range.",
        False,
    ),
    3060: ("A value in the request has an invalid format.", "Check the field's qbXML type.", False),
    3070: (
        "A string in the request is too long for its field.",
        "Shorten the text to the field's maximum length.",
        False,
    ),
    3100: (
        "The name is already in use in this list.",
        "Use a different name, or link to the existing object.",
        False,
    ),
    3120: (
        "An object specified in the request cannot be found.",
        "Re-import the list; the object may have been deleted or renamed.",
        False,
    ),
    3140: (
        "The request refers to an invalid object (wrong type or inactive).",
        "Check the reference (e.g. EntityRef must be an employee, vendor or other name).",
        False,
    ),
    3150: ("A required element is missing.", "Add the missing element (see statusMessage).", False),
    3170: (
        "The object could not be modified (list in use or changed by another user).",
        "Retry later; close the record if it is open in QuickBooks.",
        True,
    ),
    3171: (
        "The object could not be modified (QuickBooks refused the change).",
        "Retry later; read statusMessage for the QuickBooks reason.",
        True,
    ),
    3172: (
        "The object could not be modified because it is in use.",
        "Retry once nobody edits it in QuickBooks.",
        True,
    ),
    3173: ("The object could not be modified (an edit is pending).", "Retry later.", True),
    3175: ("The object is in use by another user or process.", "Retry later.", True),
    3176: (
        "The object is locked (being edited in QuickBooks).",
        "Retry after the QuickBooks user closes the record.",
        True,
    ),
    3180: (
        "The object could not be saved.",
        "Retry later; read statusMessage for the QuickBooks reason.",
        True,
    ),
    3200: (
        "The EditSequence is out of date: the object changed in QuickBooks.",
        "Query the object again for its EditSequence, then retry the modify.",
        True,
    ),
    3210: (
        "A field value is invalid for this operation.",
        "Correct the value named in statusMessage.",
        False,
    ),
    3250: (
        "The feature is not enabled or not available in this QuickBooks version.",
        "Enable it in QuickBooks preferences, or disable the request for this company.",
        False,
    ),
    3260: (
        "Insufficient permission for this request.",
        "Log QuickBooks in as an admin or grant the application more rights.",
        False,
    ),
    3261: (
        "The application has no permission to access personal data.",
        "Allow personal data access in QuickBooks' Integrated Applications preferences.",
        False,
    ),
    3262: (
        "A payroll subscription is required for this request.",
        "Activate the payroll subscription, or skip payroll data.",
        False,
    ),
    3263: (
        "The application has read-only access.",
        "Grant read/write access in QuickBooks' Integrated Applications preferences.",
        False,
    ),
    3391: ("The iteratorID is no longer valid.", "Restart the query with iterator=Start.", True),
}
_RANGES: tuple[tuple[int, int, Category, str, str], ...] = (
    (0, 499, "ok", "Informational status.", "Nothing to do."),
    (
        500,
        999,
        "warning",
        "Warning: the request was processed with reservations.",
        "Read statusMessage.",
    ),
    (
        1000,
        1999,
        "general",
        "General error processing the request.",
        "Read statusMessage; check the request and QuickBooks.",
    ),
    (
        2000,
        2999,
        "not-supported",
        "Not supported by this QuickBooks product.",
        "Disable the request for this company.",
    ),
    (
        3000,
        3099,
        "format",
        "A value in the request has the wrong format.",
        "Correct the value named in statusMessage.",
    ),
    (
        3100,
        9099,
        "other",
        "QuickBooks refused the request.",
        "Read statusMessage for the object and reason.",
    ),
    (
        9100,
        9199,
        "macro",
        "A macro (defMacro/useMacro) in the request is invalid.",
        "Check macro names in the message set.",
    ),
)


def _range(code: int) -> tuple[Category, str, str]:
    for low, high, category, meaning, fix in _RANGES:
        if low <= code <= high:
            return category, meaning, fix
    return "other", "Unknown status code.", "Read statusMessage."


def _severity(category: Category) -> Literal["Info", "Warn", "Error"]:
    return "Info" if category == "ok" else "Warn" if category == "warning" else "Error"


def describe_status(code: int) -> StatusInfo:
    """Describe a qbXML statusCode; unknown codes get the meaning of their range."""
    category, range_meaning, range_fix = _range(code)
    entry = _TABLE.get(code)
    meaning, fix, retry = entry if entry is not None else (range_meaning, range_fix, False)
    return StatusInfo(
        code=code,
        meaning=meaning,
        fix=fix,
        retry=retry,
        severity=_severity(category),
        category=category,
        known=entry is not None,
    )


STATUS_CODES: tuple[int, ...] = tuple(sorted(_TABLE))
