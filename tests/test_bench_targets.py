"""bench/_targets.py: every target not met is printed with its reason, from the same run."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from bench import _targets
from bench._targets import _rows, _why

RESULTS = json.loads((Path(__file__).parents[1] / "bench" / "results.json").read_text())


def test_every_target_not_met_has_a_reason_from_the_run() -> None:
    rows = _rows(RESULTS)
    unmet = [target for target, _, met in rows if met is False]
    assert unmet, "the committed results have targets not met"
    for target in unmet:
        assert _why(RESULTS, target), target


def test_a_reason_is_built_from_the_figures() -> None:
    data = copy.deepcopy(RESULTS)
    data["soap"]["statements_per_call"].update(sendRequestXML=3.0, receiveResponseXML=4.0)
    assert _why(data, "send/receive pair <= 2x bare spyne (p50, p99)").startswith(
        "7 SQL statements and two commits a pair"
    )
    wave = data["concurrent"]["200"]["incremental"]
    wave.update(server_cpu_s_per_session=0.5, sessions=200)
    assert "need 100 s of server CPU" in _why(data, "200 concurrent incremental syncs: x")


def test_a_met_target_is_met_by_its_figure() -> None:
    data = copy.deepcopy(RESULTS)
    data["soap"]["pair"].update(p50_ms=1.0, p99_ms=1.0)
    pair = next(r for r in _rows(data) if r[0].startswith("send/receive pair"))
    assert pair[2] is True


def test_the_table_points_to_the_profiles_when_a_target_is_not_met(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _targets.print_table()
    out = capsys.readouterr().out
    assert "NOT MET" in out and _targets.PROFILES in out
    heading = _targets.PROFILES.split('"')[1]
    assert f"## {heading}" in _targets.DOC.read_text()
