"""Time export: the ``export_time`` work item's requests and answers (DESIGN section 7).

Each claim of the item first resolves entries left ``in_flight`` (a TimeTrackingQuery of their
dates and entities, matched on ExternalGUID or the Notes marker; found = exported, not found =
send again) and EditSequences a 3200 made stale (TimeTrackingQuery by TxnID); only then does
it send the next batch: TxnDel for deletions, TimeTrackingMod for edits after an unlock,
TimeTrackingAdd for new entries, ``export_batch_size`` per message set, continueOnError. The
entries of a batch are marked in flight before the message set leaves the server, so a lost
answer is never a lost or doubled entry. Responses never go through the list importer.
Must not import flask or spyne.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Final

import qbxml
from mappings import ImportOptions
from mappings.time_export import (
    Block,
    ExportRules,
    add_fields,
    explain_status,
    marker_of,
    mod_fields,
    preflight,
)

from ..store.views_time import Settlement
from .outcomes import DONE, FAILED, PENDING, Outcome, Problem

if TYPE_CHECKING:
    from ..settings import Settings
    from ..store import CompanyView, SessionView, SqlStore
    from ..store.views import WorkItemView
    from ..store.views_time import ExportCandidate, InFlightEntry

log = logging.getLogger(__name__)

ON_ERROR: Final = "continueOnError"
GUID_SINCE = "9.0"  # ExternalGUID in TimeTrackingAdd (qbXML On-Screen Reference)
MOD_SINCE = "6.0"  # TimeTrackingModRq; older QuickBooks: TxnDel, then add again
NOT_FOUND, STALE = 3120, 3200
MAX_HRESULTS = 3


@dataclass(slots=True)
class ExportStep:
    """What one answered export message set did, for the session's counts and errors."""

    counts: dict[str, int] = field(default_factory=dict)
    errors: int = 0


def waiting(store: SqlStore, company: CompanyView, options: ImportOptions, now: datetime) -> bool:
    """Whether approved time (or an unresolved in-flight entry) waits for QuickBooks.

    Blocked and failed entries are checked again first (an admin may have fixed them), so an
    entry still blocked does not make the company due at every poll.
    """
    if not options.export_time:
        return False
    recheck(store, company.id, _rules(options), now)
    return store.export_waiting(company.id) > 0


def _rules(options: ImportOptions) -> ExportRules:
    return ExportRules(
        require_class=options.classes == "require",
        require_service_item=options.service_items == "require",
    )


def _check(
    store: SqlStore,
    company_id: int,
    rules: ExportRules,
    candidates: list[ExportCandidate],
    now: datetime,
) -> tuple[list[ExportCandidate], dict[int, str]]:
    """Pre-flight: the candidates that may go, and the blocked ones' errors (stored)."""
    ok: list[ExportCandidate] = []
    blocked: dict[int, str] = {}
    for candidate in candidates:
        block: Block | None = preflight(candidate.entry, rules)
        if block is None:
            ok.append(candidate)
        else:
            blocked[candidate.entry.entry_id] = block.text
    cleared = [c.entry.entry_id for c in ok if c.export_state in ("blocked", "error")]
    store.apply_preflight(company_id, blocked, cleared, now)
    return ok, blocked


def recheck(store: SqlStore, company_id: int, rules: ExportRules, now: datetime) -> int:
    """Start of an export: blocked and failed entries are checked again; returns how many
    stay blocked."""
    candidates = store.export_candidates(company_id, states=("blocked", "error"))
    _, blocked = _check(store, company_id, rules, candidates, now)
    return len(blocked)


def _resolve_specs(
    in_flight: list[InFlightEntry], stale: list[ExportCandidate], prefix: str
) -> tuple[list[qbxml.RequestSpec], dict[str, list[object]], list[Settlement]]:
    """Queries that settle doubt: in-flight adds by date and entity, stale EditSequences by
    TxnID. Mods and deletions in flight are simply sent again (both are idempotent: a second
    Mod meets 3200 and is re-read, a second TxnDel meets 3120, which counts as done)."""
    specs: list[qbxml.RequestSpec] = []
    routes: dict[str, list[object]] = {}
    settle = [Settlement(entry_id=e.entry_id, kind="retry") for e in in_flight if e.op != "add"]
    adds = [e for e in in_flight if e.op == "add"]
    dated = [e for e in adds if e.txn_date is not None and e.entity_list_id]
    settle += [Settlement(entry_id=e.entry_id, kind="retry") for e in adds if e not in dated]
    if dated:
        rq = f"{prefix}-r"
        specs.append(
            qbxml.TimeTrackingQuery(
                request_id=rq,
                from_txn_date=min(e.txn_date for e in dated if e.txn_date),
                to_txn_date=max(e.txn_date for e in dated if e.txn_date),
                entity_list_ids=tuple(
                    sorted({e.entity_list_id for e in dated if e.entity_list_id})
                ),
            )
        )
        routes[rq] = ["resolve", *({"id": e.entry_id, "uuid": e.uuid} for e in dated)]
    if stale:
        rq = f"{prefix}-s"
        specs.append(
            qbxml.TimeTrackingQuery(
                request_id=rq, txn_ids=tuple(c.qb_txn_id for c in stale if c.qb_txn_id)
            )
        )
        routes[rq] = ["refresh", *({"id": c.entry.entry_id, "txn": c.qb_txn_id} for c in stale)]
    return specs, routes, settle


