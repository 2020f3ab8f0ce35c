"""Synthetic snapshots for tests and benchmarks (vectorised numpy: 1 million cases in seconds).

The shape follows the 2006 IOM Kaliningrad study loosely (Kaliningrad Oblast as source, transit and destination;
CIS origins; Poland, Germany, Turkey and Greece as destinations). Nothing here is real data.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ctkit.analyse.schema import column_names
from ctkit.analyse.snapshot import Snapshot
from ctkit.vocab import CTDC_AGE_BANDS, code_list, region_country

ORIGINS = {"RU-KGD": 30, "UKR": 14, "BLR": 9, "MDA": 7, "UZB": 10, "RU-MOW": 6, "RU-PSK": 5, "TJK": 6, "RUS": 8,
           "KGZ": 5}
TRANSITS = {"RU-KGD": 30, "LTU": 30, "POL": 20, "BLR": 20}
DESTINATIONS = {"RU-KGD": 30, "POL": 20, "DEU": 20, "TUR": 12, "GRC": 8, "RU-MOW": 5, "ITA": 5}
CITIZENSHIP = {"RUS": 45, "UKR": 14, "BLR": 9, "MDA": 7, "UZB": 10, "TJK": 6, "KGZ": 5, "LTU": 4}
FORMS = {"sexual": 55, "forced_labour": 35, "domestic_servitude": 5, "forced_begging": 3, "other": 2}
LABOUR_SECTORS = ["construction", "fishing", "market_trading", "counterfeit_manufacturing", "agriculture"]
# Probability a case reaches each stage given it reached the one before (screened is everyone).
STAGE_SURVIVAL = [1.0, 0.85, 0.75, 0.75, 0.9, 0.55, 0.5, 0.4, 0.55]


def _pick(rng: np.random.Generator, weights: dict[str, int], size: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=size, p=p / p.sum())]


def _ids(n: int, salt: int) -> np.ndarray:
    # A multiplicative bijection on 64-bit integers: unique, random-looking ids without a uniqueness check.
    with np.errstate(over="ignore"):
        mixed = (np.arange(n, dtype=np.uint64) + np.uint64(salt)) * np.uint64(0x9E3779B97F4A7C15)
    return mixed.view(np.int64)


def _dict(values: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.string()).dictionary_encode()


def _age_bands(ages: np.ndarray) -> np.ndarray:
    lows = np.array([low for low, _, _ in CTDC_AGE_BANDS])
    labels = np.array([label for _, _, label in CTDC_AGE_BANDS], dtype=object)
    bands = labels[np.clip(np.searchsorted(lows, ages, side="right") - 1, 0, len(lows) - 1)]
    return np.where(ages < 0, None, bands)


def _cases(rng: np.random.Generator, n: int) -> tuple[pa.Table, pa.Table, np.ndarray]:
    case_id, person_id = _ids(n, 1), _ids(n, 7_777_777_777)
    day = rng.integers(0, 3652, size=n)
    registered = np.datetime64("2015-01-01") + day.astype("timedelta64[D]")
    years = registered.astype("datetime64[Y]").astype(int) + 1970
    months = registered.astype("datetime64[M]").astype(int) % 12
    ages = np.where(rng.random(n) < 0.05, -1, np.clip(rng.gamma(6.0, 4.5, size=n).astype(int) + 6, 6, 75))
    sex = _pick(rng, {"female": 70, "male": 28, "unknown": 2}, n)
    citizenship = np.where(rng.random(n) < 0.03, None, _pick(rng, CITIZENSHIP, n))
    relation = np.where(rng.random(n) < 0.4, None,
                        _pick(rng, {"intimate_partner": 15, "friend": 25, "family": 10, "acquaintance": 30,
                                    "stranger": 20}, n))
    abduction = pa.array(np.where(rng.random(n) < 0.5, None, rng.random(n) < 0.05), type=pa.bool_())
    cases = pa.table({
        "case_id": case_id, "person_id": person_id, "registered_on": pa.array(registered, pa.date32()),
        "year": years.astype(np.int16), "quarter": (months // 3 + 1).astype(np.int8), "sex": _dict(sex),
        "age_years": pa.array(np.where(ages < 0, None, ages), pa.int16()), "age_band": _dict(_age_bands(ages)),
        "is_minor": pa.array(np.where(ages < 0, None, ages < 18), pa.bool_()), "citizenship": _dict(citizenship),
        "identification_status": _dict(_pick(rng, {"possible_victim": 40, "reasonable_grounds": 30,
                                                    "conclusive_victim": 30}, n)),
        "justice_status": _dict(_pick(rng, {"none": 60, "reported": 20, "investigation": 10, "conviction": 10}, n)),
        "recruiter_relation": _dict(relation), "is_abduction": abduction,
    })
    persons = pa.table({"person_id": person_id, "sex": _dict(sex), "citizenship": _dict(citizenship)})
    return cases, persons, registered


def _place_country(places: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(alpha-3 country, ISO 3166-2 region or None) of place codes that are either."""
    lookup = {p: (region_country(p), p) if "-" in p else (p, None) for p in set(places.tolist())}
    country = np.array([lookup[p][0] for p in places], dtype=object)
    region = np.array([lookup[p][1] for p in places], dtype=object)
    return country, region


