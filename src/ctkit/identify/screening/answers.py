"""Screening input: which sets apply, and the answers normalised to one fact per concept and phase.

A fact is ``concept@phase`` (violence while recruited is not violence at the workplace) or a case fact id
(``act_recorded``). A bare concept key stands for every phase in which the concept is an indicator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ctkit.errors import ValidationError
from ctkit.identify.screening.catalogue import Catalogue

YES, NO, UNKNOWN = "yes", "no", "unknown"
ANSWER_VALUES = (YES, NO, UNKNOWN)
BOTH = "both"
MAX_AGE = 130


@dataclass(frozen=True)
class ScreeningInput:
    """Validated input of one screening: sets that apply and explicit answers by fact (``concept@phase``)."""

    catalogue_id: str
    age: int | None
    populations: tuple[str, ...]
    exploitation: tuple[str, ...]
    set_ids: tuple[str, ...]
    answers: dict[str, str]

    def value(self, fact: str) -> str:
        return self.answers.get(fact, UNKNOWN)


def prepare_input(
    catalogue: Catalogue,
    *,
    age: int | None,
    exploitation: Iterable[str] | str,
    answers: Mapping[str, Any] | None = None,
    sets: Iterable[str] | None = None,
) -> ScreeningInput:
    """Check and normalise one screening's input.

    ``age`` decides adult or child (``None``: both populations are screened, the presumption of minority);
    ``exploitation`` lists kinds (``labour``, ``sexual``, or ``both``); ``sets``, if given, names the sets and
    must agree with the age and kinds. Answers map concept, ``concept@phase`` or case-fact keys to yes / no /
    unknown. Raises ValidationError naming the key or set at fault: an unknown indicator id, an answer for a set
    that does not apply, an age that contradicts a set, an invalid value.
    """
    kinds = _kinds(catalogue, exploitation)
    populations = _populations(catalogue, age)
    set_ids = _set_ids(catalogue, populations, kinds, sets, age)
    facts = _applicable_facts(catalogue, set_ids)
    normalised: dict[str, str] = {}
    explicit: set[str] = set()
    for key, raw_value in (answers or {}).items():
        value = _value(key, raw_value)
        for fact in _facts_for_key(catalogue, key, facts, set_ids):
            # An explicit concept@phase answer wins over a bare concept answer, whatever the order.
            if "@" in key or fact not in explicit:
                normalised[fact] = value
            if "@" in key:
                explicit.add(fact)
    return ScreeningInput(catalogue.id, age, populations, kinds, set_ids, normalised)


def input_from_document(catalogue: Catalogue, doc: Any, *, source: str = "answers") -> ScreeningInput:
    """Build input from an answers document ``{"age": 34, "exploitation": ["labour"], "answers": {...}}``.

    Optional key ``sets`` names the sets. Raises ValidationError naming ``source`` and the field at fault.
    """
    if not isinstance(doc, Mapping):
        raise ValidationError(f"{source}: must be a JSON object with age, exploitation and answers")
    unknown = sorted(set(doc) - {"age", "exploitation", "answers", "sets", "catalogue"})
    if unknown:
        raise ValidationError(f"{source}: unknown field '{unknown[0]}'",
                              hint="fields: age, exploitation, answers, sets, catalogue")
    answers = doc.get("answers", {})
    if not isinstance(answers, Mapping):
        raise ValidationError(f"{source}: 'answers' must be an object of indicator id to yes/no/unknown")
    try:
        return prepare_input(catalogue, age=doc.get("age"), exploitation=doc.get("exploitation", ()),
                             answers=answers, sets=doc.get("sets"))
    except ValidationError as exc:
        raise ValidationError(f"{source}: {exc.message}", hint=exc.hint) from None


def _kinds(catalogue: Catalogue, exploitation: Iterable[str] | str) -> tuple[str, ...]:
    items = [exploitation] if isinstance(exploitation, str) else list(exploitation)
    known = list(catalogue.exploitation_kinds)
    kinds: list[str] = []
    for item in items:
        if item == BOTH:
            kinds.extend(known)
        elif item in known:
            kinds.append(item)
        else:
            raise ValidationError(f"exploitation '{item}': unknown kind", hint=f"one of {', '.join(known)}, {BOTH}")
    if not kinds:
        raise ValidationError("exploitation: name at least one kind", hint=f"one of {', '.join(known)}, {BOTH}")
    return tuple(k for k in known if k in kinds)


def _populations(catalogue: Catalogue, age: int | None) -> tuple[str, ...]:
    if age is None:
        return ("adult", "child")
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_AGE:
        raise ValidationError(f"age: must be a whole number from 0 to {MAX_AGE}, or empty if not known")
    return ("child",) if age < catalogue.child_age_below else ("adult",)


def _set_ids(catalogue: Catalogue, populations: tuple[str, ...], kinds: tuple[str, ...],
             sets: Iterable[str] | None, age: int | None) -> tuple[str, ...]:
    implied = [s.id for s in catalogue.sets.values() if s.population in populations and s.exploitation in kinds]
    if sets is None:
        if not implied:
            raise ValidationError(f"catalogue {catalogue.id}: no set for {'/'.join(populations)} x {'/'.join(kinds)}")
        return tuple(implied)
    chosen = [sets] if isinstance(sets, str) else list(sets)
    for set_id in chosen:
        if set_id not in catalogue.sets:
            raise ValidationError(f"set '{set_id}': not in catalogue {catalogue.id}")
        s = catalogue.sets[set_id]
        if s.population not in populations:
            raise ValidationError(f"set '{set_id}': is for {s.population}s, but age {age} makes the person "
                                  f"{'/'.join(populations)}")
        if s.exploitation not in kinds:
            raise ValidationError(f"set '{set_id}': is for {s.exploitation} exploitation, not {'/'.join(kinds)}")
    if not chosen:
        raise ValidationError("sets: name at least one set, or leave it out")
    return tuple(dict.fromkeys(chosen))


def _applicable_facts(catalogue: Catalogue, set_ids: tuple[str, ...]) -> set[str]:
    return set().union(*(catalogue.sets[s].facts() for s in set_ids))


def _value(key: Any, raw: Any) -> str:
    if not isinstance(key, str):
        raise ValidationError(f"answer key {key!r}: must be an indicator id")
    value = raw.strip().lower() if isinstance(raw, str) else raw
    if value not in ANSWER_VALUES:
        raise ValidationError(f"answer '{key}': value must be yes, no or unknown")
    return value


def _facts_for_key(catalogue: Catalogue, key: str, facts: set[str], set_ids: tuple[str, ...]) -> list[str]:
    concept_id, _, phase = key.partition("@")
    concept = catalogue.concepts.get(concept_id)
    if concept is None:
        raise ValidationError(f"answer '{key}': unknown indicator id in catalogue {catalogue.id}")
    if concept.is_case_fact:
        if phase:
            raise ValidationError(f"answer '{key}': '{concept_id}' is a case fact and takes no @phase")
        candidates = [concept_id]
    elif phase:
        if phase not in concept.phases:
            raise ValidationError(f"answer '{key}': '{concept_id}' is no indicator of phase '{phase}' "
                                  f"(phases: {', '.join(concept.phases) or 'none'})")
        candidates = [key]
    else:
        candidates = [f"{concept_id}@{p}" for p in concept.phases]
    found = [f for f in candidates if f in facts]
    if not found:
        owners = sorted(s.id for s in catalogue.sets.values() if set(candidates) & s.facts())
        raise ValidationError(f"answer '{key}': belongs to set(s) {', '.join(owners) or 'none'}, "
                              f"not to the set(s) that apply ({', '.join(set_ids)})")
    return found
