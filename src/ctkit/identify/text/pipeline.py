"""The extraction pipeline: language, tokens, categories, places and roles, victims; one JSON-ready dict.

Deterministic and explainable: every fact carries the sentence it came from and its character span. A
``Suggester`` (for a model-backed step later) may add flagged suggestions; none is used by default.
"""

from __future__ import annotations

from typing import Protocol

from ctkit.identify.text.gazetteer import load_gazetteer
from ctkit.identify.text.implied import (
    CONTROL_MEANS,
    free_to_leave,
    held_in_work,
    household_substance,
    implied_forms,
    labour_dispute,
    without_employer_debts,
    without_goods,
    without_household_in_business,
    without_nested,
    without_own,
)
from ctkit.identify.text.inputs import DEFAULT_MAX_CHARS, check_text
from ctkit.identify.text.language import SUPPORTED, detect_language
from ctkit.identify.text.lexicon import CATEGORIES, Hit, load_lexicon
from ctkit.identify.text.places import Mention, find_mentions
from ctkit.identify.text.roles import assign_roles, journeyless
from ctkit.identify.text.tokens import Sentence, tokenize
from ctkit.identify.text.victims import victim_profile

__all__ = ["extract", "empty_result", "Suggester", "ROLE_ORDER"]

ROLE_ORDER = ("origin", "transit", "destination", "other")
# Sectors where two means of control (CONTROL_MEANS) indicate forced labour even when the text never names it (the
# ILO indicator approach): withheld wages and passports on a building site are forced labour.
_LABOUR_SECTORS = ("agriculture", "construction", "fishing", "manufacturing", "market_trading", "hospitality",
                   "beauty_services", "other")


class Suggester(Protocol):
    """A model-backed step that proposes extra labels; its output is kept apart, under ``suggestions``."""

    def suggest(self, text: str, lang: str, result: dict) -> list[dict]: ...


def empty_result(doc_id: str | None, lang: str | None) -> dict:
    """The output object with no facts (used for unsupported languages)."""
    result: dict = {"id": doc_id, "lang": lang, "places": []}
    for category in CATEGORIES[:3]:
        result[category] = []
    result["victims"] = {"sex": [], "minors": None, "nationalities": [], "count_text": None, "vulnerabilities": []}
    result["recruitment"] = []
    result["unresolved_places"] = []
    return result


def _evidence(text: str, sentence: Sentence) -> dict:
    start, end = sentence.start, sentence.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return {"evidence": text[start:end], "evidence_span": [start, end]}


def _generic_exploitation(lex, tokens, sentence: Sentence, hits: list[Hit]) -> list[Hit]:
    """"Men exploited in agriculture": a generic exploitation word and a sector give the form of exploitation."""
    cues = lex.role_cues["generic_exploitation"].find(tokens, sentence.first, sentence.last)
    if not lex.negation.keep(tokens, sentence, cues):
        return []  # "no evidence that the waiters at the hotel were exploited"
    sectors = {h.label for h in hits if h.category == "sectors"}
    named = {h.label for h in hits if h.category == "exploitation"}
    label = ("sexual_exploitation" if "sex_industry" in sectors else "domestic_servitude" if "domestic_work" in sectors
             else "forced_labour" if sectors & set(_LABOUR_SECTORS) else None)
    return [Hit("exploitation", label, sentence.first, sentence.first + 1)] if label and label not in named else []


def _without_generic_labour(hits: list[Hit]) -> list[Hit]:
    """"Forced to work as a maid / on the street": beside a named form in the same sentence, the generic work verb
    does not add forced labour."""
    labels = {h.label for h in hits if h.category == "exploitation"}
    if "forced_labour" not in labels or len(labels) == 1:
        return hits
    return [h for h in hits if not (h.category == "exploitation" and h.label == "forced_labour")]


def _labels(text: str, sentences: list[Sentence], hits: dict[int, list[Hit]]) -> dict[str, list[dict]]:
    found: dict[str, dict[str, dict]] = {c: {} for c in CATEGORIES}
    for sent_index in sorted(hits):
        for hit in hits[sent_index]:
            found[hit.category].setdefault(hit.label, {"label": hit.label, **_evidence(text, sentences[sent_index])})
    return {c: list(labels.values()) for c, labels in found.items()}


