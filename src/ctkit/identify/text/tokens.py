"""Tokenise and lemmatise a document once: razdel + pymorphy3 for Russian, a small rule-based pipeline for English.

Every token keeps its character offsets into the original text, so evidence spans are exact slices.
``norm`` is the form every lexicon and gazetteer lookup uses: the pymorphy3 normal form for Russian, a crude
but symmetric stem for English (lexicon entries go through the same function, so both sides agree).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Token", "Sentence", "tokenize", "normalize_phrase", "english_stem", "fold", "morph", "ru_stem", "ru_parses"]

# Words an English stemmer must not cut ("news" is not a plural, "was" is "be").
_EN_IRREGULAR = {
    "was": "be", "were": "be", "is": "be", "are": "be", "been": "be", "being": "be", "am": "be",
    "has": "have", "had": "have", "having": "have", "did": "do", "does": "do", "done": "do",
    "sold": "sell", "brought": "bring", "held": "hold", "kept": "keep",
    "paid": "pay", "unpaid": "unpay", "led": "lead", "went": "go",
    "gone": "go", "fled": "flee", "beaten": "beat", "beat": "beat", "men": "man",
    "women": "woman", "children": "child", "people": "person", "persons": "person", "told": "tell",
    "found": "find", "got": "get", "gotten": "get", "threatened": "threaten",
    "said": "say", "sent": "send", "met": "meet",
    "news": "news", "lives": "live", "wives": "wife", "housewives": "housewife", "bus": "bus",
    "girls": "girl", "boys": "boy", "minors": "minor", "this": "this", "his": "his", "as": "as",
    "us": "us", "its": "its",
    "care": "care", "cares": "care", "cared": "care", "caring": "care", "series": "series", "status": "status",
    "virus": "virus", "abuses": "abuse",
    # adjectives in -ing that are no verb forms ("neighbouring countries" are not neighbours)
    "neighbouring": "neighbouring", "neighboring": "neighboring",
}
# Irregular (and e-final) verb forms: stemmed as their base form, so "took", "taken", "takes" and "taking" all meet
# "take" in a lexicon, and "forced" meets "forcing".
_EN_VERB_FORMS = {
    "took": "take", "taken": "take", "made": "make", "left": "leave", "forced": "force", "seized": "seize",
    "lured": "lure", "owed": "owe", "came": "come", "bought": "buy", "caught": "catch", "stole": "steal",
    "stolen": "steal", "fed": "feed", "slept": "sleep", "broke": "break", "broken": "break", "drove": "drive",
    "driven": "drive", "spoke": "speak", "spoken": "speak", "gave": "give", "given": "give", "ran": "run",
    "hid": "hide", "hidden": "hide", "lost": "lose", "struck": "strike", "forbade": "forbid",
    "forbidden": "forbid", "knew": "know", "known": "know", "saw": "see", "seen": "see", "became": "become",
    "ate": "eat", "eaten": "eat", "wrote": "write", "written": "write", "felt": "feel", "fell": "fall",
    "fallen": "fall", "flew": "fly", "flown": "fly", "grew": "grow", "sought": "seek", "shot": "shoot",
    "spent": "spend", "stood": "stand", "swore": "swear", "sworn": "swear", "taught": "teach", "threw": "throw",
    "thrown": "throw", "understood": "understand", "withheld": "withhold", "won": "win", "lent": "lend",
    "meant": "mean", "dealt": "deal", "bound": "bind", "bit": "bite", "bitten": "bite", "burnt": "burn",
    "chose": "choose", "chosen": "choose", "drank": "drink", "drunk": "drink", "froze": "freeze",
    "hung": "hang", "misled": "mislead", "overcame": "overcome", "rode": "ride",
    "ridden": "ride", "rose": "rise", "risen": "rise", "sang": "sing", "shook": "shake", "shaken": "shake",
    "slid": "slide", "stuck": "stick", "tore": "tear", "torn": "tear", "woke": "wake", "wore": "wear",
    "worn": "wear", "thought": "think", "heard": "hear", "built": "build", "sat": "sit", "kidnapped": "kidnap",
}
_EN_TOKEN = re.compile(r"\w+(?=n't\b)|n't\b|\w+(?:-\w+)*|[^\w\s]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'»”)]*\s+(?=[\"'«“(]*[A-ZА-ЯЁ0-9])|\n\s*\n")
# Abbreviations after which a full stop does not end a sentence.
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|No|Art|approx|e\.g|i\.e|etc|vs|Jan|Feb|Aug|Sept|Oct|Nov|Dec|"
                     r"г|гг|обл|ул|им|т\.е|т\.д|ст|ч|п|р-н|св|др|руб|тыс|млн|чел)\.)$", re.IGNORECASE)


@dataclass(slots=True)
class Token:
    """One word or punctuation mark with its offsets, normal form and (Russian) grammatical facts."""

    text: str
    start: int
    end: int
    norm: str
    lower: str
    sent: int
    cases: frozenset[str] = frozenset()
    pos: str = ""
    geox: bool = False
    cyr: bool = False  # analysed by the Russian morphology

    @property
    def key(self) -> str:
        """Gazetteer key: the lemma for Russian words, the accent-folded lower case for anything else."""
        return self.norm if self.cyr else fold(self.lower)

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalnum()


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    first: int  # index of its first token
    last: int  # index one past its last token


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """Lower case without accents ("Gdańsk" -> "gdansk"); Cyrillic "ё" becomes "е"."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("ё", "е").replace("ł", "l"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) or ch == "\u0306")


