"""Pure rules of connected firm accounts and accountant invitations (issue 16).

Standard library only: which firm accounts see each other's clients, whether a company may take
another firm, and what state an invitation is in at a given moment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Literal

__all__ = [
    "INVITATION_DAYS",
    "client_admin_problem",
    "MAX_FIRMS_PER_COMPANY",
    "InvitationState",
    "firm_group",
    "invitation_lifetime",
    "invitation_problem",
    "invitation_state",
]

MAX_FIRMS_PER_COMPANY = 2
INVITATION_DAYS = 14
InvitationState = Literal["pending", "expired", "accepted", "revoked"]


def firm_group(firm_id: int, links: Mapping[int, tuple[int, str]]) -> frozenset[int]:
    """The firm accounts whose clients ``firm_id`` sees (itself included).

    :param links: every connected account: firm id -> (primary firm id, ``connected`` or
        ``separate``). A separate account sees only itself, and no one sees it; a connected
        account and its primary see the primary and every connected account of that primary.
    """
    own = links.get(firm_id)
    if own is not None and own[1] != "connected":
        return frozenset({firm_id})
    primary = own[0] if own is not None else firm_id
    members = {f for f, (p, mode) in links.items() if p == primary and mode == "connected"}
    return frozenset({primary, *members})


def invitation_state(stored: str, expires_at: datetime, now: datetime) -> InvitationState:
    """The state an invitation is in now: a pending one past ``expires_at`` has expired."""
    if stored == "pending" and now >= expires_at:
        return "expired"
    if stored in ("pending", "accepted", "revoked"):
        return stored  # type: ignore[return-value]
    raise ValueError(f"unknown invitation state {stored!r}")


def invitation_problem(
    state: InvitationState, company_firms: Iterable[int], firm_id: int
) -> str | None:
    """Why the invitation cannot be accepted into ``firm_id``, or None when it can.

    :param company_firms: the firms the company already has.
    """
    if state == "expired":
        return "This invitation has expired. Ask the company to send a new one."
    if state == "accepted":
        return "This invitation has already been used. Ask the company for a new one."
    if state == "revoked":
        return "This invitation was withdrawn by the company."
    firms = set(company_firms)
    if firm_id in firms:
        return "This firm account already manages the company."
    if len(firms) >= MAX_FIRMS_PER_COMPANY:
        return (
            f"The company already has {MAX_FIRMS_PER_COMPANY} firms, the most it can have. "
            "It must remove one first."
        )
    return None


def client_admin_problem(state: InvitationState) -> str | None:
    """Why a client administrator's invitation in ``state`` cannot be accepted, or None."""
    if state == "expired":
        return "This invitation has expired. Ask your accountant to send a new one."
    if state != "pending":
        return f"This invitation was already {state}; it works once."
    return None


def invitation_lifetime() -> timedelta:
    """How long an invitation link works."""
    return timedelta(days=INVITATION_DAYS)
