"""The client administrator invitation's rule: which states refuse it, and the sentence."""

from __future__ import annotations

import pytest

from mappings.firms import client_admin_problem


def test_only_a_pending_invitation_is_accepted() -> None:
    assert client_admin_problem("pending") is None


@pytest.mark.parametrize(
    ("state", "words"),
    [("expired", "Ask your accountant"), ("accepted", "works once"), ("revoked", "revoked")],
)
def test_a_closed_invitation_says_why(state: str, words: str) -> None:
    problem = client_admin_problem(state)  # type: ignore[arg-type]
    assert problem is not None and words in problem
