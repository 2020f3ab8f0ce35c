"""The demo's record linkage: link the demo store's cases, load the review queue, give the demo case worker pairs.

What ``ctkit link run --from-store --to-store --review 0.05`` does, in process: every case is a record, the
model is trained on them (EM), pairs above the calibrated threshold become model links and pairs in the review
band wait for a person. The demo's band starts at 0.05 rather than 0.5: a pair of records without a birth date
scores low even when the names agree, and a reviewer should see it rather than the model drop it.

A pending pair between two organisations can be decided only by someone who may see both cases: in the demo,
the records a provider opened after a referral (:mod:`ctkit.demo.records`). :func:`assign_reviews` gives the
demo case worker the provider's side of a few such pairs, as a supervisor would assign them.

Example:
    >>> # summary = link_demo_store(store, progress=print)
    >>> # assign_reviews(store, username="demo_case_worker")
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, exists, func, or_, select

from ctkit.share.link.review_store import QueueSummary
from ctkit.store import tables as t
from ctkit.store.datastore import Store
from ctkit.store.link_tables import link_pairs

__all__ = ["DEMO_REVIEW", "DEMO_REVIEWS_PER_WORKER", "assign_reviews", "link_demo_store"]

DEMO_REVIEW = 0.05
DEMO_REVIEWS_PER_WORKER = 12

Progress = Callable[[str], None]


@contextmanager
def _quiet_splink() -> Iterator[None]:
    """Splink logs its training steps as warnings; the demo shows its own progress lines instead."""
    logger = logging.getLogger("splink")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def link_demo_store(store: Store, *, seed: int = 1, review: float = DEMO_REVIEW,
                    progress: Progress | None = None) -> QueueSummary:
    """Link every case of ``store`` and load the pairs into its review queue; returns what the load did.

    ``progress`` gets one line per step. Raises ``ValidationError`` when the store has too few cases, or no
    duplicate records, for the model to train on.
    """
    from ctkit.share.link import DuckDBEngine, link, prepare_records, train
    from ctkit.share.link.from_store import store_register
    from ctkit.share.link.review_store import queue_run

    say = progress or (lambda _: None)
    say("reading the cases (names decrypted in memory only)")
    records = prepare_records(store_register(store))
    engine = DuckDBEngine(threads=1)  # one thread: the same pairs in every run of the same demo
    with _quiet_splink():
        say(f"training the linkage model on {len(records):,} records (EM)")
        params = train(records, engine, seed=seed)
        say("scoring candidate pairs")
        result = link(records, params, engine, review=review)
    say(f"loading {len(result.pairs):,} pairs into the review queue")
    return queue_run(store.engine, result, params)


def _reviewable(conn: Connection, organisation_id: str) -> list[tuple[str, list[str]]]:
    """Pending pairs (most uncertain first) whose two cases are each the organisation's or referred to it (an
    accepted referral), each with the organisation's own cases of the pair."""
    c, p = t.cases.c, link_pairs.c
    referred = exists(select(1).where(t.referrals.c.case_id == c.id, t.referrals.c.status == "accepted",
                                      t.referrals.c.to_organisation_id == organisation_id))
    visible = select(c.id).where(or_(c.organisation_id == organisation_id, referred))
    own = select(c.id).where(c.organisation_id == organisation_id)
    rows = conn.execute(select(p.id, p.case_id_l, p.case_id_r).where(
        p.status == "pending", p.case_id_l.in_(visible), p.case_id_r.in_(visible),
        or_(p.case_id_l.in_(own), p.case_id_r.in_(own))).order_by(func.abs(p.match_weight), p.id)).all()
    owned = set(conn.execute(own).scalars())
    return [(pair, [case for case in (left, right) if case in owned]) for pair, left, right in rows]


def assign_reviews(store: Store, *, username: str, most: int = DEMO_REVIEWS_PER_WORKER) -> int:
    """Assign ``username`` (a demo account) their organisation's side of up to ``most`` pending pairs they can
    then decide; returns how many pairs that makes decidable. Zero when the user does not exist."""
    from ctkit.store import accounts as acc
    from ctkit.store.db import transaction

    with transaction(store.engine) as session:
        user = acc.find_user(session, username)
        if user is None:
            return 0
        pairs = _reviewable(session.connection(), user.organisation_id)[:most]
        have = set(session.execute(select(acc.case_access.c.case_id)
                                   .where(acc.case_access.c.user_id == user.id)).scalars())
        for case_id in dict.fromkeys(case for _, cases in pairs for case in cases):
            if case_id not in have:
                acc.grant_case(session, case_id, user.id, "assigned")
    return len(pairs)
