"""The payroll item mapping grid page: what it shows, saving it, bad values, roles (issue 14)."""

from __future__ import annotations

import re

import pytest

from qbwc_server.store.views_time import PayrollPair
from tests.web.admin.conftest import World
from tests.web.admin.test_time import _entry


@pytest.fixture
def payroll(world: World, seed) -> dict[str, int]:
    """Company a1: three wage items, Ann (earns Regular and Overtime), Bob (earns nothing), both
    paid from time data; Vic, a vendor. An approved regular entry of Ann's waits for export."""
    ids = {}
    for key, name, list_id in (
        ("regular", "Hourly Regular", "PI-1"),
        ("overtime", "Hourly Overtime", "PI-2"),
        ("sick", "Sick Hourly", "PI-3"),
    ):
        ids[key] = seed.row("payroll-items", world.a1, name=name, qb_list_id=list_id)
    earnings = [{"payroll_item_list_id": "PI-1"}, {"payroll_item_list_id": "PI-2"}]
    ids["ann"] = seed.row(
        "team-members",
        world.a1,
        name="Ann Lee",
        uses_time_data_for_paychecks=True,
        payroll_earnings=earnings,
    )
    ids["bob"] = seed.row(
        "team-members", world.a1, name="Bob Ray", uses_time_data_for_paychecks=True
    )
    ids["vic"] = seed.row("team-members", world.a1, name="Vic Vendor", qb_role="vendor")
    ids["entry"] = _entry(seed, world.a1, ids["ann"], seed.clock.now().date(), state="approved")
    return ids


def _url(world: World) -> str:
    return f"/companies/{world.a1}/payroll-mapping"


def _selected(html: str, field: str) -> str:
    select = re.search(rf'<select id="{re.escape(field)}" name="[^"]+">(.*?)</select>', html, re.S)
    assert select, field
    found = re.search(r'<option value="([^"]*)" selected>', select.group(1))
    return found.group(1) if found else ""


def _options(html: str, field: str) -> list[str]:
    select = re.search(rf'<select id="{re.escape(field)}" name="[^"]+">(.*?)</select>', html, re.S)
    assert select, field
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def _export_item(world: World, entry: int) -> str | None:
    (candidate,) = [c for c in world.store.export_candidates(world.a1) if c.entry.entry_id == entry]
    item = candidate.entry.payroll_item
    return item.list_id if item else None


def test_grid_shows_employees_candidates_and_gaps(signed_in, world: World, payroll) -> None:
    html = signed_in("owner").get(_url(world)).get_data(as_text=True)
    assert "Ann Lee" in html and "Bob Ray" in html and "Vic Vendor" not in html
    # Ann is offered only her earnings' items; Bob none; the defaults every active item
    ann, bob = payroll["ann"], payroll["bob"]
    assert _options(html, f"cell-{ann}-regular") == [
        "",
        str(payroll["overtime"]),
        str(payroll["regular"]),
    ]
    assert _options(html, f"cell-{bob}-regular") == [""]
    assert len(_options(html, "default-regular")) == 4
    # nothing mapped: every hour type of both employees is a gap
    assert "6 gaps" in html and html.count("badge-warn") == 6
    assert "No wage item in their QuickBooks earnings" in html
    assert "Payroll mapping" in html  # the company tab


