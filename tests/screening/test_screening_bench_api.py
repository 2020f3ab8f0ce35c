"""The benchmark runs (quick), and the public API is pinned."""

from __future__ import annotations

import ctkit.identify.screening as screening


def test_benchmark_quick(capsys):
    from benchmarks import bench_screening

    bench_screening.run(quick=True)
    out = capsys.readouterr().out
    assert "outcome + explanation" in out and "next question" in out and "saved" in out


def test_public_api_is_pinned():
    assert sorted(screening.__all__) == sorted([
        "ASK_MORE", "BUILTIN_CATALOGUE_ID", "INSUFFICIENT", "REFER", "Catalogue", "ClassReport", "DimensionResult",
        "Question", "ScreeningInput", "ScreeningResult", "Session", "SetResult", "TraineeScore", "Vignette",
        "catalogue_from_data", "catalogue_ids", "check_language", "choose_next", "class_report", "cohen_kappa",
        "evaluate", "explain", "explanation_data", "feedback", "get_catalogue", "get_vignette",
        "input_from_document", "interview", "load_catalogue", "load_vignettes", "naive_next", "next_questions",
        "prepare_input", "question", "questions", "register_catalogue", "result_document", "run_session",
        "score_trainee", "screen", "unregister_catalogue",
    ])
    assert all(hasattr(screening, name) for name in screening.__all__)
