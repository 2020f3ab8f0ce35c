"""Language identification for English and Russian only; anything else is named, never guessed into one of them."""

from __future__ import annotations

import re

__all__ = ["detect_language", "SUPPORTED"]

SUPPORTED = ("en", "ru")
_WORD = re.compile(r"[^\W\d_]+")
_EN = frozenset("the and of to in was were is are a for with that by from on her his she he they their as at "
                "had has been be it not this which or an who".split())
_RU = frozenset("и в не на что с по из к у за от как она он они её ее его их был была были это для о но "
                "а же то до при так".split())
_UK = set("іїєґ")
_BE = set("ў")
# A few frequent words of nearby languages, to name them when a text is not English or Russian.
_OTHERS = {"de": "der die das und ist nicht mit von zu den".split(), "pl": "i w nie na się z jest do że".split(),
           "fr": "le la les et des est une dans pour que".split(), "lt": "ir yra kad su iš į".split(),
           "es": "el la los las y que en por una con".split()}


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``: "en", "ru", another code when recognisable, or "und".

    Example: ``detect_language("Её вывезли в Польшу.") == "ru"``.
    """
    sample = text[:20_000]
    words = [w.lower() for w in _WORD.findall(sample)]
    if not words:
        return "und"
    cyrillic = sum(1 for w in words if any("\u0400" <= ch <= "\u04ff" for ch in w))
    letters = set("".join(words))
    if cyrillic > len(words) / 2:
        if letters & _BE and not letters & {"и", "щ"}:
            return "be"
        if len(letters & _UK) >= 2 or ("ї" in letters or "є" in letters):
            return "uk"
        ru_share = sum(1 for w in words if w in _RU) / len(words)
        return "ru" if ru_share >= 0.05 or len(words) < 12 else "und"
    en_share = sum(1 for w in words if w in _EN) / len(words)
    if en_share >= 0.08 or (len(words) < 8 and en_share > 0):
        return "en"
    scores = {code: sum(1 for w in words if w in set(vocab)) / len(words) for code, vocab in _OTHERS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] >= 0.05 else "und"
