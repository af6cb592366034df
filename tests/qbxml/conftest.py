"""Fixtures for the qbxml tests: reference paths, the official XSDs, golden-file comparison.

Golden files are compared as canonical XML (C14N 2.0, blank text removed) and rewritten only
when the environment variable ``QBTIME_UPDATE_GOLDEN=1`` is set (review the diff afterwards).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "reference"
SAMPLES = REFERENCE / "samples"
QBWC_LOG = REFERENCE / "qbwc" / "soap-envelopes" / "consolibyte-quickbooks_log-2008"
FIXTURES = ROOT / "fixtures" / "qbxml"
GOLDEN = ROOT / "fixtures" / "golden" / "qbxml"
SCHEMA_FILES = {
    "13.0": REFERENCE / "qbxml-schema" / "v13.0" / "qbxmlops130.xsd",
    "16.0": REFERENCE / "qbxml-schema" / "v16.0" / "qbxmlops160.xsd",
}
UPDATE_GOLDEN = os.environ.get("QBTIME_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="session")
def xsd() -> dict[str, etree.XMLSchema]:
    """The official qbXML schemas, loaded once per session, by version."""
    return {v: etree.XMLSchema(etree.parse(str(p))) for v, p in SCHEMA_FILES.items()}


def xsd_errors(schema: etree.XMLSchema, text: str | bytes) -> list[str]:
    """Validate a document; return the schema's error messages (empty when valid)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    doc = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    schema.validate(doc)
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def canonical(text: str | bytes) -> str:
    """C14N 2.0 of a document with blank text removed (processing instructions kept)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    root = etree.fromstring(data, parser)
    return etree.tostring(root.getroottree(), method="c14n2").decode("utf-8")


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare a document with ``fixtures/golden/qbxml/<path>`` (or rewrite it on request)."""

    def check(relative: str, text: str) -> None:
        path = GOLDEN / relative
        if UPDATE_GOLDEN:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        elif not path.exists():
            pytest.fail(f"golden file missing: {relative} (run with QBTIME_UPDATE_GOLDEN=1)")
        assert canonical(text) == canonical(path.read_bytes()), f"differs from golden {relative}"

    return check
