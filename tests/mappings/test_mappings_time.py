"""Time entry input, duration rounding, pre-flight rules and export fields (mappings.time*)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mappings import (
    MAX_NOTES,
    Block,
    EntryInputError,
    ExportEntry,
    ExportRules,
    MemberFacts,
    RefFacts,
    add_fields,
    check_hour_type,
    choose_payroll_item,
    explain_status,
    marker_of,
    mod_fields,
    notes_marker,
    parse_entry_input,
    preflight,
    round_to_minutes,
)

UUID = "{6F1C2E34-0B5D-4F7A-9A55-2D7C1E9B0A11}"


@pytest.mark.parametrize(
    ("seconds", "minutes"), [(0, 0), (29, 0), (30, 1), (89, 1), (90, 2), (27940, 466)]
)
def test_point_duration_rounds_to_the_nearest_minute(seconds: int, minutes: int) -> None:
    """Seconds round to the nearest whole minute, half a minute up."""
    assert round_to_minutes(seconds) == minutes


@pytest.mark.parametrize("value", ["regular", "overtime", "doubletime", "pto:sick", "pto:a-1_b"])
def test_hour_types_accepted(value: str) -> None:
    """The four hour type forms are accepted."""
    assert check_hour_type(value) is None


@pytest.mark.parametrize("value", ["", "Regular", "pto:", "pto:UPPER", "night", 3, None])
def test_hour_types_refused(value: object) -> None:
    """Anything else is refused with the list of forms."""
    assert "pto:<code>" in (check_hour_type(value) or "")


def _bad(data: object, *, partial: bool = False) -> dict[str, str]:
    with pytest.raises(EntryInputError) as info:
        parse_entry_input(data, partial=partial)
    assert str(info.value)
    return info.value.fields


def test_point_entry_with_duration() -> None:
    """A duration entry takes defaults for hour type and billable."""
    got = parse_entry_input(
        {"team_member_id": 3, "work_date": "2026-11-02", "duration_seconds": 60}
    )
    assert got.values["work_date"] == date(2026, 11, 2)
    assert got.values["hour_type"] == "regular" and got.values["billable"] is False
    assert got.values["start_at"] is None


def test_point_entry_with_start_end_and_zone() -> None:
    """start/end in a zone give the duration and the local date of the start."""
    got = parse_entry_input(
        {
            "team_member_id": 3,
            "start": "2026-11-01T23:00",
            "end": "2026-11-02T01:30",
            "time_zone": "America/Chicago",
            "work_date": "2026-11-01",
        }
    )
    assert got.values["duration_seconds"] == 9000 and got.values["work_date"] == date(2026, 11, 1)
    offset = parse_entry_input(
        {"team_member_id": 3, "start": "2026-11-02T08:00+01:00", "end": "2026-11-02T09:00+01:00"}
    )
    assert offset.values["work_date"] == date(2026, 11, 2)


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ("x", {"(entry)"}),
        ({}, {"team_member_id", "work_date", "duration_seconds"}),
        (
            {"team_member_id": None, "work_date": "x", "duration_seconds": 0},
            {"team_member_id", "work_date", "duration_seconds"},
        ),
        (
            {"team_member_id": True, "work_date": 5, "duration_seconds": "8"},
            {"team_member_id", "work_date", "duration_seconds"},
        ),
        (
            {"team_member_id": 1, "work_date": "2026-11-02", "duration_seconds": 86401},
            {"duration_seconds"},
        ),
        (
            {"team_member_id": 1, "start": "2026-11-02T08:00", "end": "2026-11-02T09:00"},
            {"start", "end"},
        ),
        ({"team_member_id": 1, "start": "later", "end": 9, "time_zone": "UTC"}, {"start", "end"}),
        (
            {
                "team_member_id": 1,
                "start": "2026-11-02T09:00",
                "end": "2026-11-02T08:00",
                "time_zone": "UTC",
            },
            {"end"},
        ),
        (
            {
                "team_member_id": 1,
                "start": "2026-11-02T08:00",
                "end": "2026-11-02T09:00",
                "time_zone": "Nowhere/City",
            },
            {"time_zone", "start", "end"},
        ),
        (
            {
                "team_member_id": 1,
                "start": "2026-11-02T08:00",
                "end": "2026-11-02T09:00",
                "time_zone": 7,
            },
            {"time_zone", "start", "end"},
        ),
        (
            {
                "team_member_id": 1,
                "start": "2026-11-02T08:00Z",
                "end": "2026-11-02T09:00Z",
                "duration_seconds": 5,
            },
            {"duration_seconds"},
        ),
        (
            {
                "team_member_id": 1,
                "start": "2026-11-02T08:00Z",
                "end": "2026-11-02T09:00Z",
                "work_date": "2026-11-03",
            },
            {"work_date"},
        ),
        (
            {
                "team_member_id": 1,
                "work_date": "2026-11-02",
                "duration_seconds": 60,
                "time_zone": "UTC",
            },
            {"time_zone"},
        ),
        (
            {
                "team_member_id": 1,
                "work_date": "2026-11-02",
                "duration_seconds": 60,
                "customer_id": -1,
                "hour_type": "x",
            },
            {"customer_id", "hour_type"},
        ),
        (
            {
                "team_member_id": 1,
                "work_date": "2026-11-02",
                "duration_seconds": 60,
                "notes": 5,
                "billable": "yes",
            },
            {"notes", "billable"},
        ),
        (
            {
                "team_member_id": 1,
                "work_date": "2026-11-02",
                "duration_seconds": 60,
                "notes": "x" * (MAX_NOTES + 1),
            },
            {"notes"},
        ),
        (
            {
                "team_member_id": 1,
                "work_date": "2026-11-02",
                "duration_seconds": 60,
                "external_id": " ",
            },
            {"external_id"},
        ),
        (
            {
                "team_member_id": 1,
                "work_date": "2026-11-02",
                "duration_seconds": 60,
                "colour": "red",
            },
            {"colour"},
        ),
    ],
)
def test_point_validation_names_each_bad_field(data: object, fields: set[str]) -> None:
    """Every bad or missing field is named, with why."""
    assert set(_bad(data)) == fields


def test_partial_entries() -> None:
    """PATCH input needs no required field, refuses external_id, and nulls notes."""
    got = parse_entry_input({"notes": "", "class_id": None}, partial=True)
    assert got.values == {"notes": None, "class_id": None} and got.given == {"notes", "class_id"}
    both = parse_entry_input({"hour_type": "pto:sick", "billable": True}, partial=True)
    assert both.values == {"hour_type": "pto:sick", "billable": True}
    assert set(_bad({"external_id": "a"}, partial=True)) == {"external_id"}
    assert set(_bad({"team_member_id": None}, partial=True)) == {"team_member_id"}
    ok = parse_entry_input(
        {
            "external_id": "tt-1",
            "team_member_id": 1,
            "work_date": "2026-11-02",
            "duration_seconds": 60,
        }
    )
    assert ok.values["external_id"] == "tt-1"


def _member(**kw: object) -> MemberFacts:
    values: dict = {
        "row_id": 1,
        "list_id": "80000001-1",
        "name": "Maria Alvarez",
        "role": "employee",
    }
    values.update(kw)
    return MemberFacts(**values)


def _ref(name: str = "Kitchen", **kw: object) -> RefFacts:
    values: dict = {"row_id": 2, "list_id": "80000002-1", "name": name}
    values.update(kw)
    return RefFacts(**values)


def _entry(**kw: object) -> ExportEntry:
    values: dict = {
        "entry_id": 9,
        "uuid": UUID,
        "work_date": date(2026, 11, 2),
        "duration_seconds": 8 * 3600,
        "hour_type": "regular",
        "notes": "framing",
        "billable": False,
        "member": _member(),
        "day_total_seconds": 8 * 3600,
    }
    values.update(kw)
    return ExportEntry(**values)


RULES = ExportRules()


@pytest.mark.parametrize(
    ("entry", "rules", "code"),
    [
        (_entry(duration_seconds=20), RULES, "zero_duration"),
        (_entry(day_total_seconds=25 * 3600), RULES, "over_24_hours"),
        (_entry(duration_seconds=86401, day_total_seconds=0), RULES, "over_24_hours"),
        (_entry(member=_member(list_id=None)), RULES, "unlinked_member"),
        (_entry(member=_member(active=False)), RULES, "archived_employee"),
        (_entry(member=_member(role="vendor", deleted_in_qb=True)), RULES, "archived_vendor"),
        (_entry(member=_member(uses_time_data=True)), RULES, "no_payroll_item"),
        (_entry(billable=True, customer=_ref()), RULES, "billable_incomplete"),
        (_entry(billable=True, service_item=_ref()), RULES, "billable_incomplete"),
        (_entry(), ExportRules(require_service_item=True), "service_item_required"),
        (_entry(), ExportRules(require_class=True), "class_required"),
        (_entry(customer=_ref(list_id=None)), RULES, "unlinked_customer_or_job"),
        (_entry(customer=_ref(active=False)), RULES, "inactive_customer_or_job"),
        (_entry(service_item=_ref(deleted_in_qb=True)), RULES, "deleted_service_item"),
        (_entry(qb_class=_ref(active=False)), RULES, "inactive_class"),
        (
            _entry(member=_member(uses_time_data=True), payroll_item=_ref(active=False)),
            RULES,
            "inactive_payroll_item",
        ),
    ],
)
def test_point_preflight_rules(entry: ExportEntry, rules: ExportRules, code: str) -> None:
    """Each rule blocks with its code, a message and a fix."""
    block = preflight(entry, rules)
    assert isinstance(block, Block) and block.code == code
    assert block.text.startswith(block.message) and block.text.endswith(block.fix)


def test_preflight_passes_good_entries() -> None:
    """Complete entries pass; a vendor needs no payroll item."""
    full = _entry(billable=True, customer=_ref(), service_item=_ref("Labor"), qb_class=_ref("Res"))
    assert preflight(full, ExportRules(require_class=True, require_service_item=True)) is None
    assert preflight(_entry(member=_member(role="vendor", uses_time_data=True)), RULES) is None


def test_payroll_item_choice() -> None:
    """The member's own item wins over the company default; None when neither exists."""
    assert choose_payroll_item("regular", {"regular": 5}, {"regular": 1}) == 5
    assert choose_payroll_item("overtime", {"regular": 5}, {"overtime": 2}) == 2
    assert choose_payroll_item("pto:sick", {}, {}) is None


