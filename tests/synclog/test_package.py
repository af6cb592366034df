"""Package contract of ``qbwc_server.synclog``: its public names."""

from __future__ import annotations

import ast

from qbwc_server import synclog
from tests.conftest import ROOT


def test_all_is_sorted_and_complete() -> None:
    """__all__ is sorted and lists exactly the names re-exported by __init__."""
    tree = ast.parse((ROOT / "qbwc_server" / "synclog" / "__init__.py").read_text())
    imported = {
        a.asname or a.name
        for n in tree.body
        if isinstance(n, ast.ImportFrom) and n.module != "__future__"
        for a in n.names
    }
    assert synclog.__all__ == sorted(synclog.__all__)
    assert set(synclog.__all__) == imported
    assert all(hasattr(synclog, name) for name in synclog.__all__)
