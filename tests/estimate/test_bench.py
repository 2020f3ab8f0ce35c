"""The estimate benchmark runs in quick mode, so that it cannot rot."""

from __future__ import annotations

from benchmarks import bench_estimate


def test_benchmark_quick_mode_runs(capsys) -> None:
    bench_estimate.run(quick=True)
    output = capsys.readouterr().out
    for phrase in ("BIC search", "stepwise fit", "stepwise bootstrap", "vs number of lists", "Bayesian thresholding",
                   "LCMCR Gibbs"):
        assert phrase in output
