"""Client set-up from the firm (issue 16) in the pages: the set-up's overview and where it
resumes, the payroll settings step (saved, refused field by field, nothing stored when
refused), the client administrator step (by email before the first sync, a team member after
it), the invitation link that sets the administrator's password (single use, expiry, revoke,
resend), the firm's notice on the dashboard and by email through the local SMTP sink."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from mappings.payroll_settings import PayrollSettings
from qbwc_server.app import create_app
from tests.smtp_sink import smtp_sink
from tests.store.test_lists import apply, sample_rows
from tests.web.admin.conftest import Client, World

_LINK = re.compile(r'<code id="invitation-link">http://localhost(/client-admin/[^<]+)</code>')
PAYROLL = {
    "pay_period": "semimonthly",
    "anchor": "2026-11-16",
    "week_start": "Sunday",
    "overtime": "rules",
    "daily_hours": "8",
    "weekly_hours": "40",
}
NEW = "a client admin password"


def _invite(c: Client, company: int, **fields: str) -> str:
    data = {"email": "pat@acme.example", "name": "Pat Boss", **fields}
    page = c.post(f"/companies/{company}/setup/client-admin/invite", data)
    assert page.status_code == 200, page.get_data(as_text=True)
    found = _LINK.search(page.get_data(as_text=True))
    assert found, page.get_data(as_text=True)
    return found.group(1)


def _accept(app, link: str, password: str = NEW):
    stranger = Client(app.test_client())
    assert stranger.get(link).status_code == 200
    return stranger.post(link, {"new": password, "repeat": password})


def test_the_overview_resumes_at_the_first_step_not_done(signed_in, world: World) -> None:
    c = signed_in("owner")
    page = c.get(f"/companies/{world.a1}/setup").get_data(as_text=True)
    assert page.count("to do") == 5 and "next" in page
    assert f'href="/companies/{world.a1}/setup/payroll">Continue the set-up' in page
    assert c.post(f"/companies/{world.a1}/setup/payroll", PAYROLL).status_code == 302
    assert c.post(f"/companies/{world.a1}/setup/options", {"classes": "show"}).status_code == 302
    page = c.get(f"/companies/{world.a1}/setup").get_data(as_text=True)
    assert f'href="/companies/{world.a1}/setup/first-sync">Continue the set-up' in page
    assert page.count(">done<") == 2


def test_payroll_settings_are_saved_and_shown(signed_in, world: World) -> None:
    c = signed_in("admin")
    saved = c.post(f"/companies/{world.a1}/setup/payroll", PAYROLL)
    assert saved.headers["Location"].endswith(f"/companies/{world.a1}/setup/options")
    got = world.store.payroll_settings(world.a1)
    assert got.pay_period == "semimonthly" and got.week_start == "Sunday"
    assert (got.overtime_daily_minutes, got.overtime_weekly_minutes) == (480, 2400)
    page = c.get(f"/companies/{world.a1}/setup/payroll").get_data(as_text=True)
    assert 'value="semimonthly" checked' in page and 'value="40"' in page
    assert "Twice a month" in page and "current pay period runs from" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pay_period": "daily"}, "choose how often"),
        ({"anchor": "soon"}, "as a date"),
        ({"anchor": "2026-11-10"}, "the 1st or the 16th"),
        ({"week_start": "<script>"}, "first day of the work week"),
        ({"daily_hours": "lots"}, "as a number"),
        ({"weekly_hours": "500"}, "at most 168"),
        ({"daily_hours": "", "weekly_hours": ""}, "or choose no overtime"),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_stored(
    signed_in, world: World, changes: dict[str, str], message: str
) -> None:
    c = signed_in("owner")
    answer = c.post(f"/companies/{world.a1}/setup/payroll", {**PAYROLL, **changes})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert message in html and "Nothing was saved" in html
    assert "<script>" not in html
    assert world.store.payroll_settings(world.a1) == PayrollSettings()
    assert world.store.get_company_setup(world.a1).payroll_done_at is None


def test_support_and_other_firms_cannot_set_up(signed_in, world: World) -> None:
    assert signed_in("support").get(f"/companies/{world.a1}/setup/payroll").status_code == 403
    other = signed_in("other_owner")
    for url in ("setup", "setup/payroll", "setup/client-admin"):
        assert other.get(f"/companies/{world.a1}/{url}").status_code == 404
    assert other.post(f"/companies/{world.a1}/setup/payroll", PAYROLL).status_code == 404
    invite = other.post(f"/companies/{world.a1}/setup/client-admin/invite", {"email": "x@y.z"})
    assert invite.status_code == 404
    assert world.store.client_admin_invitations(world.a1, now=world.clock.now()) == []


def test_a_post_without_csrf_changes_nothing(signed_in, world: World) -> None:
    c = signed_in("owner")
    assert c.post(f"/companies/{world.a1}/setup/payroll", PAYROLL, csrf=False).status_code == 400
    assert world.store.payroll_settings(world.a1) == PayrollSettings()


def test_invite_by_email_then_accept_and_sign_in(app, signed_in, world: World) -> None:
    """Before the first sync the administrator is named by email; the link sets their
    password once, they sign in to their company only, and the firm sees a notice."""
    c = signed_in("owner")
    page = c.get(f"/companies/{world.a1}/setup/client-admin").get_data(as_text=True)
    assert "Team members show here after the first sync" in page
    link = _invite(c, world.a1)
    assert world.store.get_company_setup(world.a1).client_admin_done_at is not None
    short = _accept(app, link, "short")
    assert short.status_code == 400 and "at least 12" in short.get_data(as_text=True)
    done = _accept(app, link)
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    again = Client(app.test_client()).get(link)
    assert again.status_code == 410 and "works once" in again.get_data(as_text=True)
    boss = Client(app.test_client())
    assert boss.sign_in("pat@acme.example", NEW).status_code == 302
    assert "Acme Builders" in boss.get("/").get_data(as_text=True)
    assert boss.get(f"/companies/{world.a2}").status_code == 404
    dashboard = c.get("/").get_data(as_text=True)
    assert "Pat Boss" in dashboard and "accepted the invitation to administer" in dashboard
    (notice,) = world.store.client_admin_notices(
        world.store.visible_firm_ids(world.store.find_firm("Smith CPA").id),  # type: ignore[union-attr]
        now=world.clock.now(),
    )
    other = signed_in("other_owner")
    assert other.post(f"/notices/client-admin/{notice.id}/dismiss").status_code == 404
    assert c.post(f"/notices/client-admin/{notice.id}/dismiss").status_code == 302
    assert "accepted the invitation" not in c.get("/").get_data(as_text=True)


def test_a_team_member_is_designated_after_the_first_sync(app, signed_in, world: World) -> None:
    rows = sample_rows()
    apply(world.store, world.a1, rows["team_member"], world.clock.now())
    members = [m for m in world.store.list_tree(world.a1, "team_members") if m.email]
    assert members
    c = signed_in("owner")
    page = c.get(f"/companies/{world.a1}/setup/client-admin").get_data(as_text=True)
    assert members[0].email in page
    _invite(c, world.a1, member=str(members[0].id), email="", name="")
    (made,) = world.store.client_admin_invitations(world.a1, now=world.clock.now())
    assert (made.email, made.team_member_id) == (members[0].email.lower(), members[0].id)
    bad = c.post(f"/companies/{world.a1}/setup/client-admin/invite", {"member": "99999"})
    assert bad.status_code == 400 and "Choose one of the team members" in bad.get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "not an email", "name": "Pat"}, "is not an email address"),
        ({"email": "pat@acme.example", "name": "  "}, "Give the administrator"),
    ],
)
def test_a_bad_invitation_form_is_refused(
    signed_in, world: World, fields: dict[str, str], message: str
) -> None:
    c = signed_in("owner")
    answer = c.post(f"/companies/{world.a1}/setup/client-admin/invite", fields)
    assert answer.status_code == 400 and message in answer.get_data(as_text=True)
    assert world.store.client_admin_invitations(world.a1, now=world.clock.now()) == []


def test_expired_revoked_resent_and_tampered_links(app, signed_in, world: World) -> None:
    c = signed_in("owner")
    link = _invite(c, world.a1)
    world.clock.advance(days=15)
    expired = Client(app.test_client()).get(link)
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    (made,) = world.store.client_admin_invitations(world.a1, now=world.clock.now())
    page = c.post(f"/companies/{world.a1}/setup/client-admin/{made.id}/resend")
    fresh = _LINK.search(page.get_data(as_text=True))
    assert fresh and fresh.group(1) != link
    assert Client(app.test_client()).get(link).status_code == 404  # the old link is replaced
    assert c.post(f"/companies/{world.a1}/setup/client-admin/{made.id}/revoke").status_code == 302
    revoked = Client(app.test_client()).get(fresh.group(1))
    assert revoked.status_code == 410 and "revoked" in revoked.get_data(as_text=True)
    assert Client(app.test_client()).get(fresh.group(1) + "x").status_code == 404
    other = signed_in("other_owner")
    assert (
        other.post(f"/companies/{world.a1}/setup/client-admin/{made.id}/resend").status_code == 404
    )
    assert not [u for u in world.store.list_admin_users() if u.email == "pat@acme.example"]


def test_skip_leaves_the_step_resumable(signed_in, world: World) -> None:
    c = signed_in("owner")
    skipped = c.post(f"/companies/{world.a1}/setup/client-admin/skip")
    assert skipped.headers["Location"].endswith("/setup/web-connector")
    assert world.store.get_company_setup(world.a1).client_admin_done_at is not None
    assert c.get(f"/companies/{world.a1}/setup/client-admin").status_code == 200


def test_invitation_and_acceptance_mail_through_the_smtp_sink(
    settings, sqlite_store, clock, tickets, world: World
) -> None:
    """With SMTP settings the administrator gets the link by email, and the firm user who
    invited them gets a mail when they accept."""
    with smtp_sink() as sink:
        app = create_app(
            replace(settings, **sink.settings_changes()),
            clock=clock,
            tickets=tickets,
            store=sqlite_store,
        )
        c = Client(app.test_client())
        assert c.sign_in(world.emails["owner"]).status_code == 302
        link = _invite(c, world.a1)
        (invitation,) = sink.wait_for(1)
        assert invitation["To"] == "Pat Boss <pat@acme.example>"
        assert "Smith CPA set up Acme Builders" in invitation.get_content()
        assert link in invitation.get_content()
        assert _accept(app, link).status_code == 302
        _, told = sink.wait_for(2)
        assert told["To"] == world.emails["owner"]
        assert "Pat Boss (pat@acme.example) accepted" in told.get_content()


def _entries(world: World, company: int, hours: list[tuple[str, float, str]]) -> int:
    """Time entries of one imported employee: (ISO date, hours, hour type)."""
    import uuid
    from datetime import date

    from sqlalchemy import insert, select
    from sqlalchemy.orm import Session

    from qbwc_server.store.models import TeamMember, TimeEntry

    apply(world.store, company, sample_rows()["team_member"], world.clock.now())
    now = world.clock.now()
    with Session(world.store.engine) as s, s.begin():
        member = s.scalars(
            select(TeamMember.id).where(
                TeamMember.company_id == company, TeamMember.qb_role == "employee"
            )
        ).first()
        for day, h, hour_type in hours:
            s.execute(
                insert(TimeEntry),
                {
                    "company_id": company,
                    "uuid": "{" + str(uuid.uuid4()).upper() + "}",
                    "team_member_id": member,
                    "work_date": date.fromisoformat(day),
                    "duration_seconds": int(h * 3600),
                    "hour_type": hour_type,
                    "billable": False,
                    "state": "submitted",
                    "export_state": "pending",
                    "locked": False,
                    "created_at": now,
                    "updated_at": now,
                },
            )
    assert member is not None
    return member


def test_the_time_page_uses_the_pay_period_and_the_overtime_rules(signed_in, world: World) -> None:
    """The time page links the current and previous pay periods, approves the current one by
    default, and splits each person's hours by the rules beside the entered hour types."""
    c = signed_in("owner")
    page = c.get(f"/companies/{world.a1}/time").get_data(as_text=True)
    assert "Current pay period" not in page and "overtime-summary" not in page
    # the test clock is 2026-11-02 (a Monday); weekly periods from Monday 2026-10-26
    weekly = {**PAYROLL, "pay_period": "weekly", "anchor": "2026-10-26", "week_start": "Monday"}
    weekly.update(daily_hours="8", weekly_hours="")
    assert c.post(f"/companies/{world.a1}/setup/payroll", weekly).status_code == 302
    _entries(world, world.a1, [("2026-11-02", 10, "regular"), ("2026-11-03", 6, "regular")])
    page = c.get(f"/companies/{world.a1}/time").get_data(as_text=True)
    assert "Current pay period: 2026-11-02 to 2026-11-08" in page
    assert "Previous pay period: 2026-10-26 to 2026-11-01" in page
    assert 'id="a-from" name="date_from" type="date" required value="2026-11-02"' in page
    summary = page[page.index('id="overtime-summary"') :]
    assert "16.00" in summary and "14.00" in summary and "2.00" in summary
    assert "differs" in summary
    narrow = c.get(f"/companies/{world.a1}/time?from=2026-11-03&to=2026-11-03")
    summary = narrow.get_data(as_text=True).split('id="overtime-summary"')[1]
    assert "6.00" in summary and "differs" not in summary.split("</table>")[0]
