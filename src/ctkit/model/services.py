"""Organisations and what happens around a case: referrals, assistance, consent, legal proceedings."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from ctkit.model.common import CountryCode, ModelBase, RegionCode, TriState, coded, new_id


class Organisation(ModelBase):
    id: str = Field(default_factory=new_id)
    name: str = Field(min_length=1, max_length=200)
    type: coded("organisation_type") = "ngo"  # type: ignore[valid-type]
    country: CountryCode | None = None
    region: RegionCode | None = None
    services: list[coded("service_type")] = Field(default_factory=list)  # type: ignore[valid-type]
    languages: list[str] = Field(default_factory=list)
    capacity: int | None = Field(default=None, ge=0)


class Consent(ModelBase):
    """Consent for one purpose; ``organisation_id`` names the recipient for 'sharing'. Withdrawal is dated."""

    id: str = Field(default_factory=new_id)
    purpose: coded("consent_purpose")  # type: ignore[valid-type]
    organisation_id: str | None = None
    given_on: date
    language: str | None = Field(default=None, max_length=8)
    interpreter_used: TriState = TriState.unknown
    explained_by: str | None = Field(default=None, max_length=100)
    withdrawn_on: date | None = None

    @model_validator(mode="after")
    def _withdrawal_after_consent(self) -> Consent:
        if self.withdrawn_on and self.withdrawn_on < self.given_on:
            raise ValueError("withdrawn_on is before given_on")
        if self.purpose == "sharing" and not self.organisation_id:
            raise ValueError("consent for sharing must name the receiving organisation")
        return self

    def active_on(self, on: date) -> bool:
        return self.given_on <= on and (self.withdrawn_on is None or on < self.withdrawn_on)


class Referral(ModelBase):
    id: str = Field(default_factory=new_id)
    to_organisation_id: str
    service: coded("service_type")  # type: ignore[valid-type]
    status: str = Field(default="sent", pattern="^(sent|accepted|rejected|done|revoked)$")
    sent_on: date
    closed_on: date | None = None


class Assistance(ModelBase):
    id: str = Field(default_factory=new_id)
    service: coded("service_type")  # type: ignore[valid-type]
    provider_organisation_id: str | None = None
    start_date: date
    end_date: date | None = None
    outcome: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Assistance:
        if self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class LegalProceeding(ModelBase):
    """Criminal-justice track per perpetrator. Assistance never depends on it.

    ``perpetrator_id`` names one of the case's perpetrators (:class:`ctkit.model.CasePerpetrator`);
    ``perpetrator_ref`` is the case-local reference (``P1``...) older records carry, kept as it was written.
    """

    id: str = Field(default_factory=new_id)
    perpetrator_id: str | None = None
    perpetrator_ref: str | None = Field(default=None, max_length=40)
    status: coded("justice_status") = "reported"  # type: ignore[valid-type]
    victim_role: str | None = Field(default=None, pattern="^(witness|injured_party|none)$")
    non_punishment: TriState = TriState.unknown
    reported_on: date | None = None
    investigation_on: date | None = None
    prosecution_on: date | None = None
    verdict_on: date | None = None
    sentence_months: int | None = Field(default=None, ge=0)
    compensation_awarded: TriState = TriState.unknown

    @model_validator(mode="after")
    def _dates_in_order(self) -> LegalProceeding:
        steps = [("reported_on", self.reported_on), ("investigation_on", self.investigation_on),
                 ("prosecution_on", self.prosecution_on), ("verdict_on", self.verdict_on)]
        known = [(n, d) for n, d in steps if d is not None]
        for (n1, d1), (n2, d2) in zip(known, known[1:], strict=False):
            if d2 < d1:
                raise ValueError(f"{n2} is before {n1}")
        return self
