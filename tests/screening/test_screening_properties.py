"""Properties of the engine, checked with hypothesis against an independent reading of the raw catalogue."""

from __future__ import annotations

import itertools
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctkit.identify.screening import evaluate, get_catalogue, prepare_input
from ctkit.identify.screening.registry import BUILTIN_CATALOGUE_PATH
from ctkit.identify.screening.result import OUTCOME_ORDER

CAT = get_catalogue()
RAW = yaml.safe_load(BUILTIN_CATALOGUE_PATH.read_text(encoding="utf-8"))
PHASE = {d["id"]: d["phase"] for d in RAW["dimensions"]}
PROFILES = [(age, kind) for age in (9, 16, 35, None) for kind in ("labour", "sexual", "both")]
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _facts(age: int | None, kind: str) -> list[str]:
    inp = prepare_input(CAT, age=age, exploitation=kind)
    return sorted(set().union(*(CAT.sets[s].facts() for s in inp.set_ids)))


@st.composite
def screenings(draw: Any, values: tuple[str, ...] = ("yes", "no", "unknown")) -> tuple[Any, dict[str, str]]:
    age, kind = draw(st.sampled_from(PROFILES))
    facts = _facts(age, kind)
    # Real screenings have few yes answers: weight the others so outcomes sit near the decision boundary.
    weight = draw(st.sampled_from([1, 3, 6, 12]))
    pool = [v for v in values for _ in range(1 if v == "yes" else weight)]
    drawn = draw(st.lists(st.sampled_from(pool), min_size=len(facts), max_size=len(facts)))
    return (age, kind), dict(zip(facts, drawn, strict=True))


def _run(profile: tuple[Any, str], answers: dict[str, str]):
    age, kind = profile
    return evaluate(CAT, prepare_input(CAT, age=age, exploitation=kind, answers=answers))


def _ranks(result) -> list[int]:
    return [OUTCOME_ORDER[result.outcome]] + [OUTCOME_ORDER[s.outcome] for s in result.sets.values()]


@FAST
@given(screenings(), st.data())
def test_adding_a_yes_never_lowers_an_outcome(case, data):
    profile, answers = case
    candidates = [f for f, v in answers.items() if v != "yes"]
    if not candidates:
        return
    fact = data.draw(st.sampled_from(candidates))
    before, after = _run(profile, answers), _run(profile, {**answers, fact: "yes"})
    assert all(a >= b for a, b in zip(_ranks(after), _ranks(before), strict=True))


@FAST
@given(screenings(), st.data())
def test_turning_an_unknown_into_no_never_raises_an_outcome(case, data):
    profile, answers = case
    candidates = [f for f, v in answers.items() if v == "unknown"]
    if not candidates:
        return
    fact = data.draw(st.sampled_from(candidates))
    before, after = _run(profile, answers), _run(profile, {**answers, fact: "no"})
    assert all(a <= b for a, b in zip(_ranks(after), _ranks(before), strict=True))


def _reference_dimension(indicators: list[dict[str, Any]], phase: str, answers: dict[str, str]) -> bool:
    counts = {lvl: 0 for lvl in RAW["strength_levels"]}
    for ind in indicators:
        if answers[f"{ind['concept']}@{phase}"] == "yes":
            counts[ind["strength"]] += 1
    for clause in RAW["rules"]["dimension_positive"]["positive_if_any_of"]:
        if all(sum(counts[s] for s in key[4:].split("_or_")) >= n for key, n in clause.items()):
            return True
    return False


def _reference_node(node: Any, present: dict[str, bool], answers: dict[str, str]) -> bool:
    if isinstance(node, str):
        return present.get(node, False)
    if "fact" in node:
        return answers[node["fact"]] == "yes"
    if "all_of" in node:
        return all(_reference_node(c, present, answers) for c in node["all_of"])
    return any(_reference_node(c, present, answers) for c in node["any_of"])


