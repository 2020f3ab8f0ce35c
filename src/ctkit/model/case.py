"""The case: route (trafficking events), exploitation, recruitment, means of control, lifecycle and lists.

Based on HTCDS v2.0 (IOM, CC BY 4.0), extended where it is silent (see docs/model.md).
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from ctkit.model.common import CountryCode, ModelBase, RegionCode, TriState, coded, flags_of, new_id
from ctkit.model.perpetrator import CasePerpetrator
from ctkit.model.person import Person
from ctkit.model.screening import ScreeningResult
from ctkit.model.services import Assistance, Consent, LegalProceeding, Referral


class TraffickingEvent(ModelBase):
    """One leg of the route: recruitment, transit or exploitation, where and when. The route is their order."""

    id: str = Field(default_factory=new_id)
    type: coded("event_type")  # type: ignore[valid-type]
    country: CountryCode | None = None
    region: RegionCode | None = None
    place: str | None = Field(default=None, max_length=200)
    start_date: date | None = None
    end_date: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> TraffickingEvent:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class Exploitation(ModelBase):
    form: coded("exploitation_form")  # type: ignore[valid-type]
    sector: coded("sector") | None = None  # type: ignore[valid-type]


class Recruitment(ModelBase):
    methods: list[coded("recruitment_method")] = Field(default_factory=list)  # type: ignore[valid-type]
    recruiter_relation: coded("recruiter_relation") | None = None  # type: ignore[valid-type]


class LifecycleEvent(ModelBase):
    """A dated stage of the attrition funnel (screened ... convicted) reached by the case."""

    stage: coded("lifecycle_stage")  # type: ignore[valid-type]
    on: date
    outcome: str | None = Field(default=None, max_length=40)


class Case(ModelBase):
    id: str = Field(default_factory=new_id)
    organisation_id: str | None = None
    person: Person = Field(default_factory=Person)
    registered_on: date
    identification_status: coded("identification_status") = "screened"  # type: ignore[valid-type]
    case_status: coded("case_status") = "open"  # type: ignore[valid-type]
    justice_status: coded("justice_status") = "none"  # type: ignore[valid-type]
    events: list[TraffickingEvent] = Field(default_factory=list)
    exploitations: list[Exploitation] = Field(default_factory=list)
    recruitment: Recruitment = Field(default_factory=Recruitment)
    means_of_control: flags_of("means_of_control") = Field(default_factory=dict)  # type: ignore[valid-type]
    is_abduction: TriState = TriState.unknown
    lifecycle: list[LifecycleEvent] = Field(default_factory=list)
    recorded_by: list[coded("recording_agency")] = Field(default_factory=list)  # type: ignore[valid-type]
    referrals: list[Referral] = Field(default_factory=list)
    assistance: list[Assistance] = Field(default_factory=list)
    consents: list[Consent] = Field(default_factory=list)
    proceedings: list[LegalProceeding] = Field(default_factory=list)
    perpetrators: list[CasePerpetrator] = Field(default_factory=list)
    screenings: list[ScreeningResult] = Field(default_factory=list)
    source: str | None = Field(default=None, max_length=80)

    @model_validator(mode="after")
    def _perpetrators_known(self) -> Case:
        ids = [p.perpetrator.id for p in self.perpetrators]
        if len(set(ids)) != len(ids):
            raise ValueError("a perpetrator is listed twice on the case")
        labels = [p.label for p in self.perpetrators if p.label]
        if len(set(labels)) != len(labels):
            raise ValueError("two perpetrators of the case share a label")
        for i, proceeding in enumerate(self.proceedings):
            if proceeding.perpetrator_id is not None and proceeding.perpetrator_id not in ids:
                raise ValueError(f"proceedings.{i}.perpetrator_id names no perpetrator of the case")
        return self

    def perpetrator(self, perpetrator_id: str) -> CasePerpetrator | None:
        return next((p for p in self.perpetrators if p.perpetrator.id == perpetrator_id), None)

    def route(self, event_type: str | None = None) -> list[TraffickingEvent]:
        """Events in route order (recruitment, transit, exploitation; then by date), optionally one type."""
        order = {"recruitment": 0, "transit": 1, "exploitation": 2}
        events = sorted(self.events, key=lambda e: (order[e.type], e.start_date or date.min))
        return [e for e in events if event_type is None or e.type == event_type]

    def stage_date(self, stage: str) -> date | None:
        dates = [e.on for e in self.lifecycle if e.stage == stage]
        return min(dates) if dates else None

    def means(self, code: str) -> TriState:
        return self.means_of_control.get(code, TriState.unknown)

    @property
    def forms(self) -> list[str]:
        return sorted({e.form for e in self.exploitations})
