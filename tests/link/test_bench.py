"""The linkage benchmark runs in quick mode and reports every figure it promises."""

from benchmarks import bench_link


def test_quick_benchmark_reports_figures():
    (figures,) = bench_link.run(quick=True)
    assert figures["records"] > 500 and figures["true_pairs"] > 0
    assert 0.9 <= figures["blocking_pairs_completeness"] <= 1  # ctkit's blocking rules
    assert 0 <= figures["plain_splink"]["blocking_pairs_completeness"] <= 1
    for model in ("ctkit", "plain_splink"):
        assert 0 <= figures[model]["recall"] <= 1
        assert figures[model]["seconds"] > 0 and figures[model]["peak_rss_mib"] > 0
    ours = figures["ctkit"]
    assert ours["precision"] >= 0.95 and ours["links"]["precision"] >= 0.95
    assert ours["recall"] > figures["plain_splink"]["recall"]  # transliteration-aware model wins
    assert ours["best_pair_recall_at_p99"]["recall"] >= ours["links"]["recall"] - 0.05
    assert set(ours["fixed_thresholds"]) == {"0.95", "0.99"}
    assert figures["pprl"]["pprl_high"]["precision"] >= 0.9