def _batch_specs(
    store: SqlStore,
    company_id: int,
    rules: ExportRules,
    prefix: str,
    version: qbxml.QbxmlVersion,
    size: int,
    now: datetime,
) -> tuple[list[qbxml.RequestSpec], dict[str, list[object]], dict[int, dict[str, object]]] | None:
    """The next batch: deletions, then updates, then adds. None when nothing is left."""
    guid = version.at_least(GUID_SINCE)
    specs: list[qbxml.RequestSpec] = []
    routes: dict[str, list[object]] = {}
    sent: dict[int, dict[str, object]] = {}
    for entry_id, txn_id, _seq in store.deletions_waiting(company_id, size):
        rq = f"{prefix}-{len(specs)}"
        specs.append(qbxml.TxnDel(request_id=rq, txn_id=txn_id))
        routes[rq] = ["del", entry_id]
        sent[entry_id] = {"op": "del", "rq": rq}
    while len(specs) < size:
        candidates = store.export_candidates(
            company_id, states=("pending", "needs_update"), limit=size - len(specs)
        )
        if not candidates:
            break
        ok, _blocked = _check(store, company_id, rules, candidates, now)
        for c in ok:
            e = c.entry
            rq = f"{prefix}-{len(specs)}"
            info: dict[str, object] = {
                "rq": rq,
                "txn_date": e.work_date.isoformat(),
                "entity": e.member.list_id,
            }
            if c.qb_txn_id and c.qb_edit_sequence and version.at_least(MOD_SINCE):
                specs.append(
                    qbxml.TimeTrackingMod(
                        request_id=rq,
                        txn_id=c.qb_txn_id,
                        edit_sequence=c.qb_edit_sequence,
                        **mod_fields(e, guid_supported=guid),  # type: ignore[arg-type]
                    )
                )
                info.update(op="mod", refreshed=c.refreshed)
            elif c.qb_txn_id:
                specs.append(qbxml.TxnDel(request_id=rq, txn_id=c.qb_txn_id))
                info["op"] = "replace"
            else:
                fields = add_fields(e, guid_supported=guid)
                specs.append(qbxml.TimeTrackingAdd(request_id=rq, **fields))  # type: ignore[arg-type]
                info["op"] = "add"
            routes[rq] = [str(info["op"]), e.entry_id, c.refreshed]
            sent[e.entry_id] = info
        if ok:
            break
    if not specs:
        return None
    return specs, routes, sent


def next_request(
    store: SqlStore,
    settings: Settings,
    session: SessionView,
    item: WorkItemView,
    *,
    options: ImportOptions,
    version: str,
    now: datetime,
) -> str | None:
    """The export item's next message set; None (the item is done) when nothing is left."""
    spec = dict(item.spec)
    if spec.get("sent_as") == item.request_id and isinstance(spec.get("xml"), str):
        return str(spec["xml"])  # a retransmitted sendRequestXML gets the same request
    company_id = session.company_id
    rules = _rules(options)
    parsed = qbxml.parse_version(version)
    if not spec.get("rechecked"):
        spec["rechecked"] = True
        spec["blocked"] = recheck(store, company_id, rules, now)
    prefix = item.request_id or str(item.id)
    in_flight = store.in_flight_entries(company_id)
    stale = [
        c
        for c in store.export_candidates(company_id, states=("needs_update",))
        if c.refresh and c.qb_txn_id
    ]
    specs, routes, settle = _resolve_specs(in_flight, stale, prefix)
    store.settle_entries(company_id, settle, now)
    sent: dict[int, dict[str, object]] = {}
    if not specs:
        batch = _batch_specs(
            store, company_id, rules, prefix, parsed, settings.export_batch_size, now
        )
        if batch is None:
            spec.pop("xml", None)
            store.update_item(item.id, now, state=DONE, spec=spec)
            return None
        specs, routes, sent = batch
    xml = qbxml.build_msgs_rq(specs, version, on_error=ON_ERROR)
    store.mark_in_flight(company_id, sent, now)
    spec.update(routes=routes, xml=xml, sent_as=item.request_id)
    store.update_item(item.id, now, spec=spec)
    log.info(
        "session %s: export requestID=%s: %d request(s), %d entr%s in flight",
        session.id,
        item.request_id,
        len(specs),
        len(sent),
        "y" if len(sent) == 1 else "ies",
    )
    return xml


