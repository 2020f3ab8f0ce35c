"""The review queue in the store: loading a run, decisions with conflicts, and the capture histories they give."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from ctkit.errors import ConflictError, NotFoundError, ValidationError
from ctkit.model import Case
from ctkit.share.link import DuckDBEngine, LinkResult, ReviewQueue, TrainedParameters, capture_histories, link
from ctkit.share.link.linkage import pair_id
from ctkit.share.link.review_store import StoreDecisionLog, decide_pair, get_pair, list_pairs, queue_run
from ctkit.store.crypto import FieldCipher, KeyRing, key_fingerprint, new_key
from ctkit.store.link_tables import link_pairs, link_runs
from ctkit.store.repository import SqlCaseRepository
from tests.pg import BACKENDS, migrated_engine

ORG = "0a000000-0000-4000-8000-00000000000a"
PARAMS = TrainedParameters("ctkit-person-v1", 0.001, {
    "name": [("null", None, None), ("names exact", 0.5, 0.001), ("both similar", 0.3, 0.01), ("else", 0.2, 0.989)],
    "sex": [("null", None, None), ("exact", 0.99, 0.5), ("else", 0.01, 0.5)],
})


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path: Path) -> Iterator[Engine]:
    yield from migrated_engine(request, tmp_path)


@pytest.fixture
def repo(engine: Engine) -> SqlCaseRepository:
    key = new_key()
    return SqlCaseRepository(engine, FieldCipher(KeyRing(key_fingerprint(key), {key_fingerprint(key): key})))


def _case(agency: str, year: int = 2025, org: str = ORG) -> Case:
    return Case(organisation_id=org, registered_on=date(year, 3, 1), recorded_by=[agency])


def _result(cases: dict[str, Case], scored: list[tuple[str, str, float]], accept: float = 0.99) -> LinkResult:
    """A link result over ``cases`` (list name -> case) with pairs (left, right, probability)."""
    records = pd.DataFrame({"unique_id": [f"{k}:{c.id}" for k, c in cases.items()], "list": list(cases)})
    rows = []
    for left, right, prob in scored:
        a, b = f"{left}:{cases[left].id}", f"{right}:{cases[right].id}"
        weight = math.log2(prob / (1 - prob))
        rows.append({"pair_id": pair_id(a, b), "unique_id_l": a, "unique_id_r": b, "match_weight": weight,
                     "match_probability": prob, "mw_name": 8.965784284662087, "mw_sex": -5.643856189774724})
    return LinkResult(records=records, pairs=pd.DataFrame(rows), accept=accept, review=0.5)


def _patterns(repo: SqlCaseRepository) -> dict[frozenset[str], int]:
    histories = repo.persons_capture_histories()
    return pd.Series([h.agencies for h in histories]).value_counts().to_dict()


def test_a_rejected_link_splits_a_person_and_changes_the_capture_histories(repo, engine):
    cases = {"police": _case("police"), "ngo": _case("ngo"), "health": _case("health", 2026)}
    repo.add_many(cases.values())
    result = _result(cases, [("police", "ngo", 0.999), ("ngo", "health", 0.995), ("police", "health", 0.7)])
    summary = queue_run(engine, result, PARAMS)
    assert (summary.pending, summary.model_links, summary.kept_decisions, summary.cross_organisation) == (1, 2, 0, 0)
    assert _patterns(repo) == {frozenset({"police", "ngo", "health"}): 1}  # model links join all three
    weak = pair_id(f"ngo:{cases['ngo'].id}", f"health:{cases['health'].id}")
    with engine.begin() as conn:
        decide_pair(conn, weak, accepted=False, reviewer="user-1", reason="different_person")
    assert _patterns(repo) == {frozenset({"police", "ngo"}): 1, frozenset({"health"}): 1}
    pending = pair_id(f"police:{cases['police'].id}", f"health:{cases['health'].id}")
    with engine.begin() as conn:
        decide_pair(conn, pending, accepted=True, reviewer="user-2", reason="same_document")
    assert _patterns(repo) == {frozenset({"police", "ngo", "health"}): 1}
    merged = repo.persons_capture_histories()[0]
    assert merged.year == 2025  # the strata of the earliest record


def test_decisions_conflict_and_refusals_write_nothing(repo, engine):
    cases = {"police": _case("police"), "ngo": _case("ngo")}
    repo.add_many(cases.values())
    queue_run(engine, _result(cases, [("police", "ngo", 0.8)]), PARAMS)
    (pair,), total = _list(engine)
    assert total == 1 and pair.status == "pending" and pair.version == 1
    assert [e["kind"] for e in pair.evidence] == ["agree", "disagree"]
    assert pair.evidence[0]["level"] == "names exact"
    with engine.begin() as conn, pytest.raises(ValidationError, match="reason"):
        decide_pair(conn, pair.id, accepted=True, reviewer="u1", reason="because I say so")
    with engine.begin() as conn, pytest.raises(NotFoundError):
        decide_pair(conn, "0" * 20, accepted=True, reviewer="u1", reason="same_document")
    with engine.begin() as conn:
        first = decide_pair(conn, pair.id, accepted=True, reviewer="u1", reason="same_document", expected_version=1)
    assert (first.status, first.decided_by, first.reason_code, first.version) == ("accepted", "u1", "same_document", 2)
    for version in (1, None):  # a stale form, and a second reviewer without one: neither overwrites
        with engine.begin() as conn, pytest.raises(ConflictError):
            decide_pair(conn, pair.id, accepted=False, reviewer="u2", reason="different_person",
                        expected_version=version)
    with engine.connect() as conn:
        assert get_pair(conn, pair.id).decided_by == "u1"


def test_a_new_run_keeps_decisions_and_replaces_the_rest(repo, engine):
    other_org = "0b000000-0000-4000-8000-00000000000b"
    cases = {"police": _case("police"), "ngo": _case("ngo"), "health": _case("health", org=other_org)}
    repo.add_many(cases.values())
    scored = [("police", "ngo", 0.8), ("ngo", "health", 0.7)]
    assert queue_run(engine, _result(cases, scored), PARAMS).cross_organisation == 1
    decided = pair_id(f"police:{cases['police'].id}", f"ngo:{cases['ngo'].id}")
    with engine.begin() as conn:
        decide_pair(conn, decided, accepted=False, reviewer="u1", reason="different_person")
    summary = queue_run(engine, _result(cases, [("police", "ngo", 0.9)]), PARAMS)
    assert (summary.pending, summary.kept_decisions) == (0, 1)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(link_runs)).scalar_one() == 2
        assert list(conn.execute(select(link_pairs.c.id, link_pairs.c.status))) == [(decided, "rejected")]


def test_a_run_naming_a_record_outside_the_store_is_refused_whole(repo, engine):
    cases = {"police": _case("police"), "ngo": _case("ngo")}
    repo.add_many([cases["police"]])  # the ngo record is not in this store
    with pytest.raises(ValidationError, match=r"record ngo:[0-9a-f-]{36}: no case"):
        queue_run(engine, _result(cases, [("police", "ngo", 0.8)]), PARAMS)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(link_runs)).scalar_one() == 0


def test_review_queue_over_the_store_log(repo, engine):
    cases = {"police": _case("police"), "ngo": _case("ngo")}
    repo.add_many(cases.values())
    result = _result(cases, [("police", "ngo", 0.8)])
    queue_run(engine, result, PARAMS)
    events = []
    queue = ReviewQueue(result, StoreDecisionLog(engine), hooks=[events.append])
    (item,) = queue.pending()
    queue.decide(item.pair_id, accepted=True, reviewer="u1", reason="confirmed_by_partner")
    assert [e.event for e in events] == ["link.accept"] and queue.pending() == []
    assert queue.resolved().clusters()["person_id"].nunique() == 1
    with pytest.raises(ConflictError):
        ReviewQueue(result, StoreDecisionLog(engine)).decide(item.pair_id, accepted=False, reviewer="u2",
                                                             reason="different_person")


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_real_linkage_gives_the_store_the_same_capture_histories(repo, engine, registers, params):
    """Registers whose record ids are case ids: after loading the run, `estimate --from-store` reads the
    linkage's persons (model links only; pending pairs join nobody until a reviewer accepts them)."""
    frame = registers.drop(columns=["person_id"]).copy()
    frame["record_id"] = [str(uuid.uuid4()) for _ in range(len(frame))]
    agency = {"police": "police", "ngo": "ngo", "foreign": "border_guard"}  # the generator's lists as agencies
    repo.add_many(Case(id=rid, organisation_id=ORG, registered_on=date(2025, 1, 1), recorded_by=[agency[lst]])
                  for rid, lst in zip(frame["record_id"], frame["list"], strict=True))
    from ctkit.share.link import prepare_records

    result = link(prepare_records(frame), params, DuckDBEngine(threads=1), accept=0.99, review=0.5)
    summary = queue_run(engine, result, params)
    assert summary.pending == len(result.uncertain()) > 0
    lists = ["police", "ngo", "border_guard"]
    expected = capture_histories(result.clusters().assign(list=lambda f: f["list"].map(agency)), lists=lists)
    histories = repo.persons_capture_histories()
    got = capture_histories(pd.DataFrame(
        [{"person_id": h.person_id, "list": a} for h in histories for a in h.agencies]), lists=lists)
    pd.testing.assert_frame_equal(got, expected)
    with engine.connect() as conn:
        (pair,), _ = list_pairs(conn, limit=1)
    assert {e["comparison"] for e in pair.evidence} == set(params.levels)
    assert all(e["kind"] in {"agree", "close", "disagree", "missing"} for e in pair.evidence)
    prior = math.log2(params.lambda_ / (1 - params.lambda_))
    assert sum(e["weight"] for e in pair.evidence) + prior == pytest.approx(pair.match_weight, abs=1e-3)


