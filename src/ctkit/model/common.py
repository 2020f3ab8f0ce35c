"""Building blocks shared by the model: tri-state flags, identifiers, validated code fields."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from ctkit.errors import CtkitError
from ctkit.vocab import check_region, code_list, country_alpha3


class TriState(StrEnum):
    """Every flag about a case: yes / no / unknown (never a silent 'no')."""

    yes = "yes"
    no = "no"
    unknown = "unknown"


def new_id() -> str:
    """A fresh opaque identifier (UUID4 text)."""
    return str(uuid.uuid4())


def _as_value_error(func):
    """Turn ctkit's ValidationError into ValueError so pydantic reports it with the field's location."""

    def wrapper(value):
        try:
            return func(value)
        except CtkitError as exc:
            raise ValueError(exc.message) from None

    return wrapper


_country = _as_value_error(country_alpha3)
_region = _as_value_error(check_region)


CountryCode = Annotated[str, AfterValidator(_country)]
RegionCode = Annotated[str, AfterValidator(_region)]


def coded(list_name: str):
    """An Annotated str type that must be a code of the named code list."""

    @_as_value_error
    def check(value: str) -> str:
        return code_list(list_name).check(value)

    return Annotated[str, AfterValidator(check)]


def flags_of(list_name: str):
    """A dict of tri-state flags keyed by the codes of ``list_name``; absent codes mean unknown."""

    @_as_value_error
    def check(value: dict[str, TriState]) -> dict[str, TriState]:
        codes = code_list(list_name)
        for key in value:
            codes.check(key)
        return value

    return Annotated[dict[str, TriState], AfterValidator(check)]


def flag(flags: dict[str, TriState], code: str) -> TriState:
    return flags.get(code, TriState.unknown)


class ModelBase(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False)


def describe_validation_error(exc: Exception, where: str = "") -> str:
    """One line per problem, naming the field path, from a pydantic ValidationError (no input values echoed)."""
    errors = getattr(exc, "errors", None)
    if errors is None:
        return f"{where}: {exc}" if where else str(exc)
    parts = []
    for err in errors(include_input=False):
        loc = ".".join(str(p) for p in err["loc"]) or "(record)"
        parts.append(f"{loc}: {err['msg']}")
    prefix = f"{where}: " if where else ""
    return prefix + "; ".join(parts)
