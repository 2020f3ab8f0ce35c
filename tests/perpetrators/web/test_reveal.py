"""Revealing a perpetrator's personal fields (``perpetrator.reveal``), as a victim's are revealed: deny by default
(never analysts, never through a referral, not for the team), the second factor, a coded reason, an audit event
with ids only, the names only in the reveal response (no-store), never in URLs, logs or the audit trail."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select

from ctkit.store.audit import audit_events
from ctkit.web.policy import Actor, CaseFacts, allowed, matrix
from tests.web.conftest import CANARY, ORG_A, World
from tests.web.test_pages import page_login
from tests.web.test_perpetrators import PERSONAL, _own_case, _url


def _with_perpetrator(w: World, owner: str = "worker_a", personal: dict | None = PERSONAL) -> tuple[str, str]:
    """A fresh case of ``owner`` with one perpetrator whose personal fields hold the canary: (case id, its id)."""
    case_id = _own_case(w, owner)
    client, csrf = w.login(owner)
    body = {"sex": "male", "roles": ["recruiter_or_intermediary"], "label": "P1"}
    if personal is not None:
        body["personal"] = personal
    made = client.post(_url(case_id), headers={"X-CSRF-Token": csrf}, json=body)
    assert made.status_code == 201, made.text
    return case_id, made.json()["id"]


def _reveals(w: World, case_id: str, outcome: str = "allowed") -> list[dict]:
    with w.store.engine.connect() as conn:
        rows = conn.execute(select(audit_events).where(audit_events.c.resource_id == case_id,
                                                       audit_events.c.action == "perpetrator.reveal",
                                                       audit_events.c.outcome == outcome))
        return [dict(r) for r in rows.mappings()]


def test_reveal_with_a_reason_is_the_only_door(world: World, caplog):
    caplog.set_level(logging.DEBUG)
    case_id, pid = _with_perpetrator(world)
    client, csrf = world.login("worker_a")
    url = _url(case_id, f"/{pid}/reveal")
    assert CANARY not in client.get(_url(case_id)).text  # listing still hides them
    shown = client.post(url, headers={"X-CSRF-Token": csrf}, json={"reason": "legal"})
    assert shown.status_code == 200, shown.text
    assert shown.json() == {"first_name": f"{CANARY}pfirst", "middle_name": None, "last_name": f"{CANARY}plast",
                            "aliases": [f"{CANARY}alias"], "birth_date": "1979-05-06", "documents": [],
                            "notes": f"{CANARY} notes"}
    assert shown.headers["cache-control"] == "no-store"
    assert CANARY not in url and CANARY not in caplog.text
    trail = _reveals(world, case_id)
    assert len(trail) == 1
    event = trail[0]
    assert (event["outcome"], event["reason"], event["actor_id"]) == ("allowed", "legal", world.users["worker_a"].id)
    assert event["details"] == {"scope": "scope_own", "perpetrator": pid}
    with world.store.engine.connect() as conn:
        everything = [tuple(r) for r in conn.execute(select(audit_events))]
    assert CANARY not in json.dumps(everything, default=str)


def test_a_reason_is_required_and_coded(sqlite_world: World):
    case_id, pid = _with_perpetrator(sqlite_world)
    client, csrf = sqlite_world.login("worker_a")
    h = {"X-CSRF-Token": csrf}
    for body in ({}, {"reason": "curiosity"}, {"reason": "legal", "extra": 1}):
        refused = client.post(_url(case_id, f"/{pid}/reveal"), headers=h, json=body)
        assert refused.status_code == 422, body
        assert CANARY not in refused.text
    assert _reveals(sqlite_world, case_id) == []  # nothing revealed, nothing logged as a reveal
    assert client.post(_url(case_id, f"/{pid}/reveal"), json={"reason": "legal"}).status_code == 403  # no CSRF


@pytest.mark.parametrize(("user", "relation", "status"), [
    ("worker_a", "own", 200), ("supervisor_a", "org", 200), ("worker2_a", "team", 403),
    ("lone_worker_a", "org", 404), ("analyst_a", "own", 403), ("screener_a", "own", 403),
    ("worker_b", "other_org", 404), ("supervisor_b", "other_org", 404)])
def test_policy(sqlite_world: World, user: str, relation: str, status: int):
    case_id, pid = _with_perpetrator(sqlite_world)
    client, csrf = sqlite_world.login(user)
    response = client.post(_url(case_id, f"/{pid}/reveal"), headers={"X-CSRF-Token": csrf},
                           json={"reason": "legal"})
    assert response.status_code == status, response.text
    assert (CANARY in response.text) is (status == 200)
    assert len(_reveals(sqlite_world, case_id)) == (status == 200)
    if relation != "own" and status != 200:  # the case-level denial is audited, ids only
        denied = _reveals(sqlite_world, case_id, "denied")
        assert len(denied) == 1 and CANARY not in json.dumps(denied, default=str)


def test_a_referred_organisation_never_reveals(sqlite_world: World):
    # worker_a's organisation received and accepted the 'referred' case: it may view the case, not its perpetrators
    client, csrf = sqlite_world.login("worker_a")
    case_id = sqlite_world.cases["referred"]
    fake = "0c000000-0000-4000-8000-000000000001"
    assert client.post(_url(case_id, f"/{fake}/reveal"), headers={"X-CSRF-Token": csrf},
                       json={"reason": "referral"}).status_code == 403


def test_matrix_row_needs_the_second_factor():
    m = matrix()
    assert "perpetrator.reveal" in m.personal_actions
    assert m.scopes("case_worker", "perpetrator.reveal") == m.scopes("case_worker", "person.reveal")
    assert m.scopes("supervisor", "perpetrator.reveal") == m.scopes("supervisor", "person.reveal")
    for role in m.roles:
        assert "referred" not in m.scopes(role, "perpetrator.reveal")
    assert not m.scopes("analyst", "perpetrator.reveal")
    own = CaseFacts("c", ORG_A, owners=frozenset({"me"}))
    assert allowed(Actor("me", ORG_A, None, "case_worker", True), "perpetrator.reveal", own).allowed
    assert allowed(Actor("me", ORG_A, None, "case_worker", False), "perpetrator.reveal",
                   own).reason == "second_factor_missing"


def test_only_a_perpetrator_of_this_case(sqlite_world: World):
    case_id, pid = _with_perpetrator(sqlite_world)
    other_case, _ = _with_perpetrator(sqlite_world)
    client, csrf = sqlite_world.login("worker_a")
    moved = client.post(_url(other_case, f"/{pid}/reveal"), headers={"X-CSRF-Token": csrf},
                        json={"reason": "legal"})
    assert moved.status_code == 404 and CANARY not in moved.text
    assert _reveals(sqlite_world, other_case) == []


def test_nothing_recorded_reveals_empty_fields(sqlite_world: World):
    case_id, pid = _with_perpetrator(sqlite_world, personal=None)
    client, csrf = sqlite_world.login("worker_a")
    shown = client.post(_url(case_id, f"/{pid}/reveal"), headers={"X-CSRF-Token": csrf}, json={"reason": "legal"})
    assert shown.status_code == 200
    assert shown.json() == {"first_name": None, "middle_name": None, "last_name": None, "aliases": [],
                            "birth_date": None, "documents": [], "notes": None}


def test_page_reveals_one_perpetrator_without_javascript(sqlite_world: World, caplog):
    caplog.set_level(logging.DEBUG)
    case_id, pid = _with_perpetrator(sqlite_world)
    _, second = _with_perpetrator(sqlite_world)  # on another case: never on this page
    client, csrf = page_login(sqlite_world, "worker_a")
    page = client.get(f"/casework/cases/{case_id}/perpetrators")
    assert page.status_code == 200 and CANARY not in page.text
    action = f"/casework/cases/{case_id}/perpetrators/{pid}/reveal"
    assert f'action="{action}"' in page.text and second not in page.text
    shown = client.post(action, data={"csrf_token": csrf, "reason": "legal"})
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    assert f"{CANARY}plast" in shown.text and f"{CANARY}alias" in shown.text
    assert f'id="personal-{pid}"' in shown.text
    fragment = client.post(action, data={"csrf_token": csrf, "reason": "safety"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and f"{CANARY}pfirst" in fragment.text
    assert client.get(f"/casework/cases/{case_id}/perpetrators").text.count(CANARY) == 0  # not kept anywhere
    assert CANARY not in caplog.text
    assert [e["reason"] for e in _reveals(sqlite_world, case_id)] == ["legal", "safety"]
    analyst, analyst_csrf = page_login(sqlite_world, "analyst_a")
    assert analyst.post(action, data={"csrf_token": analyst_csrf, "reason": "legal"}).status_code == 403
