"""`ctkit demo` links its cases: a review queue with pairs in demo users' scope, and an estimate that counts a
linked person once. One small demo store (300 cases) for the module: training the model is the slow step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from ctkit.cli import app
from ctkit.demo import CaseGenerator
from ctkit.demo.records import DEMO_REPEAT_RECORDS, DEMO_SEPARATE_RECORDS
from ctkit.settings import load_settings
from ctkit.share.link.review_store import list_pairs
from ctkit.store import open_store
from ctkit.store import tables as t
from ctkit.store.accounts import find_user
from ctkit.store.db import transaction
from ctkit.store.link_tables import link_pairs
from ctkit.web.case_scope import case_facts, scope_clause
from ctkit.web.policy import Actor, allowed, scope_filter

CASES = 300
runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, str]:
    data_dir = tmp_path_factory.mktemp("demo") / "ctkit-data"
    result = runner.invoke(app, ["demo", "--data-dir", str(data_dir), "--cases", str(CASES)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return data_dir, result.output


@pytest.fixture(scope="module")
def truth() -> list[tuple[str, ...]]:
    generator = CaseGenerator(1, separate_records=DEMO_SEPARATE_RECORDS, repeat_records=DEMO_REPEAT_RECORDS)
    list(generator.cases(CASES))
    return generator.same_person


def _store(data_dir: Path):
    return open_store(load_settings(data_dir, environ={}))


def _actor(store, username: str) -> Actor:
    with transaction(store.engine) as session:
        user = find_user(session, username)
    assert user is not None, username
    return Actor(user.id, user.organisation_id, user.team_id, user.role, mfa_ok=True)


def test_demo_reports_each_linkage_step(demo):
    _, output = demo
    for step in ("linkage: reading the cases", "linkage: training the linkage model on 300 records",
                 "linkage: scoring candidate pairs", "pairs to review", "demo_case_worker assigned"):
        assert step in output
    assert "/links" in output


def test_queue_has_pending_pairs_of_duplicate_records(demo, truth):
    data_dir, _ = demo
    with _store(data_dir) as store, store.engine.connect() as conn:
        pending, total = list_pairs(conn, status="pending", limit=1000)
        accepted = conn.execute(select(link_pairs.c.case_id_l, link_pairs.c.case_id_r)
                                .where(link_pairs.c.status == "accepted")).all()
        decided = conn.execute(select(link_pairs.c.id).where(link_pairs.c.decided_by.is_not(None))).all()
    same = {frozenset((a, b)) for group in truth for i, a in enumerate(group) for b in group[i + 1:]}
    assert total == len(pending) > 0 and accepted and not decided  # the model's view only, nobody decided yet
    assert sum(frozenset((p.case_id_l, p.case_id_r)) in same for p in pending) > len(pending) / 2
    assert sum(frozenset(pair) in same for pair in accepted) >= 0.9 * len(accepted)


@pytest.mark.parametrize("username", ["demo_case_worker", "demo_supervisor"])
def test_demo_users_can_decide_pending_pairs_in_their_scope(demo, username):
    data_dir, _ = demo
    with _store(data_dir) as store:
        actor = _actor(store, username)
        with store.engine.connect() as conn:
            scope = scope_clause(scope_filter(actor, "link.decide"))
            mine, total = list_pairs(conn, status="pending", case_filter=scope)
            _, everyone = list_pairs(conn, status="pending")
            assert 0 < total < everyone
            for pair in mine:  # the list filter and the policy's answer on each case agree
                for case_id in (pair.case_id_l, pair.case_id_r):
                    assert allowed(actor, "link.decide", case_facts(conn, case_id)).allowed


def test_estimate_from_the_store_counts_linked_persons_once(demo, truth):
    data_dir, _ = demo
    result = runner.invoke(app, ["estimate", "--from-store", "--data-dir", str(data_dir), "--json"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    observed = json.loads(result.stdout)["n_observed"]
    with _store(data_dir) as store, store.engine.connect() as conn:
        person_of = dict(conn.execute(select(t.cases.c.id, t.cases.c.person_id)).all())
        links = conn.execute(select(link_pairs.c.case_id_l, link_pairs.c.case_id_r)
                             .where(link_pairs.c.status == "accepted")).all()
        histories = {h.person_id: h for h in store.cases.persons_capture_histories()}
    assert len(person_of) == CASES and observed == len(histories) == CASES - _merges(person_of, links)
    linked = [g for g in truth if _connected(g, links)]
    assert linked
    for group in linked:
        persons = [person_of[c] for c in group]
        assert sum(p in histories for p in persons) <= 1  # one history for the linked person (its smallest id)
        history = histories.get(min(persons))
        if history is not None:
            with _store(data_dir) as store:
                agencies = {a for c in group for a in store.cases.get(c).recorded_by}
            assert agencies <= history.agencies


def _merges(person_of: dict[str, str], links) -> int:
    parent = {p: p for p in person_of.values()}

    def root(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    merged = 0
    for left, right in links:
        a, b = root(person_of[left]), root(person_of[right])
        if a != b:
            parent[max(a, b)] = min(a, b)
            merged += 1
    return merged


def _connected(group: tuple[str, ...], links) -> bool:
    members = set(group)
    reached = {group[0]}
    edges = [(a, b) for a, b in links if a in members and b in members]
    for _ in group:
        reached |= {b for a, b in edges if a in reached} | {a for a, b in edges if b in reached}
    return reached == members
