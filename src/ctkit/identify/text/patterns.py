"""Compiled word patterns (``word``, ``word*``, ``a|b*``, ``#``, ``#10+``, ``...``) matched over a sentence's tokens.

Patterns come from the data files; a pattern is a sequence of steps, each an exact normal form, a prefix on the
surface or normal form, a choice between such words (``take|keep|seiz*``), a number (``#``; ``#10+`` for ten or
more, digits or number words), or a gap of up to four words. Choices let a lexicon state a concept as verbs x
objects once instead of listing every pair. Patterns are indexed by their first step so a document is scanned once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ctkit.identify.text.tokens import Token, normalize_phrase

__all__ = ["Pattern", "PatternSet", "compile_pattern", "cue_set"]

GAP = 4
# Russian aspect pairs (imperfective / perfective stems of the verbs the lexicons use): "заставля*" in a lexicon
# also meets "заставили", "отобра*" also meets "отбирали", so a fact is found whatever the aspect of the verb.
_RU_ASPECT_PAIRS = (
    ("заставля", "застави"), ("принужда", "принуди"), ("вынужда", "вынуди"), ("удержива", "удержа"),
    ("выплачива", "выплати"), ("отбира", "отобра"), ("избива", "избил"), ("обманыва", "обману"),
    ("похища", "похити"), ("покупа", "купи"), ("отправля", "отправи"), ("лиша", "лиши"), ("угрожа", "пригрози"),
    ("запира", "запер"), ("отнима", "отня"), ("забира", "забра"), ("изыма", "изъя"), ("склоня", "склони"),
    ("вовлека", "вовлек"), ("запреща", "запрети"), ("разреша", "разреши"), ("позволя", "позволи"),
    ("выпуска", "выпусти"), ("отпуска", "отпусти"), ("продава", "прода"), ("перепродава", "перепрода"),
    ("вербова", "завербова"), ("обеща", "пообеща"), ("увози", "увез"), ("вывози", "вывез"), ("привози", "привез"),
    ("перевози", "перевез"), ("переправля", "переправи"), ("насилова", "изнасилова"), ("вычита", "вычес"),
    ("выдава", "выда"), ("сдава", "сда"), ("прята", "спрята"),
)
_RU_ASPECT = {a: b for a, b in _RU_ASPECT_PAIRS} | {b: a for a, b in _RU_ASPECT_PAIRS}
_NUMBER_KEY = "#number"
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?$")
# Number words a count of hours or people is written with (normal forms: English stem, Russian lemma).
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "eighteen": 18,
    "twenty": 20, "один": 1, "два": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8,
    "девять": 9, "десять": 10, "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14,
    "пятнадцать": 15, "шестнадцать": 16, "восемнадцать": 18, "двадцать": 20,
}


@dataclass(frozen=True, slots=True)
class Pattern:
    """One compiled pattern and the label it stands for."""

    label: str
    # ("word", norm) | ("prefix", letters) | ("alt", (word or prefix steps)) | ("number", minimum) | ("gap", "")
    steps: tuple[tuple, ...]
    source: str
    # the plain words after the first step: a sentence lacking one of them cannot match (a cheap test before matching)
    words: frozenset[str] = frozenset()


def _simple_steps(piece: str, lang: str) -> list[tuple[str, str]]:
    """One word or prefix; a Russian verb prefix also yields the stem of its aspect partner."""
    if piece.endswith("*") and len(piece) > 1:
        letters = piece[:-1].lower().replace("ё", "е")
        partner = _RU_ASPECT.get(letters) if lang == "ru" else None
        return [("prefix", letters)] + ([("prefix", partner)] if partner else [])
    norms = normalize_phrase(piece, lang)
    if len(norms) != 1:
        raise ValueError(f"pattern choice {piece!r} must be one word")
    return [("word", norms[0])]


def _step(alternatives: list[tuple[str, str]]) -> tuple:
    return alternatives[0] if len(alternatives) == 1 else ("alt", tuple(dict.fromkeys(alternatives)))


def compile_pattern(text: str, lang: str, label: str) -> Pattern:
    """Compile one pattern string for ``lang`` (normal forms by the same rules as the text).

    Raises ValueError for a choice (``a|b``) whose alternative is not one word.
    """
    steps: list[tuple] = []
    for piece in str(text).split():
        if piece == "...":
            steps.append(("gap", ""))
        elif piece.startswith("#") and (piece == "#" or piece[1:].rstrip("+").isdigit()):
            steps.append(("number", int(piece[1:].rstrip("+") or 0)))
        elif "|" in piece.strip("|"):
            steps.append(("alt", tuple(dict.fromkeys(
                step for alt in piece.split("|") if alt for step in _simple_steps(alt, lang)))))
        elif piece.endswith("*") and len(piece) > 1:
            steps.append(_step(_simple_steps(piece, lang)))
        else:
            steps.extend(("word", norm) for norm in normalize_phrase(piece, lang))
    while steps and steps[0][0] == "gap":
        steps.pop(0)
    words = frozenset(value for kind, value in steps[1:] if kind == "word")
    return Pattern(label, tuple(steps), str(text), words)


def number_value(token: Token) -> int | None:
    """The value of a number token ("14", "twelve", "двенадцать"), or None."""
    if _DIGITS.match(token.text):
        return int(float(token.text.replace(",", ".")))
    return _NUMBER_WORDS.get(token.lower, _NUMBER_WORDS.get(token.norm))


def _step_ok(step: tuple, token: Token) -> bool:
    kind, value = step
    if kind == "word":
        return token.norm == value
    if kind == "alt":
        return any(_step_ok(alt, token) for alt in value)
    if kind == "number":
        number = number_value(token)
        return number is not None and number >= value
    return token.lower.startswith(value) or token.norm.startswith(value)


def _match_from(steps: tuple[tuple, ...], tokens: list[Token], i: int, end: int) -> int | None:
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
        # prefix -> patterns starting with it: a token looks up each of its own prefixes instead of testing all
        self._by_prefix: dict[str, list[Pattern]] = defaultdict(list)
        for pattern in patterns:
            if not pattern.steps:
                continue
            kind, value = pattern.steps[0]
            for first_kind, first_value in (value if kind == "alt" else ((kind, value),)):
                if first_kind == "number":
                    self._by_word[_NUMBER_KEY].append(pattern)
                else:
                    index = self._by_word if first_kind == "word" else self._by_prefix
                    index[first_value].append(pattern)
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
        if _NUMBER_KEY in self._by_word and number_value(token) is not None:
            found.extend(self._by_word[_NUMBER_KEY])
        if self._by_prefix:
            seen: set[str] = set()
            for form in (token.lower, token.norm):
                for n in range(self._min, min(len(form), self._max) + 1):
                    head = form[:n]
                    if head not in seen and head in self._by_prefix:
                        seen.add(head)
                        found.extend(self._by_prefix[head])
        return list(dict.fromkeys(found))  # a choice may index one pattern under several keys

    def find(self, tokens: list[Token], start: int, end: int) -> list[tuple[Pattern, int, int]]:
        """Every (pattern, first token, one past last token) match inside tokens[start:end]."""
        hits = []
        present: set[str] | None = None
        for i in range(start, end):
            for pattern in self._candidates(tokens[i]):
                if pattern.words:
                    if present is None:
                        present = {t.norm for t in tokens[start:end]}
                    if not pattern.words <= present:
                        continue
                stop = _match_from(pattern.steps, tokens, i, end)
                if stop is not None:
                    hits.append((pattern, i, stop))
        return hits


def cue_set(patterns: list, lang: str) -> PatternSet:
    """A pattern set of cue phrases, each labelled with its own text."""
    return PatternSet([compile_pattern(p, lang, str(p)) for p in patterns])
