"""The Billing page: a firm proposes to take over a client's billing; the client's primary admin
confirms or refuses; a proposal expires after 48 hours; a confirmed change takes effect on the
billing date; roles, other firms (404), CSRF and a bad date field."""

from __future__ import annotations

from datetime import date

import pytest

from tests.web.admin.conftest import make_user


@pytest.fixture
def primary(world, app):
    """The owner user of company a1: its primary admin, signed in."""
    from tests.web.admin.conftest import Client

    make_user(world.store, world.clock, "primary@acme.example", "owner", company_id=world.a1)
    c = Client(app.test_client())
    assert c.sign_in("primary@acme.example").status_code == 302
    return c


def propose(firm, world) -> int:
    r = firm.post(f"/companies/{world.a1}/billing/propose")
    assert r.status_code == 302, r.get_data(as_text=True)
    (pending,) = [c for c in world.store.billing_record(world.a1).history if c.state == "proposed"]
    return pending.id


def owner_on(world, day: date) -> str:
    return world.store.billing_record(world.a1).owner(day).owner


def test_confirmed_takeover_takes_effect_on_the_billing_date(signed_in, primary, world) -> None:
    """The firm proposes, the overview shows a notice, the primary admin confirms; the firm
    bills from the next billing date (the first of next month), not before."""
    firm = signed_in("owner")
    page = firm.get(f"/companies/{world.a1}/billing").get_data(as_text=True)
    assert "Propose to take over billing" in page
    change = propose(firm, world)
    overview = primary.get(f"/companies/{world.a1}").get_data(as_text=True)
    assert 'id="billing-notice"' in overview
    page = primary.get(f"/companies/{world.a1}/billing").get_data(as_text=True)
    assert "Confirm" in page and "Refuse" in page
    r = primary.post(f"/companies/{world.a1}/billing/{change}/confirm")
    assert r.status_code == 302
    assert owner_on(world, date(2026, 11, 30)) == "client"
    assert owner_on(world, date(2026, 12, 1)) == "firm"
    page = firm.get(f"/companies/{world.a1}/billing").get_data(as_text=True)
    assert "the firm takes over on 2026-12-01" in page
    assert "confirmed" in page and "primary@acme.example" in page
    world.clock.advance(days=30)
    page = firm.get(f"/companies/{world.a1}/billing").get_data(as_text=True)
    assert "the firm (Smith CPA)" in page
    dash = firm.get("/?status=firm_billed").get_data(as_text=True)
    assert "Acme Builders" in dash and "Birch Dental" not in dash


def test_refused(signed_in, primary, world) -> None:
    """A refused proposal changes nothing and stays in the history."""
    change = propose(signed_in("owner"), world)
    assert primary.post(f"/companies/{world.a1}/billing/{change}/refuse").status_code == 302
    assert owner_on(world, date(2030, 1, 1)) == "client"
    page = primary.get(f"/companies/{world.a1}/billing").get_data(as_text=True)
    assert "refused" in page and "No proposal is waiting" in page
    assert "Acme Builders" not in signed_in("owner").get("/?status=firm_billed").get_data(
        as_text=True
    )


def test_expired_after_48_hours(signed_in, primary, world) -> None:
    """After 48 hours unanswered the proposal is expired and cannot be confirmed."""
    change = propose(signed_in("owner"), world)
    world.clock.advance(hours=48)
    r = primary.post(f"/companies/{world.a1}/billing/{change}/confirm")
    assert r.status_code == 400
    assert "expired" in r.get_data(as_text=True)
    assert owner_on(world, date(2030, 1, 1)) == "client"
    assert 'id="billing-notice"' not in primary.get(f"/companies/{world.a1}").get_data(as_text=True)


def test_withdrawn_by_the_firm(signed_in, primary, world) -> None:
    """The firm withdraws its proposal; the client can no longer confirm it."""
    firm = signed_in("admin")
    change = propose(firm, world)
    assert firm.post(f"/companies/{world.a1}/billing/{change}/withdraw").status_code == 302
    assert primary.post(f"/companies/{world.a1}/billing/{change}/confirm").status_code == 400
    assert world.store.billing_record(world.a1).history[0].state == "withdrawn"