def _settle_answer(
    route: list[object], response: qbxml.Response, counts: dict[str, int]
) -> tuple[list[Settlement], list[Block]]:
    """What one answered request means for its entries."""
    kind, args = str(route[0]), route[1:]
    status = response.status
    out: list[Settlement] = []
    problems: list[Block] = []
    if kind == "resolve":
        if status.is_error:
            problems.append(explain_status(status.code, status.message))
            return out, problems  # the entries stay in flight: the next export asks again
        found: dict[str, qbxml.TimeTracking] = {}
        for record in response.records:
            if isinstance(record, qbxml.TimeTracking):
                key = record.external_guid or marker_of(record.notes)
                if key:
                    found[key.upper()] = record
        for arg in args:
            assert isinstance(arg, dict)
            hit = found.get(str(arg["uuid"]).upper())
            if hit is not None:
                counts["exported"] = counts.get("exported", 0) + 1
                out.append(
                    Settlement(
                        entry_id=int(arg["id"]),
                        kind="added",
                        txn_id=hit.txn_id,
                        edit_sequence=hit.edit_sequence,
                    )
                )
            else:
                out.append(Settlement(entry_id=int(arg["id"]), kind="retry"))
        return out, problems
    if kind == "refresh":
        seqs = {
            r.txn_id: r.edit_sequence
            for r in response.records
            if isinstance(r, qbxml.TimeTracking) and r.txn_id
        }
        if status.is_error and not seqs and status.code != NOT_FOUND:
            problems.append(explain_status(status.code, status.message))
        for arg in args:
            assert isinstance(arg, dict)
            seq = seqs.get(str(arg["txn"]))
            out.append(
                Settlement(entry_id=int(arg["id"]), kind="refreshed", edit_sequence=seq)
                if seq
                else Settlement(entry_id=int(arg["id"]), kind="gone")
            )
        return out, problems
    entry_id = int(str(args[0]))
    if not status.is_error:
        ret = next((r for r in response.records if isinstance(r, qbxml.TimeTracking)), None)
        if kind in ("del", "replace"):
            counts["time_deleted"] = counts.get("time_deleted", 0) + 1
            out.append(Settlement(entry_id=entry_id, kind="deleted" if kind == "del" else "gone"))
        elif ret is not None:
            key = "exported" if kind == "add" else "updated"
            counts[key] = counts.get(key, 0) + 1
            out.append(
                Settlement(
                    entry_id=entry_id,
                    kind="added" if kind == "add" else "modified",
                    txn_id=ret.txn_id,
                    edit_sequence=ret.edit_sequence,
                )
            )
        else:
            out.append(Settlement(entry_id=entry_id, kind="retry"))
        return out, problems
    if kind in ("del", "replace") and status.code == NOT_FOUND:
        out.append(Settlement(entry_id=entry_id, kind="deleted" if kind == "del" else "gone"))
        return out, problems
    if kind == "mod" and status.code == NOT_FOUND:  # deleted in QuickBooks: add it again
        out.append(Settlement(entry_id=entry_id, kind="gone"))
        return out, problems
    if kind == "mod" and status.code == STALE and not (len(route) > 2 and route[2]):
        out.append(Settlement(entry_id=entry_id, kind="refresh"))
        return out, problems
    block = explain_status(status.code, status.message)
    problems.append(block)
    out.append(Settlement(entry_id=entry_id, kind="failed", error=block.text))
    return out, problems


def take_response(
    store: SqlStore,
    session: SessionView,
    item: WorkItemView,
    response: str,
    *,
    max_bytes: int,
    now: datetime,
) -> ExportStep:
    """Store the answers of the export item's message set; the item goes back to pending.

    :raises qbxml.QbxmlError: the answer is not readable (its entries stay in flight and are
        resolved by query before anything else is sent).
    """
    spec = dict(item.spec)
    routes = spec.get("routes")
    routes = routes if isinstance(routes, dict) else {}
    step = ExportStep()
    settlements: list[Settlement] = []
    for answer in qbxml.parse_msgs_rs(response.encode("utf-8"), max_bytes=max_bytes):
        route = routes.get(answer.status.request_id or "")
        if not isinstance(route, list):
            continue
        settled, problems = _settle_answer(route, answer, step.counts)
        settlements += settled
        for problem in problems:
            step.errors += 1
            entry = next((x.entry_id for x in settled), None)
            store.record_sync_error(
                company_id=session.company_id,
                session_id=session.id,
                work_item_id=item.id,
                request_type=answer.status.rs_name,
                status_code=problem.code,
                record_ref=f"time entry {entry}" if entry is not None else None,
                message=problem.message,
                fix=problem.fix,
                now=now,
            )
    store.settle_entries(session.company_id, settlements, now)
    for key in ("routes", "xml", "sent_as"):
        spec.pop(key, None)
    more = store.export_waiting(session.company_id) > 0
    store.update_item(item.id, now, state=PENDING if more else DONE, spec=spec)
    return step


def decide_hresult(item: WorkItemView, info: qbxml.HresultInfo) -> Outcome:
    """QuickBooks could not run the message set: its entries stay in flight (the next claim
    asks QuickBooks which arrived); after three such answers the item fails for this session
    and the next session resolves them."""
    spec = dict(item.spec)
    hresults = int(str(spec.get("hresults", 0))) + 1
    spec["hresults"] = hresults
    for key in ("routes", "xml", "sent_as"):
        spec.pop(key, None)
    return Outcome(
        state=FAILED if hresults >= MAX_HRESULTS else PENDING,
        spec=spec,
        problem=Problem(code=info.hresult, message=info.cause, fix=info.fix),
    )
