"""Totality: mutated real documents either parse or raise QbxmlError, never anything else."""

from __future__ import annotations

import contextlib
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qbxml as q
from tests.qbxml.conftest import FIXTURES, GOLDEN

RESPONSES = [p.read_bytes() for p in sorted(FIXTURES.glob("*/*.xml"))]
REQUESTS = [p.read_bytes() for p in sorted(GOLDEN.glob("*/*.xml"))]
TAG = re.compile(rb"<(\w+)[^>]*>[^<]*</\1>")


@st.composite
def mutated(draw: st.DrawFn, documents: list[bytes]) -> bytes:
    """A document after a few truncations, byte flips, element deletions or duplications."""
    data = draw(st.sampled_from(documents))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "flip", "delete", "duplicate", "retext"]))
        if not data:
            break
        if kind == "truncate":
            data = data[: draw(st.integers(0, len(data)))]
        elif kind == "flip":
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        else:
            leaves = list(TAG.finditer(data))
            if not leaves:
                continue
            m = draw(st.sampled_from(leaves))
            if kind == "delete":
                data = data[: m.start()] + data[m.end() :]
            elif kind == "duplicate":
                data = data[: m.end()] + m.group(0) + data[m.end() :]
            else:
                text = draw(
                    st.sampled_from(
                        [b"", b"x", b"-1", b"PT", b"2024-13-40", b"&amp;", b"99999999999999999999"]
                    )
                )
                tag = m.group(1)
                data = (
                    data[: m.start()]
                    + b"<"
                    + tag
                    + b">"
                    + text
                    + b"</"
                    + tag
                    + b">"
                    + data[m.end() :]
                )
    return data


TOTAL = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@TOTAL
@given(mutated(RESPONSES))
def test_mutated_responses_parse_or_raise_the_library_error(data):
    """parse_msgs_rs on a mutated response returns or raises QbxmlError only."""
    with contextlib.suppress(q.QbxmlError):
        q.parse_msgs_rs(data)


@TOTAL
@given(mutated(REQUESTS))
def test_mutated_requests_parse_or_raise_the_library_error(data):
    """parse_msgs_rq on a mutated request returns or raises QbxmlError only."""
    for unknown in ("raise", "keep"):
        with contextlib.suppress(q.QbxmlError):
            q.parse_msgs_rq(data, unknown=unknown)


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\xff",
        b"<QBXML",
        "<QBXML/>".encode("utf-32"),
        b"<?xml version='1.0' encoding='bogus'?><QBXML/>",
    ],
)
def test_odd_bytes_raise_the_library_error(data):
    """Encodings and garbage that confuse the parser still end as QbxmlError."""
    with pytest.raises(q.QbxmlError):
        q.parse_msgs_rs(data)
