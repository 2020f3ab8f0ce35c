"""Screening speed and questions saved.

Figures (CPU time of this process): outcome + explanation for one full answer set (target < 1 ms);
next-question choice (target < 5 ms) against the naive chooser that re-evaluates the screening for every
candidate answer; mean questions asked adaptively over the training vignettes against asking every question
(and against the naive chooser).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import replace

from ctkit.identify.screening import (
    choose_next,
    evaluate,
    explain,
    get_catalogue,
    load_vignettes,
    naive_next,
    run_session,
)

# CPU time of this process, not wall time: on a shared machine wall time measures the other processes too.
_clock = time.process_time


def _per_call(fn: Callable[[], object], repeat: int) -> float:
    """CPU seconds per call: the best of 10 timed batches (as timeit advises)."""
    batch = max(1, repeat // 10)
    times = []
    for _ in range(10):
        start = _clock()
        for _ in range(batch):
            fn()
        times.append((_clock() - start) / batch)
    return min(times)


def run(quick: bool) -> None:
    """Print the figures; ``quick`` uses fewer repetitions and vignettes (smoke test)."""
    cat = get_catalogue()
    vignettes = load_vignettes(cat)
    chosen = vignettes[:4] if quick else vignettes
    repeat = 50 if quick else 2000
    full = next(v for v in vignettes if v.exploitation == ("labour", "sexual"))
    full_inp = full.key_input(cat)

    def outcome_and_explanation() -> None:
        explain(evaluate(cat, full_inp), "en")

    t_eval = _per_call(outcome_and_explanation, repeat)
    print(f"outcome + explanation, full answers ({len(full.key)} facts, 2 sets): {t_eval * 1e3:.3f} ms "
          f"(target < 1 ms)")

    # Next-question choice on a half-answered screening, fast chooser vs naive re-evaluation.
    half = dict(list(full.key.items())[: len(full.key) // 2])
    half_inp = replace(full_inp, answers=half)
    half_result = evaluate(cat, half_inp)
    t_next = _per_call(lambda: choose_next(cat, half_inp, half_result), repeat)
    t_naive = _per_call(lambda: naive_next(cat, half_inp, half_result), max(10, repeat // 50))
    print(f"next question: {t_next * 1e3:.3f} ms (target < 5 ms); naive re-evaluation: {t_naive * 1e3:.2f} ms; "
          f"speed-up x{t_naive / t_next:.0f}")

    asked, naive_asked, total, choice_times = [], [], [], []
    cat.dimension_rule.cost_memo.clear()  # every choice below starts from cold question costs

    def timed_choice(c, inp, result):
        started = _clock()
        fact = choose_next(c, inp, result)
        choice_times.append(_clock() - started)
        return fact

    # The naive chooser costs ~100 ms a question: in quick mode it replays one vignette only.
    naive_ids = {v.id for v in (chosen[:1] if quick else chosen)}
    for v in chosen:
        start = replace(v.key_input(cat), answers={})
        session = run_session(cat, start, v.key, timed_choice)
        if session.result.outcome != v.expected_outcome:
            raise AssertionError(f"adaptive session on {v.id} ended {session.result.outcome}")
        asked.append(len(session.asked))
        if v.id in naive_ids:
            naive_asked.append(len(run_session(cat, start, v.key, naive_next).asked))
        total.append(len(v.key))
    mean_asked, mean_total = statistics.mean(asked), statistics.mean(total)
    print(f"questions over {len(chosen)} vignettes: adaptive mean {mean_asked:.1f}, naive chooser mean "
          f"{statistics.mean(naive_asked):.1f} (over {len(naive_asked)}), all questions mean {mean_total:.1f}; "
          f"adaptive asks {mean_asked / mean_total:.0%} of the list ({1 - mean_asked / mean_total:.0%} saved)")
    print(f"next question during those sessions (cold cost cache): mean {statistics.mean(choice_times) * 1e3:.3f} ms, "
          f"max {max(choice_times) * 1e3:.2f} ms over {len(choice_times)} choices")
