"""The import benchmark runs (quick size) and reports every figure the issue asks for."""

from __future__ import annotations

import pytest
from benchmarks.bench_import import run


@pytest.mark.slow
def test_quick_benchmark_reports_all_figures(capsys):
    figures = run(quick=True)
    assert figures["rows"] == 20_000
    for key in ("import_rows_per_s", "export_rows_per_s", "baseline_rows_per_s", "ratio", "import_peak_mb"):
        assert figures[key] > 0
    out = capsys.readouterr().out
    assert "ratio import/baseline" in out and "peak" in out