def _list(engine):
    with engine.connect() as conn:
        return list_pairs(conn)


def test_concurrent_reviewers_one_wins(repo, engine):
    """Eight reviewers decide one pair at the same moment: exactly one decision is stored, the others conflict."""
    from concurrent.futures import ThreadPoolExecutor

    cases = {"police": _case("police"), "ngo": _case("ngo")}
    repo.add_many(cases.values())
    queue_run(engine, _result(cases, [("police", "ngo", 0.8)]), PARAMS)
    (pair,), _ = _list(engine)

    def attempt(i: int) -> str:
        try:
            with engine.begin() as conn:
                decide_pair(conn, pair.id, accepted=i % 2 == 0, reviewer=f"u{i}", reason="insufficient_evidence",
                            expected_version=1)
            return "ok"
        except ConflictError:
            return "conflict"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    assert sorted(outcomes) == ["conflict"] * 7 + ["ok"]
    with engine.connect() as conn:
        stored = get_pair(conn, pair.id)
    assert stored.version == 2 and stored.decided_by == f"u{outcomes.index('ok')}"


def test_pending_pairs_page_by_uncertainty(repo, engine):
    cases = {name: _case("police") for name in "abcde"}
    repo.add_many(cases.values())
    probabilities = [0.55, 0.95, 0.7, 0.85, 0.6, 0.9]
    names = [("a", "b"), ("a", "c"), ("a", "d"), ("b", "c"), ("b", "d"), ("c", "d")]
    queue_run(engine, _result(cases, [(x, y, p) for (x, y), p in zip(names, probabilities, strict=True)]), PARAMS)
    with engine.connect() as conn:
        pages = [list_pairs(conn, limit=4, offset=offset) for offset in (0, 4)]
    assert [total for _, total in pages] == [6, 6]
    seen = [round(p.match_probability, 2) for page, _ in pages for p in page]
    assert seen == sorted(probabilities)  # probability nearest 1/2 first, every pair once
