"""A database connection lost mid-request (PostgreSQL restarted, or the connection killed) answers 503 with a
hint, never a stack trace; the pool drops the dead connections, so the next request works."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from ctkit.store import db
from tests.web.conftest import World

pytestmark = pytest.mark.postgres


def _kill_pooled_connections(world: World, url: str) -> None:
    engine = world.store.engine
    held = [engine.connect() for _ in range(engine.pool.checkedin() or 1)]  # every idle pooled connection
    pids = [conn.execute(text("SELECT pg_backend_pid()")).scalar_one() for conn in held]
    for conn in held:
        conn.close()
    admin = db.make_engine(url)
    with admin.begin() as conn:
        for pid in pids:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def test_a_lost_connection_answers_503_and_the_next_request_works(postgres_url: str, postgres_world: World,
                                                                  monkeypatch):
    world = postgres_world
    client, _ = world.login("worker_a")
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 3600.0)  # reused at once: not pinged, so the loss shows
    _kill_pooled_connections(world, postgres_url)
    lost = client.get("/api/v1/cases")
    assert lost.status_code == 503
    assert lost.json()["error"] == "unavailable" and "Traceback" not in lost.text
    assert client.get("/api/v1/cases").status_code == 200
