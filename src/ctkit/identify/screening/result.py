"""Screening results: per dimension, per set and overall, with what is needed to explain and save them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ctkit.identify.screening.catalogue import Catalogue

PRESENT, ABSENT, INDETERMINATE = "present", "absent", "indeterminate"
REFER, INSUFFICIENT, ASK_MORE = "refer", "insufficient", "ask_more"
OUTCOME_ORDER = {INSUFFICIENT: 0, ASK_MORE: 1, REFER: 2}
"""Outcomes ranked from lowest to highest, for monotonicity checks and comparisons."""


@dataclass(frozen=True)
class DimensionResult:
    """One dimension of one set: its status, the facts answered yes and unknown, the clause that fired."""

    dimension: str
    status: str
    yes: tuple[str, ...]
    unknown: tuple[str, ...]
    clause: dict[str, int] | None
    critical: bool


@dataclass(frozen=True)
class SetResult:
    """One indicator set: its outcome, the rule applied and why.

    ``failed`` lists, for an ``insufficient`` outcome, the rule items that cannot hold (dimension or fact ids,
    grouped by the rule branch that failed); ``open_facts`` lists, for ``ask_more``, the unknown facts whose
    answer can still change this set's outcome.
    """

    set_id: str
    outcome: str
    rule_id: str
    rule_variant: str | None
    dimensions: dict[str, DimensionResult]
    facts: dict[str, str]
    failed: tuple[tuple[str, ...], ...]
    open_facts: tuple[str, ...]


@dataclass(frozen=True)
class ScreeningResult:
    """The result of one screening. A referral recommendation, never a legal finding.

    ``answers`` holds the explicit answers by fact (``concept@phase``); unanswered facts count as unknown.
    """

    catalogue: Catalogue = field(repr=False, compare=False)
    age: int | None
    populations: tuple[str, ...]
    exploitation: tuple[str, ...]
    outcome: str
    sets: dict[str, SetResult]
    answers: dict[str, str]

    @property
    def catalogue_ref(self) -> dict[str, str]:
        c = self.catalogue
        return {"catalogue_id": c.id, "catalogue_version": c.version, "catalogue_status": c.status}

    def means_of_control(self) -> list[str]:
        """HTCDS MethodsOfControl codes implied by the yes answers, via the catalogue's mapping (sorted)."""
        codes: set[str] = set()
        for fact, value in self.answers.items():
            if value == "yes":
                codes.update(self.catalogue.concept_of(fact).htcds_methods_of_control)
        return sorted(codes)

    def open_facts(self) -> list[str]:
        """Unknown facts that can still change the outcome of a set, in catalogue order."""
        wanted = {f for s in self.sets.values() for f in s.open_facts}
        return [f for f in self.catalogue.fact_order if f in wanted]

    def exploitation_forms(self) -> list[str]:
        """The ctkit exploitation-form codes (``forced_labour``, ``sexual``) of the kinds screened, via the
        catalogue's ``exploitation_form`` mapping (the kind itself where the catalogue gives none)."""
        kinds = self.catalogue.exploitation_kinds
        return [kinds[k].get("exploitation_form", k) for k in self.exploitation]

    def to_record(self) -> dict[str, Any]:
        """JSON-serialisable record, saved by the store as a ScreeningResult (on a case, or anonymous).

        Keys: catalogue_id, catalogue_version, catalogue_status, outcome, sets (set id -> outcome), dimensions
        (set id -> dimension id -> status), answers (fact -> yes/no/unknown, explicit answers only, keyed
        ``concept@phase``), means_of_control (HTCDS MethodsOfControl codes implied by yes answers), exploitation
        (ctkit exploitation-form codes of the kinds screened).
        """
        return {
            **self.catalogue_ref,
            "outcome": self.outcome,
            "sets": {sid: s.outcome for sid, s in self.sets.items()},
            "dimensions": {sid: {d: r.status for d, r in s.dimensions.items()} for sid, s in self.sets.items()},
            "answers": dict(sorted(self.answers.items())),
            "means_of_control": self.means_of_control(),
            "exploitation": self.exploitation_forms(),
        }

    def to_model(self, screened_on: date) -> Any:
        """The record as a ``ctkit.model.ScreeningResult`` (fields the model does not declare are left out)."""
        from ctkit.model import ScreeningResult as ScreeningRecord

        fields = ScreeningRecord.model_fields
        return ScreeningRecord(screened_on=screened_on, **{k: v for k, v in self.to_record().items() if k in fields})
