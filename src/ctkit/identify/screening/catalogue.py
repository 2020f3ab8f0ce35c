"""The indicator catalogue as typed, immutable objects built from validated catalogue data.

Nothing here knows an indicator, a strength or a rule by name: everything comes from the data file, so a
correction of the catalogue changes data only.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ctkit.errors import ValidationError
from ctkit.identify.screening.schema import validate_catalogue_data
from ctkit.identify.screening.yamlio import parse_yaml

Texts = dict[str, str]


@dataclass(frozen=True)
class Clause:
    """One way to make a dimension present: every (strengths, minimum) requirement must hold."""

    requirements: tuple[tuple[tuple[str, ...], int], ...]
    raw: dict[str, int] = field(compare=False)

    def holds(self, counts: dict[str, int]) -> bool:
        return all(sum(counts.get(s, 0) for s in group) >= need for group, need in self.requirements)


@dataclass(frozen=True)
class DimensionRule:
    clauses: tuple[Clause, ...]
    description: Texts
    strengths: tuple[str, ...] = ()
    _memo: dict[tuple[int, ...], Clause | None] = field(default_factory=dict, compare=False, repr=False)
    cost_memo: dict[tuple[tuple[int, ...], ...], tuple[float, float]] = field(
        default_factory=dict, compare=False, repr=False)
    """Cache of ``costs.dimension_costs`` results: they depend only on counts per strength."""

    def first_clause(self, counts: dict[str, int]) -> Clause | None:
        """The first clause that holds on ``counts`` (indicators counted by strength), or None."""
        for clause in self.clauses:
            if clause.holds(counts):
                return clause
        return None

    def precompute(self, max_counts: tuple[int, ...]) -> None:
        """Fill the memo for every count vector up to ``max_counts`` (a few hundred entries), so that the
        engine and the question chooser only look clauses up."""
        for counts in itertools.product(*(range(m + 1) for m in max_counts)):
            self.clause_for(counts)

    def clause_for(self, counts: tuple[int, ...]) -> Clause | None:
        """:meth:`first_clause` for counts given per strength in catalogue order; memoised (hot path)."""
        if counts not in self._memo:
            self._memo[counts] = self.first_clause(dict(zip(self.strengths, counts, strict=True)))
        return self._memo[counts]


@dataclass(frozen=True)
class RuleNode:
    """A node of a set rule: ``all``/``any`` over children, or a leaf ``dim``/``fact`` naming an id."""

    kind: str
    ref: str = ""
    children: tuple[RuleNode, ...] = ()

    def references(self, kind: str) -> set[str]:
        if self.kind == kind:
            return {self.ref}
        return set().union(*(c.references(kind) for c in self.children)) if self.children else set()


@dataclass(frozen=True)
class SetRule:
    id: str
    variant: str | None
    root: RuleNode
    description: Texts


@dataclass(frozen=True)
class Indicator:
    id: str
    concept: str
    strength: str
    fact: str
    uncertain: bool


@dataclass(frozen=True)
class SetDimension:
    dimension: str
    phase: str
    indicators: tuple[Indicator, ...]
    strength_index: tuple[int, ...] = ()
    """Position of each indicator's strength in the catalogue's strength levels."""


@dataclass(frozen=True)
class ScreeningSet:
    id: str
    code: str
    population: str
    exploitation: str
    rule: SetRule
    label: Texts
    dimensions: tuple[SetDimension, ...]
    strength_of: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def facts(self) -> set[str]:
        indicator_facts = {i.fact for d in self.dimensions for i in d.indicators}
        return indicator_facts | self.rule.root.references("fact")


@dataclass(frozen=True)
class Concept:
    """A question that can be asked (an indicator concept or a case fact)."""

    id: str
    label: Texts
    question: Texts
    explanation: Texts
    htcds_methods_of_control: tuple[str, ...]
    phases: tuple[str, ...]
    is_case_fact: bool = False
    phase_questions: dict[str, Texts] = field(default_factory=dict, compare=False)
    """Wording for one phase where the general question does not fit it (e.g. past tense at recruitment)."""

    def question_for(self, phase: str) -> Texts:
        return self.phase_questions.get(phase, self.question)


@dataclass(frozen=True)
class Dimension:
    id: str
    code: str
    phase: str
    label: Texts


@dataclass(frozen=True)
class Catalogue:
    """A validated indicator catalogue. Build one with :func:`load_catalogue` or :func:`catalogue_from_data`."""

    id: str
    version: str
    status: str
    status_note: Texts
    title: Texts
    languages: tuple[str, ...]
    strengths: tuple[str, ...]
    child_age_below: int
    phase_intros: dict[str, Texts]
    dimensions: dict[str, Dimension]
    concepts: dict[str, Concept]
    sets: dict[str, ScreeningSet]
    dimension_rule: DimensionRule
    exploitation_kinds: dict[str, dict[str, Any]]
    fact_order: tuple[str, ...] = field(default=())

    @property
    def is_draft(self) -> bool:
        return self.status != "approved"

    def concept_of(self, fact: str) -> Concept:
        return self.concepts[fact.split("@", 1)[0]]

    def sets_for(self, population: str, exploitation: str) -> list[ScreeningSet]:
        return [s for s in self.sets.values() if s.population == population and s.exploitation == exploitation]


def load_catalogue(path: str | Path) -> Catalogue:
    """Read, validate and build a catalogue from a YAML file.

    Raises ValidationError naming the file and the failing item (an unknown dimension, a missing Russian
    question...). Example: ``load_catalogue("my-country.yaml").id``.
    """
    path = Path(path)
    try:
        raw = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValidationError(f"catalogue file {path.name}: cannot be read as YAML ({type(exc).__name__})") from exc
    return catalogue_from_data(raw, source=path.name)


def catalogue_from_data(raw: Any, *, source: str = "catalogue") -> Catalogue:
    """Validate plain catalogue data (as parsed from YAML) and build the Catalogue; raises ValidationError."""
    validate_catalogue_data(raw, source=source)
    strengths = tuple(raw["strength_levels"])
    dims = {d["id"]: Dimension(d["id"], d["code"], d["phase"], d["label"]) for d in raw["dimensions"]}
    sets = {s["id"]: _build_set(s, raw, dims) for s in raw["sets"]}
    concepts = _build_concepts(raw, sets)
    order = _fact_order(sets)
    rule = _build_dimension_rule(raw["rules"]["dimension_positive"], strengths)
    rule.precompute(tuple(max(sd.strength_index.count(i) for s in sets.values() for sd in s.dimensions)
                          for i in range(len(strengths))))
    return Catalogue(
        id=raw["id"], version=str(raw["version"]), status=raw["status"], status_note=raw["status_note"],
        title=raw["title"], languages=tuple(raw["languages"]), strengths=strengths,
        child_age_below=int(raw["child_age_below"]),
        phase_intros={p: v["intro"] for p, v in raw["phases"].items()},
        dimensions=dims, concepts=concepts, sets=sets,
        dimension_rule=rule,
        exploitation_kinds=raw["exploitation_kinds"], fact_order=order,
    )


def _build_dimension_rule(raw: dict[str, Any], strengths: tuple[str, ...]) -> DimensionRule:
    clauses = []
    for clause in raw["positive_if_any_of"]:
        reqs = tuple((tuple(key[len("min_"):].split("_or_")), int(n)) for key, n in clause.items())
        clauses.append(Clause(reqs, dict(clause)))
    return DimensionRule(tuple(clauses), raw["description"], strengths)


def _rule_node(raw: Any) -> RuleNode:
    if isinstance(raw, str):
        return RuleNode("dim", raw)
    if "fact" in raw:
        return RuleNode("fact", raw["fact"])
    kind = "all" if "all_of" in raw else "any"
    return RuleNode(kind, children=tuple(_rule_node(c) for c in raw[f"{kind}_of"]))


def _build_rule(name: str, raw_rules: dict[str, Any]) -> SetRule:
    raw = raw_rules[name]
    variant = raw.get("default_variant")
    body = raw["variants"][variant] if variant else raw
    return SetRule(name, variant, _rule_node({"all_of": body["all_of"]}), body["description"])


def _build_set(raw_set: dict[str, Any], raw: dict[str, Any], dims: dict[str, Dimension]) -> ScreeningSet:
    set_dims = []
    for d in raw_set["dimensions"]:
        phase = dims[d["dimension"]].phase
        inds = tuple(
            Indicator(i["id"], i["concept"], i["strength"], f"{i['concept']}@{phase}", bool(i.get("uncertain")))
            for i in d["indicators"]
        )
        levels = raw["strength_levels"]
        set_dims.append(SetDimension(d["dimension"], phase, inds, tuple(levels.index(i.strength) for i in inds)))
    return ScreeningSet(
        raw_set["id"], raw_set["code"], raw_set["population"], raw_set["exploitation"],
        _build_rule(raw_set["rule"], raw["rules"]), raw_set["label"], tuple(set_dims),
        {i.fact: i.strength for d in set_dims for i in d.indicators},
    )


def _build_concepts(raw: dict[str, Any], sets: dict[str, ScreeningSet]) -> dict[str, Concept]:
    phases: dict[str, set[str]] = {}
    for s in sets.values():
        for d in s.dimensions:
            for i in d.indicators:
                phases.setdefault(i.concept, set()).add(d.phase)
    out: dict[str, Concept] = {}
    for cid, c in raw["concepts"].items():
        out[cid] = Concept(cid, c["label"], c["question"], c["explanation"],
                           tuple(c.get("htcds_methods_of_control", [])), tuple(sorted(phases.get(cid, ()))),
                           phase_questions=dict(c.get("question_by_phase", {})))
    for fid, f in raw.get("facts", {}).items():
        out[fid] = Concept(fid, f["label"], f["question"], f["explanation"],
                           tuple(f.get("htcds_methods_of_control", [])), (f["phase"],), is_case_fact=True)
    return out


def _fact_order(sets: dict[str, ScreeningSet]) -> tuple[str, ...]:
    # Catalogue order (first set first, recruitment before destination) is the tie-break of every question order.
    seen: dict[str, None] = {}
    for s in sets.values():
        for fact in sorted(s.rule.root.references("fact")):
            seen.setdefault(fact, None)
        for d in s.dimensions:
            for i in d.indicators:
                seen.setdefault(i.fact, None)
    return tuple(seen)
