"""Property: any generated case (any seed) survives a round trip through the store unchanged."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctkit.demo import CaseGenerator
from ctkit.store import create_schema, make_engine
from ctkit.store.crypto import FieldCipher
from ctkit.store.repository import SqlCaseRepository

from .conftest import make_ring


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32), skip=st.integers(min_value=0, max_value=5))
def test_generated_cases_round_trip(tmp_path_factory, seed: int, skip: int):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('prop') / 's.sqlite3'}")
    create_schema(engine)
    repo = SqlCaseRepository(engine, FieldCipher(make_ring()))
    generator = CaseGenerator(seed)
    cases = list(generator.cases(skip + 1))[skip:]
    repo.add_many(cases)
    assert [repo.get(c.id) for c in cases] == cases
    engine.dispose()
