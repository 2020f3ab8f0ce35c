"""The lifecycle state machines, loaded from ``data/lifecycle.yaml``, and the check of one transition.

A transition is refused before anything is written: unknown action (ValidationError), wrong starting state
(ConflictError naming the status field), missing or invalid required field (ValidationError naming the field).

>>> t = check("identification", "possible_victim", "rg_positive", {"on": date(2025, 3, 1), "reason": "other"})
>>> t.to, t.permission
('reasonable_grounds', 'case.decide')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import yaml

from ctkit.errors import ConflictError, ValidationError

PERMISSIONS = ("case.edit", "case.decide")


@dataclass(frozen=True)
class Transition:
    """One row of a transition table."""

    machine: str
    action: str
    sources: tuple[str, ...]
    to: str
    requires: tuple[str, ...]
    permission: str
    stage: str | None = None
    outcome: str | None = None
    effect: str | None = None


@dataclass(frozen=True)
class Machine:
    name: str
    field: str
    transitions: dict[str, Transition]

    def states(self) -> list[str]:
        """Every state named by the table, in first-mention order."""
        seen: dict[str, None] = {}
        for t in self.transitions.values():
            seen.update(dict.fromkeys(t.sources))
            seen[t.to] = None
        return list(seen)

    def available(self, state: str) -> list[Transition]:
        """The transitions that may start from ``state``."""
        return [t for t in self.transitions.values() if state in t.sources]


@cache
def _raw() -> dict:
    text = resources.files("ctkit.record").joinpath("data/lifecycle.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def machines() -> dict[str, Machine]:
    """The three machines (identification, case, justice) by name."""
    out = {}
    for name, spec in _raw()["machines"].items():
        table = {}
        for row in spec["transitions"]:
            if row["permission"] not in PERMISSIONS or "on" not in row["requires"]:
                raise ValueError(f"lifecycle.yaml: {name}.{row['action']} is malformed")
            table[row["action"]] = Transition(
                machine=name, action=row["action"], sources=tuple(row["from"]), to=row["to"],
                requires=tuple(row["requires"]), permission=row["permission"], stage=row.get("stage"),
                outcome=row.get("outcome"), effect=row.get("effect"))
        out[name] = Machine(name=name, field=spec["field"], transitions=table)
    return out


@cache
def reasons() -> dict[str, dict[str, str]]:
    """Reason codes for decisions and closures, with their en/ru labels."""
    return dict(_raw()["reasons"])


def machine(name: str) -> Machine:
    """The machine called ``name``; ValidationError for an unknown one."""
    found = machines().get(name)
    if found is None:
        raise ValidationError(f"machine: must be one of {', '.join(machines())}")
    return found


def _check_field(name: str, value: object, action: str) -> None:
    if value is None or value == "":
        raise ValidationError(f"{name}: required for {action}")
    if name == "on" and not isinstance(value, date):
        raise ValidationError(f"on: must be a date for {action}")
    if name == "reason" and value not in reasons():
        raise ValidationError(f"reason: must be one of {', '.join(reasons())}")
    if name in ("perpetrator_ref", "to_organisation") and (not isinstance(value, str) or len(value) > 40):
        raise ValidationError(f"{name}: must be a reference of at most 40 characters")


def check(machine_name: str, state: str, action: str, fields: dict[str, object]) -> Transition:
    """The transition ``action`` from ``state`` if it is legal and ``fields`` holds what it requires.

    Raises ValidationError (unknown action, missing or invalid field: the message names it) or ConflictError
    (the action does not start from ``state``: the message names the status field and the legal starting states).
    """
    m = machine(machine_name)
    transition = m.transitions.get(action)
    if transition is None:
        raise ValidationError(f"action: '{action}' is not a {machine_name} transition; known: "
                              f"{', '.join(m.transitions)}")
    if state not in transition.sources:
        raise ConflictError(f"{m.field}: {action} is not allowed from '{state}' "
                            f"(only from {', '.join(transition.sources)})")
    for name in transition.requires:
        _check_field(name, fields.get(name), action)
    return transition
