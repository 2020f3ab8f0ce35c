"""Questions in a language: the text to read to the person for each fact, with its phase introduction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ctkit.errors import ValidationError
from ctkit.identify.screening.catalogue import Catalogue
from ctkit.identify.screening.messages import text


@dataclass(frozen=True)
class Question:
    """One question: ``key`` is the answer key (``concept@phase`` or a case fact id)."""

    key: str
    concept: str
    phase: str
    text: str
    intro: str
    label: str
    explanation: str
    is_case_fact: bool


def check_language(catalogue: Catalogue, lang: str) -> str:
    """Return ``lang`` if the catalogue has texts in it; else raise ValidationError listing the languages."""
    if lang not in catalogue.languages:
        raise ValidationError(f"language '{lang}': catalogue {catalogue.id} has {', '.join(catalogue.languages)}")
    return lang


def question(catalogue: Catalogue, fact: str, lang: str) -> Question:
    """The question for one fact in ``lang``. Raises ValidationError for an unknown language or fact."""
    check_language(catalogue, lang)
    concept_id, _, phase = fact.partition("@")
    concept = catalogue.concepts.get(concept_id)
    if concept is None:
        raise ValidationError(f"question '{fact}': unknown indicator id in catalogue {catalogue.id}")
    phase = phase or concept.phases[0]
    return Question(fact, concept_id, phase, text(concept.question_for(phase), lang),
                    text(catalogue.phase_intros[phase], lang), text(concept.label, lang),
                    text(concept.explanation, lang), concept.is_case_fact)


def questions(catalogue: Catalogue, lang: str, set_ids: Iterable[str] | None = None) -> list[Question]:
    """Every question of the given sets (default: all sets) in catalogue order, in ``lang``.

    Example: ``[q.text for q in questions(get_catalogue(), "ru", ["adult_labour"])][:3]``.
    """
    chosen = list(set_ids) if set_ids is not None else list(catalogue.sets)
    unknown = [s for s in chosen if s not in catalogue.sets]
    if unknown:
        raise ValidationError(f"set '{unknown[0]}': not in catalogue {catalogue.id}")
    facts = set().union(*(catalogue.sets[s].facts() for s in chosen)) if chosen else set()
    return [question(catalogue, f, lang) for f in catalogue.fact_order if f in facts]
