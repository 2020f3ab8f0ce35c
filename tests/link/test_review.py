"""Review of uncertain pairs: decisions change the clusters, are logged, reach hooks, and can be refused."""

from datetime import UTC, datetime

import pandas as pd
import pytest

from ctkit.errors import ConflictError, NotFoundError, PermissionDenied
from ctkit.share.link import DuckDBEngine, JsonlDecisionLog, LinkResult, MemoryDecisionLog, ReviewQueue, link

FROZEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def result(records, params):
    # A wide band so the small fixture data surely has pairs to review.
    return link(records, params, DuckDBEngine(threads=1), accept=0.999, review=0.3)


def _same_person(result, item):
    clusters = result.clusters().set_index("unique_id")["person_id"]
    return clusters[item.unique_id_l] == clusters[item.unique_id_r]


def test_accept_and_reject_change_clusters_and_reach_hooks(result):
    events = []
    queue = ReviewQueue(result, MemoryDecisionLog(), hooks=[events.append], clock=lambda: FROZEN)
    pending = queue.pending()
    assert len(pending) >= 2
    assert [p.match_weight for p in pending] == sorted((p.match_weight for p in pending), reverse=True)
    first, second = pending[0], pending[1]
    decision = queue.decide(first.pair_id, accepted=True, reviewer="user-1", reason="same passport")
    queue.decide(second.pair_id, accepted=False, reviewer="user-1")
    assert [e.event for e in events] == ["link.accept", "link.reject"]
    assert decision.decided_at == FROZEN.isoformat()
    resolved = queue.resolved()
    assert _same_person(resolved, first)
    assert not _same_person(resolved, second) or second.pair_id not in set(resolved.links()["pair_id"])
    assert first.pair_id not in {p.pair_id for p in queue.pending()}


def test_refusals_write_nothing(tmp_path, result):
    log = JsonlDecisionLog(tmp_path / "decisions.jsonl")

    def deny(reviewer, action, item):
        raise PermissionDenied("you may not review links of this case")

    denied = ReviewQueue(result, log, authorize=deny)
    item = denied.pending()[0]
    with pytest.raises(PermissionDenied):
        denied.decide(item.pair_id, accepted=True, reviewer="user-2")
    assert log.all() == []
    queue = ReviewQueue(result, log)
    with pytest.raises(NotFoundError):
        queue.decide("no-such-pair", accepted=True, reviewer="user-2")
    queue.decide(item.pair_id, accepted=True, reviewer="user-2")
    with pytest.raises(ConflictError):
        queue.decide(item.pair_id, accepted=False, reviewer="user-3")
    reopened = ReviewQueue(result, JsonlDecisionLog(tmp_path / "decisions.jsonl"))
    assert reopened.resolved().decisions == {item.pair_id: True}


def test_saved_result_reopens_for_review(tmp_path, result):
    result.save(tmp_path / "result")
    reopened = LinkResult.load(tmp_path / "result")
    assert [i.pair_id for i in ReviewQueue(reopened, MemoryDecisionLog()).pending()] == [
        i.pair_id for i in ReviewQueue(result, MemoryDecisionLog()).pending()
    ]
    assert set(pd.read_parquet(tmp_path / "result" / "records.parquet").columns) == {"unique_id", "list"}
    with pytest.raises(NotFoundError):
        LinkResult.load(tmp_path / "nothing")
