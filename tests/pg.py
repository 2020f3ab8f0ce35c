"""A throwaway PostgreSQL schema per test, so tests on the shared test server never see each other's rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from ctkit.store import create_schema, make_engine


def schema_engine(url: str, prefix: str = "t") -> Iterator[Engine]:
    """Yield an engine whose search_path is a new, empty schema; drop the schema afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def migrated_engine(request, tmp_path: Path, name: str = "store.sqlite3", prefix: str = "t") -> Iterator[Engine]:
    """A migrated, empty store for ``request.param`` in BACKENDS: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / name}")
        create_schema(engine)
        yield engine
        engine.dispose()
        return
    for engine in schema_engine(request.getfixturevalue("postgres_url"), prefix):
        create_schema(engine)
        yield engine
