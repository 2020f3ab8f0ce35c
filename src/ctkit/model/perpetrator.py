"""Perpetrators (HTCDS v2.0 "Person - Perpetrator Context"): entities of their own, shared by the cases of an
organisation (one network exploits many victims), each case naming them with their role(s) in it.

Names, aliases, birth date, documents and notes are :class:`PerpetratorPersonalData`, encrypted at rest as one
unit like a victim's personal data; sex, birth year and citizenship stay plain for the official offender counts.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from ctkit.model.common import CountryCode, ModelBase, coded, new_id
from ctkit.model.person import IdentityDocument, Sex

Alias = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Role = coded("perpetrator_role")


class PerpetratorPersonalData(ModelBase):
    """Everything that identifies a perpetrator. Encrypted at rest; never logged, exported or put in a URL."""

    first_name: str | None = Field(default=None, max_length=200)
    middle_name: str | None = Field(default=None, max_length=200)
    last_name: str | None = Field(default=None, max_length=200)
    aliases: list[Alias] = Field(default_factory=list, max_length=20)
    birth_date: date | None = None
    documents: list[IdentityDocument] = Field(default_factory=list)
    notes: str | None = Field(default=None, max_length=10_000)

    def is_empty(self) -> bool:
        return self == PerpetratorPersonalData()


class Perpetrator(ModelBase):
    """A suspected or convicted trafficker. ``organisation_id``: the organisation whose records hold them."""

    id: str = Field(default_factory=new_id)
    organisation_id: str | None = None
    personal: PerpetratorPersonalData = Field(default_factory=PerpetratorPersonalData)
    sex: Sex = "unknown"  # type: ignore[valid-type]
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    citizenship: list[CountryCode] = Field(default_factory=list, max_length=5)

    @model_validator(mode="after")
    def _birth_year_matches(self) -> Perpetrator:
        born = self.personal.birth_date
        if born is not None and self.birth_year is not None and born.year != self.birth_year:
            raise ValueError("birth_year differs from the year of personal.birth_date")
        return self

    def age_in(self, year: int) -> int | None:
        """Age reached in ``year`` (from the birth year), None if unknown."""
        return None if self.birth_year is None else year - self.birth_year


class CasePerpetrator(ModelBase):
    """A perpetrator on one case, with their role(s) in this case; ``label`` is the case-local reference
    (``P1``...) that older proceedings used.
    """

    perpetrator: Perpetrator
    roles: list[Role] = Field(default_factory=list)  # type: ignore[valid-type]
    label: str | None = Field(default=None, max_length=40)

    @model_validator(mode="after")
    def _roles_once(self) -> CasePerpetrator:
        if len(set(self.roles)) != len(self.roles):
            raise ValueError("a role is listed twice")
        return self
