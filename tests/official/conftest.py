"""A demo store (synthetic people from the demo generator) and its snapshot, shared by the official-table tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ctkit.analyse.snapshot import Snapshot

DEMO_CASES = 600


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """A data directory holding a store of demo cases and its snapshot (DATA_DIR/snapshot)."""
    from ctkit.analyse import PseudonymKey
    from ctkit.analyse.from_store import build_snapshot
    from ctkit.demo import load_demo
    from ctkit.settings import load_settings
    from ctkit.store.datastore import init_store, open_store

    settings = load_settings(tmp_path_factory.mktemp("official") / "data", environ={})
    init_store(settings)
    with open_store(settings) as store:
        load_demo(store, DEMO_CASES, seed=3)
        snap = build_snapshot(store.engine, PseudonymKey.load_or_create(settings.data_dir))
    snap.write(settings.data_dir / "snapshot")
    return settings.data_dir


@pytest.fixture(scope="session")
def demo_snapshot(demo_dir) -> Snapshot:
    return Snapshot.open(demo_dir / "snapshot")


@pytest.fixture
def ledger(demo_dir):
    from ctkit.settings import load_settings
    from ctkit.share.disclosure import PrivacyLedger
    from ctkit.store.datastore import open_store

    with open_store(load_settings(demo_dir, environ={})) as store:
        yield PrivacyLedger(store.engine)


def hand_tables() -> dict[str, pd.DataFrame]:
    """Ten cases whose official counts are checked by hand (all registered in 2021 unless said otherwise).

    Victims: four adult women (sexual), two adult men (forced labour; one also domestic servitude), one girl
    (sexual and forced labour: mixed), one person of unknown sex and age with no form. Not victims: one screened
    case, one conclusive 'not a victim'. Person 11 has a second case in 2021 (counted once) and one in 2022.
    """
    rows = [  # case, person, sex, age, citizenship, status, forms, legs (role, country)
        (1, 11, "female", 25, "RUS", "conclusive_victim", ["sexual"], [("origin", "RUS"), ("destination", "DEU")]),
        (2, 12, "female", 30, "UKR", "conclusive_victim", ["sexual"], [("destination", "RUS")]),
        (3, 13, "female", 19, "POL", "reasonable_grounds", ["sexual"], [("origin", "POL"), ("destination", "RUS")]),
        (4, 14, "female", 40, "RUS", "conclusive_victim", ["sexual"], [("destination", "RUS")]),
        (5, 15, "male", 35, "UZB", "conclusive_victim", ["forced_labour", "domestic_servitude"], []),
        (6, 16, "male", 28, "RUS", "possible_victim", ["forced_labour"], [("destination", "RUS")]),
        (7, 17, "female", 15, "RUS", "conclusive_victim", ["sexual", "forced_labour"], [("destination", "RUS")]),
        (8, 18, "unknown", None, None, "reasonable_grounds", [], []),
        (9, 19, "male", 50, "RUS", "screened", ["forced_labour"], []),
        (10, 20, "female", 22, "RUS", "conclusive_not_victim", ["sexual"], []),
        (11, 11, "female", 25, "RUS", "reasonable_grounds", ["sexual"], []),
        (12, 11, "female", 26, "RUS", "conclusive_victim", ["sexual"], []),
    ]
    years = {12: 2022}
    cases = pd.DataFrame({
        "case_id": [r[0] for r in rows], "person_id": [r[1] for r in rows],
        "registered_on": [date(years.get(r[0], 2021), 3, 1) for r in rows],
        "year": [years.get(r[0], 2021) for r in rows], "quarter": [1] * len(rows),
        "sex": [r[2] for r in rows], "age_years": [r[3] for r in rows], "age_band": [None] * len(rows),
        "is_minor": [None if r[3] is None else r[3] < 18 for r in rows], "citizenship": [r[4] for r in rows],
        "identification_status": [r[5] for r in rows], "justice_status": ["none"] * len(rows),
        "recruiter_relation": [None] * len(rows), "is_abduction": [None] * len(rows),
    })
    forms = [(r[0], f) for r in rows for f in r[6]]
    legs = [(r[0], i + 1, role, country) for r in rows for i, (role, country) in enumerate(r[7])]
    stages = pd.DataFrame({"case_id": [1, 1, 5], "stage": ["investigated", "prosecuted", "investigated"],
                           "reached_on": [date(2021, 6, 1), date(2022, 2, 1), date(2021, 9, 1)]})
    return {
        "cases": cases, "persons": cases[["person_id", "sex", "citizenship"]].drop_duplicates("person_id"),
        "exploitations": pd.DataFrame(forms, columns=["case_id", "form"]).assign(sector=None),
        "route_legs": pd.DataFrame(legs, columns=["case_id", "leg_no", "role", "country"]).assign(region=None,
                                                                                                 year=2021),
        "stages": stages,
    }


@pytest.fixture
def hand_snapshot() -> Snapshot:
    return Snapshot.from_tables(hand_tables(), source="test")
