"""Package contract: public API listing, purity (no project or web imports, lxml in one module)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

import qbxml
from qbxml import _since
from tests.qbxml.conftest import ROOT, SCHEMA_FILES

PACKAGE = ROOT / "qbxml"


def test_all_is_sorted_and_complete():
    """__all__ is sorted and lists exactly the names re-exported by __init__."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    imported = {
        a.asname or a.name
        for n in tree.body
        if isinstance(n, ast.ImportFrom) and n.module != "__future__"
        for a in n.names
    }
    assert qbxml.__all__ == sorted(qbxml.__all__)
    assert set(qbxml.__all__) == imported
    assert all(hasattr(qbxml, name) for name in qbxml.__all__)


def test_importing_qbxml_pulls_in_no_framework_or_project_module():
    """A fresh interpreter importing qbxml loads no sqlalchemy, flask, spyne, mappings or qbwc_server."""
    code = "import json, sys, qbxml; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = json.loads(out.stdout)
    forbidden = (
        "sqlalchemy",
        "flask",
        "spyne",
        "mappings",
        "qbwc_server",
        "apscheduler",
        "werkzeug",
    )
    assert [m for m in loaded if m.split(".")[0] in forbidden] == []


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_only_the_xml_seam_imports_lxml(path):
    """No module except qbxml/_xml.py imports lxml, and none imports project packages."""
    tree = ast.parse(path.read_text())
    modules = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    modules += [
        n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0
    ]
    roots = {m.split(".")[0] for m in modules}
    assert ("lxml" in roots) == (path.name == "_xml.py")
    assert not roots & {"mappings", "qbwc_server", "sqlalchemy", "flask", "spyne"}


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_every_module_has_docstring_and_future_annotations(path):
    """Each module opens with a docstring and imports annotations from __future__."""
    tree = ast.parse(path.read_text())
    assert ast.get_docstring(tree)
    assert any(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in tree.body)


@pytest.mark.parametrize("ret", sorted(_since.RET_CHILDREN))
def test_since_table_children_exist_in_the_16_schema(ret):
    """Every Ret child in the version table is declared as an element in the 16.0 schemas."""
    text = "".join(p.read_text(errors="replace") for p in SCHEMA_FILES["16.0"].parent.glob("*.xsd"))
    for child in _since.RET_CHILDREN[ret]:
        assert f'name="{child}"' in text or f'ref="{child}"' in text, child


@pytest.mark.parametrize("ret", sorted(_since.RET_CHILDREN))
def test_children_dated_after_13_are_absent_from_the_13_schema(ret):
    """Children the table dates 14.0 or later really are missing from the 13.0 Ret."""
    from lxml import etree

    schema = etree.parse(str(SCHEMA_FILES["13.0"].parent / "qbxml130.xsd"))
    ns = {"xsd": "http://www.w3.org/2001/XMLSchema"}
    found = schema.xpath(f"//xsd:element[@name='{ret}']", namespaces=ns)
    if not found:
        pytest.skip(f"{ret} is defined through a type in another file")
    names = {
        e.get("name") or e.get("ref")
        for e in found[0].iter("{http://www.w3.org/2001/XMLSchema}element")
    }
    for child, since in _since.RET_CHILDREN[ret].items():
        if not since.at_least("14.0"):
            continue
        assert child not in names, child
