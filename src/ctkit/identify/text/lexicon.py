"""The label vocabulary and cue lexicons of one language, compiled once from ``data/labels.yaml`` and ``cues.yaml``.

Categories scan a sentence with one pattern set; a negation or hedge in the same clause drops the match.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from ctkit.identify.text.patterns import PatternSet, compile_pattern
from ctkit.identify.text.tokens import Sentence, Token

__all__ = ["Lexicon", "load_lexicon", "label_vocabulary", "CATEGORIES", "Hit"]

CATEGORIES = ("exploitation", "sectors", "means", "vulnerabilities", "recruitment")


def _data(name: str) -> dict:
    return yaml.safe_load(resources.files("ctkit.identify.text").joinpath("data", name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def label_vocabulary() -> dict[str, tuple[str, ...]]:
    """The public output vocabulary: category -> labels, in the order of ``data/labels.yaml``."""
    labels = _data("labels.yaml")
    return {category: tuple(labels[category]) for category in CATEGORIES}


@dataclass(frozen=True, slots=True)
class Hit:
    category: str
    label: str
    first: int
    last: int


def _set(patterns: list, lang: str, label: str = "") -> PatternSet:
    return PatternSet([compile_pattern(p, lang, label or str(p)) for p in patterns])


class Lexicon:
    """Compiled lexicons of one language ("en" or "ru")."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        labels, cues = _data("labels.yaml"), _data("cues.yaml")
        compiled = []
        for category in CATEGORIES:
            for label, by_lang in labels[category].items():
                compiled += [compile_pattern(p, lang, f"{category}/{label}") for p in by_lang.get(lang, [])]
        self.labels = PatternSet(compiled)
        roles = cues["roles"][lang]
        self.role_cues = {name: _set(values, lang) for name, values in roles.items() if name != "skip"}
        self.skip = frozenset(w.lower() for w in roles["skip"])
        self.persons = _set(cues["persons"][lang], lang)
        self.victim = {name: _set(by_lang[lang], lang) for name, by_lang in cues["victims"].items()}
        negation = cues["negation"]
        self.strong_negation = _set(negation["strong"][lang], lang)
        self.weak_negation = _set(negation["weak"][lang], lang)
        self.clause_breaks = _set(negation["clause_breaks"][lang], lang)

    def category_hits(self, tokens: list[Token], sentence: Sentence) -> list[Hit]:
        """Label matches in one sentence, negated and hedged ones removed.

        A strong cue ("no evidence of", "не удалось установить") governs its whole clause; a weak one ("not", "не")
        the four words after it. A cue inside the match itself ("were not paid") does not negate it.
        """
        matches = self.labels.find(tokens, sentence.first, sentence.last)
        if not matches:
            return []
        lo, hi = sentence.first, sentence.last
        breaks = [first for _p, first, _stop in self.clause_breaks.find(tokens, lo, hi)]
        strong = [(s, e) for _p, s, e in self.strong_negation.find(tokens, lo, hi)]
        # a weak cue inside another match belongs to that fact: "не говорит по-русски и не знает, куда обратиться"
        weak = [(s, e) for _p, s, e in self.weak_negation.find(tokens, lo, hi)
                if not any(first <= s and e <= last for _q, first, last in matches)]
        hits = []
        for pattern, first, last in matches:
            c_start = max([b + 1 for b in breaks if b <= first], default=lo)
            c_end = min([b for b in breaks if b > first], default=hi)
            if any(c_start <= s and e <= c_end and (e <= first or s >= last) for s, e in strong):
                continue
            if any(max(c_start, first - 4) <= s and e <= first for s, e in weak):
                continue
            category, label = pattern.label.split("/", 1)
            hits.append(Hit(category, label, first, last))
        return hits


@lru_cache(maxsize=2)
def load_lexicon(lang: str) -> Lexicon:
    """The compiled lexicon of ``lang``, built once per process."""
    return Lexicon(lang)
