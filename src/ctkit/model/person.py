"""The person (victim or survivor): personal data apart from the rest, so it can be encrypted as one unit."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from ctkit.model.common import CountryCode, ModelBase, TriState, coded, flags_of, new_id
from ctkit.vocab import age_on

Sex = coded("sex")


class IdentityDocument(ModelBase):
    kind: str = Field(max_length=40)
    number: str = Field(max_length=80)
    issuing_country: CountryCode | None = None


class PersonalData(ModelBase):
    """Everything that identifies a person. Encrypted at rest; never logged, exported or shown unrevealed."""

    first_name: str | None = Field(default=None, max_length=200)
    middle_name: str | None = Field(default=None, max_length=200)
    last_name: str | None = Field(default=None, max_length=200)
    birth_date: date | None = None
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=500)
    documents: list[IdentityDocument] = Field(default_factory=list)
    narrative: str | None = Field(default=None, max_length=100_000)

    def is_empty(self) -> bool:
        return self == PersonalData()


class Person(ModelBase):
    """A victim or survivor. ``age_years``/``age_reference_date`` stand in when the birth date is unknown."""

    id: str = Field(default_factory=new_id)
    personal: PersonalData = Field(default_factory=PersonalData)
    sex: Sex = "unknown"  # type: ignore[valid-type]
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    age_years: int | None = Field(default=None, ge=0, le=120)
    age_reference_date: date | None = None
    citizenship: list[CountryCode] = Field(default_factory=list)
    primary_language: str | None = Field(default=None, max_length=8)
    vulnerabilities: flags_of("vulnerability") = Field(default_factory=dict)  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _age_needs_reference(self) -> Person:
        if self.age_years is not None and self.age_reference_date is None:
            raise ValueError("age_years needs age_reference_date (the date the age was recorded)")
        return self

    def age_at(self, on: date) -> int | None:
        """Age in completed years on ``on``, from the birth date or the recorded age; None if unknown."""
        if self.personal.birth_date is not None:
            return age_on(self.personal.birth_date, on)
        if self.age_years is not None and self.age_reference_date is not None:
            return self.age_years + age_on(self.age_reference_date, on) if on >= self.age_reference_date else (
                self.age_years - age_on(on, self.age_reference_date)
            )
        if self.birth_year is not None:
            return on.year - self.birth_year
        return None

    def vulnerability(self, code: str) -> TriState:
        return self.vulnerabilities.get(code, TriState.unknown)
