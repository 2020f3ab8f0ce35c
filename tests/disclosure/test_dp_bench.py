"""The publication benchmark runs in quick mode, so that it cannot rot."""

from __future__ import annotations

from benchmarks import bench_publish


def test_benchmark_quick_mode_runs(capsys) -> None:
    bench_publish.run(quick=True)
    output = capsys.readouterr().out
    for phrase in ("baseline pandas group-by", "combination_counts", "DP synthetic release", "mean proportional error",
                   "utility figures alone", "DP count tables", "per cell vs per row (before)",
                   "7 Eurostat-like tables"):
        assert phrase in output
