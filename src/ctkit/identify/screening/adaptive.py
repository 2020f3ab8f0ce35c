"""Adaptive questioning: which unanswered question can most change the outcome, asked next.

The chooser reads the result it is given (no re-evaluation of the screening): for each undecided set it
estimates how many answers could settle it either way (``costs``) and works on the cheapest route.
``naive_next`` is the slow baseline that re-evaluates the screening for every candidate answer; the benchmark
compares the two.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from ctkit.identify.screening.answers import NO, UNKNOWN, YES, ScreeningInput
from ctkit.identify.screening.catalogue import Catalogue, ScreeningSet
from ctkit.identify.screening.costs import INF, cheapest_leaf, dimension_costs, node_costs
from ctkit.identify.screening.engine import evaluate
from ctkit.identify.screening.result import ABSENT, ASK_MORE, PRESENT, DimensionResult, ScreeningResult, SetResult

Chooser = Callable[[Catalogue, ScreeningInput, ScreeningResult], "str | None"]
YES_PRIOR = 0.25
"""Share of questions expected to be answered yes; tunes the chooser only, never an outcome."""
LeafCosts = dict[tuple[str, str], tuple[float, float]]


def next_questions(result: ScreeningResult, limit: int = 5) -> list[str]:
    """Up to ``limit`` facts to ask next, best first; empty when the outcome is decided.

    For each undecided set the chooser takes the cheaper way to settle it (prove the rule met, or out of
    reach), follows the cheapest branch to a dimension, and asks that dimension's strongest unasked question.
    Facts chosen for several sets come first; then the rest of the open facts, most open dimensions and
    strongest first. Facts already answered (even ``unknown``) are never proposed again. Example:
    ``next_questions(screen({}, age=30, exploitation="labour"), 1)`` -> ``["ex_excessive_hours@destination"]``.
    """
    if result.outcome != ASK_MORE:
        return []
    cat = result.catalogue
    rank = {s: i for i, s in enumerate(cat.strengths)}
    order = {f: i for i, f in enumerate(cat.fact_order)}
    picks: dict[str, list[float]] = {}
    fallback: dict[str, list[int]] = {}
    for sid, s in result.sets.items():
        if s.outcome != ASK_MORE:
            continue
        cset = cat.sets[sid]
        leaf = _leaf_costs(cat, cset, s, result.answers)
        cost = min(node_costs(cset.rule.root, leaf))
        for position, fact in enumerate(_set_pick(cset, s, result.answers, rank, leaf)):
            entry = picks.setdefault(fact, [0, INF, INF])
            entry[0] -= 1
            entry[1], entry[2] = min(entry[1], cost), min(entry[2], position)
        for fact in s.open_facts:
            if fact not in result.answers:
                entry2 = fallback.setdefault(fact, [0, len(rank)])
                entry2[0] -= 1
                entry2[1] = min(entry2[1], rank.get(cset.strength_of.get(fact, ""), -1))
    first = sorted(picks, key=lambda f: (*picks[f], order.get(f, INF)))
    rest = sorted((f for f in fallback if f not in picks), key=lambda f: (*fallback[f], order.get(f, INF)))
    return (first + rest)[:limit]


def _leaf_costs(cat: Catalogue, cset: ScreeningSet, s: SetResult, answers: Mapping[str, str]) -> LeafCosts:
    leaf: LeafCosts = {}
    for d, r in s.dimensions.items():
        if r.status == PRESENT:
            leaf[("dim", d)] = (0.0, INF)
        elif r.status == ABSENT:
            leaf[("dim", d)] = (INF, 0.0)
        else:
            leaf[("dim", d)] = dimension_costs(cat.dimension_rule, *_counts(cat.strengths, cset, r, answers))
    for f, v in s.facts.items():
        if v == UNKNOWN:
            # A fact answered "unknown" is not asked again, so it can no longer settle anything.
            leaf[("fact", f)] = (INF, INF) if f in answers else (1.0, 1.0)
        else:
            leaf[("fact", f)] = (0.0, INF) if v == YES else (INF, 0.0)
    return leaf


def _counts(strengths: tuple[str, ...], cset: ScreeningSet, r: DimensionResult,
            answers: Mapping[str, str]) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    index = {k: i for i, k in enumerate(strengths)}
    yes, fixed, free = [0] * len(strengths), [0] * len(strengths), [0] * len(strengths)
    for f in r.yes:
        yes[index[cset.strength_of[f]]] += 1
    for f in r.unknown:
        (fixed if f in answers else free)[index[cset.strength_of[f]]] += 1
    return tuple(yes), tuple(fixed), tuple(free)


def _set_pick(cset: ScreeningSet, s: SetResult, answers: Mapping[str, str], rank: dict[str, int],
              leaf: LeafCosts) -> list[str]:
    """The unasked facts to work on for one undecided set, best first."""
    cost_true, cost_false = node_costs(cset.rule.root, leaf)
    # Most indicators are answered no, even for victims: a yes costs about 1/p questions, a no about 1/(1-p).
    prefer_true = cost_true / YES_PRIOR <= cost_false / (1 - YES_PRIOR)
    for target in ((True, False) if prefer_true else (False, True)):
        chosen = cheapest_leaf(cset.rule.root, leaf, target)
        if chosen is None:
            continue
        kind, ref = chosen
        if kind == "fact":
            return [ref]
        unknown = [f for f in s.dimensions[ref].unknown if f not in answers]
        return sorted(unknown, key=lambda f: rank[cset.strength_of[f]])
    return []


def choose_next(catalogue: Catalogue, inp: ScreeningInput, result: ScreeningResult) -> str | None:
    """The adaptive chooser as a :data:`Chooser`: the best next fact, or None when nothing is left to ask."""
    best = next_questions(result, limit=1)
    return best[0] if best else None


def naive_next(catalogue: Catalogue, inp: ScreeningInput, result: ScreeningResult) -> str | None:
    """Baseline chooser: re-evaluate the screening for a yes and a no on every unanswered fact, and pick the
    fact whose answers decide the most sets (ties: catalogue order). Correct but slow."""
    if result.outcome != ASK_MORE:
        return None
    facts = set().union(*(catalogue.sets[s].facts() for s in inp.set_ids))
    best, best_score = None, -1
    for fact in catalogue.fact_order:
        if fact not in facts or fact in inp.answers:
            continue
        score = 0
        for value in (YES, NO):
            trial = evaluate(catalogue, replace(inp, answers={**inp.answers, fact: value}))
            score += sum(1 for s in trial.sets.values() if s.outcome != ASK_MORE)
            score += 2 if trial.outcome != ASK_MORE else 0
        if score > best_score:
            best, best_score = fact, score
    return best


@dataclass(frozen=True)
class Session:
    """What an adaptive session asked, and the result it reached."""

    asked: tuple[str, ...]
    result: ScreeningResult


def interview(catalogue: Catalogue, inp: ScreeningInput, ask: Callable[[str], str | None],
              chooser: Chooser = choose_next) -> Session:
    """Run an adaptive screening: ``ask(fact)`` returns yes / no / unknown, or None to stop early.

    Questions come in ``chooser`` order until the outcome is decided, nothing useful is left to ask, or
    ``ask`` stops. Starts from ``inp``'s answers. Used by the terminal, the web pages and the benchmark.
    """
    answers = dict(inp.answers)
    asked: list[str] = []
    current = inp
    result = evaluate(catalogue, current)
    while (fact := chooser(catalogue, current, result)) is not None:
        value = ask(fact)
        if value is None:
            break
        asked.append(fact)
        answers[fact] = value
        current = replace(inp, answers=dict(answers))
        result = evaluate(catalogue, current)
    return Session(tuple(asked), result)


def run_session(catalogue: Catalogue, inp: ScreeningInput, truth: Mapping[str, str],
                chooser: Chooser = choose_next) -> Session:
    """An interview answered from ``truth`` (fact -> value; a missing fact is answered unknown)."""
    return interview(catalogue, inp, lambda fact: truth.get(fact, UNKNOWN), chooser)