def test_saving_the_grid_changes_what_export_sends(signed_in, world: World, payroll) -> None:
    c = signed_in("admin")
    ann = payroll["ann"]
    assert _export_item(world, payroll["entry"]) is None  # a gap: the entry would be blocked
    answer = c.post(
        _url(world),
        {f"cell-{ann}-regular": str(payroll["regular"]), "default-overtime": str(payroll["sick"])},
    )
    assert answer.status_code == 302
    html = c.get(_url(world)).get_data(as_text=True)
    assert "Saved 2 changes" in html
    assert _selected(html, f"cell-{ann}-regular") == str(payroll["regular"])
    assert _selected(html, "default-overtime") == str(payroll["sick"])
    assert "3 gaps" in html  # overtime of both now has the default; regular of Bob, doubletime
    assert _export_item(world, payroll["entry"]) == "PI-1"
    # back to the company default: the own mapping is cleared
    c.post(_url(world), {f"cell-{ann}-regular": "", "default-regular": str(payroll["overtime"])})
    mapping = world.store.get_payroll_mapping(world.a1)
    assert mapping.mappings == ()
    assert {(d.hour_type, d.payroll_item_id) for d in mapping.defaults} == {
        ("overtime", payroll["sick"]),
        ("regular", payroll["overtime"]),
    }
    assert _export_item(world, payroll["entry"]) == "PI-2"
    c.post(_url(world), {"default-regular": "", "default-overtime": ""})
    assert world.store.get_payroll_mapping(world.a1).defaults == ()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cell-{ann}-regular", "{sick}"),  # not among Ann's earnings
        ("cell-{bob}-regular", "{regular}"),  # Bob earns nothing
        ("cell-{vic}-regular", "{regular}"),  # a vendor: not in the grid
        ("cell-{ann}-regular", "not-a-number"),
        ("cell-999999-regular", "{regular}"),  # another company's member
        ("default-weekend", "{regular}"),  # no such hour type
        ("default-regular", "99999999999999999999999"),
    ],
)
def test_bad_values_change_nothing_and_keep_what_was_typed(
    signed_in, world: World, payroll, field: str, value: str
) -> None:
    c = signed_in("owner")
    ann = payroll["ann"]
    name, typed = field.format(**payroll), value.format(**payroll)
    answer = c.post(_url(world), {name: typed, f"cell-{ann}-overtime": str(payroll["overtime"])})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "Nothing was saved" in html
    # the valid choice typed beside the bad one is still selected on the page shown again
    assert _selected(html, f"cell-{ann}-overtime") == str(payroll["overtime"])
    assert world.store.get_payroll_mapping(world.a1).mappings == ()


def test_forced_mapping_is_shown_and_kept(signed_in, world: World, payroll) -> None:
    """An item mapped with force (CLI or API) though the employee does not earn it is offered
    on their cell, labelled, and survives saving the page unchanged."""
    pair = PayrollPair(
        team_member_id=payroll["bob"],
        hour_type="regular",
        payroll_item_id=payroll["sick"],
        force=True,
    )
    world.store.put_payroll_mapping(world.a1, [pair], [], now=world.clock.now())
    c = signed_in("owner")
    html = c.get(_url(world)).get_data(as_text=True)
    assert "(not in their QuickBooks earnings)" in html
    assert _selected(html, f"cell-{payroll['bob']}-regular") == str(payroll["sick"])
    c.post(_url(world), {f"cell-{payroll['bob']}-regular": str(payroll["sick"])})
    assert world.store.get_payroll_mapping(world.a1).mappings[0].force


@pytest.mark.parametrize("role", ["support", "company_support"])
def test_support_sees_the_grid_without_the_form(signed_in, world: World, payroll, role) -> None:
    c = signed_in(role)
    html = c.get(_url(world)).get_data(as_text=True)
    assert "Ann Lee" in html and "<select" not in html and "Save mapping" not in html
    answer = c.post(_url(world), {f"cell-{payroll['ann']}-regular": str(payroll["regular"])})
    assert answer.status_code == 403
    assert world.store.get_payroll_mapping(world.a1).mappings == ()


def test_other_firm_gets_404_and_changes_nothing(signed_in, world: World, payroll) -> None:
    c = signed_in("other_owner")
    assert c.get(_url(world)).status_code == 404
    answer = c.post(_url(world), {f"cell-{payroll['ann']}-regular": str(payroll["regular"])})
    assert answer.status_code == 404
    assert world.store.get_payroll_mapping(world.a1).mappings == ()


def test_missing_csrf_token_is_400(signed_in, world: World, payroll) -> None:
    c = signed_in("owner")
    answer = c.post(
        _url(world), {f"cell-{payroll['ann']}-regular": str(payroll["regular"])}, csrf=False
    )
    assert answer.status_code == 400
    assert world.store.get_payroll_mapping(world.a1).mappings == ()


def test_no_employees_yet(signed_in, world: World) -> None:
    html = signed_in("owner").get(_url(world)).get_data(as_text=True)
    assert "No active employees yet" in html
