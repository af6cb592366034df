"""Import options: stored JSON form, text changes from the CLI or web page, printing."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mappings import (
    FIXED_AFTER_FIRST_SYNC,
    OPTION_NAMES,
    ImportOptions,
    MappingError,
    OptionsError,
    change_options,
    describe_options,
    options_from_dict,
    options_to_dict,
)
from tests.mappings import strategies as s

DEFAULTS = ImportOptions()


def test_defaults_and_option_order():
    """The defaults are the design's, and OPTION_NAMES lists the fields in declaration order."""
    assert OPTION_NAMES == (
        "archive_existing_users",
        "import_customers_jobs",
        "assign_customers_to_all",
        "service_items",
        "billable",
        "classes",
        "import_vendors",
        "export_time",
    )
    assert options_to_dict(DEFAULTS) == {
        "archive_existing_users": False,
        "import_customers_jobs": True,
        "assign_customers_to_all": True,
        "service_items": "show",
        "billable": "show",
        "classes": "off",
        "import_vendors": False,
        "export_time": False,
    }
    assert sorted(FIXED_AFTER_FIRST_SYNC) == ["assign_customers_to_all", "import_customers_jobs"]


@given(s.options)
def test_options_round_trip_through_json(options):
    """options_from_dict(json(options_to_dict(x))) == x."""
    assert options_from_dict(json.loads(json.dumps(options_to_dict(options)))) == options


def test_missing_keys_take_defaults_and_unknown_keys_are_ignored():
    """Stored options from another version load: absent keys default, extra keys are ignored."""
    loaded = options_from_dict({"classes": "require", "future_option": 3})
    assert loaded == dataclasses.replace(DEFAULTS, classes="require")
    assert options_from_dict({}) == DEFAULTS


@pytest.mark.parametrize(
    ("data", "option"),
    [
        ({"export_time": "yes"}, "export_time"),
        ({"export_time": 1}, "export_time"),
        ({"billable": "sometimes"}, "billable"),
        ({"classes": True}, "classes"),
        ({"service_items": None}, "service_items"),
    ],
)
def test_stored_values_of_the_wrong_type_are_refused(data, option):
    """A stored boolean that is not a bool, or a level outside off/show/require, is an OptionsError."""
    with pytest.raises(OptionsError) as info:
        options_from_dict(data)
    assert info.value.option == option
    assert str(info.value).startswith(f"{option}: expected")
    assert isinstance(info.value, ValueError) and isinstance(info.value, MappingError)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", True),
        ("TRUE", True),
        (" On ", True),
        ("1", True),
        ("No", False),
        ("false", False),
        ("off", False),
        ("0", False),
    ],
)
def test_boolean_texts(text, value):
    """Booleans accept yes/no, true/false, on/off and 1/0 in any case, with spaces trimmed."""
    changed = change_options(DEFAULTS, {"import-vendors": text}, first_sync_done=False)
    assert changed.import_vendors is value


@pytest.mark.parametrize("text", ["off", "SHOW", " require "])
def test_level_texts(text):
    """Levels accept off, show and require in any case."""
    changed = change_options(DEFAULTS, {"service_items": text}, first_sync_done=True)
    assert changed.service_items == text.strip().lower()


@pytest.mark.parametrize(
    ("changes", "option", "message"),
    [
        ({"colour": "blue"}, "colour", "unknown option"),
        ({"export-time": "maybe"}, "export_time", "expected yes or no"),
        ({"billable": "yes"}, "billable", "expected one of off, show, require"),
    ],
)
def test_unknown_options_and_bad_texts_are_refused(changes, option, message):
    """An unknown name or an unreadable value raises OptionsError naming the option."""
    with pytest.raises(OptionsError, match=message) as info:
        change_options(DEFAULTS, changes, first_sync_done=False)
    assert info.value.option == option


@given(s.options, st.sampled_from(sorted(FIXED_AFTER_FIRST_SYNC)))
def test_fixed_options_cannot_change_after_the_first_sync(options, name):
    """After the first sync a fixed option refuses a new value but accepts its current one."""
    current = getattr(options, name)
    dashed = name.replace("_", "-")
    with pytest.raises(OptionsError, match="fixed after the first sync") as info:
        change_options(options, {dashed: "no" if current else "yes"}, first_sync_done=True)
    assert info.value.option == name
    same = change_options(options, {dashed: "yes" if current else "no"}, first_sync_done=True)
    assert same == options
    before = change_options(options, {dashed: "no" if current else "yes"}, first_sync_done=False)
    assert getattr(before, name) is not current


@given(s.options, s.options)
def test_described_options_change_any_options_into_these(options, start):
    """Feeding describe_options' texts to change_options reproduces the options."""
    described = describe_options(options)
    assert [name for name, _ in described] == [n.replace("_", "-") for n in OPTION_NAMES]
    assert change_options(start, dict(described), first_sync_done=False) == options


def test_describe_defaults():
    """The defaults print as yes/no and level words."""
    assert describe_options(DEFAULTS) == [
        ("archive-existing-users", "no"),
        ("import-customers-jobs", "yes"),
        ("assign-customers-to-all", "yes"),
        ("service-items", "show"),
        ("billable", "show"),
        ("classes", "off"),
        ("import-vendors", "no"),
        ("export-time", "no"),
    ]
