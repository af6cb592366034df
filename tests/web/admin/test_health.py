"""The health checks in the admin pages (issue 16): the company overview's Health section with
each problem's fix and a link where the fix is here, the dashboard's Health column, and
isolation between firms."""

from __future__ import annotations

import dataclasses
import html
from datetime import timedelta

import pytest

from mappings import ImportOptions, options_to_dict
from qbwc_server.simulate import FakeQuickBooks, load_sample_company
from tests.web.admin.conftest import World
from tests.web.conftest import Seeder

FILE = r"C:\Company Files\acme.qbw"


@pytest.fixture
def sick(world: World, seed: Seeder) -> int:
    """Acme Builders (a1) with three problems: class tracking off in QuickBooks while classes are
    shown here, the edition changed since the last good sync, no success for a day. Birch
    Dental (a2) synced a minute ago and is healthy."""
    store, clock = world.store, world.clock
    store.update_company(
        world.a1,
        import_options=options_to_dict(ImportOptions(classes="show")),
        bound_company_file=FILE,
        last_success_at=clock.now() - timedelta(days=1),
    )
    company_file = load_sample_company(clock=clock)
    company_file.preferences = dataclasses.replace(
        company_file.preferences, is_using_class_tracking=False
    )
    hcp = FakeQuickBooks(company_file).hcp_response().encode("utf-8")
    for minutes_ago, product in ((30, "QuickBooks Pro 2023"), (10, "QuickBooks Premier 2024")):
        seed.session(
            world.a1,
            minutes_ago=minutes_ago,
            qbxml_version="16.0",
            company_file=FILE,
            hcp_response=hcp,
            state_data={"product": product},
        )
    store.update_company(world.a2, last_success_at=clock.now() - timedelta(minutes=1))
    return world.a1


def _health_section(page: str) -> str:
    start = page.index('id="health"')
    return page[start : page.index("</section>", start)]


def test_overview_lists_each_problem_with_its_fix_and_link(signed_in, sick: int) -> None:
    """The owner sees every problem, what was found, the fix, where, and links to the pages here."""
    page = signed_in("owner").get(f"/companies/{sick}").get_data(as_text=True)
    section = html.unescape(_health_section(page))
    assert "3 problems" in section
    for code in ("class_tracking", "edition_changed", "no_recent_sync"):
        assert f'data-code="{code}"' in section
    assert "Class tracking is off in QuickBooks" in section
    assert "Use class tracking for transactions" in section
    assert "QuickBooks Premier 2024" in section and "QuickBooks Pro 2023" in section
    assert "Fix (in QuickBooks):" in section
    assert f'href="/companies/{sick}/setup/options">Import options</a>' in section
    assert f'href="/companies/{sick}/sessions">Sync sessions</a>' in section


def test_support_sees_the_problems_without_links_to_pages_it_may_not_change(
    signed_in, sick: int
) -> None:
    """Read-only support gets the same checks, but no link to the import options it cannot open."""
    page = signed_in("support").get(f"/companies/{sick}").get_data(as_text=True)
    section = _health_section(page)
    assert 'data-code="class_tracking"' in section
    assert "setup/options" not in section
    assert f"/companies/{sick}/sessions" in section


def test_a_healthy_company_says_ok(signed_in, world: World, sick: int) -> None:
    """No problem: the section says so."""
    page = signed_in("owner").get(f"/companies/{world.a2}").get_data(as_text=True)
    section = _health_section(page)
    assert "No integration problem found." in section and "data-code" not in section


def test_dashboard_shows_each_clients_health_at_a_glance(
    signed_in, world: World, sick: int
) -> None:
    """The dashboard's Health column counts each company's problems, or says OK, and links to
    the overview's Health section."""
    page = signed_in("owner").get("/").get_data(as_text=True)
    assert "<th>Health</th>" in page
    rows = {r.split("</a>", 1)[0].rsplit(">", 1)[-1]: r for r in page.split("<tr>")[2:]}
    acme, birch = rows["Acme Builders"], rows["Birch Dental"]
    assert "badge-bad" in acme and ">3 problems<" in acme
    assert f'href="/companies/{sick}#health"' in acme
    assert "Class tracking is off in QuickBooks" in html.unescape(acme)
    assert ">OK<" in birch and "badge-ok" in birch


def test_another_firm_gets_404_for_the_health_of_a_company_it_cannot_see(
    signed_in, world: World, sick: int
) -> None:
    """A user of an unconnected firm gets 404 for the company page with its health, and sees
    nothing of it on the dashboard."""
    other = signed_in("other_owner")
    assert other.get(f"/companies/{sick}").status_code == 404
    dashboard = other.get("/").get_data(as_text=True)
    assert "Acme Builders" not in dashboard and "3 problems" not in dashboard


def test_week_start_links_to_the_payroll_settings(signed_in, world: World, seed: Seeder) -> None:
    """QuickBooks' work week starting on Sunday while the company's starts on Monday: the fix
    links to the set-up's payroll settings, where the week start is changed here."""
    company_file = load_sample_company(clock=world.clock)
    company_file.preferences = dataclasses.replace(
        company_file.preferences, first_day_of_week="Sunday"
    )
    hcp = FakeQuickBooks(company_file).hcp_response().encode("utf-8")
    seed.session(world.a2, qbxml_version="16.0", company_file=FILE, hcp_response=hcp)
    world.store.update_company(world.a2, last_success_at=world.clock.now())
    page = signed_in("owner").get(f"/companies/{world.a2}").get_data(as_text=True)
    section = html.unescape(_health_section(page))
    assert 'data-code="week_start"' in section and "Sunday" in section
    assert f'href="/companies/{world.a2}/setup/payroll">Payroll settings</a>' in section
