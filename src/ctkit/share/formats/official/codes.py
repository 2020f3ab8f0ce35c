"""The official tables' categories (``data/official_codes.yaml``) and the mapping of ctkit codes onto them.

Category lists are the tables' full public domains; they are data, never derived from the records.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml

from ctkit.errors import ValidationError

ADULT_AGE = 18
MIXED = "mixed"


@cache
def official_codes() -> dict:
    """The parsed ``official_codes.yaml``."""
    text = resources.files("ctkit.share.formats.official").joinpath("data/official_codes.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def categories(scheme: str, dimension: str) -> dict[str, str]:
    """Code -> English label of one dimension of one scheme (``unodc``, ``eurostat``, ``greta``), in order."""
    try:
        return dict(official_codes()[scheme][dimension]["categories"])
    except KeyError:
        raise ValidationError(f"no category list '{dimension}' in scheme '{scheme}'") from None


def mapping(scheme: str, dimension: str) -> dict[str, str]:
    """ctkit code -> official category of one dimension."""
    return dict(official_codes()[scheme][dimension]["map"])


def eu27() -> frozenset[str]:
    """ISO alpha-3 codes of the EU-27 member states (composition and source in the YAML)."""
    return frozenset(official_codes()["eu27"]["members"])


def victim_statuses() -> dict[str, str]:
    """identification_status code -> ``identified`` or ``presumed`` for the statuses counted as victims."""
    return {code: kind for kind, codes in official_codes()["identification"].items() for code in codes}


def map_codes(values: pd.Series, table: dict[str, str], missing: str) -> pd.Series:
    """Map ctkit codes through ``table``; missing values become ``missing``; an unmapped code is a ValidationError."""
    known = values.notna()
    mapped = values.map(table)
    unmapped = known & mapped.isna()
    if unmapped.any():
        raise ValidationError(f"code '{values[unmapped].iloc[0]}' has no official category",
                              hint="add it to the map in share/formats/official/data/official_codes.yaml")
    return mapped.where(known, missing).astype(object)


def age_groups(ages: pd.Series, child: str, adult: str, unknown: str) -> pd.Series:
    """Child (< 18), adult or unknown from whole years of age."""
    years = pd.to_numeric(ages, errors="coerce").astype("float64")
    out = np.where(np.isnan(years), unknown, np.where(years < ADULT_AGE, child, adult))
    return pd.Series(out, index=ages.index, dtype=object)


def form_category(forms: pd.Series, table: dict[str, str] | None, *, several: str, unknown: str) -> pd.Series:
    """One category per row from comma-separated ctkit forms: its category, ``several`` when they map to more
    than one, ``unknown`` when none is recorded. ``table`` None keeps ctkit's own form codes.
    """
    def category(joined) -> str:
        if not isinstance(joined, str) or not joined:
            return unknown
        codes = joined.split(",")
        if table is not None:
            codes = map_codes(pd.Series(codes), table, unknown).tolist()
        distinct = set(codes)
        return distinct.pop() if len(distinct) == 1 else several

    return _per_distinct(forms, category)


def _per_distinct(values: pd.Series, function) -> pd.Series:
    """``function`` of each value, computed once per distinct value (combinations are few, rows are many)."""
    keys = values.astype(object).where(values.notna(), None)
    results = {key: function(key) for key in pd.unique(keys)}
    return pd.Series([results[key] for key in keys], index=values.index, dtype=object)


def citizenship_group(citizenship: pd.Series, country: str) -> pd.Series:
    """Eurostat's citizenship groups: NAT (the reporting country), EU27_2020_FOR, NEU27_2020_FOR or UNK."""
    members = eu27()
    out = np.where(citizenship.isna(), "UNK",
                   np.where(citizenship == country, "NAT",
                            np.where(citizenship.isin(members), "EU27_2020_FOR", "NEU27_2020_FOR")))
    return pd.Series(out, index=citizenship.index, dtype=object)


def nationality(citizenship: pd.Series, country: str) -> pd.Series:
    """national / foreign / unknown, against the reporting country."""
    out = np.where(citizenship.isna(), "unknown", np.where(citizenship == country, "national", "foreign"))
    return pd.Series(out, index=citizenship.index, dtype=object)


def trafficking_scope(victims: pd.DataFrame, country: str) -> pd.Series:
    """transnational (the route touches a country other than the reporting one), internal (every known place in
    the reporting country) or unknown (nothing known). As in CTDC's flow charts, citizenship stands for the origin
    when no origin leg's country is recorded. ``route_countries`` is comma-separated.
    """
    def scope(key: str) -> str:
        countries, has_origin, citizenship = key.split("|")
        known = {c for c in countries.split(",") if c}
        if has_origin != "True" and citizenship:
            known.add(citizenship)
        if not known:
            return "unknown"
        return "internal" if known == {country} else "transnational"

    keys = (victims["route_countries"].fillna("").astype(str) + "|" + victims["has_origin"].astype(str) + "|"
            + victims["citizenship"].fillna("").astype(str))
    return _per_distinct(keys, scope)
