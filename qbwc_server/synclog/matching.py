"""Answer a server's qbXML requests from a log: match by meaning, rewrite the requestIDs.

A request matches a recorded one when it asks the same thing (request type, filters, iterator
state), whatever its requestID or byte layout. Every way the live conversation leaves the log
(an unanswered request, another order, other filters, requests never asked) is a divergence
written as a plain sentence.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

import qbxml

from .logfile import LogExchange, SyncLog

NO_ANSWER_HRESULT = "0x80040400"
_RQ_ID = re.compile(r'(<\w+Rs\b[^>]*?\brequestID=")([^"]*)(")')


@dataclass(frozen=True, slots=True)
class Round:
    """One recorded message set: the request the server sent and what QuickBooks answered."""

    index: int
    request: str
    specs: tuple[Any, ...]
    response: str
    hresult: str
    message: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(_name(s) for s in self.specs)


def _name(spec: Any) -> str:
    return str(getattr(spec, "RQ_NAME", type(spec).__name__))


def _key(spec: Any) -> str:
    if dataclasses.is_dataclass(spec) and not isinstance(spec, type):
        return repr(
            {
                f.name: getattr(spec, f.name)
                for f in dataclasses.fields(spec)
                if f.name != "request_id"
            }
        ) + _name(spec)
    return repr(spec)


def _parse(request: str) -> tuple[Any, ...]:
    msgs = qbxml.parse_msgs_rq(request.encode("utf-8"), unknown="keep")
    return tuple(msgs.requests)


def _describe(spec: Any) -> str:
    name = _name(spec)
    mode = getattr(spec, "iterator", None)
    return f"{name} (iterator {mode})" if mode else name


def _differences(recorded: Any, live: Any) -> str:
    if not (dataclasses.is_dataclass(recorded) and dataclasses.is_dataclass(live)):
        return "different content"
    out = []
    for f in dataclasses.fields(recorded):
        if f.name == "request_id":
            continue
        a, b = getattr(recorded, f.name, None), getattr(live, f.name, None)
        if a != b:
            out.append(f"{f.name} {a!r} in the log, {b!r} now")
    return "; ".join(out) or "different content"


def rounds_of(log: SyncLog) -> list[Round]:
    """The log's message sets in order, each with its answer (response or hresult)."""
    rounds: list[Round] = []
    pending: LogExchange | None = None
    for ex in log.exchanges:
        if ex.operation == "sendRequestXML" and isinstance(ex.answer, str) and ex.answer:
            pending = ex
        elif ex.operation == "receiveResponseXML" and pending is not None:
            request = str(pending.answer)
            try:
                specs = _parse(request)
            except qbxml.QbxmlError:
                specs = ()
            rounds.append(
                Round(
                    index=len(rounds),
                    request=request,
                    specs=specs,
                    response=str(ex.param("response") or ""),
                    hresult=str(ex.param("hresult") or "").strip(),
                    message=str(ex.param("message") or ""),
                )
            )
            pending = None
    return rounds


@dataclass(frozen=True, slots=True)
class Answer:
    """What QuickBooks "says" to one live request: a response, or an hresult."""

    response: str = ""
    hresult: str = ""
    message: str = ""


@dataclass(slots=True)
class Matcher:
    """Hands out the recorded answers for the live requests, noting every divergence."""

    rounds: list[Round]
    divergences: list[str] = field(default_factory=list)
    used: set[int] = field(default_factory=set)
    asked: int = 0

    def answer(self, request: str) -> Answer:
        """The recorded answer for ``request``, its requestIDs rewritten to the live ones."""
        self.asked += 1
        n = self.asked
        try:
            live = _parse(request)
        except qbxml.QbxmlError as exc:
            self.divergences.append(
                f"message set {n}: the server's request is not readable ({exc})"
            )
            return Answer(hresult=NO_ANSWER_HRESULT, message="replay: unreadable request")
        keys = tuple(_key(s) for s in live)
        free = [r for r in self.rounds if r.index not in self.used]
        found = next((r for r in free if tuple(_key(s) for s in r.specs) == keys), None)
        names = tuple(_name(s) for s in live)
        shown = ", ".join(_describe(s) for s in live)
        if found is None:
            found = next((r for r in free if r.names == names), None)
            if found is None:
                self.divergences.append(
                    f"message set {n}: the server asked for {shown}; the log has no answer "
                    "for it (answered with hresult " + NO_ANSWER_HRESULT + ")"
                )
                return Answer(hresult=NO_ANSWER_HRESULT, message="replay: no recorded answer")
            diffs = "; ".join(_differences(a, b) for a, b in zip(found.specs, live, strict=True))
            self.divergences.append(
                f"message set {n}: {shown} asks for something else than the log's message set "
                f"{found.index + 1}: {diffs}"
            )
        if free and found.index != free[0].index:
            self.divergences.append(
                f"message set {n}: the server asked for {shown} where the log has "
                f"{', '.join(_describe(s) for s in free[0].specs) or 'an unreadable request'} "
                f"(a different order)"
            )
        self.used.add(found.index)
        if found.hresult:
            return Answer(hresult=found.hresult, message=found.message)
        ids = {
            str(getattr(a, "request_id", "")): str(getattr(b, "request_id", ""))
            for a, b in zip(found.specs, live, strict=False)
        }
        response = _RQ_ID.sub(
            lambda m: m.group(1) + ids.get(m.group(2), m.group(2)) + m.group(3), found.response
        )
        return Answer(response=response)

    def finish(self) -> None:
        """Note the recorded message sets the server never asked for."""
        left = [r for r in self.rounds if r.index not in self.used]
        if left:
            shown = "; ".join(
                f"{r.index + 1}: {', '.join(_describe(s) for s in r.specs)}" for r in left[:10]
            )
            more = f" and {len(left) - 10} more" if len(left) > 10 else ""
            self.divergences.append(
                f"the server never asked for {len(left)} message set(s) of the log ({shown}{more})"
            )
