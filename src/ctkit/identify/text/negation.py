"""Negation and hedge scope: which lexicon matches in a sentence are denied, doubted or only imagined.

Four kinds of cue, from ``cues.yaml``:

- strong ("no evidence of", "не удалось установить", "unclear whether") and possibility ("may be", "могут быть")
  cues govern their whole clause, except a sector (where people worked stays true when exploitation is doubted);
- weak ("not", "не", "nobody") govern the four words after them, and a match they fall inside unless the pattern
  spells the negation itself ("were not paid" is a fact; "her passport was not taken" is not);
- conditional ("if", "если", "бы") govern the rest of their clause up to the next comma or a word that closes the
  condition ("because", "потому"): "if she had been offered a job abroad, ..." is not a job offer (in English
  only a condition that opens its clause, since commas are loose there);
- after a match: "threats were not made" (English, only auxiliaries between the match and the negation) and the
  Russian genitive of negation, "угроз она не получала" (a genitive noun, then "не" and a verb, no punctuation).

A Russian negative pronoun ("ни", "никто", "никогда") agrees with the "не" of its verb instead of cancelling it,
so it never negates a match that already spells a negation ("ни разу не заплатили" stays a fact).
"""

from __future__ import annotations

from ctkit.identify.text.patterns import Pattern, cue_set
from ctkit.identify.text.tokens import Sentence, Token, normalize_phrase

__all__ = ["NegationScope"]

Match = tuple[Pattern, int, int]
_WEAK_WINDOW = 4
_AFTER_WINDOW = 5
_PUNCT_STOPS = frozenset(",;:()—–")
_VERB_POS = frozenset({"VERB", "INFN", "PRTS", "PRED"})
# words that open a clause of its own after a denied report, which the denial does not reach
_SUBORDINATORS = frozenset({"when", "while", "because", "after", "before", "since", "until", "although", "though",
                            "когда", "потому", "после", "пока", "хотя", "поскольку"})


