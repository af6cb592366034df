"""Client set-up from the firm (issue 16), shared by the CLI and the web pages: the set-up's
steps and where it resumes, and the client administrator's invitation (the link, the mail to
them, and the mail to whoever invited them when they accept). Must not import Flask request
globals or spyne."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mappings.firms import invitation_lifetime

from . import accounts, invite_links
from .clock import Clock
from .errors import ConfigurationError
from .mail import send_mail
from .settings import Settings
from .store import ClientAdminInvitationView, SqlStore

# (key, label) in the order a firm sets a client up
STEPS = (
    ("payroll", "Payroll settings"),
    ("options", "Import options"),
    ("first_sync", "First sync"),
    ("client_admin", "Client administrator"),
    ("web_connector", "Web Connector"),
    ("checklist", "QuickBooks checklist"),
)


@dataclass(frozen=True, slots=True)
class StepState:
    key: str
    label: str
    done_at: datetime | None


@dataclass(frozen=True, slots=True)
class Invited:
    """A made invitation, its link (shown once) and what became of the mail to the person."""

    invitation: ClientAdminInvitationView
    link: str
    mail: str


def setup_progress(store: SqlStore, company_id: int) -> list[StepState]:
    """Each step of the company's set-up with when it was last done (None: not yet).

    :raises NotFoundError: no company has that id.
    """
    company = store.get_company(company_id)
    setup = store.get_company_setup(company_id)
    done = {
        "payroll": setup.payroll_done_at,
        "options": setup.options_done_at,
        "first_sync": company.delete_confirmed_at or company.first_sync_at,
        "client_admin": setup.client_admin_done_at,
        "web_connector": setup.qwc_downloaded_at,
        "checklist": setup.checklist_done_at,
    }
    return [StepState(key, label, done[key]) for key, label in STEPS]


def next_step(progress: list[StepState]) -> str | None:
    """The first step not done yet (where the set-up resumes), or None when all are done."""
    return next((s.key for s in progress if s.done_at is None), None)


def _send_invitation(
    settings: Settings, invitation: ClientAdminInvitationView, sender: str, link: str
) -> str:
    body = (
        f"Hello {invitation.name},\n\n{sender} set up {invitation.company_name} in qbtime-sync "
        "and asks you to be its account administrator: you approve time, see the syncs with "
        "QuickBooks and manage the team.\nOpen this link within 14 days to choose your "
        f"password (it works once):\n\n{link}\n"
    )
    result = send_mail(
        settings,
        to=invitation.email,
        subject=f"Your {invitation.company_name} account administrator invitation",
        body=body,
        to_name=invitation.name,
    )
    return result.detail


def invite_client_admin(
    store: SqlStore,
    settings: Settings,
    clock: Clock,
    company_id: int,
    *,
    email: str,
    name: str,
    team_member_id: int | None,
    firm_id: int | None,
    invited_by: str,
    sender: str,
    base_url: str,
    secret: str,
) -> Invited:
    """Invite the company's administrator: a new link (earlier pending ones to the same email
    stop working), mailed to them when SMTP is set.

    :raises ConfigurationError: not an email address, or no name.
    :raises NotFoundError: no such company, or the team member is not one of its own.
    """
    email = accounts.check_email(email)
    name = " ".join(name.split())[:200]
    if not name:
        raise ConfigurationError("give the administrator's name with their email")
    signed, token_hash = invite_links.new_signed(secret, invite_links.CLIENT_ADMIN)
    now = clock.now()
    made = store.add_client_admin_invitation(
        company_id,
        firm_id=firm_id,
        email=email,
        name=name,
        team_member_id=team_member_id,
        invited_by=invited_by,
        token_hash=token_hash,
        expires_at=now + invitation_lifetime(),
        now=now,
    )
    link = invite_links.client_admin_url(base_url, signed)
    return Invited(made, link, _send_invitation(settings, made, sender, link))


def renew_client_admin(
    store: SqlStore,
    settings: Settings,
    clock: Clock,
    company_id: int,
    invitation_id: int,
    *,
    sender: str,
    base_url: str,
    secret: str,
) -> Invited | None:
    """A new link for a pending or expired invitation (the old link stops working), or None."""
    signed, token_hash = invite_links.new_signed(secret, invite_links.CLIENT_ADMIN)
    now = clock.now()
    renewed = store.renew_client_admin_invitation(
        company_id,
        invitation_id,
        token_hash=token_hash,
        expires_at=now + invitation_lifetime(),
        now=now,
    )
    if renewed is None:
        return None
    link = invite_links.client_admin_url(base_url, signed)
    return Invited(renewed, link, _send_invitation(settings, renewed, sender, link))


def tell_the_inviter(settings: Settings, accepted: ClientAdminInvitationView) -> str:
    """Mail whoever sent the invitation that it was accepted (when SMTP is set and they have an
    email address)."""
    try:
        to = accounts.check_email(accepted.invited_by)
    except ConfigurationError:
        return "the invitation was made from the command line: no one to tell by email"
    body = (
        f"{accepted.name} ({accepted.email}) accepted your invitation and now administers "
        f"{accepted.company_name} in qbtime-sync.\n"
    )
    subject = f"{accepted.company_name}: {accepted.name} accepted"
    return send_mail(settings, to=to, subject=subject, body=body).detail
