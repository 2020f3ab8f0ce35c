"""The analytics benchmark runs end to end in quick mode and prints its figures and the pandas ratio."""

from __future__ import annotations


def test_benchmark_quick_mode(capsys):
    from benchmarks import bench_analyse

    bench_analyse.run(quick=True)
    out = capsys.readouterr().out
    assert "dashboard aggregates" in out and "faster" in out and "public report" in out and "MiB" in out
