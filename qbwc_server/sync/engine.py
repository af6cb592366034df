"""The sync engine: plan a session, hand out its requests, take in the answers (DESIGN 5-6).

``QbwcService`` checks tickets and speaks the protocol; this class does the work behind
sendRequestXML and receiveResponseXML with the queue in the store, so any server process can
serve any call of a session (nothing is kept in memory between calls).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

import qbxml
from mappings import (
    ImportOptions,
    OptionsError,
    options_from_dict,
    plan_first_sync_removals,
)

from . import export, messages, planner
from .hcp import FALLBACK_VERSION, HostFacts, binding_problem, read_hcp
from .importer import Answer, ResponseImporter
from .outcomes import DONE, FAILED, Outcome, Problem, decide, decide_hresult, percent
from .requests import build_request, build_sweep_request, clock_ceiling

if TYPE_CHECKING:
    from ..clock import Clock
    from ..settings import Settings
    from ..store import CompanyView, SessionView, SqlStore
    from ..store.views import NewWorkItem, WorkItemView

log = logging.getLogger(__name__)

ON_ERROR: Final = "continueOnError"


def company_options(company: CompanyView) -> ImportOptions:
    """The company's import options; unreadable stored options fall back to the defaults."""
    try:
        return options_from_dict(company.import_options)
    except OptionsError as exc:
        log.warning("company %s: stored import options unreadable (%s)", company.id, exc)
        return ImportOptions()


