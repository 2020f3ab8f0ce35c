"""The rule engine: tri-state answers -> dimension statuses -> set outcomes -> overall outcome.

Three-valued (Kleene) logic throughout: a dimension is present if the catalogue's strength rule holds on the
yes answers, indeterminate if it would hold were every unknown a yes, absent otherwise. In the shipped catalogue
each fact feeds one dimension per set and each dimension appears once in a set rule, so Kleene evaluation is
exact: ``refer`` means every completion of the unknowns refers, ``insufficient`` means none does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ctkit.identify.screening.answers import NO, UNKNOWN, YES, ScreeningInput, prepare_input
from ctkit.identify.screening.catalogue import Catalogue, RuleNode, ScreeningSet
from ctkit.identify.screening.registry import get_catalogue
from ctkit.identify.screening.result import (
    ABSENT,
    ASK_MORE,
    INDETERMINATE,
    INSUFFICIENT,
    PRESENT,
    REFER,
    DimensionResult,
    ScreeningResult,
    SetResult,
)

Tri = bool | None
_TRI_OF_STATUS: dict[str, Tri] = {PRESENT: True, ABSENT: False, INDETERMINATE: None}
_TRI_OF_ANSWER: dict[str, Tri] = {YES: True, NO: False, UNKNOWN: None}
_OUTCOME_OF_TRI = {True: REFER, False: INSUFFICIENT, None: ASK_MORE}


def screen(
    answers: Mapping[str, Any],
    *,
    age: int | None,
    exploitation: list[str] | str,
    sets: list[str] | None = None,
    catalogue: Catalogue | str | None = None,
) -> ScreeningResult:
    """Screen one person: validate the input and evaluate it on a registered catalogue (default: built-in).

    Example: ``screen({"dec_job_nature": "yes"}, age=34, exploitation=["labour"]).outcome`` -> ``"ask_more"``.
    Raises ValidationError (bad input, naming the key) or NotFoundError (unknown catalogue id).
    """
    cat = catalogue if isinstance(catalogue, Catalogue) else get_catalogue(catalogue or "ilo-ec-2009")
    return evaluate(cat, prepare_input(cat, age=age, exploitation=exploitation, answers=answers, sets=sets))


def evaluate(catalogue: Catalogue, inp: ScreeningInput) -> ScreeningResult:
    """Evaluate prepared input; pure and fast (well under a millisecond for a full answer set)."""
    results = {sid: _evaluate_set(catalogue, catalogue.sets[sid], inp) for sid in inp.set_ids}
    outcomes = {r.outcome for r in results.values()}
    # Any set that refers is enough to refer; only when every set is out of reach is the screening insufficient.
    overall = REFER if REFER in outcomes else INSUFFICIENT if outcomes == {INSUFFICIENT} else ASK_MORE
    return ScreeningResult(catalogue, inp.age, inp.populations, inp.exploitation, overall, results,
                           dict(inp.answers))


def _evaluate_set(catalogue: Catalogue, s: ScreeningSet, inp: ScreeningInput) -> SetResult:
    rule = catalogue.dimension_rule
    answers = inp.answers
    levels = len(catalogue.strengths)
    dims: dict[str, DimensionResult] = {}
    for sd in s.dimensions:
        yes_counts, maybe_counts = [0] * levels, [0] * levels
        yes, unknown = [], []
        for ind, level in zip(sd.indicators, sd.strength_index, strict=True):
            value = answers.get(ind.fact, UNKNOWN)
            if value == YES:
                yes.append(ind.fact)
                yes_counts[level] += 1
                maybe_counts[level] += 1
            elif value == UNKNOWN:
                unknown.append(ind.fact)
                maybe_counts[level] += 1
        clause = rule.clause_for(tuple(yes_counts))
        if clause is not None:
            status = PRESENT
        else:
            status = INDETERMINATE if rule.clause_for(tuple(maybe_counts)) is not None else ABSENT
        dims[sd.dimension] = DimensionResult(sd.dimension, status, tuple(yes), tuple(unknown),
                                             clause.raw if clause else None, False)
    facts = {f: inp.value(f) for f in sorted(s.rule.root.references("fact"))}
    leaf = _leaf_values(dims, facts)
    value = kleene(s.rule.root, leaf)
    dims, open_facts = _mark_critical(s.rule.root, value, dims, facts, leaf)
    failed = _failed_branches(s.rule.root, leaf) if value is False else ()
    return SetResult(s.id, _OUTCOME_OF_TRI[value], s.rule.id, s.rule.variant, dims, facts, failed, open_facts)


def _leaf_values(dims: dict[str, DimensionResult], facts: dict[str, str]) -> dict[tuple[str, str], Tri]:
    leaf: dict[tuple[str, str], Tri] = {("dim", d): _TRI_OF_STATUS[r.status] for d, r in dims.items()}
    leaf.update({("fact", f): _TRI_OF_ANSWER[v] for f, v in facts.items()})
    return leaf


def kleene(node: RuleNode, leaf: Mapping[tuple[str, str], Tri]) -> Tri:
    """Kleene three-valued value of a rule node; a dimension missing from the set counts as absent."""
    if node.kind in ("dim", "fact"):
        return leaf.get((node.kind, node.ref), False)
    values = [kleene(c, leaf) for c in node.children]
    decisive = False if node.kind == "all" else True
    if decisive in values:
        return decisive
    return None if None in values else not decisive


def _mark_critical(root: RuleNode, value: Tri, dims: dict[str, DimensionResult], facts: dict[str, str],
                   leaf: dict[tuple[str, str], Tri]) -> tuple[dict[str, DimensionResult], tuple[str, ...]]:
    """Flag undecided leaves whose value can still change the set's outcome, and list their unknown facts."""
    if value is not None:
        return dims, ()
    critical: set[tuple[str, str]] = set()
    _relevant_leaves(root, leaf, critical)
    out = {d: (DimensionResult(r.dimension, r.status, r.yes, r.unknown, r.clause, True)
               if ("dim", d) in critical else r) for d, r in dims.items()}
    open_facts = [f for f in facts if ("fact", f) in critical]
    open_facts += [f for d, r in out.items() if r.critical for f in r.unknown]
    return out, tuple(open_facts)


def _relevant_leaves(node: RuleNode, leaf: Mapping[tuple[str, str], Tri], out: set[tuple[str, str]]) -> None:
    """Collect the undecided leaves under an undecided ``node`` that some completion makes pivotal.

    A leaf matters unless a sibling on its path already decides the parent (a false sibling under ``all``, a
    true one under ``any``); exact when each leaf appears once in the rule, as in the shipped catalogue.
    """
    if not node.children:
        if leaf.get((node.kind, node.ref), False) is None:
            out.add((node.kind, node.ref))
        return
    decisive = node.kind != "all"
    values = [kleene(c, leaf) for c in node.children]
    for i, child in enumerate(node.children):
        if values[i] is None and not any(v is decisive for j, v in enumerate(values) if j != i):
            _relevant_leaves(child, leaf, out)


def _failed_branches(node: RuleNode, leaf: Mapping[tuple[str, str], Tri]) -> tuple[tuple[str, ...], ...]:
    """For a false ``all`` node, the child branches that are false, each as the leaf ids it covers."""
    if node.kind != "all":
        return (tuple(sorted(node.references("dim") | node.references("fact"))),)
    out = []
    for child in node.children:
        if kleene(child, leaf) is False:
            out.append(tuple(lf.ref for lf in _leaves(child)))
    return tuple(out)


def _leaves(node: RuleNode) -> list[RuleNode]:
    return [node] if not node.children else [leaf for c in node.children for leaf in _leaves(c)]
