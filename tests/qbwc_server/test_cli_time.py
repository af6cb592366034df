"""qbtime time import|list|approve|unlock and qbtime company token --scope|tokens|revoke-token|
payroll-map through click's CliRunner (issue 13)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from qbwc_server.testing import FixedClock
from tests.qbwc_server.test_cli_company import db, run  # noqa: F401 - fixtures
from tests.web.conftest import Seeder

HEADER = "team_member_id,work_date,duration_seconds,customer_id,service_item_id,hour_type,billable,notes\n"


def _seed(db) -> dict[str, int]:  # noqa: F811
    seed = Seeder(db, FixedClock())
    return {
        "maria": seed.row("team-members", 1, name="Maria Alvarez"),
        "james": seed.row("team-members", 1, name="James O'Connor"),
        "job": seed.row(
            "customers", 1, name="Kitchen Remodel", full_name="Abernathy, Claire:Kitchen Remodel"
        ),
        "item": seed.row("service-items", 1, name="Carpentry", full_name="Labor:Carpentry"),
    }


def test_point_csv_import_bad_row_imports_nothing_and_names_it(run, db, tmp_path) -> None:  # noqa: F811
    """A CSV with one bad row imports nothing and names the row and the field."""
    _seed(db)
    path = tmp_path / "week.csv"
    path.write_text(
        HEADER
        + 'Maria Alvarez,2026-11-02,28800,"Abernathy, Claire:Kitchen Remodel",Labor:Carpentry,regular,yes,framing\n'
        + "Nobody Here,2026-11-03,28800,,,regular,no,\n"
        + "james o'connor,2026-11-03,lots,,,regular,no,\n",
        encoding="utf-8",
    )
    result = run("time", "import", "1", str(path))
    assert result.exit_code == 2
    assert "row 3, team_member_id: no team member named 'Nobody Here'" in result.stderr
    assert "row 4, duration_seconds" in result.stderr
    assert "nothing was imported" in result.stderr
    assert db.list_time_entries(1).rows == ()


def test_point_csv_import_list_approve_and_unlock(run, db, tmp_path) -> None:  # noqa: F811
    """Names and FullNames resolve, the entries list as JSON, approve takes --member, and
    unlocking further back than 90 days is refused."""
    ids = _seed(db)
    path = tmp_path / "week.csv"
    path.write_text(
        HEADER
        + "Maria Alvarez,2026-11-02,28800,Kitchen Remodel,Labor:Carpentry,regular,yes,framing\n"
        + "James O'Connor,2026-11-02,3600,,,overtime,no,\n",
        encoding="utf-8",
    )
    result = run("time", "import", "1", str(path))
    assert result.exit_code == 0, result.output
    assert "imported 2 time entries" in result.output
    listed = json.loads(run("time", "list", "1", "--json").output)
    assert {(e["team_member_id"], e["customer_id"], e["billable"]) for e in listed} == {
        (ids["maria"], ids["job"], True),
        (ids["james"], None, False),
    }
    approved = run(
        "time",
        "approve",
        "1",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-07",
        "--member",
        "maria alvarez",
    )
    assert approved.exit_code == 0 and "1 time entry changed" in approved.output
    states = {
        e["team_member_id"]: e["state"]
        for e in json.loads(run("time", "list", "1", "--json").output)
    }
    assert states == {ids["maria"]: "approved", ids["james"]: "draft"}
    old = (date.today() - timedelta(days=120)).isoformat()
    refused = run("time", "unlock", "1", "--from", old, "--to", date.today().isoformat())
    assert refused.exit_code == 2 and "at most 90 days" in refused.stderr
    text = run("time", "list", "1", "--state", "approved").output
    assert text.count("\n") == 1 and "approved\tpending" in text


def test_point_token_scopes_list_and_revoke(run, db) -> None:  # noqa: F811
    """--scope sets the scope, tokens lists label and scope, revoke-token removes one."""
    made = run("company", "token", "1", "--scope", "admin", "--label", "payroll app")
    assert made.exit_code == 0
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("qbt_")
    run("company", "token", "1")
    listed = run("company", "tokens", "1").output.splitlines()
    assert len(listed) == 2 and "\tpayroll app\tadmin\t" in listed[0] and "\tread\t" in listed[1]
    token_id = listed[0].split("\t")[0]
    assert run("company", "revoke-token", "1", token_id).exit_code == 0
    assert len(run("company", "tokens", "1").output.splitlines()) == 1
    again = run("company", "revoke-token", "1", token_id)
    assert again.exit_code == 2 and "no API token" in again.stderr
    bad = run("company", "token", "1", "--scope", "owner")
    assert bad.exit_code == 2


def test_point_payroll_map_and_grid(run, db) -> None:  # noqa: F811
    """payroll-map sets a default and a member's item; --show marks the gaps."""
    seed = Seeder(db, FixedClock())
    maria = seed.row("team-members", 1, name="Maria Alvarez", uses_time_data_for_paychecks=True)
    seed.row("team-members", 1, name="Grace Holloway", uses_time_data_for_paychecks=True)
    regular = seed.row("payroll-items", 1, name="Hourly Regular")
    seed.row("payroll-items", 1, name="Overtime (x1.5)")
    refused = run(
        "company",
        "payroll-map",
        "1",
        "--member",
        "Maria Alvarez",
        "--hour-type",
        "overtime",
        "--item",
        "Overtime (x1.5)",
    )
    assert refused.exit_code == 2 and "no such earnings item" in refused.stderr
    forced = run(
        "company",
        "payroll-map",
        "1",
        "--member",
        "Maria Alvarez",
        "--hour-type",
        "overtime",
        "--item",
        "Overtime (x1.5)",
        "--force",
    )
    assert forced.exit_code == 0, forced.output
    grid = json.loads(run("company", "payroll-map", "1", "--show", "--json").output)
    rows = {r["member"]: r["cells"] for r in grid["members"]}
    assert rows["Maria Alvarez"]["overtime"] == "Overtime (x1.5)"
    assert rows["Grace Holloway"]["regular"] is None
    text = run("company", "payroll-map", "1", "--show").output
    assert "Grace Holloway\t-\t-\tMISSING" in text
    assert (
        run(
            "company", "payroll-map", "1", "--hour-type", "regular", "--item", "hourly regular"
        ).exit_code
        == 0
    )
    grid = json.loads(run("company", "payroll-map", "1", "--show", "--json").output)
    assert {r["member"]: r["cells"]["regular"] for r in grid["members"]} == {
        "Maria Alvarez": "(Hourly Regular)",
        "Grace Holloway": "(Hourly Regular)",
    }
    assert regular and maria
