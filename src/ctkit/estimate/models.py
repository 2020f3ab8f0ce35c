"""Hierarchical log-linear models over lists: interaction terms as bit masks, closure, naming and enumeration.

Every model holds the intercept and all main effects; a model is the set of its interaction terms (bit masks with
two or more bits). A model is hierarchical when every sub-term of order two or more of each term is in it too.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from ctkit.errors import ValidationError

Model = frozenset[int]
MAIN_EFFECTS: Model = frozenset()


def order(term: int) -> int:
    return term.bit_count()


def term_sort_key(term: int) -> tuple[int, list[int]]:
    return order(term), bits_of(term)


def bits_of(term: int) -> list[int]:
    return [j for j in range(term.bit_length()) if (term >> j) & 1]


def subterms(term: int) -> list[int]:
    """Sub-terms of order >= 2 of ``term``, excluding the term itself."""
    bits = bits_of(term)
    found = []
    for size in range(2, len(bits)):
        for combo in itertools.combinations(bits, size):
            found.append(sum(1 << b for b in combo))
    return found


def closure(terms: Iterable[int]) -> Model:
    """The smallest hierarchical model holding ``terms``."""
    result = set()
    for term in terms:
        if order(term) >= 2:
            result.add(term)
            result.update(subterms(term))
    return frozenset(result)


def is_hierarchical(model: Iterable[int]) -> bool:
    model = set(model)
    return all(set(subterms(t)) <= model for t in model)


def pairs(n_lists: int) -> list[int]:
    return [(1 << i) | (1 << j) for i, j in itertools.combinations(range(n_lists), 2)]


def all_terms(n_lists: int, max_order: int) -> list[int]:
    """Interaction terms of order 2..max_order, ordered by order then lists."""
    found = []
    for size in range(2, max_order + 1):
        found.extend(sum(1 << b for b in combo) for combo in itertools.combinations(range(n_lists), size))
    return found


def term_name(term: int, lists: Sequence[str]) -> str:
    return ":".join(lists[j] for j in bits_of(term))


def model_names(model: Iterable[int], lists: Sequence[str]) -> list[str]:
    """Interaction terms as ``A:B`` names, in a stable order."""
    return [term_name(t, lists) for t in sorted(model, key=term_sort_key)]


def model_label(model: Iterable[int], lists: Sequence[str]) -> str:
    names = model_names(model, lists)
    return " + ".join(names) if names else "main effects"


def generators(model: Model) -> list[int]:
    """Maximal terms of a hierarchical model (its generating class)."""
    return [t for t in model if not any(t != u and (t & u) == t for u in model)]


def bracket_notation(model: Model, n_lists: int) -> str:
    """The ``[12,13,4]`` notation of Rcapture / MultipleSystemsEstimation (1-based list numbers, up to 9 lists)."""
    maximal = set(generators(model))
    covered = 0
    for t in maximal:
        covered |= t
    singles = [1 << j for j in range(n_lists) if not (covered >> j) & 1]
    roots = sorted(maximal, key=lambda t: (-order(t), bits_of(t))) + singles
    return "[" + ",".join("".join(str(b + 1) for b in bits_of(t)) for t in roots) + "]"


def parse_model(text: str, lists: Sequence[str]) -> Model:
    """Parse ``"A:B + B:C"`` (names), ``"A:B,B:C"`` or ``"[12,23]"`` (1-based numbers); closes hierarchically."""
    text = text.strip()
    if text in {"", "main", "main effects", "[]"}:
        return MAIN_EFFECTS
    index = {name: j for j, name in enumerate(lists)}
    terms = []
    if text.startswith("["):
        for root in re.split(r"\s*,\s*", text.strip("[] ")):
            if not root.isdigit() or any(int(c) < 1 or int(c) > len(lists) for c in root):
                raise ValidationError(f"model term '{root}' does not name lists 1..{len(lists)}")
            terms.append(sum(1 << (int(c) - 1) for c in set(root)))
    else:
        for part in re.split(r"\s*[+,]\s*", text):
            names = [p.strip() for p in part.split(":")]
            unknown = [n for n in names if n not in index]
            if unknown:
                raise ValidationError(f"model term '{part}' names an unknown list")
            terms.append(sum(1 << index[n] for n in set(names)))
    model = closure(terms)
    if any(order(t) >= len(lists) for t in model):
        raise ValidationError(
            "the interaction of all lists cannot be estimated (it is confounded with the dark figure)"
        )
    return model


def enumerate_hierarchical(n_lists: int, max_order: int = 2) -> list[Model]:
    """All hierarchical models with interactions of order 2..max_order (main effects always in).

    ``max_order`` is capped at ``n_lists - 1``: the interaction of all lists is confounded with the dark figure.
    Six lists and order 2 give 2^15 = 32,768 models.
    """
    max_order = min(max_order, n_lists - 1)
    models: list[Model] = [MAIN_EFFECTS]
    for size in range(2, max_order + 1):
        level_terms = all_terms(n_lists, size)[len(all_terms(n_lists, size - 1)) if size > 2 else 0 :]
        extended: list[Model] = []
        for model in models:
            allowed = [t for t in level_terms if set(subterms(t)) <= model]
            if size > 2 and not any(order(t) == size - 1 for t in model):
                extended.append(model)
                continue
            for r in range(len(allowed) + 1):
                for combo in itertools.combinations(allowed, r):
                    extended.append(model | frozenset(combo))
        models = extended
    return models
