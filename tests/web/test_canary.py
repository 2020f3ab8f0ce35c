"""The leak canary: every personal field of the fixtures holds CANARY. Walk every role through the app (pages,
API, exports, errors, denials) and check the marker never shows in logs, in responses that hide personal data,
in exports, or anywhere in the audit trail and the account tables.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from ctkit.store import accounts as acc
from ctkit.store.audit import audit_events
from tests.web.conftest import CANARY, USERS, World

GUARDED = [n for n in USERS if n not in ("locked_a", "reset_a")]


def _walk(world: World, name: str) -> list[tuple[str, str]]:
    """Every hiding request a user can make; returns (what, body) pairs."""
    client, csrf = world.login(name)
    seen = []
    for key, case_id in world.cases.items():
        for url in (f"/api/v1/cases/{case_id}", f"/cases/{case_id}", f"/cases/{case_id}/export.csv",
                    f"/api/v1/audit/cases/{case_id}", f"/audit/cases/{case_id}"):
            seen.append((f"{name} GET {url} ({key})", client.get(url).text))
        bad = client.patch(f"/api/v1/cases/{case_id}", json={"case_status": CANARY, "version": 1},
                           headers={"X-CSRF-Token": csrf})
        seen.append((f"{name} bad PATCH ({key})", bad.text))
    for url in ("/api/v1/cases?limit=200", "/cases", "/", "/api/v1/me", "/api/v1/audit/volume", "/audit/volume",
                "/admin/users", "/api/v1/users"):
        seen.append((f"{name} GET {url}", client.get(url).text))
    failed = world.client().post("/api/v1/session", json={"username": CANARY, "password": CANARY * 2})
    seen.append(("failed login", failed.text))
    return seen


@pytest.mark.parametrize("name", GUARDED)
def test_canary_never_leaks(world, name, caplog):
    caplog.set_level(logging.DEBUG)
    for what, body in _walk(world, name):
        assert CANARY not in body, what
    assert CANARY not in caplog.text
    with world.store.engine.connect() as conn:
        for table in (audit_events, acc.users, acc.web_sessions, acc.login_failures, acc.case_access):
            for row in conn.execute(select(table)):
                assert CANARY not in repr(tuple(row)), table.name


def test_reveal_is_the_only_door(world, caplog):
    caplog.set_level(logging.DEBUG)
    client, csrf = world.login("worker_a")
    body = client.post(f"/api/v1/cases/{world.cases['own']}/reveal", json={"reason": "assistance"},
                       headers={"X-CSRF-Token": csrf}).text
    assert CANARY in body  # the marker is really there, so its absence elsewhere means something
    assert CANARY not in caplog.text
    with world.store.engine.connect() as conn:
        assert all(CANARY not in repr(tuple(r)) for r in conn.execute(select(audit_events)))
