"""Compiled word patterns (``word``, ``word*``, ``...``) matched over a sentence's tokens.

Patterns come from the data files; a pattern is a sequence of steps, each an exact normal form, a prefix on the
surface or normal form, or a gap of up to four words. Patterns are indexed by their first step so a document is
scanned once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ctkit.identify.text.tokens import Token, normalize_phrase

__all__ = ["Pattern", "PatternSet", "compile_pattern"]

GAP = 4


@dataclass(frozen=True, slots=True)
class Pattern:
    """One compiled pattern and the label it stands for."""

    label: str
    steps: tuple[tuple[str, str], ...]  # ("word", norm) | ("prefix", letters) | ("gap", "")
    source: str


def compile_pattern(text: str, lang: str, label: str) -> Pattern:
    """Compile one pattern string for ``lang`` (normal forms by the same rules as the text)."""
    steps: list[tuple[str, str]] = []
    for piece in str(text).split():
        if piece == "...":
            steps.append(("gap", ""))
        elif piece.endswith("*") and len(piece) > 1:
            steps.append(("prefix", piece[:-1].lower().replace("ё", "е")))
        else:
            steps.extend(("word", norm) for norm in normalize_phrase(piece, lang))
    while steps and steps[0][0] == "gap":
        steps.pop(0)
    return Pattern(label, tuple(steps), str(text))


def _step_ok(step: tuple[str, str], token: Token) -> bool:
    kind, value = step
    if kind == "word":
        return token.norm == value
    return token.lower.startswith(value) or token.norm.startswith(value)


def _match_from(steps: tuple[tuple[str, str], ...], tokens: list[Token], i: int, end: int) -> int | None:
    """Index one past the last token when ``steps`` match starting at token ``i``; None otherwise."""
    pos, k = i, 0
    while k < len(steps):
        kind = steps[k][0]
        if kind == "gap":
            k += 1
            for skip in range(GAP + 1):
                if pos + skip >= end:
                    return None
                found = _match_from(steps[k:], tokens, pos + skip, end)
                if found is not None:
                    return found
            return None
        if pos >= end or not _step_ok(steps[k], tokens[pos]):
            return None
        pos += 1
        k += 1
    return pos


class PatternSet:
    """Patterns of one language, indexed by their first step."""

    def __init__(self, patterns: list[Pattern]) -> None:
        self._by_word: dict[str, list[Pattern]] = defaultdict(list)
        self._prefixed: list[Pattern] = []
        for pattern in patterns:
            if not pattern.steps:
                continue
            kind, value = pattern.steps[0]
            if kind == "word":
                self._by_word[value].append(pattern)
            else:
                self._prefixed.append(pattern)
        # prefix -> patterns starting with it: a token looks up each of its own prefixes instead of testing all
        self._by_prefix: dict[str, list[Pattern]] = defaultdict(list)
        for pattern in self._prefixed:
            self._by_prefix[pattern.steps[0][1]].append(pattern)
        self._min = min((len(k) for k in self._by_prefix), default=1)
        self._max = max((len(k) for k in self._by_prefix), default=0)
        self._cache: dict[tuple[str, str], list[Pattern]] = {}

    def _candidates(self, token: Token) -> list[Pattern]:
        key = (token.lower, token.norm)
        cached = self._cache.get(key)
        if cached is None:
            if len(self._cache) > 200_000:  # bound the memory a long batch can take
                self._cache.clear()
            cached = self._cache[key] = self._lookup(token)
        return cached

    def _lookup(self, token: Token) -> list[Pattern]:
        found = list(self._by_word.get(token.norm, ()))
        if self._by_prefix:
            seen: set[str] = set()
            for form in (token.lower, token.norm):
                for n in range(self._min, min(len(form), self._max) + 1):
                    head = form[:n]
                    if head not in seen and head in self._by_prefix:
                        seen.add(head)
                        found.extend(self._by_prefix[head])
        return found

    def find(self, tokens: list[Token], start: int, end: int) -> list[tuple[Pattern, int, int]]:
        """Every (pattern, first token, one past last token) match inside tokens[start:end]."""
        hits = []
        for i in range(start, end):
            for pattern in self._candidates(tokens[i]):
                stop = _match_from(pattern.steps, tokens, i, end)
                if stop is not None:
                    hits.append((pattern, i, stop))
        return hits
