"""The label vocabulary and cue lexicons of one language, compiled once from ``data/labels.yaml`` and ``cues.yaml``.

Categories scan a sentence with one pattern set; a negation, hedge or condition in scope drops the match.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from ctkit.identify.text.negation import NegationScope
from ctkit.identify.text.patterns import PatternSet, compile_pattern, cue_set
from ctkit.identify.text.tokens import Sentence, Token

__all__ = ["Lexicon", "load_lexicon", "label_vocabulary", "CATEGORIES", "Hit"]

CATEGORIES = ("exploitation", "sectors", "means", "vulnerabilities", "recruitment")
_RECRUITING_WINDOW = 12  # words either side of a relative or acquaintance where the recruiting verb must be


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
        self.role_cues = {name: cue_set(values, lang) for name, values in roles.items() if name != "skip"}
        self.skip = frozenset(w.lower() for w in roles["skip"])
        self.persons = cue_set(cues["persons"][lang], lang)
        self.victim = {name: cue_set(by_lang[lang], lang) for name, by_lang in cues["victims"].items()}
        self.recruiting = cue_set(cues["recruiting"][lang], lang)
        self.recruiter_roles = cue_set(cues["recruiter_roles"][lang], lang)
        self.recruiter_verbs = cue_set(cues["recruiter_verbs"][lang], lang)
        self.negation = NegationScope(cues["negation"], lang)
        self.household = cue_set(cues["household_kin"][lang], lang)
        self.obligation = cue_set(cues["obligation"][lang], lang)
        self.dispute = cue_set(cues["labour_dispute"][lang], lang)
        self.freedom = cue_set(cues["freedom"][lang], lang)
        self.goods = cue_set(cues["goods"][lang], lang)
        self.employer = cue_set(cues["employer_actors"][lang], lang)
        self.pay_words = cue_set(cues["pay_words"][lang], lang)
        self.implied = {form: cue_set(by_lang[lang], lang) for form, by_lang in cues["implied"].items()}

    def category_hits(self, tokens: list[Token], sentence: Sentence) -> list[Hit]:
        """Label matches in one sentence, negated, hedged and conditional ones removed (see ``negation.py``); a
        personal contact only next to a verb of recruiting, taking or selling someone."""
        matches = self.labels.find(tokens, sentence.first, sentence.last)
        if not matches:
            return []
        hits = []
        recruiting: list[int] | None = None
        for pattern, first, last in self.negation.keep(tokens, sentence, matches):
            category, label = pattern.label.split("/", 1)
            if label == "personal_contact":
                if recruiting is None:
                    recruiting = [s for _p, s, _e in self.recruiting.find(tokens, sentence.first, sentence.last)]
                if not any(first - _RECRUITING_WINDOW <= s < last + _RECRUITING_WINDOW for s in recruiting):
                    continue  # "borrowed from relatives": a relative, but nobody recruited near it
            hits.append(Hit(category, label, first, last))
        return hits + self._role_recruiters(tokens, sentence, hits)

    def _role_recruiters(self, tokens: list[Token], sentence: Sentence, hits: list[Hit]) -> list[Hit]:
        """"told about the job by a broker", "посредник собрал нас": a go-between named by a trade, beside a verb of
        recruiting or telling someone about work, is organised targeting."""
        if any(h.label == "organised_targeting" for h in hits):
            return []
        roles = self.negation.keep(tokens, sentence, self.recruiter_roles.find(tokens, sentence.first, sentence.last))
        if not roles:
            return []
        verbs = [s for _p, s, _e in self.recruiter_verbs.find(tokens, sentence.first, sentence.last)]
        for _p, first, last in roles:
            if any(first - _RECRUITING_WINDOW <= s < last + _RECRUITING_WINDOW for s in verbs):
                return [Hit("recruitment", "organised_targeting", first, last)]
        return []


@lru_cache(maxsize=2)
def load_lexicon(lang: str) -> Lexicon:
    """The compiled lexicon of ``lang``, built once per process."""
    return Lexicon(lang)
