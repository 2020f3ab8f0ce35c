"""A throwaway PostgreSQL schema per test, so tests on the shared test server never see each other's rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from sqlalchemy import Engine, text

from ctkit.store import make_engine


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
