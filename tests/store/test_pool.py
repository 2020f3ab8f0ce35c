"""PostgreSQL connection pool: a connection that sat idle is checked before use and replaced when the server
dropped it; one reused at once is trusted (no round trip), and when it turns out dead, that one use fails with a
disconnect and the pool hands out fresh connections afterwards."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from ctkit.store import db
from tests.pg import schema_engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_engine(postgres_url: str):
    yield from schema_engine(postgres_url, "pool")


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(url: str, pid: int) -> None:
    admin = db.make_engine(url)
    with admin.begin() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    admin.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced(pg_engine: Engine, postgres_url: str, monkeypatch):
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)  # every pooled connection counts as idle
    first = _backend_pid(pg_engine)
    _terminate(postgres_url, first)
    second = _backend_pid(pg_engine)  # no error: the ping found it dead and the pool connected afresh
    assert second != first


def test_a_connection_reused_at_once_is_not_pinged_and_a_dead_one_fails_once(pg_engine: Engine, postgres_url: str,
                                                                            monkeypatch):
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 3600.0)
    first = _backend_pid(pg_engine)
    _terminate(postgres_url, first)
    with pytest.raises(DBAPIError) as lost:  # not pinged: the dead connection is only found by using it
        _backend_pid(pg_engine)
    assert lost.value.connection_invalidated
    assert _backend_pid(pg_engine) != first  # the pool was invalidated: the next use reconnects


def test_engines_recycle_connections(pg_engine: Engine):
    assert pg_engine.pool._recycle == db.POOL_RECYCLE_S
    assert not pg_engine.pool._pre_ping