class SyncEngine:
    """Plans sessions and moves their work items through the queue."""

    def __init__(self, *, store: SqlStore, settings: Settings, clock: Clock) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock

    # authenticate ----------------------------------------------------------------------------
    def plan(
        self, company: CompanyView, now: datetime
    ) -> tuple[str | None, dict[str, object], list[NewWorkItem]]:
        """Whether the company is due, and the session's state and work items if so."""
        time_waiting = export.waiting(self.store, company, company_options(company), now)
        reason = planner.due_reason(
            company,
            now=now,
            every=timedelta(minutes=self.settings.run_every_n_minutes),
            unfinished=self.store.has_unfinished_items(company.id),
            time_waiting=time_waiting,
        )
        if reason is None:
            return None, {}, []
        options = company_options(company)
        if options.import_customers_jobs and company.first_sync_at is None:
            local = len(self.store.local_unlinked_customers(company.id))
            if planner.needs_delete_confirmation(company, options, local_customers=local):
                text = messages.CONFIRM_DELETE.format(count=local, company_id=company.id)
                return reason, {"reason": reason, "blocked": text}, []
        kinds = planner.wanted_lists(options, country=company.qb_country)
        state = self.store.get_sync_state(company.id)
        sweep = company.first_sync_at is not None and planner.sweep_due(
            state.last_sweep_at,
            state.sweep_requested,
            now=now,
            every=timedelta(days=self.settings.sweep_days),
        )
        plan = planner.plan_session(
            kinds, disabled=company.disabled_requests, sweep=sweep, export_time=time_waiting
        )
        return reason, {"reason": reason, "sweep": sweep}, plan

    # sendRequestXML ----------------------------------------------------------------------------
    def start(
        self,
        session: SessionView,
        hcp: str,
        company_file: str,
        country: str,
        major: int,
        minor: int,
    ) -> str | None:
        """First call of a session: learn about QuickBooks and check the company-file binding.

        :returns: None to go on, or the getLastError sentence that ends the session.
        """
        owner = self.store.get_installation()
        facts: HostFacts = read_hcp(
            hcp, owner_id=owner.owner_id if owner else "", country=country, major=major, minor=minor
        )
        now = self.clock.now()
        self.store.update_session(
            session.id,
            last_seen_at=now,
            qbxml_version=facts.version,
            qbxml_country=facts.country,
            company_file=company_file or None,
            hcp_response=hcp.encode("utf-8") or None,
            state_data={
                **session.state_data,
                "file_stamp": facts.file_stamp,
                "product": facts.product,
            },
        )
        company = self.store.get_company(session.company_id)
        owner_company = (
            self.store.find_company_by_file_id(facts.file_stamp) if facts.file_stamp else None
        )
        problem = binding_problem(
            company,
            company_file,
            facts.file_stamp,
            stamp_owner=f"the company {owner_company.name!r} (id {owner_company.id})"
            if owner_company
            else None,
        )
        if problem is not None:
            # Refused: nothing this session says about QuickBooks may touch the company.
            log.warning("session %s: company file mismatch for company %s", session.id, company.id)
            self._fail(session, problem, now)
            return problem
        changes: dict[str, object] = {
            k: v
            for k, v in (
                ("qb_product", facts.product),
                ("qb_country", facts.country),
                ("qb_company_name", facts.company_name),
            )
            if v
        }
        if company.bound_company_file and not company.bound_file_stamp and facts.file_stamp:
            # An earlier session bound the path without a stamp (no or unreadable HCP answer).
            changes["bound_file_stamp"] = facts.file_stamp
        self.store.update_company(company.id, qbxml_version=facts.version, **changes)
        return None

    def next_request(self, session: SessionView) -> str:
        """The next message set, or ``""`` after setting the session's getLastError sentence."""
        now = self.clock.now()
        blocked = session.state_data.get("blocked")
        if isinstance(blocked, str):
            self.store.update_session(session.id, last_seen_at=now, last_error=blocked)
            return ""
        version = session.qbxml_version or FALLBACK_VERSION
        company = self.store.get_company(session.company_id)
        state = self.store.get_sync_state(session.company_id)
        product = session.state_data.get("product")

        def skipped(item: WorkItemView) -> Outcome | None:
            """Why a list request is not sent now (done without asking), or None."""
            base_kind = item.kind.removeprefix(planner.SWEEP_PREFIX)
            if base_kind in company.disabled_requests and not planner.recheck_due(
                state.disabled.get(base_kind),
                product=product if isinstance(product, str) else None,
                now=now,
            ):
                return Outcome(state=DONE)
            # The first session plans before it learns the country from the HCP response.
            if not planner.offered_in(item.kind, session.qbxml_country):
                notice = Problem(
                    code="country",
                    message=f"{item.kind.replace('_', ' ').capitalize()} are not offered in "
                    f"{session.qbxml_country} editions.",
                    fix="Nothing to do.",
                    counts_as_error=False,
                )
                return Outcome(state=DONE, problem=notice)
            return None

        def starts(item: WorkItemView) -> bool:
            """The item is a list's first request, sent now: the claim notes QuickBooks' clock
            (``started_at``, which bounds the list's watermark) in the same UPDATE."""
            return item.kind not in planner.EXPORT_KINDS and skipped(item) is None

        while (item := self.store.claim_next_item(session.id, now, starts=starts)) is not None:
            if item.kind in planner.EXPORT_KINDS:
                company = self.store.get_company(session.company_id)
                xml = export.next_request(
                    self.store,
                    self.settings,
                    session,
                    item,
                    options=company_options(company),
                    version=version,
                    now=now,
                )
                if xml is None:  # nothing (left) to export: the session may be complete now
                    self._progress(session, now)
                    continue
                self.store.update_session(session.id, last_seen_at=now)
                return xml
            outcome = skipped(item)
            if outcome is not None:
                self._apply(session, item, outcome, now)
                continue
            if "started_at" not in item.spec:  # claimed by an older version, say
                item = self.store.update_item(
                    item.id, now, spec={**item.spec, "started_at": now.isoformat()}
                )
            try:
                if item.kind.startswith(planner.SWEEP_PREFIX):
                    spec = build_sweep_request(
                        item, max_returned=self.settings.max_returned, version=version
                    )
                else:
                    spec = build_request(
                        item,
                        watermarks=self.store.get_watermarks(session.company_id),
                        max_returned=self.settings.max_returned,
                        version=version,
                        ceiling=clock_ceiling(now, state.utc_offset_minutes),
                    )
                xml = qbxml.build_msgs_rq([spec], version, on_error=ON_ERROR)
            except (qbxml.QbxmlError, ValueError) as exc:
                problem = Problem(
                    code="version",
                    message=f"{item.kind} cannot be asked in qbXML {version}: {exc}",
                    fix="Update QuickBooks to a version that supports this request.",
                )
                self._apply(session, item, Outcome(state=FAILED, problem=problem), now)
                continue
            self.store.update_session(session.id, last_seen_at=now)
            log.info(
                "session %s: sending %s requestID=%s (qbXML %s)",
                session.id,
                spec.RQ_NAME,
                item.request_id,
                version,
            )
            if self.settings.log_qbxml:
                log.info("session %s: qbXML request %s:\n%s", session.id, item.request_id, xml)
            return xml
        self.store.update_session(session.id, last_seen_at=now, last_error=messages.NO_PENDING_WORK)
        return ""

    # receiveResponseXML -----------------------------------------------------------------------
    def take_response(self, session: SessionView, response: str) -> int:
        """Import an answer; returns the new percentage.

        An answer that is unreadable, in part or in whole, fails the work item it was for (with
        the reason kept for getLastError); the answers read before the break still count.
        """
        now = self.clock.now()
        company = self.store.get_company(session.company_id)
        state = self.store.get_sync_state(company.id)
        items = self.store.session_items(session.id)
        sent = {i.request_id: i for i in items if i.state == "sent" and i.request_id}
        exporting = next((i for i in sent.values() if i.kind in planner.EXPORT_KINDS), None)
        if exporting is not None:
            step = export.take_response(
                self.store,
                session,
                exporting,
                response,
                max_bytes=self.settings.max_body_bytes,
                now=now,
            )
            counts = dict(session.counts)
            for key, n in step.counts.items():
                counts[key] = counts.get(key, 0) + n
            return self._progress(
                session,
                now,
                counts=counts,
                errors=session.errors + step.errors,
                consecutive_hresults=0,
                bytes_received=len(response.encode("utf-8")),
            )
        importer = ResponseImporter(
            store=self.store,
            company_id=company.id,
            session_id=session.id,
            sent=sent,
            assign_to_all=company_options(company).assign_customers_to_all,
            now=now,
            utc_offset_minutes=state.utc_offset_minutes,
        )
        if self.settings.log_qbxml:
            log.info(
                "session %s: qbXML response (%d chars):\n%s", session.id, len(response), response
            )
        answers = importer.run(response, max_bytes=self.settings.max_body_bytes)
        if importer.utc_offset_minutes != state.utc_offset_minutes:
            self.store.update_sync_state(
                company.id, now, utc_offset_minutes=importer.utc_offset_minutes
            )
        errors = importer.record_errors
        last_error: str | None = None
        answered = {a.item.id for a in answers}
        if answers:
            for item in sent.values():
                if item.id not in answered:
                    answers.append(importer.unanswered(item))
        for answer in answers:
            outcome = self._outcome(answer, offset=importer.utc_offset_minutes)
            if outcome.state == FAILED and outcome.problem is not None:
                last_error = outcome.problem.message
            if outcome.state == DONE and answer.item.kind.startswith(planner.SWEEP_PREFIX):
                importer.counts["deleted"] += self._finish_sweep(session, answer.item, now)
            errors += self._apply(session, answer.item, outcome, now)
        if answers and not company.bound_company_file and session.company_file:
            stamp = session.state_data.get("file_stamp")
            product = session.state_data.get("product")
            self.store.update_company(
                company.id,
                bound_company_file=session.company_file,
                bound_file_stamp=stamp if isinstance(stamp, str) else None,
                bound_qb_product=product if isinstance(product, str) else None,
            )
        counts = dict(session.counts)
        for key, n in importer.counts.items():
            counts[key] = counts.get(key, 0) + n
        counts["received"] = counts.get("received", 0) + sum(a.received for a in answers)
        changes: dict[str, object] = {}
        if last_error is not None:
            changes["last_error"] = last_error
        return self._progress(
            session,
            now,
            counts=counts,
            errors=session.errors + errors,
            consecutive_hresults=0,
            bytes_received=len(response.encode("utf-8", "replace")),
            **changes,
        )

    def _outcome(self, answer: Answer, *, offset: int | None) -> Outcome:
        """What an answer means for its item, the record-level findings included."""
        item = answer.item
        label = item.kind.removeprefix(planner.SWEEP_PREFIX).replace("_", " ")
        if answer.broken is not None:
            text = messages.ANSWER_BROKEN.format(list=label, detail=answer.broken)
            problem = Problem(
                code="unreadable", message=text, fix="Nothing to do; it is asked for again."
            )
            return Outcome(state=FAILED, spec=dict(item.spec), problem=problem)
        if answer.foreign or answer.wrong_rs:
            records = ", ".join(f"{n} {name}" for name, n in sorted(answer.foreign.items()))
            text = messages.WRONG_RECORDS.format(
                request=label, records=records or answer.status.rs_name
            )
            problem = Problem(code="wrong_type", message=text, fix="Nothing to do.")
            if answer.wrong_rs:
                return Outcome(state=FAILED, spec=dict(item.spec), problem=problem)
            self._record(item, problem)
        started = item.spec.get("started_at")
        ceiling = (
            clock_ceiling(datetime.fromisoformat(started), offset)
            if isinstance(started, str)
            else None
        )
        return decide(
            item,
            answer.status,
            received=answer.received,
            newest=answer.newest,
            hold=answer.hold,
            hold_all=answer.hold_all,
            ceiling=ceiling,
        )

    def _record(self, item: WorkItemView, problem: Problem) -> None:
        self.store.record_sync_error(
            company_id=item.company_id,
            session_id=item.session_id,
            work_item_id=item.id,
            request_type=item.kind,
            status_code=problem.code,
            record_ref=None,
            message=problem.message,
            fix=problem.fix,
            now=self.clock.now(),
        )

    def take_hresult(self, session: SessionView, hresult: str, message: str) -> tuple[int, str]:
        """QuickBooks could not run the request: fail (or disable) it and go on.

        :returns: the percentage and the sentence for getLastError.
        """
        now = self.clock.now()
        info = qbxml.describe_hresult(hresult)
        errors = session.errors
        for item in self.store.session_items(session.id):
            if item.state == "sent" and item.kind in planner.EXPORT_KINDS:
                errors += self._apply(session, item, export.decide_hresult(item, info), now)
            elif item.state == "sent":
                errors += self._apply(session, item, decide_hresult(item, info, message), now)
        text = messages.HRESULT_ERROR.format(hresult=info.hresult, cause=info.cause, fix=info.fix)
        progress = self._progress(
            session,
            now,
            counts=dict(session.counts),
            errors=errors,
            consecutive_hresults=session.consecutive_hresults + 1,
            last_error=text,
        )
        return progress, text

    # helpers ------------------------------------------------------------------------------------
    def _apply(
        self, session: SessionView, item: WorkItemView, outcome: Outcome, now: datetime
    ) -> int:
        """Store an item's outcome; returns 1 when it counts as an error."""
        problem = outcome.problem
        self.store.update_item(
            item.id,
            now,
            state=outcome.state,
            spec=outcome.spec or dict(item.spec),
            error=problem.message if problem else None,
        )
        watermark = outcome.watermark
        if outcome.state == DONE and watermark:
            self.store.set_watermark(session.company_id, item.kind, watermark, now)
        if outcome.state == DONE and item.spec.get("started_at"):
            self._enable_or_disable(session, item, disable=outcome.disable, now=now)
        if problem is None:
            return 0
        log.warning(
            "session %s: %s requestID=%s statusCode=%s: %s",
            session.id,
            item.kind,
            item.request_id,
            problem.code,
            problem.message,
        )
        self.store.record_sync_error(
            company_id=session.company_id,
            session_id=session.id,
            work_item_id=item.id,
            request_type=item.kind,
            status_code=problem.code,
            record_ref=None,
            message=problem.message,
            fix=problem.fix,
            now=now,
        )
        return 1 if problem.counts_as_error else 0

    def _enable_or_disable(
        self, session: SessionView, item: WorkItemView, *, disable: bool, now: datetime
    ) -> None:
        """Keep ``disabled_requests`` true to the last answer: disable with the product it was
        disabled under, or enable again when QuickBooks answered it after all."""
        company = self.store.get_company(session.company_id)
        was = item.kind in company.disabled_requests
        if disable == was and not disable:
            return
        state = self.store.get_sync_state(company.id)
        infos = dict(state.disabled)
        if disable:
            product = session.state_data.get("product") or company.qb_product
            infos[item.kind] = {"at": now.isoformat(), "product": product}
            disabled = sorted({*company.disabled_requests, item.kind})
        else:
            infos.pop(item.kind, None)
            disabled = sorted(set(company.disabled_requests) - {item.kind})
            log.info("company %s: %s answered again, enabled", company.id, item.kind)
        self.store.update_company(company.id, disabled_requests=disabled)
        self.store.update_sync_state(company.id, now, disabled=infos)

    def _finish_sweep(self, session: SessionView, item: WorkItemView, now: datetime) -> int:
        """A list's ListIDs were all read: archive the rows QuickBooks no longer has.

        :returns: how many rows were archived.
        """
        job = planner.JOBS_BY_KIND[item.kind.removeprefix(planner.SWEEP_PREFIX)]
        started = item.spec.get("started_at")
        if not isinstance(started, str):  # pragma: no cover - set when the item was sent
            return 0
        gone = self.store.archive_unswept(
            session.company_id, job.row_kind, datetime.fromisoformat(started), now, role=job.role
        )
        if gone:
            log.info(
                "company %s: ID sweep of %s archived %d rows QuickBooks no longer has",
                session.company_id,
                job.kind,
                len(gone),
            )
        return len(gone)

    def _progress(self, session: SessionView, now: datetime, **changes: object) -> int:
        """Recompute progress from the queue, finish the session's work when all is resolved."""
        items = self.store.session_items(session.id)
        progress = percent(items, session.progress)
        resolved = sum(1 for i in items if i.state in (DONE, FAILED))
        state_data = dict(session.state_data)
        if progress == 100 and not state_data.get("completed"):
            state_data["completed"] = True
            self._complete(session, items, now, errors=int(changes.get("errors", 0)))  # type: ignore[call-overload]
        self.store.update_session(
            session.id,
            last_seen_at=now,
            progress=progress,
            done=resolved,
            planned=len(items),
            state_data=state_data,
            **changes,
        )
        return progress

    def _complete(
        self, session: SessionView, items: list[WorkItemView], now: datetime, *, errors: int
    ) -> None:
        """Every item is resolved: finish the first sync, record success or the failure."""
        company = self.store.get_company(session.company_id)
        if any(i.state == FAILED for i in items):
            text = messages.SYNC_FAILED.format(errors=messages.plural(errors, "error", "errors"))
            self.store.update_company(company.id, last_error=text, last_error_at=now)
            return
        changes: dict[str, object] = {"last_success_at": now}
        if company.first_sync_at is None or session.state_data.get("sweep"):
            # A first sync reads every ListID, as a sweep would.
            self.store.update_sync_state(company.id, now, last_sweep_at=now, sweep_requested=False)
        if company.first_sync_at is None:
            self._finish_first_sync(company, items, now)
            changes["first_sync_at"] = now
        if company.sync_requested_at == session.sync_requested_at:
            changes["sync_requested_at"] = None
        self.store.update_company(company.id, **changes)

    def _finish_first_sync(
        self, company: CompanyView, items: list[WorkItemView], now: datetime
    ) -> None:
        options = company_options(company)
        imported = {i.kind for i in items}
        if "customers" in imported and company.delete_confirmed_at is not None:
            delete_ids, archive_ids = plan_first_sync_removals(
                self.store.local_unlinked_customers(company.id)
            )
            self.store.remove_customers(company.id, delete_ids, archive_ids, now)
            log.info(
                "company %s first sync: removed %d local customers, archived %d",
                company.id,
                len(delete_ids),
                len(archive_ids),
            )
        if options.archive_existing_users:
            archived = self.store.archive_unlinked_team_members(company.id, now)
            log.info("company %s first sync: archived %d local team members", company.id, archived)

    def _fail(self, session: SessionView, text: str, now: datetime) -> None:
        self.store.update_session(
            session.id, state="failed", ended_at=now, last_seen_at=now, last_error=text
        )
        self.store.update_company(session.company_id, last_error=text, last_error_at=now)
