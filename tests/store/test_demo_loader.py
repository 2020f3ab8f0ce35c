"""Loading demo data into a real store (SQLite and PostgreSQL) is all-or-nothing and round-trips."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from ctkit.demo import CaseGenerator, load_demo
from ctkit.errors import ConflictError
from ctkit.store.crypto import FieldCipher
from ctkit.store.datastore import Store
from ctkit.store.repository import SqlCaseRepository


def test_load_round_trip_and_capture_histories(engine: Engine, cipher: FieldCipher):
    store = Store(engine=engine, keys=None, cases=SqlCaseRepository(engine, cipher))
    seen = []
    stats = load_demo(store, 120, seed=4, batch=50, progress=seen.append)
    assert stats.observed == 120 and seen == [50, 100, 120]
    expected = {c.id: c for c in CaseGenerator(seed=4).cases(120)}
    assert {c.id: c for c in store.cases.iter_cases(batch=40)} == expected
    histories = store.cases.persons_capture_histories()
    assert len(histories) == 120
    by_person = {c.person.id: set(c.recorded_by) for c in expected.values()}
    assert all(h.agencies == by_person[h.person_id] for h in histories)
    with pytest.raises(ConflictError):
        load_demo(store, 130, seed=4, batch=50)  # same seed: the first 120 ids exist
    assert store.cases.count() == 120
