"""The extraction benchmark runs in quick mode (figures only; speed targets live in the benchmark)."""

from __future__ import annotations

from benchmarks import bench_extract


def test_bench_extract_quick_runs(capsys):
    bench_extract.run(quick=True)
    out = capsys.readouterr().out
    assert "docs/s" in out and "peak memory" in out and "start-up" in out


def test_generated_corpus_is_seeded_and_sized():
    docs = bench_extract.make_corpus(6)
    assert docs == bench_extract.make_corpus(6)
    assert all(1900 <= len(d) <= 2400 for d in docs)
