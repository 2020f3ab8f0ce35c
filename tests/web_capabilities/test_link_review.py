"""Link review pages and API: the two-case scope rule, evidence without personal data, decisions with conflicts,
and an audit event for every list, view, decision and denial (SQLite and PostgreSQL)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from sqlalchemy import select

from ctkit.share.link import LinkResult, TrainedParameters
from ctkit.share.link.linkage import pair_id
from ctkit.share.link.review_store import get_pair, queue_run
from ctkit.store.audit import audit_events, verify_chain
from tests.web.conftest import CANARY, World
from tests.web_capabilities.conftest import form_token

PARAMS = TrainedParameters("ctkit-person-v1", 0.001, {
    "name": [("null", None, None), ("names exact", 0.5, 0.001), ("both similar", 0.3, 0.01), ("else", 0.2, 0.989)],
    "birth_date": [("null", None, None), ("exact", 0.9, 0.003), ("else", 0.1, 0.997)],
})
# (left relation, right relation, probability): relations name the fixture world's cases (tests/web/conftest.py)
PAIRS = {"mine": ("own", "assigned", 0.8), "cross_org": ("own", "other_org", 0.7), "referred": ("own", "referred", 0.9),
         "org_only": ("team", "org", 0.6), "model": ("own", "screened", 0.995),
         "team": ("own", "team", 0.65)}  # a case worker may review a team case's pair, not decide it


def load_pairs(world: World, prefix: str, pairs: dict[str, tuple[str, str, float]] = PAIRS) -> dict[str, str]:
    """Queue a run over the world's cases (list names carry ``prefix`` so each module has its own pair ids)."""
    uid = {rel: f"{prefix}_{rel}:{case_id}" for rel, case_id in world.cases.items()}
    rows = [{"pair_id": pair_id(uid[a], uid[b]), "unique_id_l": uid[a], "unique_id_r": uid[b],
             "match_weight": math.log2(prob / (1 - prob)), "match_probability": prob,
             "mw_name": math.log2(0.3 / 0.01), "mw_birth_date": 0.0} for a, b, prob in pairs.values()]
    records = pd.DataFrame({"unique_id": list(uid.values()), "list": [u.split(":")[0] for u in uid.values()]})
    queue_run(world.store.engine, LinkResult(records, pd.DataFrame(rows), accept=0.99, review=0.5), PARAMS)
    return {name: row["pair_id"] for name, row in zip(pairs, rows, strict=True)}


@pytest.fixture
def links(world, request) -> tuple[World, dict[str, str]]:
    """Pairs of this test alone (its name is in the record ids): decisions of one test never reach another."""
    return world, load_pairs(world, request.node.name)


def events(world: World, pair: str) -> list[tuple[str, str, str]]:
    e = audit_events.c
    with world.store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(e.action, e.outcome, e.reason)
                                               .where(e.resource_id == pair).order_by(e.seq))]


def status_of(world: World, pair: str) -> str:
    with world.store.engine.connect() as conn:
        return get_pair(conn, pair).status


def test_list_shows_only_pairs_with_both_cases_in_scope(links):
    world, ids = links
    client, _ = world.login("worker_a")
    doc = client.get("/api/v1/links").json()
    listed = [p["id"] for p in doc["pairs"]]
    assert set(listed) == {ids["mine"], ids["referred"], ids["team"]}  # not another organisation's, not org-only
    assert listed == [ids["team"], ids["mine"], ids["referred"]]  # most uncertain (probability nearest 0.5) first
    supervisor, _ = world.login("supervisor_a")
    assert {p["id"] for p in supervisor.get("/api/v1/links").json()["pairs"]} == \
        {ids["mine"], ids["referred"], ids["org_only"], ids["team"]}
    model = client.get("/api/v1/links", params={"status": "model"}).json()["pairs"]
    assert [p["id"] for p in model] == [ids["model"]]
    page = client.get("/links")
    assert page.status_code == 200 and ids["mine"][:10] in page.text and ids["cross_org"][:10] not in page.text
    assert CANARY not in page.text and CANARY not in str(doc)


def test_pair_page_shows_evidence_and_no_personal_data(links):
    world, ids = links
    client, _ = world.login("worker_a")
    page = client.get(f"/links/{ids['mine']}")
    assert page.status_code == 200
    assert 'id="evidence-chart"' in page.text and "both similar" in page.text and "+4.91" in page.text
    assert f'href="/cases/{world.cases["own"]}"' in page.text  # names only through the case's reveal flow
    assert CANARY not in page.text and 'name="csrf_token"' in page.text
    pair = client.get(f"/api/v1/links/{ids['mine']}").json()
    assert [(e["comparison"], e["kind"]) for e in pair["evidence"]] == [("name", "close"), ("birth_date", "missing")]
    assert ("link.view", "allowed", "scope_own:scope_assigned") in events(world, ids["mine"])


