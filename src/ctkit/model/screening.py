"""A saved screening outcome (the screening engine in ``identify.screening`` produces it)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from ctkit.model.common import ModelBase, new_id


class ScreeningResult(ModelBase):
    """What a screening concluded, on which catalogue, and the normalised answers behind it."""

    id: str = Field(default_factory=new_id)
    screened_on: date
    catalogue_id: str
    catalogue_version: str
    catalogue_status: str
    outcome: str = Field(pattern="^(refer|insufficient|ask_more)$")
    sets: dict[str, str] = Field(default_factory=dict)
    answers: dict[str, str] = Field(default_factory=dict)
    means_of_control: list[str] = Field(default_factory=list)
    exploitation: list[str] = Field(default_factory=list)
