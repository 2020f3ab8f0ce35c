"""A tiny hand-made snapshot whose every figure can be checked by hand, and a synthetic one."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from ctkit.analyse.snapshot import Snapshot
from ctkit.analyse.synthetic import synthetic_snapshot


def tiny_tables() -> dict[str, pd.DataFrame]:
    """Four cases: 3 women (one a minor) and 1 man; Kaliningrad as origin, transit and destination."""
    cases = pd.DataFrame({
        "case_id": [1, 2, 3, 4], "person_id": [11, 12, 13, 14],
        "registered_on": [date(2020, 1, 5), date(2020, 5, 1), date(2021, 2, 1), date(2021, 11, 30)],
        "year": [2020, 2020, 2021, 2021], "quarter": [1, 2, 1, 4],
        "sex": ["female", "female", "female", "male"], "age_years": [16, 25, None, 40],
        "age_band": ["9--17", "24--26", None, "39--47"], "is_minor": [True, False, None, False],
        "citizenship": ["RUS", "UKR", "RUS", "UZB"],
        "identification_status": ["conclusive_victim"] * 4, "justice_status": ["none"] * 4,
        "recruiter_relation": ["friend", "stranger", None, "friend"], "is_abduction": [False, None, None, True],
    })
    persons = cases[["person_id", "sex", "citizenship"]]
    legs = pd.DataFrame({
        "case_id": [1, 1, 2, 2, 3, 4, 4],
        "leg_no": [1, 3, 1, 2, 3, 1, 3],
        "role": ["origin", "destination", "origin", "transit", "destination", "origin", "destination"],
        "country": ["RUS", "POL", "UKR", "RUS", "RUS", "UZB", "RUS"],
        "region": ["RU-KGD", None, None, "RU-KGD", "RU-KGD", None, "RU-KGD"],
        "year": [2020, 2020, 2020, 2020, 2021, 2021, 2021],
    })
    exploitations = pd.DataFrame({"case_id": [1, 2, 3, 4, 4], "form": ["sexual", "sexual", "sexual", "forced_labour",
                                                                       "forced_labour"],
                                  "sector": ["sex_industry", None, None, "fishing", "construction"]})
    # debt bondage recorded for 3 cases (present in 1), withholds documents recorded for 1 (present)
    means = pd.DataFrame({
        "case_id": [1, 2, 4, 4], "code": ["debt_bondage", "debt_bondage", "debt_bondage", "withholds_documents"],
        "present": [True, False, False, True],
    })
    vulnerabilities = pd.DataFrame({"case_id": [1, 2], "code": ["poverty", "poverty"], "present": [True, True]})
    methods = pd.DataFrame({"case_id": [1, 1, 4], "method": ["false_job_offer", "personal_contact", "false_job_offer"]})
    stages = pd.DataFrame({
        "case_id": [1, 2, 3, 4, 1, 2, 4, 1, 4],
        "stage": ["screened"] * 4 + ["possible_victim"] * 3 + ["reasonable_grounds"] * 2,
        "reached_on": [date(2020, 1, 5), date(2020, 5, 1), date(2021, 2, 1), date(2021, 11, 30),
                       date(2020, 1, 15), date(2020, 5, 21), date(2021, 12, 30), date(2020, 2, 14),
                       date(2022, 1, 9)],
    })
    return {"cases": cases, "persons": persons, "route_legs": legs, "exploitations": exploitations, "means": means,
            "vulnerabilities": vulnerabilities, "recruitment_methods": methods, "stages": stages,
            "recorded_by": pd.DataFrame({"case_id": [1, 2], "agency": ["police", "ngo"]})}


@pytest.fixture
def tiny() -> Snapshot:
    return Snapshot.from_tables(tiny_tables(), source="test")


@pytest.fixture(scope="session")
def synthetic() -> Snapshot:
    return synthetic_snapshot(5000, seed=1)
