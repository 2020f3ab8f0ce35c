"""Explanations of a screening result: as language-neutral data, and as sentences in a language."""

from __future__ import annotations

from typing import Any

from ctkit.identify.screening.messages import msg, text
from ctkit.identify.screening.result import ASK_MORE, INSUFFICIENT, PRESENT, REFER, ScreeningResult

MAX_LISTED_FACTS = 8


def explanation_data(result: ScreeningResult) -> dict[str, Any]:
    """Per set: the rule applied, the indicators that made each dimension present (with the clause that
    fired), the failed rule branches (``insufficient``) and the unknowns that matter (``ask_more``)."""
    out: dict[str, Any] = {}
    for sid, s in result.sets.items():
        out[sid] = {
            "outcome": s.outcome,
            "rule": {"id": s.rule_id, "variant": s.rule_variant, "met": s.outcome == REFER},
            "present_dimensions": {d: {"indicators": list(r.yes), "clause": r.clause}
                                   for d, r in s.dimensions.items() if r.status == PRESENT},
            "facts": dict(s.facts),
            "failed": [list(branch) for branch in s.failed],
            "unknowns_that_matter": list(s.open_facts),
        }
    return out


def fact_label(result: ScreeningResult, fact: str, lang: str) -> str:
    """Label of a fact in ``lang``, with its phase for indicators (``Threatened with violence (destination)``)."""
    concept = result.catalogue.concept_of(fact)
    label = text(concept.label, lang)
    _, _, phase = fact.partition("@")
    return f"{label} ({msg(lang, 'phase.' + phase)})" if phase else label


def clause_text(clause: dict[str, int], lang: str) -> str:
    """``{"min_strong": 1, "min_medium_or_weak": 1}`` -> ``1 strong + 1 medium or weak``."""
    parts = []
    for key, n in clause.items():
        names = [msg(lang, "strength." + s) for s in key[len("min_"):].split("_or_")]
        parts.append(f"{n} {(' ' + msg(lang, 'or') + ' ').join(names)}")
    return " + ".join(parts)


def explain(result: ScreeningResult, lang: str = "en") -> list[str]:
    """The explanation as sentences in ``lang``: the outcome, per set why, the disclaimer and draft warning."""
    cat = result.catalogue
    lines = [msg(lang, "outcome." + result.outcome)]
    for sid, s in result.sets.items():
        set_label = text(cat.sets[sid].label, lang)
        for d, r in s.dimensions.items():
            if r.status == PRESENT:
                indicators = "; ".join(fact_label(result, f, lang) for f in r.yes)
                lines.append(msg(lang, "dimension_present", set=set_label,
                                 dimension=text(cat.dimensions[d].label, lang), indicators=indicators,
                                 clause=clause_text(r.clause or {}, lang)))
        if s.outcome == REFER:
            lines.append(msg(lang, "rule_met", set=set_label, description=text(cat.sets[sid].rule.description, lang)))
        elif s.outcome == INSUFFICIENT:
            items = f" {msg(lang, 'and')} ".join(_branch_text(result, branch, lang) for branch in s.failed)
            lines.append(msg(lang, "rule_failed", set=set_label, items=items))
        elif s.outcome == ASK_MORE:
            listed = [fact_label(result, f, lang) for f in s.open_facts[:MAX_LISTED_FACTS]]
            more = len(s.open_facts) - len(listed)
            lines.append(msg(lang, "unknowns_matter", set=set_label,
                             facts="; ".join(listed) + (f" (+{more})" if more > 0 else "")))
    lines.append(msg(lang, "disclaimer"))
    if cat.is_draft:
        lines.append(draft_warning(result, lang))
    return lines


def draft_warning(result: ScreeningResult, lang: str) -> str:
    cat = result.catalogue
    return msg(lang, "draft_warning", id=cat.id, version=cat.version, note=text(cat.status_note, lang))


def _branch_text(result: ScreeningResult, branch: tuple[str, ...], lang: str) -> str:
    cat = result.catalogue
    names = [text(cat.dimensions[x].label, lang) if x in cat.dimensions else fact_label(result, x, lang)
             for x in branch]
    return f" {msg(lang, 'or')} ".join(f"«{n}»" for n in names)