_RU_ENDINGS = sorted(
    "а я у ю е и ы о ой ей ом ем ам ям ах ях ами ями ую юю ий ый ая яя ое ее ого его ому ему ым им ых их".split(),
    key=len, reverse=True)


def ru_stem(word: str) -> str:
    """Strip one Russian case ending: a fallback key for names the morphology does not know ("Тильзите")."""
    w = word.lower().replace("ё", "е")
    for ending in _RU_ENDINGS:
        if w.endswith(ending) and len(w) - len(ending) >= 3:
            return w[: -len(ending)]
    return w


def english_stem(word: str) -> str:
    """Crude, symmetric English stem: irregular forms, then plural / past / gerund suffixes, then a final 'e'."""
    w = word.lower()
    if w in _EN_IRREGULAR:
        return _EN_IRREGULAR[w]
    w = _EN_VERB_FORMS.get(w, w)
    if len(w) <= 3:
        return w
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith(("ss", "us", "is")):
            w = w[: len(w) - len(suffix)] + repl
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] in "bdgmnprt":
        w = w[:-1]  # "trafficked" -> "traffick", "robbed" -> "rob"
    return w[:-1] if w.endswith("e") and len(w) > 3 else w


@lru_cache(maxsize=1)
def morph():
    """The one pymorphy3 analyser (dictionaries ship inside the package; nothing is downloaded)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def ru_parses(word: str) -> tuple:
    """All pymorphy3 analyses of a lower-case word (cached: the gazetteer build and the text share them)."""
    return tuple(morph().parse(word))


@lru_cache(maxsize=200_000)
def _ru_analyse(word: str, capitalized: bool) -> tuple[str, frozenset[str], str, bool]:
    parses = ru_parses(word)
    best = parses[0]
    if capitalized and best.tag.POS in {None, "NOUN", "ADJF"}:
        # A capitalised noun is more likely a name: prefer a geographic reading when one exists
        # (but "Там" at the start of a sentence stays an adverb, not the Japanese city of Tama).
        best = next((p for p in parses if "Geox" in p.tag), best)
    same = [p for p in parses if p.normal_form == best.normal_form]
    cases = frozenset(str(p.tag.case) for p in same if p.tag.case)
    return best.normal_form.replace("ё", "е"), cases, str(best.tag.POS or ""), "Geox" in best.tag


def _ru_tokens(text: str) -> list[tuple[str, int, int]]:
    from razdel import tokenize as rz

    return [(t.text, t.start, t.stop) for t in rz(text)]


def _en_tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _EN_TOKEN.finditer(text)]


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if _ABBREV.search(text[max(start, m.start() - 8): m.start()]):
            continue
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(text)))
    return [(s, e) for s, e in bounds if text[s:e].strip()]


def _make_token(raw: tuple[str, int, int], lang: str, sent: int) -> Token:
    word, start, end = raw
    lower = word.lower()
    if lang == "ru" and any("а" <= ch <= "я" or ch == "ё" for ch in lower):
        norm, cases, pos, geox = _ru_analyse(lower, word[:1].isupper())
        return Token(word, start, end, norm, lower.replace("ё", "е"), sent, cases, pos, geox, True)
    return Token(word, start, end, english_stem(word) if word[:1].isalpha() else lower, lower, sent)


def tokenize(text: str, lang: str) -> tuple[list[Token], list[Sentence]]:
    """Split ``text`` into sentences and tokens for ``lang`` ("en" or "ru").

    Returns the tokens in order and the sentences (character bounds and token index ranges).
    Example: ``tokenize("Она уехала в Польшу.", "ru")[0][3].norm == "польша"``.
    """
    split = _ru_tokens if lang == "ru" else _en_tokens
    tokens: list[Token] = []
    sentences: list[Sentence] = []
    for s_start, s_end in _sentence_bounds(text):
        first = len(tokens)
        for word, start, end in split(text[s_start:s_end]):
            tokens.append(_make_token((word, start + s_start, end + s_start), lang, len(sentences)))
        if len(tokens) > first:
            sentences.append(Sentence(s_start, s_end, first, len(tokens)))
    return tokens, sentences


def normalize_phrase(phrase: str, lang: str) -> list[str]:
    """Normal forms of a lexicon or gazetteer phrase, by the same rules as the text (case-insensitive)."""
    tokens, _ = tokenize(phrase, lang)
    return [t.norm for t in tokens]
