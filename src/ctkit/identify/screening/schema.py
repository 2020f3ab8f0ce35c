"""Validation of catalogue data at load time: structure by JSON Schema, cross-references by hand.

Every error names the file and the item (``sets[2].dimensions[0].indicators[3].strength``, ``concept dec_pay``),
so that a country adding its own catalogue can fix it without reading code.
"""

from __future__ import annotations

from typing import Any

import jsonschema

from ctkit.errors import ValidationError

_TEXTS = {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}}
_INDICATOR = {
    "type": "object",
    "required": ["id", "concept", "strength"],
    "properties": {"id": {"type": "string"}, "concept": {"type": "string"}, "strength": {"type": "string"}},
}
_SET = {
    "type": "object",
    "required": ["id", "code", "population", "exploitation", "rule", "label", "dimensions"],
    "properties": {
        "population": {"enum": ["adult", "child"]},
        "label": _TEXTS,
        "dimensions": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["dimension", "indicators"],
            "properties": {"indicators": {"type": "array", "minItems": 1, "items": _INDICATOR}},
        }},
    },
}
_QUESTION = {"type": "object", "required": ["label", "question", "explanation"],
             "properties": {"label": _TEXTS, "question": _TEXTS, "explanation": _TEXTS,
                            "question_by_phase": {"type": "object", "additionalProperties": _TEXTS}}}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "version", "status", "status_note", "title", "languages", "strength_levels",
                 "child_age_below", "phases", "dimensions", "rules", "concepts", "sets", "exploitation_kinds"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]*$"},
        "version": {"type": ["string", "number"]},
        "status": {"enum": ["draft", "approved", "withdrawn"]},
        "status_note": _TEXTS,
        "title": _TEXTS,
        "languages": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[a-z]{2,3}$"}},
        "strength_levels": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[a-z]+$"}},
        "child_age_below": {"type": "integer", "minimum": 1},
        "phases": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["intro"], "properties": {"intro": _TEXTS}}},
        "dimensions": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["id", "code", "phase", "label"], "properties": {"label": _TEXTS}}},
        "rules": {"type": "object", "required": ["dimension_positive"]},
        "concepts": {"type": "object", "minProperties": 1, "additionalProperties": _QUESTION},
        "facts": {"type": "object",
                  "additionalProperties": {**_QUESTION, "required": ["phase", *_QUESTION["required"]]}},
        "sets": {"type": "array", "minItems": 1, "items": _SET},
        "exploitation_kinds": {"type": "object", "minProperties": 1, "additionalProperties": {
            "type": "object", "required": ["label"], "properties": {"label": _TEXTS}}},
    },
}


def validate_catalogue_data(raw: Any, *, source: str = "catalogue") -> None:
    """Check catalogue data; raise ValidationError naming ``source`` and the first failing item.

    Checks: the JSON Schema structure; unique ids; every indicator in a known dimension with a known concept
    and strength; every text in every declared language; every rule referring to known dimensions and facts;
    a valid dimension rule; declared counts matching the indicators; no item marked ``uncertain`` in an
    ``approved`` catalogue.
    """
    try:
        jsonschema.validate(raw, SCHEMA)
    except jsonschema.ValidationError as exc:
        where = ".".join(str(p) for p in exc.absolute_path) or "(top level)"
        raise ValidationError(f"catalogue {source}: {where}: {exc.message}") from None
    for check in (_check_texts, _check_dimensions, _check_dimension_rule, _check_sets, _check_set_rules,
                  _check_approval):
        problem = check(raw)
        if problem:
            raise ValidationError(f"catalogue {source}: {problem}")


def _missing_language(texts: dict[str, str], languages: list[str]) -> str | None:
    return next((lang for lang in languages if not texts.get(lang)), None)