def _legs(rng: np.random.Generator, case_id: np.ndarray, years: np.ndarray) -> pa.Table:
    parts = []
    for leg_no, (role, weights, p) in enumerate(
        [("origin", ORIGINS, 0.9), ("transit", TRANSITS, 0.4), ("destination", DESTINATIONS, 0.95)], start=1
    ):
        mask = rng.random(len(case_id)) < p
        places = _pick(rng, weights, int(mask.sum()))
        country, region = _place_country(places)
        parts.append(pa.table({
            "case_id": case_id[mask], "leg_no": np.full(mask.sum(), leg_no, np.int16), "role": _dict(
                np.full(mask.sum(), role, dtype=object)), "country": _dict(country), "region": _dict(region),
            "year": years[mask].astype(np.int16)}))
    return pa.concat_tables(parts).combine_chunks()


def _exploitations(rng: np.random.Generator, case_id: np.ndarray) -> pa.Table:
    ids = np.concatenate([case_id[rng.random(len(case_id)) < 0.9], case_id[rng.random(len(case_id)) < 0.1]])
    forms = _pick(rng, FORMS, len(ids))
    labour = np.array(LABOUR_SECTORS, dtype=object)[rng.integers(0, len(LABOUR_SECTORS), len(ids))]
    sector = np.where(forms == "forced_labour", labour,
                      np.where(forms == "sexual", "sex_industry",
                               np.where(forms == "domestic_servitude", "domestic_work", None)))
    return pa.table({"case_id": ids, "form": _dict(forms), "sector": _dict(sector)})


def _flags(rng: np.random.Generator, case_id: np.ndarray, list_name: str, recorded: float) -> pa.Table:
    codes = np.array(list(code_list(list_name)), dtype=object)
    chosen = case_id[rng.random(len(case_id)) < recorded]
    ids = np.repeat(chosen, len(codes))
    code = np.tile(codes, len(chosen))
    rates = np.tile(np.linspace(0.05, 0.6, len(codes)), len(chosen))
    return pa.table({"case_id": ids, "code": _dict(code), "present": rng.random(len(ids)) < rates})


def _stages(rng: np.random.Generator, case_id: np.ndarray, registered: np.ndarray) -> pa.Table:
    stages = list(code_list("lifecycle_stage"))
    alive = np.ones(len(case_id), dtype=bool)
    when = registered.copy()
    parts = []
    for stage, survive in zip(stages, STAGE_SURVIVAL, strict=True):
        alive &= rng.random(len(case_id)) < survive
        when = when + rng.exponential(20.0, len(case_id)).astype("timedelta64[D]")
        parts.append(pa.table({"case_id": case_id[alive], "stage": _dict(np.full(alive.sum(), stage, dtype=object)),
                               "reached_on": pa.array(when[alive], pa.date32())}))
    return pa.concat_tables(parts).combine_chunks()


def synthetic_tables(n_cases: int, seed: int = 0) -> dict[str, pa.Table]:
    """Arrow tables of a synthetic snapshot with ``n_cases`` cases (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    cases, persons, registered = _cases(rng, n_cases)
    case_id = cases.column("case_id").to_numpy()
    years = cases.column("year").to_numpy()
    methods_ids = np.concatenate([case_id[rng.random(n_cases) < 0.6], case_id[rng.random(n_cases) < 0.1]])
    tables = {
        "cases": cases, "persons": persons, "route_legs": _legs(rng, case_id, years),
        "exploitations": _exploitations(rng, case_id),
        "means": _flags(rng, case_id, "means_of_control", 0.35),
        "vulnerabilities": _flags(rng, case_id, "vulnerability", 0.3),
        "recruitment_methods": pa.table({"case_id": methods_ids, "method": _dict(_pick(
            rng, {"false_job_offer": 40, "personal_contact": 30, "online_social_network": 15, "family": 10,
                  "abduction": 5}, len(methods_ids)))}),
        "stages": _stages(rng, case_id, registered),
        "recorded_by": pa.table({"case_id": case_id, "agency": _dict(_pick(
            rng, {"police": 40, "ngo": 35, "iom": 15, "border_guard": 10}, n_cases))}),
    }
    return {name: table.select(column_names(name)) for name, table in tables.items()}


def synthetic_snapshot(n_cases: int, seed: int = 0) -> Snapshot:
    """An in-memory :class:`Snapshot` of ``n_cases`` synthetic cases.

    >>> synthetic_snapshot(50).count()
    50
    """
    return Snapshot.from_tables(synthetic_tables(n_cases, seed), source="synthetic")
