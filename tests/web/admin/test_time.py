"""Time entries in the admin pages: filters, approve/unapprove by date range and people, export
errors, unlock within 90 days."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from qbwc_server.store.models import TimeEntry
from tests.web.admin.conftest import World


def _entry(seed, company_id: int, member: int, day: date, **fields: Any) -> int:
    now = seed.clock.now()
    values = {
        "company_id": company_id,
        "uuid": "{" + str(uuid.uuid4()).upper() + "}",
        "team_member_id": member,
        "work_date": day,
        "duration_seconds": 5400,
        "hour_type": "regular",
        "billable": False,
        "state": "submitted",
        "export_state": "pending",
        "locked": False,
        "created_at": now,
        "updated_at": now,
        **fields,
    }
    with Session(seed.store.engine) as s, s.begin():
        return int(s.scalar(insert(TimeEntry).returning(TimeEntry.id), values))


def _states(world: World) -> dict[int, tuple[str, bool]]:
    with Session(world.store.engine) as s:
        return {e.id: (e.state, e.locked) for e in s.scalars(select(TimeEntry))}


def test_point4_approve_by_date_range_and_people(signed_in, world: World, seed) -> None:
    """Approve changes only the chosen people's unlocked entries inside the date range."""
    ann = seed.row("team-members", world.a1, name="Ann Lee")
    bob = seed.row("team-members", world.a1, name="Bob Ng")
    inside = _entry(seed, world.a1, ann, date(2026, 11, 3))
    other_person = _entry(seed, world.a1, bob, date(2026, 11, 3))
    outside = _entry(seed, world.a1, ann, date(2026, 11, 20))
    locked = _entry(seed, world.a1, ann, date(2026, 11, 4), state="draft", locked=True)
    foreign = _entry(seed, world.b1, seed.row("team-members", world.b1), date(2026, 11, 3))
    c = signed_in("admin")
    answer = c.post(
        f"/companies/{world.a1}/time/approval",
        {"date_from": "2026-11-01", "date_to": "2026-11-07", "person": str(ann), "approve": "yes"},
    )
    assert answer.status_code == 302
    assert "1 time entries approved" in c.get(answer.headers["Location"]).get_data(as_text=True)
    states = _states(world)
    assert states[inside] == ("approved", False)
    assert states[other_person][0] == states[outside][0] == states[foreign][0] == "submitted"
    assert states[locked] == ("draft", True)
    back = c.post(
        f"/companies/{world.a1}/time/approval",
        {"date_from": "2026-11-01", "date_to": "2026-11-07", "approve": "no"},
    )
    assert back.status_code == 302 and _states(world)[inside][0] == "submitted"


def test_point4_bad_date_range_changes_nothing(signed_in, world: World, seed) -> None:
    """A missing or reversed date range is refused with a sentence."""
    entry = _entry(seed, world.a1, seed.row("team-members", world.a1), date(2026, 11, 3))
    c = signed_in("owner")
    answer = c.post(
        f"/companies/{world.a1}/time/approval", {"date_from": "2026-11-07", "date_to": "2026-11-01"}
    )
    assert "nothing changed" in c.get(answer.headers["Location"]).get_data(as_text=True)
    assert _states(world)[entry][0] == "submitted"


def test_point4_time_page_filters_and_shows_export_errors(signed_in, world: World, seed) -> None:
    """The time page filters by state and shows each export error with its fix."""
    member = seed.row("team-members", world.a1, name="Ann Lee")
    _entry(
        seed,
        world.a1,
        member,
        date(2026, 11, 3),
        state="approved",
        export_state="error",
        export_error="No payroll item is mapped for Ann Lee: map one, then sync.",
    )
    _entry(seed, world.a1, member, date(2026, 11, 4), notes="draft one", state="draft")
    c = signed_in("support")
    html = c.get(f"/companies/{world.a1}/time?export=error").get_data(as_text=True)
    assert "No payroll item is mapped for Ann Lee" in html and "2026-11-04" not in html
    assert "Approve time" not in html  # support reads only
    assert "2026-11-04" in c.get(f"/companies/{world.a1}/time?state=draft").get_data(as_text=True)


def test_point4_unlock_within_90_days(signed_in, world: World, seed) -> None:
    """An exported entry of the last 90 days can be unlocked; an older one cannot."""
    member = seed.row("team-members", world.a1)
    today = world.clock.now().date()
    recent = _entry(
        seed,
        world.a1,
        member,
        today - timedelta(days=10),
        state="approved",
        export_state="exported",
        locked=True,
    )
    old = _entry(
        seed,
        world.a1,
        member,
        today - timedelta(days=91),
        state="approved",
        export_state="exported",
        locked=True,
    )
    c = signed_in("owner")
    ok = c.post(f"/companies/{world.a1}/time/{recent}/unlock")
    assert "is unlocked" in c.get(ok.headers["Location"]).get_data(as_text=True)
    refused = c.post(f"/companies/{world.a1}/time/{old}/unlock")
    assert "older than 90 days" in c.get(refused.headers["Location"]).get_data(as_text=True)
    states = _states(world)
    # unlocked entries go back to submitted until approved again (docs/export.md)
    assert states[recent] == ("submitted", False) and states[old] == ("approved", True)