def _check_texts(raw: dict[str, Any]) -> str | None:
    langs = raw["languages"]
    items: list[tuple[str, dict[str, str]]] = [("status_note", raw["status_note"]), ("title", raw["title"])]
    items += [(f"phase {p} intro", v["intro"]) for p, v in raw["phases"].items()]
    items += [(f"dimension {d['id']} label", d["label"]) for d in raw["dimensions"]]
    items += [(f"set {s['id']} label", s["label"]) for s in raw["sets"]]
    items += [(f"exploitation kind {k} label", v["label"]) for k, v in raw["exploitation_kinds"].items()]
    for kind, table in (("concept", raw["concepts"]), ("fact", raw.get("facts", {}))):
        for cid, c in table.items():
            items += [(f"{kind} {cid} {part}", c[part]) for part in ("label", "question", "explanation")]
            items += [(f"{kind} {cid} question for {p}", t) for p, t in c.get("question_by_phase", {}).items()]
    for name, rule in raw["rules"].items():
        for variant, body in _rule_bodies(rule):
            if "description" in body:
                items.append((f"rule {name}{variant} description", body["description"]))
    for where, texts in items:
        lang = _missing_language(texts, langs)
        if lang:
            return f"{where}: no text in language '{lang}'"
    return None


def _check_dimensions(raw: dict[str, Any]) -> str | None:
    ids = [d["id"] for d in raw["dimensions"]]
    dup = _first_duplicate(ids) or _first_duplicate([d["code"] for d in raw["dimensions"]])
    if dup:
        return f"dimension {dup}: defined twice"
    for d in raw["dimensions"]:
        if d["phase"] not in raw["phases"]:
            return f"dimension {d['id']}: unknown phase '{d['phase']}'"
    for cid, c in raw["concepts"].items():
        for phase in c.get("question_by_phase", {}):
            if phase not in raw["phases"]:
                return f"concept {cid}: question for unknown phase '{phase}'"
    for fid, f in raw.get("facts", {}).items():
        if f["phase"] not in raw["phases"]:
            return f"fact {fid}: unknown phase '{f['phase']}'"
        if fid in raw["concepts"]:
            return f"fact {fid}: also defined as a concept"
    return None


def _check_dimension_rule(raw: dict[str, Any]) -> str | None:
    rule = raw["rules"]["dimension_positive"]
    clauses = rule.get("positive_if_any_of")
    if not isinstance(clauses, list) or not clauses:
        return "rule dimension_positive: positive_if_any_of must list at least one clause"
    for n, clause in enumerate(clauses):
        if not isinstance(clause, dict) or not clause:
            return f"rule dimension_positive clause {n}: must map min_<strength> keys to counts"
        for key, value in clause.items():
            groups = key[len("min_"):].split("_or_") if key.startswith("min_") else []
            bad = [g for g in groups if g not in raw["strength_levels"]]
            if not groups or bad or not isinstance(value, int) or value < 1:
                return (f"rule dimension_positive clause {n}: '{key}: {value}' is not "
                        "min_<strength>[_or_<strength>]: n >= 1")
    if "description" not in rule:
        return "rule dimension_positive: no description"
    return None


def _check_sets(raw: dict[str, Any]) -> str | None:
    dims = {d["id"] for d in raw["dimensions"]}
    dup = _first_duplicate([s["id"] for s in raw["sets"]])
    if dup:
        return f"set {dup}: defined twice"
    all_ids = [i["id"] for s in raw["sets"] for d in s["dimensions"] for i in d["indicators"]]
    dup = _first_duplicate(all_ids)
    if dup:
        return f"indicator {dup}: defined twice"
    for s in raw["sets"]:
        if s["exploitation"] not in raw["exploitation_kinds"]:
            return f"set {s['id']}: unknown exploitation kind '{s['exploitation']}'"
        if s["rule"] not in raw["rules"] or s["rule"] == "dimension_positive":
            return f"set {s['id']}: unknown rule '{s['rule']}'"
        problem = _check_set_dimensions(s, dims, raw) or _check_rule_dimensions_in_set(s, raw)
        if problem:
            return problem
    return None


def _check_rule_dimensions_in_set(s: dict[str, Any], raw: dict[str, Any]) -> str | None:
    # A rule naming a dimension the set lacks would silently count it absent.
    rule = raw["rules"][s["rule"]]
    own = {d["dimension"] for d in s["dimensions"]}
    for variant, body in _rule_bodies(rule):
        missing = sorted(_node_dimensions({"all_of": body.get("all_of") or []}) - own)
        if missing:
            return f"set {s['id']}: rule {s['rule']}{variant} uses dimension {missing[0]}, which the set lacks"
    return None