class NegationScope:
    """The negation, hedge and conditional cues of one language, applied to the matches of one sentence."""

    def __init__(self, cues: dict, lang: str) -> None:
        self.lang = lang
        self.strong = cue_set(cues["strong"][lang], lang)
        self.doubt = cue_set(cues["strong"][lang] + cues["possibility"][lang], lang)
        self.weak = cue_set(cues["weak"][lang], lang)
        self.breaks = cue_set(cues["clause_breaks"][lang], lang)
        self.conditional = cue_set(cues["conditional"][lang], lang)
        self.conditional_ends = cue_set(cues["conditional_ends"][lang], lang)
        self.auxiliaries = cue_set(cues["auxiliaries"][lang], lang)
        self._weak_norms = {normalize_phrase(cue, lang)[0] for cue in cues["weak"][lang] if len(cue.split()) == 1}
        self._concord = frozenset(cues["concord"].get(lang, []))
        self.negative_subjects = cue_set(cues["negative_subjects"][lang], lang)
        self.speech = cue_set(cues["speech_verbs"][lang], lang)

    def _spells_negation(self, pattern: Pattern) -> bool:
        for kind, value in pattern.steps:
            choices = value if kind == "alt" else ((kind, value),)
            if any(k == "word" and v in self._weak_norms for k, v in choices):
                return True
        return False

    def keep(self, tokens: list[Token], sentence: Sentence, matches: list[Match]) -> list[Match]:
        """The matches that are asserted: neither negated, hedged nor conditional."""
        if not matches:
            return []  # most cue scans find nothing: skip the sentence's negation cues
        lo, hi = sentence.first, sentence.last
        breaks = [first for _p, first, _stop in self.breaks.find(tokens, lo, hi)]
        strong = [(s, e) for _p, s, e in self.doubt.find(tokens, lo, hi)]
        existential = self._existential(tokens, lo, hi)
        denied = self._denied_reports(tokens, lo, hi)
        conditional = [s for _p, s, _e in self.conditional.find(tokens, lo, hi)]
        # positions of one-word cues, found once per sentence instead of once per match
        ends = {s for _p, s, _e in self.conditional_ends.find(tokens, lo, hi)} if conditional else set()
        aux = {s for _p, s, e in self.auxiliaries.find(tokens, lo, hi) if e == s + 1}
        # a weak cue inside another match belongs to that fact: "не говорит по-русски и не знает, куда обратиться"
        weak_all = [(s, e) for _p, s, e in self.weak.find(tokens, lo, hi)]
        kept = []
        for match in matches:
            pattern, first, last = match
            c_start = max([b + 1 for b in breaks if b <= first], default=lo)
            c_end = min([b for b in breaks if b > first], default=hi)
            # a sector names where people worked, which a doubt about exploitation leaves standing ("no evidence of
            # forced labour was found at the greenhouse complex")
            descriptive = pattern.label.startswith("sectors/")
            if not descriptive and any(c_start <= s and e <= c_end and (e <= first or s >= last) for s, e in strong):
                continue
            if not descriptive and any(last <= s and not any(tokens[k].text in _PUNCT_STOPS for k in range(last, s))
                                       for s in existential):
                continue
            if not descriptive and any(c_start <= s < first and not any(
                    tokens[k].text in _PUNCT_STOPS or tokens[k].lower in _SUBORDINATORS for k in range(s, first))
                    for s in denied):
                continue  # (but "nobody said anything when the boss beat him": the "when" clause is a fact)
            if self._conditional(tokens, conditional, ends, c_start, first):
                continue
            if self._weak_negated(tokens, match, weak_all, matches, c_start):
                continue
            if self._negated_after(tokens, match, weak_all, aux, c_end):
                continue
            kept.append(match)
        return kept

    def _denied_reports(self, tokens: list[Token], lo: int, hi: int) -> list[int]:
        """"None said they had been forced to work or owed money", "никто из них не жаловался на угрозы": a negative
        subject of a verb of saying denies all that its clause reports, however far after it."""
        subjects = [s for _p, s, _e in self.negative_subjects.find(tokens, lo, hi)]
        if not subjects:
            return []
        verbs = [s for _p, s, _e in self.speech.find(tokens, lo, hi)]
        return [s for s in subjects if any(s < v <= s + 4 for v in verbs)]

    def _existential(self, tokens: list[Token], lo: int, hi: int) -> list[int]:
        """Russian "признаков принудительного труда нет", "угроз не было": a "нет" / "не было" that ends its clause
        denies what stands before it up to the previous comma, like "нет признаков" before it."""
        if self.lang != "ru":
            return []
        found = []
        for k in range(lo, hi):
            start = k - 1 if tokens[k].norm == "быть" and k > lo and tokens[k - 1].norm == "не" else k
            if (tokens[k].norm == "нет" or start < k) and (k + 1 >= hi or not tokens[k + 1].is_word):
                found.append(start)
        return found

    def _conditional(self, tokens: list[Token], cues: list[int], ends: set[int], c_start: int, first: int) -> bool:
        for cue in cues:
            # English: only a condition that opens its clause ("If she had been offered a job, ..."); a trailing
            # "if" states the terms of a deal that often did happen ("cleared the debt if he donated a kidney")
            if self.lang == "en" and any(tokens[k].is_word for k in range(c_start, cue)):
                continue
            if c_start <= cue < first and not any(
                    tokens[k].text in _PUNCT_STOPS or k in ends for k in range(cue + 1, first)):
                return True
        return False

    def _weak_negated(self, tokens: list[Token], match: Match, weak: list[tuple[int, int]], matches: list[Match],
                      c_start: int) -> bool:
        pattern, first, last = match
        spelled = self._spells_negation(pattern)
        for s, e in weak:
            if spelled and tokens[s].norm in self._concord:
                continue  # "ни разу не заплатили": the pronoun agrees with the pattern's own "не"
            if first <= s and e <= last:
                if not spelled:
                    return True  # "her passport was not taken": the negation sits in the pattern's gap
                continue
            if any(f <= s and e <= la for p, f, la in matches if (p, f, la) != match):
                continue  # the cue is part of another fact
            if max(c_start, first - _WEAK_WINDOW) <= s and e <= first:
                return True
        return False

    def _negated_after(self, tokens: list[Token], match: Match, weak: list[tuple[int, int]], aux: set[int],
                       c_end: int) -> bool:
        _pattern, first, last = match
        stop = min(c_end, last + _AFTER_WINDOW)
        for s, _e in weak:
            if not last <= s < stop or any(tokens[k].text in _PUNCT_STOPS for k in range(last, s)):
                continue
            if self.lang == "ru":
                head = tokens[last - 1]
                follows = tokens[s + 1] if s + 1 < len(tokens) else None
                before = tokens[first - 1].pos if first > 0 else ""
                if follows is None or follows.pos not in _VERB_POS or tokens[s].norm != "не":
                    continue
                if last - first == 1 and head.pos == "NOUN" and "gent" in head.cases and before != "PREP":
                    return True
                # "паспорта у работодателей не хранились": a fact named without its verb, whose verb follows negated
                if s == last and not any(tokens[k].pos in _VERB_POS | {"PRTF", "GRND"} for k in range(first, last)):
                    return True
            elif s > last and all(k in aux for k in range(last, s)):
                return True  # "threats were not made", "violence was never used"
        return False
