"""Scalar values and versions: parse/format round trips, edge cases and refusals."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qbxml as q
from tests.qbxml import strategies as s

FAST = settings(max_examples=100, deadline=None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2008-07-05T09:46:33-05:00",
            datetime(2008, 7, 5, 9, 46, 33, tzinfo=timezone(timedelta(hours=-5))),
        ),
        ("2024-01-01T00:00:00", datetime(2024, 1, 1)),
        ("2024-1-2T3:4", datetime(2024, 1, 2, 3, 4)),
        (
            "2024-03-10T02:30:00+05:30",
            datetime(2024, 3, 10, 2, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
        ("2024-01-01", datetime(2024, 1, 1)),
    ],
)
def test_quickbooks_datetimes_parse(text, expected):
    """DATETIMETYPE text parses to aware datetimes with an offset and naive ones without."""
    value = q.parse_datetime(text)
    assert value == expected
    assert (value.tzinfo is None) == (expected.tzinfo is None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT1H30M", timedelta(hours=1, minutes=30)),
        ("PT2H0M0S", timedelta(hours=2)),
        ("-PT0H15M", -timedelta(minutes=15)),
        ("PT26H", timedelta(hours=26)),
        ("PT90M", timedelta(minutes=90)),
        ("PT45S", timedelta(seconds=45)),
    ],
)
def test_durations_parse(text, expected):
    """Signed PTnHnMnS durations parse, including hours over 24."""
    assert q.parse_duration(text) == expected


@pytest.mark.parametrize(
    ("value", "expected", "seconds"),
    [
        (timedelta(hours=7, minutes=30), "PT7H30M", False),
        (timedelta(hours=26), "PT26H0M", False),
        (-timedelta(minutes=15), "-PT0H15M", False),
        (timedelta(hours=7, minutes=30), "PT7H30M0S", True),
        (timedelta(seconds=61), "PT0H1M1S", True),
    ],
)
def test_durations_format(value, expected, seconds):
    """Durations are written PT{h}H{m}M (requests) or with seconds (QuickBooks' responses)."""
    assert q.format_duration(value, seconds=seconds) == expected


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (q.parse_date, "2024-02-30"),
        (q.parse_date, "15/03/2024"),
        (q.parse_datetime, "2024-01-01T25:00:00"),
        (q.parse_datetime, "yesterday"),
        (q.parse_duration, "PT"),
        (q.parse_duration, "7.5"),
        (q.parse_duration, "PT7.5H"),
        (q.parse_amount, "1e5"),
        (q.parse_amount, "NaN"),
        (q.parse_amount, "1,000.00"),
        (q.parse_bool, "yes"),
        (q.parse_int, "1.0"),
        (q.parse_guid, "6B29FC40-CA47-1067-B31D-00DD010662DA"),
        (q.parse_guid, "{6B29FC40}"),
    ],
)
def test_bad_text_raises_qbxml_value_error(parse, text):
    """Malformed values raise QbxmlValueError (a ValueError) carrying the text."""
    with pytest.raises(q.QbxmlValueError) as info:
        parse(text, path="X/Y")
    assert info.value.value == text
    assert info.value.path == "X/Y"


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: q.format_duration(timedelta(seconds=90)), ValueError),
        (lambda: q.format_duration(timedelta(microseconds=1), seconds=True), ValueError),
        (lambda: q.format_amount(Decimal("1.005")), ValueError),
        (lambda: q.format_amount(Decimal("1e14")), ValueError),
        (lambda: q.format_price(Decimal("0.000001")), ValueError),
        (lambda: q.format_amount(Decimal("NaN")), ValueError),
        (lambda: q.format_datetime(datetime(2024, 1, 1), with_offset=True), ValueError),
        (lambda: q.format_date(datetime(2024, 1, 1)), TypeError),
        (lambda: q.format_guid("nope"), ValueError),
    ],
)
def test_values_qbxml_cannot_carry_are_refused(call, error):
    """Formatting refuses values that would lose precision or break the schema."""
    with pytest.raises(error):
        call()


def test_formats():
    """Amounts, booleans, dates, datetimes and GUIDs are written in qbXML form."""
    assert q.format_amount(Decimal("25")) == "25.00"
    assert q.format_price(Decimal("1.23450")) == "1.2345"
    assert (q.format_bool(True), q.format_bool(False)) == ("true", "false")
    assert q.format_date(date(2024, 3, 5)) == "2024-03-05"
    aware = datetime(2024, 3, 5, 6, 7, 8, 999, tzinfo=timezone(timedelta(hours=-4)))
    assert q.format_datetime(aware, with_offset=True) == "2024-03-05T06:07:08-04:00"
    assert q.format_datetime(aware, with_offset=False) == "2024-03-05T06:07:08"
    u = uuid.UUID("6b29fc40-ca47-1067-b31d-00dd010662da")
    assert q.format_guid(u) == "{6b29fc40-ca47-1067-b31d-00dd010662da}"
    assert (
        q.format_guid("6B29FC40-CA47-1067-B31D-00DD010662DA")
        == "{6B29FC40-CA47-1067-B31D-00DD010662DA}"
    )
    assert q.parse_guid("0") == "0"