def _node_dimensions(node: Any) -> set[str]:
    if isinstance(node, str):
        return {node}
    if isinstance(node, dict) and len(node) == 1:
        (key, value), = node.items()
        if key in ("all_of", "any_of") and isinstance(value, list):
            return set().union(*(_node_dimensions(c) for c in value)) if value else set()
    return set()


def _check_set_dimensions(s: dict[str, Any], dims: set[str], raw: dict[str, Any]) -> str | None:
    seen_dims = []
    for d in s["dimensions"]:
        if d["dimension"] not in dims:
            return f"set {s['id']}: unknown dimension '{d['dimension']}'"
        seen_dims.append(d["dimension"])
        concepts = [i["concept"] for i in d["indicators"]]
        if _first_duplicate(concepts):
            return f"set {s['id']} dimension {d['dimension']}: concept {_first_duplicate(concepts)} listed twice"
        for i in d["indicators"]:
            if i["concept"] not in raw["concepts"]:
                return f"indicator {i['id']}: unknown concept '{i['concept']}'"
            if i["strength"] not in raw["strength_levels"]:
                return f"indicator {i['id']}: unknown strength '{i['strength']}'"
        counts = d.get("counts")
        if counts is not None:
            actual = {lvl: sum(1 for i in d["indicators"] if i["strength"] == lvl) for lvl in raw["strength_levels"]}
            if any(actual[k] != counts.get(k, 0) for k in actual):
                return f"set {s['id']} dimension {d['dimension']}: declared counts {counts} != indicators {actual}"
    dup = _first_duplicate(seen_dims)
    return f"set {s['id']}: dimension {dup} listed twice" if dup else None


def _check_set_rules(raw: dict[str, Any]) -> str | None:
    dims = {d["id"] for d in raw["dimensions"]}
    facts = set(raw.get("facts", {}))
    for name, rule in raw["rules"].items():
        if name == "dimension_positive":
            continue
        if "default_variant" in rule and rule["default_variant"] not in rule.get("variants", {}):
            return f"rule {name}: default_variant '{rule['default_variant']}' is not among its variants"
        for variant, body in _rule_bodies(rule):
            problem = _check_node({"all_of": body.get("all_of")}, dims, facts)
            if problem:
                return f"rule {name}{variant}: {problem}"
    return None


def _check_node(node: Any, dims: set[str], facts: set[str]) -> str | None:
    if isinstance(node, str):
        return None if node in dims else f"unknown dimension '{node}'"
    if not isinstance(node, dict) or len(node) != 1:
        return f"a rule node must be a dimension id or one of all_of / any_of / fact, not {node!r}"
    (key, value), = node.items()
    if key == "fact":
        return None if value in facts else f"unknown fact '{value}'"
    if key not in ("all_of", "any_of") or not isinstance(value, list) or not value:
        return f"'{key}' must be all_of / any_of with a non-empty list, or fact"
    return next((p for p in (_check_node(c, dims, facts) for c in value) if p), None)


def _check_approval(raw: dict[str, Any]) -> str | None:
    # An approved catalogue feeds decisions without the draft caveat: nothing in it may still await verification.
    if raw["status"] != "approved":
        return None
    for s in raw["sets"]:
        for d in s["dimensions"]:
            for i in d["indicators"]:
                if i.get("uncertain"):
                    return f"status approved, but indicator {i['id']} is marked uncertain"
    for name, rule in raw["rules"].items():
        bodies = [("", rule), *_rule_bodies(rule)] if "variants" in rule else [("", rule)]
        for variant, body in bodies:
            if body.get("uncertain"):
                return f"status approved, but rule {name}{variant} is marked uncertain"
    return None


def _rule_bodies(rule: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    if "variants" in rule:
        return [(f" variant {k}", v) for k, v in rule["variants"].items()]
    return [("", rule)]


def _first_duplicate(values: list[str]) -> str | None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            return v
        seen.add(v)
    return None