def test_point_add_fields_in_schema_order_with_external_guid() -> None:
    """From 9.0 the uuid is the ExternalGUID; Duration is whole minutes; payroll only for
    employees whose paychecks use time data."""
    payroll = _ref("Hourly Regular", list_id="80000009-1")
    entry = _entry(
        duration_seconds=7 * 3600 + 45 * 60 + 40,
        billable=True,
        customer=_ref(),
        service_item=_ref("Labor", list_id="80000003-1"),
        member=_member(uses_time_data=True),
        payroll_item=payroll,
    )
    fields = add_fields(entry, guid_supported=True)
    assert list(fields) == [
        "txn_date",
        "entity_ref",
        "customer_ref",
        "item_service_ref",
        "duration",
        "class_ref",
        "payroll_item_wage_ref",
        "notes",
        "billable_status",
        "external_guid",
    ]
    assert fields["duration"] == timedelta(hours=7, minutes=46)
    assert fields["payroll_item_wage_ref"].list_id == "80000009-1"  # type: ignore[attr-defined]
    assert fields["billable_status"] == "Billable" and fields["external_guid"] == UUID
    no_time_data = add_fields(_entry(payroll_item=payroll), guid_supported=True)
    assert no_time_data["payroll_item_wage_ref"] is None
    assert no_time_data["billable_status"] == "NotBillable"


def test_point_notes_marker_below_9() -> None:
    """Below 9.0 the uuid rides in Notes, found again by marker_of."""
    fields = add_fields(_entry(), guid_supported=False)
    assert "external_guid" not in fields and fields["notes"] == f"framing {notes_marker(UUID)}"
    bare = mod_fields(_entry(notes=None), guid_supported=False)
    assert bare["notes"] == notes_marker(UUID)
    assert marker_of(str(fields["notes"])) == UUID and marker_of(None) is None
    assert mod_fields(_entry(), guid_supported=True)["notes"] == "framing"


@pytest.mark.parametrize("code", [3140, 3150, 3171, 3175, 3176, 3180, 3200])
def test_point_quickbooks_errors_have_cause_and_fix(code: int) -> None:
    """Each error users meet has its own cause and fix; QuickBooks' message is kept."""
    block = explain_status(code, "the message ")
    assert block.code == str(code) and "(QuickBooks: the message)" in block.message and block.fix
    assert "QuickBooks:" not in explain_status(code, "").message


def test_unknown_status_keeps_the_message() -> None:
    """Other codes show QuickBooks' own message and a general fix."""
    assert "odd thing" in explain_status(3999, "odd thing").message
    assert "no message" in explain_status(3999, " ").message