@FAST
@given(st.one_of(s.naive_datetimes, s.aware_datetimes))
def test_datetimes_round_trip(value):
    """parse_datetime(format_datetime(x)) == x, keeping awareness."""
    text = q.format_datetime(value, with_offset=value.tzinfo is not None)
    back = q.parse_datetime(text)
    assert back == value
    assert back.utcoffset() == value.utcoffset()


@FAST
@given(s.dates)
def test_dates_round_trip(value):
    """parse_date(format_date(x)) == x."""
    assert q.parse_date(q.format_date(value)) == value


@FAST
@given(s.durations)
def test_durations_round_trip(value):
    """parse_duration(format_duration(x, seconds=True)) == x, and whole minutes without seconds."""
    assert q.parse_duration(q.format_duration(value, seconds=True)) == value
    minutes = timedelta(minutes=int(value.total_seconds() // 60))
    assert q.parse_duration(q.format_duration(minutes)) == minutes


@FAST
@given(s.amounts, s.prices)
def test_amounts_round_trip(amount, price):
    """Amounts and prices survive formatting exactly."""
    assert q.parse_amount(q.format_amount(amount)) == amount
    assert q.parse_amount(q.format_price(price)) == price


@FAST
@given(st.booleans(), s.guids)
def test_bools_and_guids_round_trip(flag, guid):
    """Booleans and GUIDs survive formatting."""
    assert q.parse_bool(q.format_bool(flag)) is flag
    assert q.parse_guid(q.format_guid(guid)) == guid


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13.0", (13, 0, "")),
        ("CA3.0", (3, 0, "CA")),
        ("UK2.0", (2, 0, "UK")),
        ("OZ2.0", (2, 0, "OZ")),
        ("2.1", (2, 1, "")),
    ],
)
def test_versions_parse_and_print(text, expected):
    """Version strings parse into (major, minor, prefix) and print back unchanged."""
    version = q.parse_version(text)
    assert (version.major, version.minor, version.country) == expected
    assert str(version) == text


@pytest.mark.parametrize("text", ["CA13.0", "13", "v13.0", "US5.0", ""])
def test_bad_versions_are_refused(text):
    """Malformed versions and prefixes on 6.0 or later raise ValueError."""
    with pytest.raises(ValueError, match="version"):
        q.parse_version(text)


def test_versions_are_ordered_and_supported_range_is_complete():
    """Versions order numerically; SUPPORTED_VERSIONS runs from 1.0 to 16.0."""
    assert q.parse_version("9.0") < q.parse_version("13.0") < q.parse_version("16.0")
    assert str(q.SUPPORTED_VERSIONS[0]) == "1.0"
    assert str(q.SUPPORTED_VERSIONS[-1]) == "16.0"
    assert list(q.SUPPORTED_VERSIONS) == sorted(q.SUPPORTED_VERSIONS)


@pytest.mark.parametrize(
    ("supported", "country", "maximum", "expected"),
    [
        (["1.0", "2.0", "13.0", "14.0"], "US", "16.0", "14.0"),
        (["13.0", "16.0", "17.0"], "US", "16.0", "16.0"),
        (["13.0", "16.0"], "US", "13.0", "13.0"),
        (["1.0", "2.0", "3.0"], "CA", "16.0", "CA3.0"),
        (["CA2.0", "CA3.0"], "CA", "16.0", "CA3.0"),
        (["UK2.0", "UK3.0", "6.0"], "UK", "16.0", "6.0"),
        (["2.0"], "AU", "16.0", "OZ2.0"),
        (["3.0", "junk"], "AU", "16.0", "AU3.0"),
    ],
)
def test_choose_version_picks_the_highest_common_one(supported, country, maximum, expected):
    """The highest shared version wins, prefixed for CA/UK/AU editions below 6.0."""
    assert str(q.choose_version(supported, country, maximum)) == expected


def test_choose_version_without_common_version_raises():
    """No overlap raises ValueError."""
    with pytest.raises(ValueError, match="no qbXML version"):
        q.choose_version(["17.0"], "US")
