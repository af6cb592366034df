"""RecordedQuickBooks: a FakeQuickBooks that answers from a sync log instead of a company file.

The simulator's FakeWebConnector drives it unchanged: the recorded HCP answer (with the target's
OwnerID and FileID stamp), the recorded connectionErrors, and for each request the recorded
response of the equivalent request (``matching.Matcher``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from ..simulate import CompanyFile, FakeQuickBooks, ProcessRequestError
from .logfile import SyncLog
from .matching import Matcher, rounds_of

_FILE_ID_EXT = re.compile(
    r"<DataExtRet>(?:(?!</DataExtRet>).)*?<DataExtName>FileID</DataExtName>.*?</DataExtRet>\s*",
    re.S,
)
_OWNER = re.compile(r"<OwnerID>[^<]*</OwnerID>")
_VALUE = re.compile(r"<DataExtValue>[^<]*</DataExtValue>")


class _StillClock:
    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at


def rewrite_hcp(hcp: str, owner_id: str | None, file_id: str | None) -> str:
    """The recorded HCP answer with its FileID stamp made the target's (or removed)."""

    def stamp(match: re.Match[str]) -> str:
        if not (owner_id and file_id):
            return ""
        block = _OWNER.sub(f"<OwnerID>{owner_id}</OwnerID>", match.group(0), count=1)
        return _VALUE.sub(f"<DataExtValue>{file_id}</DataExtValue>", block, count=1)

    return _FILE_ID_EXT.sub(stamp, hcp)


class RecordedQuickBooks(FakeQuickBooks):
    """QuickBooks as the log saw it.

    :param file_id: the target company's FileID, stamped into the HCP answer with the OwnerID the
        Web Connector asks for; without it the recorded stamp is removed.
    :param progress: called after each message set answered.
    """

    def __init__(
        self,
        log: SyncLog,
        *,
        file_id: str | None = None,
        progress: Callable[[], None] | None = None,
    ) -> None:
        first = next((e for e in log.exchanges if e.operation == "sendRequestXML"), None)
        path = str(first.param("strCompanyFileName") or "") if first else ""
        country = str(first.param("qbXMLCountry") or "US") if first else "US"
        major = first.param("qbXMLMajorVers") if first else None
        minor = first.param("qbXMLMinorVers") if first else None
        versions = (f"{major}.{minor}",) if major else ("13.0",)
        started = log.exchanges[0].when if log.exchanges else datetime(2000, 1, 1, tzinfo=UTC)
        super().__init__(
            CompanyFile(clock=_StillClock(started), path=path),
            country=country,
            versions=versions,
        )
        self.log = log
        self.file_id = file_id
        self.matcher = Matcher(rounds_of(log))
        self._hcp = str(first.param("strHCPResponse") or "") if first else ""
        self._open_errors = [
            (str(e.param("hresult") or ""), str(e.param("message") or ""))
            for e in log.exchanges
            if e.operation == "connectionError"
        ]
        self._progress = progress

    @property
    def divergences(self) -> list[str]:
        return self.matcher.divergences

    @property
    def rounds(self) -> int:
        return len(self.matcher.rounds)

    def open_company(self, path: str) -> tuple[str, str] | None:
        if self._open_errors:
            return self._open_errors.pop(0)
        return None

    def hcp_response(self, owner_id: str | None = None) -> str:
        return rewrite_hcp(self._hcp, owner_id, self.file_id)

    def process(self, request_xml: str) -> str:
        answer = self.matcher.answer(request_xml)
        self.message_sets += 1
        if self._progress is not None:
            self._progress()
        if answer.hresult:
            raise ProcessRequestError(answer.hresult, answer.message)
        return answer.response
