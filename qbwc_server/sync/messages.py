"""The human sentences the Web Connector shows (getLastError, closeConnection, clientVersion)."""

from __future__ import annotations

from collections.abc import Mapping

UNKNOWN_TICKET = (
    "This sync session is unknown or has expired (no call for {minutes} minutes, or the server was "
    "reset). Nothing was lost: run the update again in the Web Connector."
)
UNKNOWN_TICKET_CLOSE = "Session ended: unknown or expired ticket. Run the update again."
NO_PENDING_WORK = "The server has no request waiting for this session; the update is complete."
NO_ERROR = "No error: the last update finished normally."
INTERNAL_ERROR = (
    "The sync server hit an unexpected problem and stopped this update. It has been logged; "
    "try again later, and contact support if it keeps happening."
)
TOO_MANY_HRESULTS = (
    "QuickBooks failed three requests in a row, so this update was stopped. Last error {hresult}: "
    "{cause} {fix}"
)
HRESULT_ERROR = "QuickBooks could not process a request ({hresult}): {cause} {fix}"
CONNECTION_ERROR = "The Web Connector could not open QuickBooks ({hresult}): {cause} {fix}"
BAD_RESPONSE = (
    "QuickBooks' answer could not be read ({detail}); the request will be sent again next update."
)
CLIENT_TOO_OLD = (
    "E:This Web Connector (version {version}) is too old for qbtime-sync. Install version "
    "{minimum} or newer from Intuit, then run the update again."
)
CLIENT_OLD = (
    "W:This Web Connector (version {version}) is older than the recommended {recommended}. "
    "It should work, but please update it from Intuit."
)
FILE_MISMATCH = (
    "This Web Connector opened the company file {got}, but this company is bound to {bound}. "
    "Open {bound} in QuickBooks and run the update again; if the company file really moved, "
    "an administrator can run `qbtime company unbind {company_id}` and sync again."
)
CONFIRM_DELETE = (
    "The first sync is waiting for a confirmation: it will remove the {count} local "
    "customers/projects that QuickBooks does not know (those with time entries are archived, "
    "not deleted). An administrator confirms with `qbtime company confirm-first-sync "
    "{company_id} --type delete` (or by typing delete on the company's setup page); then run "
    "the update again."
)
FILE_REPLACED = (
    "The company file {path} is not the one this company was bound to: it carries the FileID "
    "of {owner}. Put this company's own file back at {path} (or open it from where it is); "
    "if this really is the right file, an administrator can run `qbtime company unbind "
    "{company_id}` and sync again."
)
BOUND_FILE_HINT = (
    " This company is bound to {bound}: open that file in QuickBooks, or, if it moved, an "
    "administrator can run `qbtime company unbind {company_id}`."
)
SESSION_NOT_FINISHED = "The Web Connector closed the session before the update finished."
SYNC_FAILED = (
    "The update finished with {errors}; see the company's sync errors for the records and fixes."
)
INTERACTIVE_NOT_USED = "qbtime-sync does not use interactive mode; nothing to do."

# (count key, singular, plural) in the order the summary lists them.
SUMMARY_PARTS = (
    ("employees", "employee", "employees"),
    ("vendors", "vendor", "vendors"),
    ("customers", "customer/job", "customers/jobs"),
    ("classes", "class", "classes"),
    ("payroll_items", "payroll item", "payroll items"),
    ("service_items", "service item", "service items"),
    ("deleted", "deletion", "deletions"),
)


def plural(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def summary_line(counts: Mapping[str, int], errors: int, *, product: str | None = None) -> str:
    """The closeConnection line: "Synced 12 employees, 40 customers/jobs; exported 3 time entries; 1 error"."""
    synced = [plural(counts[k], s, p) for k, s, p in SUMMARY_PARTS if counts.get(k)]
    parts = []
    if synced:
        parts.append("Synced " + ", ".join(synced))
    if counts.get("exported"):
        parts.append("exported " + plural(counts["exported"], "time entry", "time entries"))
    if not parts and errors:
        # "Up to date" would claim the opposite of what happened: something failed
        parts.append("Nothing new imported")
    elif not parts:
        parts.append(f"Up to date with {product}" if product else "Up to date")
    parts.append(plural(errors, "error", "errors") if errors else "no errors")
    return "; ".join(parts)


# Failure paths (issue 10) and session takeover: what the Web Connector shows after each outcome.
DATABASE_ERROR = (
    "The sync server could not reach its database, so this update stopped. Try again in a few "
    "minutes; if it persists, tell the server's administrator."
)
AUTH_FAILED_INTERNALLY = (
    "The sync server hit an unexpected problem while checking the login, so no update ran. It "
    "has been logged; the Web Connector tries again later, and if it keeps happening tell the "
    "server's administrator."
)
NVU_CLOSE = (
    "The username or password was not accepted. Check the password in the Web Connector (an "
    "administrator can issue a new one with `qbtime company password ID`)."
)
THROTTLED_CLOSE = (
    "Too many failed logins from this computer, so this login was not checked. Wait {minutes} "
    "minutes and run the update again; if the password is wrong, ask an administrator for the "
    "right one."
)
BUSY_CLOSE = (
    "Another update of this company is running right now (another Web Connector, or this one "
    "moments ago). Nothing was lost: the next scheduled update syncs."
)
NONE_CLOSE = "No data exchange required: {why}"
NONE_NOT_DUE = (
    "the last update finished at {last} UTC and nothing is due until {due} UTC (every {every} "
    "minutes); an administrator can run `qbtime sync-now {company_id}` to sync sooner."
)
NONE_NO_COMPANY = "nothing is due for this company right now."
SUPERSEDED = (
    "This update was replaced by a newer one of the same company (this connection had gone "
    "silent). Nothing was lost: the newer update carries on."
)
UPDATE_STOPPED = "Update stopped: {error}"
NOT_FINISHED_SUFFIX = "; update not finished, it resumes next time"
# Sync engine hardening (issue #9).
ANSWER_BROKEN = (
    "QuickBooks' answer to the {list} request could not be read ({detail}); what was read is "
    "kept and {list} are asked for again next update."
)
WRONG_RECORDS = (
    "QuickBooks answered the {request} request with {records}, which it did not ask for; they "
    "were not imported."
)
NO_ANSWER = "QuickBooks' answer did not include the {list} request; it is asked for again."
