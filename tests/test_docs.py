"""README.md and docs/: every relative link points at a file that exists (and a heading that
exists, for #anchors), and every ``qbtime ...`` command they name is a real command of the CLI
("where docs mention a page or command, it exists")."""

from __future__ import annotations

import re

import click
import pytest

from qbwc_server.cli import main
from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_COMMAND = re.compile(r"`qbtime ([a-z][a-z-]*(?: [a-z][a-z-]*)?)")


def _anchor(heading: str) -> str:
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {_anchor(line.lstrip("#")) for line in lines if line.startswith("#")}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_relative_links_resolve(page) -> None:
    broken = []
    for target in _LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        if not path.exists() or anchor and path.suffix == ".md" and anchor not in _anchors(path):
            broken.append(target)
    assert not broken, f"{page.name}: broken links {broken}"


def _known(words: list[str]) -> bool:
    command: click.Command = main
    for word in words:
        if not isinstance(command, click.Group):
            return True  # the rest are arguments
        found = command.commands.get(word)
        if found is None:
            return False
        command = found
    return True


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_named_commands_exist(page) -> None:
    unknown = [
        c
        for c in _COMMAND.findall(page.read_text(encoding="utf-8"))
        if not _known([w for w in c.split() if w.isidentifier() or "-" in w])
    ]
    assert not unknown, f"{page.name}: no such commands {unknown}"
