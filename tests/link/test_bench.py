"""The linkage benchmark runs in quick mode and reports every figure it promises."""

from benchmarks import bench_link


def test_quick_benchmark_reports_figures():
    (figures,) = bench_link.run(quick=True)
    assert figures["records"] > 500
    for model in ("ctkit", "plain_splink"):
        assert 0 <= figures[model]["recall"] <= 1 and figures[model]["seconds"] > 0
    assert figures["ctkit"]["precision"] >= 0.95
    assert figures["ctkit"]["recall"] > figures["plain_splink"]["recall"]  # transliteration-aware model wins
    assert figures["pprl"]["pprl_high"]["precision"] >= 0.9
    assert figures["peak_rss_mib"] > 0
