"""The linkage benchmark runs in quick mode and reports every figure it promises."""

from benchmarks import bench_link


def test_quick_benchmark_reports_figures():
    (figures,) = bench_link.run(quick=True)
    assert figures["records"] > 500 and figures["true_pairs"] > 0 and figures["surnames"] == "long_tail"
    assert 0 < figures["share_recorded"]["document_number"] < 1
    assert 0 <= figures["plain_splink"]["blocking_pairs_completeness"] <= 1
    for model in ("ctkit", "ctkit_base", "plain_splink"):
        assert 0 <= figures[model]["recall"] <= 1
        assert figures[model]["seconds"] > 0 and figures[model]["peak_rss_mib"] > 0
    ours, base = figures["ctkit"], figures["ctkit_base"]
    assert {"middle_name", "document"} <= set(ours["comparisons"]) and "document" not in base["comparisons"]
    for model in (ours, base):
        assert 0.9 <= model["blocking_pairs_completeness"] <= 1
        assert model["precision"] >= 0.95 and model["links"]["precision"] >= 0.95
        assert 0 <= model["components"]["recall"] <= 1
        assert model["best_pair_recall_at_p99"]["recall"] >= model["links"]["recall"] - 0.05
        assert set(model["fixed_thresholds"]) == {"0.95", "0.99"}
    assert base["recall"] > figures["plain_splink"]["recall"]  # transliteration-aware model wins
    assert figures["pprl"]["pprl_high"]["precision"] >= 0.9