def _rule_table(set_id: str, answers: dict[str, str]) -> str:
    raw_set = next(s for s in RAW["sets"] if s["id"] == set_id)
    present = {d["dimension"]: _reference_dimension(d["indicators"], PHASE[d["dimension"]], answers)
               for d in raw_set["dimensions"]}
    rule = RAW["rules"][raw_set["rule"]]
    body = rule["variants"][rule["default_variant"]] if "variants" in rule else rule
    return "refer" if _reference_node({"all_of": body["all_of"]}, present, answers) else "insufficient"


@FAST
@given(screenings(values=("yes", "no")))
def test_full_answers_give_the_rule_table_outcome(case):
    profile, answers = case
    result = _run(profile, answers)
    for set_id, s in result.sets.items():
        assert s.outcome == _rule_table(set_id, answers)
        assert all(d.status != "indeterminate" for d in s.dimensions.values())
    # Overall: refer when any set's rule is met, insufficient otherwise.
    expected = "refer" if any(_rule_table(sid, answers) == "refer" for sid in result.sets) else "insufficient"
    assert result.outcome == expected


@settings(max_examples=60, deadline=None)
@given(screenings(values=("yes", "no")), st.data())
def test_three_valued_outcome_is_exact_over_all_completions(case, data):
    profile, answers = case
    # Unknowns among the yes answers are the ones an outcome can hinge on; add a few anywhere.
    yes = sorted(f for f, v in answers.items() if v == "yes")
    unknown = data.draw(st.lists(st.sampled_from(yes), max_size=4, unique=True)) if yes else []
    unknown += [f for f in data.draw(st.lists(st.sampled_from(sorted(answers)), max_size=2, unique=True))
                if f not in unknown]
    partial = {**answers, **{f: "unknown" for f in unknown}}
    result = _run(profile, partial)
    for set_id, s in result.sets.items():
        outcomes = {_rule_table(set_id, {**partial, **dict(zip(unknown, combo, strict=True))})
                    for combo in itertools.product(("yes", "no"), repeat=len(unknown))}
        expected = outcomes.pop() if len(outcomes) == 1 else "ask_more"
        assert s.outcome == expected


CHILD_SETS = [s for s in CAT.sets.values() if s.population == "child"]


def test_the_shipped_child_rule_needs_no_means():
    means = {"deceptive_recruitment", "coercive_recruitment", "recruitment_abuse_of_vulnerability",
             "coercion_at_destination", "abuse_of_vulnerability_at_destination"}
    for s in CHILD_SETS:
        assert not s.rule.root.references("dim") & means


@FAST
@given(st.sampled_from([9, 16]), st.sampled_from(["labour", "sexual"]), st.data())
def test_children_need_no_means_when_the_child_rule_says_so(age, kind, data):
    facts = _facts(age, kind)
    used = set()
    for s in CHILD_SETS:
        if s.exploitation == kind:
            dims = s.rule.root.references("dim")
            used |= {i.fact for d in s.dimensions if d.dimension in dims for i in d.indicators}
            used |= s.rule.root.references("fact")
    values = st.lists(st.sampled_from(("yes", "no", "unknown")), min_size=len(facts), max_size=len(facts))
    base = dict(zip(facts, data.draw(values), strict=True))
    # Answers outside the rule's dimensions (the means) are redrawn: the outcome must not move.
    redrawn = dict(zip(facts, data.draw(values), strict=True))
    other = {f: (v if f in used else redrawn[f]) for f, v in base.items()}
    assert _run((age, kind), base).outcome == _run((age, kind), other).outcome


@settings(max_examples=40, deadline=None)
@given(screenings(), st.sampled_from(CAT.languages))
def test_every_result_explains_itself_in_every_language(case, lang):
    from ctkit.identify.screening import result_document

    result = _run(*case)
    doc = result_document(result, lang)
    assert doc["outcome"] == result.outcome and doc["disclaimer"] and doc["catalogue"]["warning"]
    assert len(doc["explanation"]["lines"]) >= 3
