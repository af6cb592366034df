"""The benchmarks still run: ``bench export`` at a tiny size (it checks inside that every
approved entry reached QuickBooks once; it once stopped ``make bench`` unnoticed, because
export starts off for a new company and the benchmark never turned it on)."""

from __future__ import annotations

import pytest

from bench import bench_export


def test_bench_export_exports_every_entry(monkeypatch, capsys) -> None:
    monkeypatch.setattr(bench_export, "N_EXPORT", 30)
    monkeypatch.setattr(bench_export, "N_PREFLIGHT", 300)
    with pytest.MonkeyPatch.context() as mp:  # main() turns spyne's gc off for its process
        mp.setattr(
            bench_export.spyne.const, "MIN_GC_INTERVAL", bench_export.spyne.const.MIN_GC_INTERVAL
        )
        bench_export.main()
    out = capsys.readouterr().out
    assert "export: 30 approved entries, one session" in out