def _infer_exploitation(labels: dict[str, list[dict]], dispute: bool) -> None:
    """Add the form of exploitation that the means and sector imply, when the text does not name one."""
    named = {x["label"] for x in labels["exploitation"]}
    sectors = {x["label"] for x in labels["sectors"]}
    if "domestic_work" in sectors and "forced_labour" in named and "domestic_servitude" not in named:
        first = next(x for x in labels["exploitation"] if x["label"] == "forced_labour")
        labels["exploitation"].append({**first, "label": "domestic_servitude"})
        return
    means = [x for x in labels["means"] if x["label"] in CONTROL_MEANS]
    sectors = {x["label"] for x in labels["sectors"]}
    if named:  # a named form (begging, marriage...) already accounts for the means
        return
    if len(means) < 2 and not (means and "sex_industry" in sectors):  # one means suffices where sex is sold
        return
    evidence = {"evidence": means[0]["evidence"], "evidence_span": means[0]["evidence_span"]}
    if "domestic_work" in sectors:
        labels["exploitation"].append({"label": "domestic_servitude", **evidence})
    elif "sex_industry" in sectors:
        labels["exploitation"].append({"label": "sexual_exploitation", **evidence})
    elif sectors & set(_LABOUR_SECTORS) and held_in_work({x["label"] for x in labels["means"]}, dispute):
        labels["exploitation"].append({"label": "forced_labour", **evidence})


def _places(text: str, tokens, sentences: list[Sentence], mentions: list[Mention]) -> list[dict]:
    merged: dict[tuple[str, str | None], dict] = {}
    for m in mentions:
        key = (m.place.name, m.place.country)
        entry = merged.get(key)
        if entry is None:
            entry = merged[key] = {"name": m.place.name, "surface": text[tokens[m.first].start:tokens[m.last - 1].end],
                                   "type": m.place.type, "country": m.place.country, "roles": set(),
                                   **_evidence(text, sentences[m.sent])}
        elif entry["roles"] == {"other"} and m.roles != {"other"}:
            entry.update(_evidence(text, sentences[m.sent]))  # the evidence should show a route role
        entry["roles"] |= m.roles
    for entry in merged.values():
        roles = entry["roles"] - {"other"} if entry["roles"] != {"other"} else entry["roles"]
        entry["roles"] = [r for r in ROLE_ORDER if r in roles]
    return list(merged.values())


def extract(text: str, doc_id: str | None = None, *, lang: str | None = None, max_chars: int = DEFAULT_MAX_CHARS,
            suggester: Suggester | None = None) -> dict:
    """Extract places with roles, exploitation, sectors, means, victims and recruitment from one document.

    ``lang`` forces the language ("en"/"ru"); by default it is detected. A text in another language yields an
    object with no facts and a ``note`` saying so. Raises ``BadDocument`` (a ``ValidationError``) for empty or
    oversized text. Every evidence span satisfies ``text[start:end] == evidence``.
    Example: ``extract("She was taken from Moldova to Poland.")["places"][0]["roles"] == ["origin"]``.
    """
    check_text(text, name=doc_id or "document", max_chars=max_chars)
    lang = lang or detect_language(text)
    if lang not in SUPPORTED:
        result = empty_result(doc_id, lang)
        result["note"] = f"language '{lang}' is not supported (English and Russian are); nothing extracted"
        return result
    lex, gaz = load_lexicon(lang), load_gazetteer()
    tokens, sentences = tokenize(text, lang)
    hits = {i: lex.category_hits(tokens, s) for i, s in enumerate(sentences)}
    for i, sentence in enumerate(sentences):
        found = without_own(tokens, without_nested(household_substance(lex, tokens, sentence, hits[i])))
        found = without_goods(lex, tokens, sentence, without_household_in_business(found))
        hits[i] = _without_generic_labour(found + _generic_exploitation(lex, tokens, sentence, found))
    dispute = labour_dispute(lex, tokens, sentences)
    if dispute and not any(h.category == "exploitation" for found in hits.values() for h in found):
        hits = {i: without_employer_debts(lex, tokens, sentences[i], found) for i, found in hits.items()}
    free = free_to_leave(lex, tokens, sentences)
    if not free:
        for i, found in implied_forms(lex, tokens, sentences, hits, dispute).items():
            hits[i] = hits[i] + found
    mentions, unresolved = find_mentions(tokens, gaz, lex)
    assign_roles(lex, tokens, sentences, mentions, hits)
    labels = _labels(text, sentences, hits)
    if not free:
        _infer_exploitation(labels, dispute)
    if dispute and not labels["exploitation"]:
        journeyless(mentions)
    result = {"id": doc_id, "lang": lang, "places": _places(text, tokens, sentences, mentions)}
    for category in ("exploitation", "sectors", "means"):
        result[category] = labels[category]
    with_facts = {i for i, found in hits.items() if any(h.category != "recruitment" for h in found)}
    result["victims"] = victim_profile(lex, text, tokens, sentences, mentions, with_facts)
    result["victims"]["vulnerabilities"] = labels["vulnerabilities"]
    result["recruitment"] = labels["recruitment"]
    result["unresolved_places"] = [
        {"surface": text[tokens[u.first].start:tokens[u.last - 1].end],
         "evidence_span": [tokens[u.first].start, tokens[u.last - 1].end]} for u in unresolved]
    if suggester is not None:
        result["suggestions"] = suggester.suggest(text, lang, result)
    return result
