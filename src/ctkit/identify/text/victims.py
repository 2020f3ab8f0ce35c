"""Victim profile: sex, minors, nationalities and how many, from sentences that speak about victims."""

from __future__ import annotations

import re

from ctkit.identify.text.lexicon import Lexicon
from ctkit.identify.text.places import Mention
from ctkit.identify.text.tokens import Sentence, Token

__all__ = ["victim_profile"]

_NUMBER_WORDS = (r"\d[\d,.\s]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
                 r"thirty|forty|fifty|hundred|dozens?|several|more than \d+|over \d+|about \d+|some \d+|"
                 r"двое|трое|четверо|пятеро|шестеро|семеро|несколько|десятки|сотни|более \d+|около \d+|свыше \d+")
_COUNT_EN = re.compile(rf"\b(?:{_NUMBER_WORDS})\s+(?:[a-z\-]+\s+){{0,2}}(?:women|girls|men|boys|children|minors|"
                       r"victims|persons|people|migrants|workers|nationals|citizens|teenagers|fishermen)\b", re.I)
_COUNT_RU = re.compile(rf"(?:{_NUMBER_WORDS})\s+(?:[а-яё\-]+\s+){{0,2}}(?:женщин|девушек|девуш[а-я]+|мужчин|"
                       r"детей|несовершеннолетних|жертв|потерпевших|человек|мигрантов|граждан|рабочих|"
                       r"подростков|девочек|иностранцев)", re.I)
_AGE = re.compile(r"\b(\d{1,2})(?:-|\s)?(?:year-old|years old|-летн|летн|лет\b)|\baged (\d{1,2})\b|"
                  r"\bв возрасте (\d{1,2})", re.I)


def _victim_sentences(lex: Lexicon, tokens: list[Token], sentences: list[Sentence],
                      with_facts: set[int]) -> list[Sentence]:
    """Sentences about victims: a victim word ("trafficked", "потерпевшая") or a fact of exploitation or control."""
    context = lex.victim["context"]
    return [s for i, s in enumerate(sentences) if i in with_facts or context.find(tokens, s.first, s.last)]


def _ages(text: str) -> list[int]:
    return [int(next(g for g in m.groups() if g)) for m in _AGE.finditer(text)]


def victim_profile(lex: Lexicon, text: str, tokens: list[Token], sentences: list[Sentence],
                   mentions: list[Mention], with_facts: set[int]) -> dict:
    """The ``victims`` object of the output (vulnerabilities are filled in by the caller).

    ``with_facts`` holds the indexes of sentences with an exploitation, sector or means fact.
    """
    chosen = _victim_sentences(lex, tokens, sentences, with_facts)
    sex: list[str] = []
    for label, cue in (("female", "female"), ("male", "male")):
        if any(lex.victim[cue].find(tokens, s.first, s.last) for s in chosen):
            sex.append(label)
    minors: bool | None = None
    ages = [a for s in chosen for a in _ages(text[s.start:s.end])]
    if any(lex.victim["minor"].find(tokens, s.first, s.last) for s in chosen) or any(a < 18 for a in ages):
        minors = True
    elif ages or any(lex.victim["adult"].find(tokens, s.first, s.last) for s in chosen):
        minors = False
    chosen_ids = {id(s) for s in chosen}
    nationalities = sorted({m.place.country for m in mentions if m.place and m.place.country and (
        m.demonym or (m.prep_role == "origin" and id(sentences[m.sent]) in chosen_ids and m.place.type == "country"))})
    count = None
    for s in chosen:
        found = (_COUNT_RU if lex.lang == "ru" else _COUNT_EN).search(text, s.start, s.end)
        if found:
            count = found.group().strip()
            break
    return {"sex": sex, "minors": minors, "nationalities": nationalities, "count_text": count,
            "vulnerabilities": []}