def test_review_without_decide_shows_no_form_and_refuses_the_decision(links):
    world, ids = links
    client, token = world.login("worker_a")
    page = client.get(f"/links/{ids['team']}")
    assert page.status_code == 200 and 'id="decide"' not in page.text
    refused = client.post(f"/api/v1/links/{ids['team']}/decision", headers={"X-CSRF-Token": token},
                          json={"accepted": True, "reason": "same_document"})
    assert refused.status_code == 404 and status_of(world, ids["team"]) == "pending"
    assert ("link.decide", "denied", "out_of_scope") in events(world, ids["team"])
    assert 'id="decide"' in client.get(f"/links/{ids['mine']}").text


def test_a_pair_outside_scope_answers_not_found_writes_nothing_and_is_audited(links):
    world, ids = links
    stranger, token = world.login("worker_b")
    for response in (stranger.get(f"/links/{ids['cross_org']}"),
                     stranger.get(f"/api/v1/links/{ids['cross_org']}"),
                     stranger.post(f"/api/v1/links/{ids['cross_org']}/decision", headers={"X-CSRF-Token": token},
                                   json={"accepted": True, "reason": "same_document"})):
        assert response.status_code == 404, response.text
    assert "no such link pair in your scope" in response.json()["message"]
    assert status_of(world, ids["cross_org"]) == "pending"
    trail = events(world, ids["cross_org"])
    assert ("link.review", "denied", "out_of_scope") in trail and ("link.decide", "denied", "out_of_scope") in trail
    assert world.login("worker_a")[0].get("/api/v1/links/0123456789abcdef0123").status_code == 404


@pytest.mark.parametrize("role", ["analyst", "trainer", "screener", "administrator"])
def test_roles_without_the_action_are_refused(sqlite_world, role):
    from tests.web_capabilities.conftest import ROLES

    client, _ = sqlite_world.login(ROLES[role])
    assert client.get("/api/v1/links").status_code == 403
    assert client.get("/links").status_code == 403


def test_reject_by_form_then_a_second_reviewer_gets_a_conflict(links):
    world, ids = links
    client, _ = world.login("worker_a")
    page = client.get(f"/links/{ids['mine']}")
    form = {"csrf_token": form_token(page.text), "decision": "reject", "reason": "different_person", "version": "1"}
    assert client.post(f"/links/{ids['mine']}/decision", data={**form, "csrf_token": "forged"}).status_code == 403
    done = client.post(f"/links/{ids['mine']}/decision", data=form)
    assert done.status_code == 303 and done.headers["location"] == f"/links/{ids['mine']}"
    after = client.get(f"/links/{ids['mine']}").text
    assert 'id="decide"' not in after and "Different people" in after
    supervisor, token = world.login("supervisor_a")
    late = supervisor.post(f"/api/v1/links/{ids['mine']}/decision", headers={"X-CSRF-Token": token},
                           json={"accepted": True, "reason": "same_document"})
    assert late.status_code == 409
    assert status_of(world, ids["mine"]) == "rejected"
    stale = supervisor.post(f"/api/v1/links/{ids['referred']}/decision", headers={"X-CSRF-Token": token},
                            json={"accepted": True, "reason": "same_document", "version": 7})
    assert stale.status_code == 409 and status_of(world, ids["referred"]) == "pending"
    bad = supervisor.post(f"/api/v1/links/{ids['referred']}/decision", headers={"X-CSRF-Token": token},
                          json={"accepted": True, "reason": "a free-text reason"})
    assert bad.status_code == 422 and status_of(world, ids["referred"]) == "pending"
    trail = events(world, ids["mine"])
    assert ("link.reject", "allowed", "different_person") in trail
    assert not any(action == "link.accept" for action, _, _ in trail)
    assert verify_chain(world.store.engine).ok


def test_a_reviewer_may_reject_a_link_the_model_made(links):
    world, ids = links
    supervisor, token = world.login("supervisor_a")
    rejected = supervisor.post(f"/api/v1/links/{ids['model']}/decision", headers={"X-CSRF-Token": token},
                               json={"accepted": False, "reason": "conflicting_details", "version": 1})
    assert rejected.status_code == 200, rejected.text
    body = rejected.json()
    assert (body["status"], body["reason_code"], body["version"]) == ("rejected", "conflicting_details", 2)
    assert body["decided_by"] == world.users["supervisor_a"].id
