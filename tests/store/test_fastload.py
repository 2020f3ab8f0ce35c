"""The columnar fast path: deterministic batches that load on both backends and read back as valid cases."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from ctkit.demo.columnar import ColumnarGenerator
from ctkit.demo.loader import load_columnar
from ctkit.errors import ConflictError, ValidationError
from ctkit.model import Case
from ctkit.store.crypto import FieldCipher
from ctkit.store.datastore import Store
from ctkit.store.fastload import insert_columns
from ctkit.store.repository import SqlCaseRepository
from ctkit.store.stats import store_stats


def test_columnar_load_reads_back_as_valid_cases(engine: Engine, cipher: FieldCipher):
    store = Store(engine=engine, keys=None, cases=SqlCaseRepository(engine, cipher))
    seen = []
    stats = load_columnar(store, 300, seed=2, batch=128, progress=seen.append)
    assert seen == [128, 256, 300] and stats.observed == 300 and stats.population > 300
    counts = store_stats(engine)
    assert counts["cases"] == counts["persons"] == 300 and counts["events"] == 600
    assert counts["by_lifecycle_stage"]["screened"] == 300
    cases = list(store.cases.iter_cases(batch=100))
    assert len(cases) == 300
    for case in cases:
        assert Case.model_validate(case.model_dump()) == case
        assert case.person.personal.first_name and case.recorded_by
    assert len(store.cases.persons_capture_histories()) == 300


def test_columnar_batches_are_deterministic(cipher: FieldCipher):
    def ids(seed: int) -> list[str]:
        return [i for b in ColumnarGenerator(seed).batches(50, cipher, 20) for i in b["cases"]["id"]]

    assert ids(4) == ids(4) != ids(5)


def test_same_seed_twice_is_a_conflict_and_changes_nothing(engine: Engine, cipher: FieldCipher):
    store = Store(engine=engine, keys=None, cases=SqlCaseRepository(engine, cipher))
    load_columnar(store, 40, seed=8)
    with pytest.raises(ConflictError, match="breaks a constraint"):
        load_columnar(store, 40, seed=8)
    assert store.cases.count() == 40


def test_insert_columns_checks_shape(engine: Engine):
    with engine.begin() as conn:
        with pytest.raises(ValidationError, match="unknown column"):
            insert_columns(conn, {"persons": {"id": ["x"], "nonsense": [1]}})
        with pytest.raises(ValidationError, match="different lengths"):
            insert_columns(conn, {"persons": {"id": ["x", "y"], "sex": ["female"]}})