@pytest.mark.parametrize(
    ("role", "action"),
    [
        ("owner", "confirm"),  # the firm may not confirm its own proposal
        ("company_admin", "confirm"),  # an admin of the company is not its primary admin
        ("support", "withdraw"),
        ("company_support", "refuse"),
    ],
)
def test_roles(signed_in, world, role: str, action: str) -> None:
    """Only the primary admin confirms or refuses; only firm writers propose and withdraw."""
    change = propose(signed_in("owner"), world)
    r = signed_in(role).post(f"/companies/{world.a1}/billing/{change}/{action}")
    assert r.status_code == 403
    assert world.store.billing_record(world.a1).history[0].state == "proposed"
    assert signed_in("company_admin").post(
        f"/companies/{world.a1}/billing/propose"
    ).status_code in (
        400,
        403,
    )
    assert signed_in("support").post(f"/companies/{world.a1}/billing/propose").status_code == 403


def test_other_firm_gets_404_everywhere(signed_in, world) -> None:
    """Nothing of a1's billing is reachable by another firm, by any URL."""
    change = propose(signed_in("owner"), world)
    other = signed_in("other_owner")
    assert other.get(f"/companies/{world.a1}/billing").status_code == 404
    for url in ("propose", f"{change}/confirm", f"{change}/withdraw", "date"):
        assert other.post(f"/companies/{world.a1}/billing/{url}").status_code == 404
    assert other.post(f"/companies/{world.b1}/billing/{change}/withdraw").status_code == 404
    assert world.store.billing_record(world.a1).history[0].state == "proposed"
    assert "Acme" not in other.get("/?status=firm_billed").get_data(as_text=True)


def test_csrf_is_required(signed_in, world) -> None:
    """A POST without the CSRF token is refused with 400 and records nothing."""
    r = signed_in("owner").post(f"/companies/{world.a1}/billing/propose", csrf=False)
    assert r.status_code == 400
    assert world.store.billing_record(world.a1).history == ()


@pytest.mark.parametrize("typed", ["2026-13-01", "soon", "", "2026-11-01"])
def test_bad_date_field(primary, world, typed: str) -> None:
    """A bad or past billing date is refused, kept in the field, and nothing changes."""
    r = primary.post(f"/companies/{world.a1}/billing/date", {"next_billing_date": typed})
    assert r.status_code == 400
    body = r.get_data(as_text=True)
    assert "YYYY-MM-DD" in body and f'value="{typed}"' in body
    assert world.store.billing_record(world.a1).next_billing_date is None


def test_primary_admin_sets_the_billing_date(signed_in, primary, world) -> None:
    """The date the primary admin saves is the date a confirmation takes effect."""
    assert (
        primary.post(
            f"/companies/{world.a1}/billing/date", {"next_billing_date": "2026-11-15"}
        ).status_code
        == 302
    )
    assert (
        signed_in("owner")
        .post(f"/companies/{world.a1}/billing/date", {"next_billing_date": "2026-11-20"})
        .status_code
        == 403
    )
    change = propose(signed_in("owner"), world)
    primary.post(f"/companies/{world.a1}/billing/{change}/confirm")
    assert world.store.billing_record(world.a1).history[0].effective_on == date(2026, 11, 15)


def test_no_primary_admin_is_said(signed_in, world) -> None:
    """Without an owner user on the company, the page says who must be added."""
    propose(signed_in("owner"), world)
    page = signed_in("owner").get(f"/companies/{world.a1}/billing").get_data(as_text=True)
    assert "has no primary admin" in page


def test_the_primary_admin_gets_an_email(settings, sqlite_store, clock, tickets, world) -> None:
    """With SMTP set, the proposal mails the company's primary admin a link to the page."""
    from qbwc_server.app import create_app
    from tests.smtp_sink import smtp_sink
    from tests.web.admin.conftest import Client

    make_user(world.store, world.clock, "primary@acme.example", "owner", company_id=world.a1)
    with smtp_sink() as sink:
        mailing = settings.replace(**sink.settings_changes())
        app = create_app(mailing, clock=clock, tickets=tickets, store=sqlite_store)
        firm = Client(app.test_client())
        assert firm.sign_in(world.emails["owner"]).status_code == 302
        propose(firm, world)
        (msg,) = sink.wait_for(1)
    assert msg["To"] == "primary@acme.example"
    assert "Acme Builders" in msg["Subject"]
    assert f"/companies/{world.a1}/billing" in msg.get_content()
