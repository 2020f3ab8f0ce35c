"""Fixtures of the format tests: a migrated store on SQLite and on PostgreSQL, and small synthetic CTDC files."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ctkit.store import Store
from ctkit.store import tables as t
from ctkit.store.crypto import FieldCipher, KeyRing, key_fingerprint, new_key
from ctkit.store.repository import SqlCaseRepository
from tests.pg import BACKENDS, migrated_engine


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty store database (SQLite file, or a fresh schema on the test PostgreSQL server)."""
    yield from migrated_engine(request, tmp_path, prefix="f")


def _cipher() -> FieldCipher:
    key = new_key()
    return FieldCipher(KeyRing(key_fingerprint(key), {key_fingerprint(key): key}))


def make_store(engine: Engine) -> Store:
    return Store(engine=engine, keys=None, cases=SqlCaseRepository(engine, _cipher()))


@pytest.fixture
def store(engine: Engine) -> Store:
    return make_store(engine)


def snapshot(engine: Engine) -> dict[str, tuple[int, str]]:
    """Row count and a digest of the sorted rows of every case table (to prove a failed import changed nothing)."""
    out = {}
    with engine.connect() as conn:
        for table in t.CASE_TABLES:
            rows = sorted(repr(tuple(r)) for r in conn.execute(table.select()))
            out[table.name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out
