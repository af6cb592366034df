"""Package contract: public API listing, purity (stdlib and qbxml records only), error tree."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

import mappings
from mappings import MappingError, OptionsError, UnknownReferenceError
from tests.conftest import ROOT

PACKAGE = ROOT / "mappings"
MODULES = sorted(PACKAGE.glob("*.py"))


def test_all_is_sorted_and_complete():
    """__all__ is sorted and lists exactly the names re-exported by __init__."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    imported = {
        a.asname or a.name
        for n in tree.body
        if isinstance(n, ast.ImportFrom) and n.module != "__future__"
        for a in n.names
    }
    assert mappings.__all__ == sorted(mappings.__all__)
    assert set(mappings.__all__) == imported
    assert all(hasattr(mappings, name) for name in mappings.__all__)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_modules_import_only_the_stdlib_and_qbxml_record_modules(path):
    """Each module imports the standard library, its own package, and qbxml.records* only.

    Importing the ``qbxml`` package root would pull lxml into mappings' import graph, which the
    ``mappings-pure`` import-linter contract forbids.
    """
    tree = ast.parse(path.read_text())
    absolute = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    absolute += [
        n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0
    ]
    ours = {m for m in absolute if m.split(".")[0] not in sys.stdlib_module_names}
    assert ours <= {"qbxml.records", "qbxml.records_txn"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_every_module_has_docstring_and_future_annotations(path):
    """Each module opens with a docstring and imports annotations from __future__."""
    tree = ast.parse(path.read_text())
    assert ast.get_docstring(tree)
    assert any(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in tree.body)


def test_importing_mappings_pulls_in_no_framework_or_service_module():
    """A fresh interpreter importing mappings loads no qbwc_server, database or web module."""
    code = "import json, sys, mappings; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = json.loads(out.stdout)
    forbidden = ("qbwc_server", "sqlalchemy", "flask", "spyne", "apscheduler", "werkzeug")
    assert [m for m in loaded if m.split(".")[0] in forbidden] == []


def test_error_tree_and_context():
    """UnknownReferenceError is a LookupError with .kind/.list_id; OptionsError a ValueError with .option."""
    ref = UnknownReferenceError(kind="customer", list_id="80000001-1700000000")
    assert isinstance(ref, MappingError) and isinstance(ref, LookupError)
    assert (ref.kind, ref.list_id) == ("customer", "80000001-1700000000")
    assert str(ref) == "unknown customer reference: ListID 80000001-1700000000"
    bad = OptionsError("unknown option", option="colour")
    assert isinstance(bad, MappingError) and isinstance(bad, ValueError)
    assert (bad.option, str(bad)) == ("colour", "colour: unknown option")
