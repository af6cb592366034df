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
from .importer import ResponseImporter
from .outcomes import DONE, FAILED, Outcome, Problem, decide, decide_hresult, percent
from .requests import build_request

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
        kinds = planner.wanted_lists(
            options, country=company.qb_country, disabled=company.disabled_requests
        )
        return (
            reason,
            {"reason": reason},
            planner.plan_session(kinds, export_time=time_waiting),
        )

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
            state_data={**session.state_data, "file_stamp": facts.file_stamp},
        )
        company = self.store.update_company(
            session.company_id,
            qbxml_version=facts.version,
            **{
                k: v
                for k, v in (
                    ("qb_product", facts.product),
                    ("qb_country", facts.country),
                    ("qb_company_name", facts.company_name),
                )
                if v
            },
        )
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
            log.warning("session %s: company file mismatch for company %s", session.id, company.id)
            self._fail(session, problem, now)
        return problem

    def next_request(self, session: SessionView) -> str:
        """The next message set, or ``""`` after setting the session's getLastError sentence."""
        now = self.clock.now()
        blocked = session.state_data.get("blocked")
        if isinstance(blocked, str):
            self.store.update_session(session.id, last_seen_at=now, last_error=blocked)
            return ""
        version = session.qbxml_version or FALLBACK_VERSION
        while (item := self.store.claim_next_item(session.id, now)) is not None:
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
            # The first session plans before it learns the country from the HCP response.
            if not planner.offered_in(item.kind, session.qbxml_country):
                notice = Problem(
                    code="country",
                    message=f"{item.kind.replace('_', ' ').capitalize()} are not offered in "
                    f"{session.qbxml_country} editions.",
                    fix="Nothing to do.",
                    counts_as_error=False,
                )
                self._apply(session, item, Outcome(state=DONE, problem=notice), now)
                continue
            try:
                spec = build_request(
                    item,
                    watermarks=self.store.get_watermarks(session.company_id),
                    max_returned=self.settings.max_returned,
                    version=version,
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

        :raises qbxml.QbxmlError: the answer is not readable (the caller stops the session).
        """
        now = self.clock.now()
        company = self.store.get_company(session.company_id)
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
        )
        data = response.encode("utf-8")
        if self.settings.log_qbxml:
            log.info("session %s: qbXML response (%d bytes):\n%s", session.id, len(data), response)
        answers = importer.run(data, max_bytes=self.settings.max_body_bytes)
        errors = importer.record_errors
        for answer in answers:
            outcome = decide(
                answer.item, answer.status, received=answer.received, newest=answer.newest
            )
            errors += self._apply(session, answer.item, outcome, now)
        if answers and not company.bound_company_file and session.company_file:
            stamp = session.state_data.get("file_stamp")
            self.store.update_company(
                company.id,
                bound_company_file=session.company_file,
                bound_file_stamp=stamp if isinstance(stamp, str) else None,
            )
        counts = dict(session.counts)
        for key, n in importer.counts.items():
            counts[key] = counts.get(key, 0) + n
        counts["received"] = counts.get("received", 0) + sum(a.received for a in answers)
        return self._progress(
            session,
            now,
            counts=counts,
            errors=session.errors + errors,
            consecutive_hresults=0,
            bytes_received=len(data),
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
        if outcome.state == DONE and item.kind == planner.DELETED:
            # Sent last, so every TimeModified seen in this session is older than the query: a
            # lower bound of QuickBooks' clock even when nothing was deleted.
            seen = [i.spec.get("newest") for i in self.store.session_items(session.id)]
            watermark = max([t for t in (watermark, *seen) if isinstance(t, str)], default=None)
        if outcome.state == DONE and watermark:
            self.store.set_watermark(session.company_id, item.kind, watermark, now)
        if outcome.disable:
            company = self.store.get_company(session.company_id)
            disabled = sorted({*company.disabled_requests, item.kind})
            self.store.update_company(company.id, disabled_requests=disabled)
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
