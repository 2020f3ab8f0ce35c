"""How many more answers could settle a dimension or a set: the costs behind adaptive questioning.

For a dimension, ``need_yes`` is the fewest still-unasked questions that, answered yes, make it present, and
``need_no`` the fewest that, answered no, make it absent (exact, by search over counts per strength; memoised on
the rule, since only the counts matter). Through a set rule, ``all_of`` adds the costs of proving every child
true and takes the cheapest child to prove false; ``any_of`` the reverse.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache

from ctkit.identify.screening.catalogue import DimensionRule, RuleNode

INF = math.inf
Counts = tuple[int, ...]
_MEMO_LIMIT = 200_000


def dimension_costs(rule: DimensionRule, yes: Counts, fixed: Counts, free: Counts) -> tuple[float, float]:
    """(need_yes, need_no) for one dimension; counts are per strength, in the catalogue's order.

    ``yes``: answered yes; ``fixed``: answered unknown (cannot be asked again); ``free``: not yet asked.
    """
    key = (yes, fixed, free)
    memo = rule.cost_memo
    if key not in memo:
        if len(memo) > _MEMO_LIMIT:
            memo.clear()
        memo[key] = (_need_yes(rule, yes, free), _need_no(rule, yes, fixed, free))
    return memo[key]


def _need_yes(rule: DimensionRule, yes: Counts, free: Counts) -> float:
    if rule.clause_for(_add(yes, free)) is None:
        return INF
    for total in range(sum(free) + 1):
        if any(rule.clause_for(_add(yes, add)) is not None for add in _splits(total, free)):
            return total
    return INF  # unreachable: the full addition holds


def _need_no(rule: DimensionRule, yes: Counts, fixed: Counts, free: Counts) -> float:
    floor = _add(yes, fixed)
    if rule.clause_for(floor) is not None:
        return INF
    maybe = _add(floor, free)
    for total in range(sum(free) + 1):
        for drop in _splits(total, free):
            if rule.clause_for(tuple(m - d for m, d in zip(maybe, drop, strict=True))) is None:
                return total
    return INF  # unreachable: dropping every free answer breaks the rule


def _add(a: Counts, b: Counts) -> Counts:
    return tuple(x + y for x, y in zip(a, b, strict=True))


@lru_cache(maxsize=8192)
def _splits(total: int, caps: Counts) -> tuple[Counts, ...]:
    """Every way to take ``total`` items from bins of sizes ``caps``."""
    if not caps:
        return ((),) if total == 0 else ()
    head, rest = caps[0], caps[1:]
    return tuple((k, *tail) for k in range(min(head, total) + 1) for tail in _splits(total - k, rest))


def node_costs(node: RuleNode, leaf: Mapping[tuple[str, str], tuple[float, float]]) -> tuple[float, float]:
    """(cost to make ``node`` true, cost to make it false) from leaf costs; a missing leaf is false."""
    if not node.children:
        return leaf.get((node.kind, node.ref), (INF, 0.0))
    costs = [node_costs(c, leaf) for c in node.children]
    trues, falses = [c[0] for c in costs], [c[1] for c in costs]
    if node.kind == "all":
        return sum(trues), min(falses)
    return min(trues), sum(falses)


def cheapest_leaf(node: RuleNode, leaf: Mapping[tuple[str, str], tuple[float, float]],
                  target: bool) -> tuple[str, str] | None:
    """The leaf to work on next to prove ``node`` equal to ``target`` by the cheapest route (None if none)."""
    if not node.children:
        key = (node.kind, node.ref)
        cost = leaf.get(key, (INF, 0.0))[0 if target else 1]
        return key if 0 < cost < INF else None
    costs = [(node_costs(c, leaf)[0 if target else 1], i) for i, c in enumerate(node.children)]
    # Every child must be proven when all_of is to be true or any_of false: take the cheapest unfinished one
    # first. Otherwise one child suffices: take the cheapest overall.
    candidates = sorted((cost, i) for cost, i in costs if 0 < cost < INF)
    for _, i in candidates:
        found = cheapest_leaf(node.children[i], leaf, target)
        if found:
            return found
    return None
