"""Status-code and HRESULT tables: coverage of the documented codes and sensible fallbacks."""

from __future__ import annotations

import pytest

import qbxml as q

REQUIRED_CODES = [
    0,
    1,
    500,
    510,
    530,
    531,
    1000,
    1030,
    1060,
    *range(3000, 3071, 10),
    3100,
    3120,
    3140,
    3150,
    3170,
    3171,
    3172,
    3173,
    3175,
    3176,
    3180,
    3200,
    3210,
    3250,
    3260,
    3261,
    3262,
    3263,
    3391,
]
A4_HRESULTS = [
    "0x80040400",
    "0x80040401",
    "0x80040402",
    "0x80040403",
    "0x80040408",
    "0x8004040A",
    "0x8004040D",
    "0x80040410",
    "0x80040414",
    "0x80040416",
    "0x80040417",
    "0x80040418",
    "0x8004041A",
    "0x8004041D",
    "0x8004041E",
    "0x80040420",
    "0x80040422",
    "0x80040423",
    "0x80040424",
    "0x80040427",
    "0x8004042A",
    "0x8004042C",
]


@pytest.mark.parametrize("code", REQUIRED_CODES)
def test_every_documented_status_code_has_meaning_and_fix(code):
    """Each status code named in the issue is in the table with a meaning and a fix."""
    info = q.describe_status(code)
    assert info.known
    assert info.meaning
    assert info.fix


@pytest.mark.parametrize(
    ("code", "severity", "retry"),
    [
        (0, "Info", False),
        (1, "Info", False),
        (500, "Warn", False),
        (3200, "Error", True),
        (3175, "Error", True),
        (3391, "Error", True),
        (3100, "Error", False),
    ],
)
def test_severity_and_retry_advice(code, severity, retry):
    """Severity follows the Intuit ranges; transient errors are marked retryable."""
    info = q.describe_status(code)
    assert (info.severity, info.retry) == (severity, retry)


@pytest.mark.parametrize(
    ("code", "category"),
    [
        (42, "ok"),
        (777, "warning"),
        (1999, "general"),
        (2500, "not-supported"),
        (3099, "format"),
        (5000, "other"),
        (9150, "macro"),
        (99999, "other"),
    ],
)
def test_unknown_status_codes_fall_back_to_their_range(code, category):
    """Codes not in the table get their range's meaning and are marked unknown."""
    info = q.describe_status(code)
    assert not info.known
    assert info.category == category


@pytest.mark.parametrize("hresult", A4_HRESULTS)
def test_every_a4_hresult_is_described(hresult):
    """Each HRESULT of QBWC-NOTES A.4 has a message, a cause and a fix."""
    info = q.describe_hresult(hresult)
    assert info.known
    assert info.hresult == hresult
    assert all((info.message, info.cause, info.fix))


@pytest.mark.parametrize(
    "spelling", ["0x8004040a", "0X8004040A", "8004040a", 0x8004040A, -2147220470]
)
def test_hresult_lookup_ignores_case_and_prefix(spelling):
    """Hex case, the 0x prefix and signed/unsigned ints all find the same entry."""
    assert q.describe_hresult(spelling).hresult == "0x8004040A"


@pytest.mark.parametrize(
    ("value", "known_prefix"), [("0x80049999", True), ("0x80070005", False), ("garbage", False)]
)
def test_unknown_hresults_have_fallbacks(value, known_prefix):
    """Unknown SDK codes get a request-processor fallback; anything else a generic one."""
    info = q.describe_hresult(value)
    assert not info.known
    assert ("request processor" in info.message) == known_prefix
