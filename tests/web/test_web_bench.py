"""The web load test runs in quick mode (50 sessions, a few requests each) without errors."""

from __future__ import annotations

import pytest
from benchmarks import bench_web


@pytest.mark.slow
def test_bench_web_quick():
    results = bench_web.run(quick=True)
    for backend, runs in results.items():
        for mode, figures in runs.items():
            assert figures["errors"] == 0, (backend, mode, figures["error_kinds"])
            assert figures["requests"] > 0 and figures["server_p95"] > 0  # Server-Timing came through
