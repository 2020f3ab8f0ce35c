"""The review queue in the operational store: load a linkage run's pairs, list them, record decisions.

A linkage run over registers exported from the store (record ids are case ids) is loaded with :func:`queue_run`:
pairs at or above the run's ``accept`` threshold become model links (``accepted``, no reviewer), pairs in the
review band wait as ``pending``. Each pair keeps its evidence: per comparison the level that held (agree, close,
disagree or missing, with the model's label) and its match weight, never a compared value. A newer run replaces
the model's view (its undecided pairs and model links); decisions people took are kept and win over any run.

:func:`decide_pair` is the one place a decision is written: only a pair no person has decided yet can be decided
(a pending pair, or a model link a reviewer rejects), and a stale ``expected_version`` is a conflict, so a second
reviewer never overwrites the first. :class:`StoreDecisionLog` is the :class:`~ctkit.share.link.review.DecisionLog`
over the same table, for :class:`~ctkit.share.link.review.ReviewQueue`.

Example:
    >>> # summary = queue_run(store.engine, LinkResult.load(Path("linked/result")), TrainedParameters.load(p))
    >>> # with store.engine.begin() as conn: decide_pair(conn, pair_id, accepted=False, reviewer=user_id,
    >>> #                                                reason="different_person")
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, select, update
from sqlalchemy.sql.elements import ColumnElement

from ctkit.errors import ConflictError, NotFoundError, ValidationError
from ctkit.share.link.linkage import LinkResult
from ctkit.share.link.params import TrainedParameters
from ctkit.share.link.review import LINK_REASONS, LinkDecision
from ctkit.store import tables as t
from ctkit.store.link_tables import link_pairs, link_runs

__all__ = ["PairRecord", "QueueSummary", "StoreDecisionLog", "decide_pair", "evidence", "get_pair", "list_pairs",
           "queue_run"]

_CHUNK = 500  # ids per IN (...) lookup: well under every backend's parameter limit
_FLOOR = 1e-12  # as in params.settings_with_parameters, so level weights match what Splink computed
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class QueueSummary:
    """What a load did: the run's id, pairs now pending, model links, people's decisions kept, and how many pending
    pairs join cases of two organisations (reviewable only by someone who may see both, e.g. after a referral)."""

    run_id: str
    records: int
    pending: int
    model_links: int
    kept_decisions: int
    cross_organisation: int = 0


@dataclass(frozen=True)
class PairRecord:
    """One stored pair: ids, scores, evidence and the decision; no personal data."""

    id: str
    run_id: str
    case_id_l: str
    case_id_r: str
    organisation_id_l: str | None
    organisation_id_r: str | None
    match_weight: float
    match_probability: float
    evidence: list[dict]
    status: str
    decided_by: str | None
    decided_at: datetime | None
    reason_code: str | None
    version: int

    @property
    def decided_by_person(self) -> bool:
        return self.decided_by is not None


def _level_weights(levels) -> list[tuple[int, str, float | None]]:
    """(position, label, weight) per level; weight None where the level has no trained m or u."""
    out = []
    for i, (label, m, u) in enumerate(levels):
        weight = math.log2(max(m, _FLOOR) / max(u, _FLOOR)) if m is not None and u is not None else None
        out.append((i, label, weight))
    return out


def _kind(position: int, levels) -> str:
    """agree (the first level after the null one), disagree (the last), close (between), missing (null)."""
    null = levels[0][1] is None and levels[0][2] is None
    if null and position == 0:
        return "missing"
    first = 1 if null else 0
    return "agree" if position == first else "disagree" if position == len(levels) - 1 else "close"


Levels = dict[str, tuple[list, list[tuple[int, str, float]]]]  # comparison -> (levels, trained level weights)


def _levels(params: TrainedParameters) -> Levels:
    return {name: (levels, [(i, label, w) for i, label, w in _level_weights(levels) if w is not None])
            for name, levels in params.levels.items()}


def evidence(row: dict, params: TrainedParameters | Levels) -> list[dict]:
    """Per comparison: ``comparison``, ``level`` (the model's label), ``kind`` and ``weight`` (with the term-frequency
    adjustment), from a scored pair's ``mw_<comparison>`` columns. Empty when the pair has none (an older run)."""
    table = _levels(params) if isinstance(params, TrainedParameters) else params
    out = []
    for name, (levels, weights) in table.items():
        base = row.get(f"mw_{name}")
        if base is None or pd.isna(base):
            continue
        adjust = row.get(f"mw_tf_adj_{name}")
        weight = float(base) + (0.0 if adjust is None or pd.isna(adjust) else float(adjust))
        found = [(i, label) for i, label, w in weights if abs(w - base) < _TOLERANCE]
        if not found and abs(base) < _TOLERANCE and _kind(0, levels) == "missing":
            found = [(0, levels[0][0])]
        position, label = found[0] if found else (None, None)
        kind = _kind(position, levels) if position is not None else "unknown"
        out.append({"comparison": name, "level": label, "kind": kind, "weight": round(weight, 4)})
    return out


def _record_ids(unique_ids: Sequence[str]) -> dict[str, str]:
    """``<list>:<record_id>`` to record id (the case id in the store)."""
    out = {}
    for uid in unique_ids:
        _, sep, record = str(uid).partition(":")
        out[uid] = record if sep else str(uid)
    return out


def _cases(conn: Connection, case_ids: Sequence[str]) -> dict[str, str | None]:
    """Case id to organisation id, for the ids that exist."""
    found: dict[str, str | None] = {}
    ids = list(dict.fromkeys(case_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        query = select(t.cases.c.id, t.cases.c.organisation_id).where(t.cases.c.id.in_(chunk))
        found.update((case_id, org) for case_id, org in conn.execute(query))
    return found


def _pair_rows(result: LinkResult, params: TrainedParameters, orgs: dict[str, str | None],
               records: dict[str, str], run_id: str, now: datetime) -> Iterator[dict]:
    table = _levels(params)
    held = set(result.held_back()["pair_id"])  # above accept, but joining them would chain persons: for review
    for row in result.pairs.to_dict("records"):
        left, right = records[row["unique_id_l"]], records[row["unique_id_r"]]
        model_link = row["match_probability"] >= result.accept and row["pair_id"] not in held
        yield {"id": row["pair_id"], "run_id": run_id, "case_id_l": left, "case_id_r": right,
               "organisation_id_l": orgs[left], "organisation_id_r": orgs[right],
               "match_weight": float(row["match_weight"]), "match_probability": float(row["match_probability"]),
               "evidence": evidence(row, table), "status": "accepted" if model_link else "pending",
               "decided_by": None, "decided_at": now if model_link else None,
               "reason_code": "above_threshold" if model_link else None, "version": 1}


def queue_run(engine: Engine, result: LinkResult, params: TrainedParameters, *, created_by: str | None = None,
              now: datetime | None = None) -> QueueSummary:
    """Load ``result`` (record ids are case ids) into the review queue, all or nothing.

    Raises ``ValidationError`` naming the first record whose id is no case in the store (nothing is written).
    """
    now = now or datetime.now(UTC)
    uids = pd.unique(pd.concat([result.pairs["unique_id_l"], result.pairs["unique_id_r"]]))
    records = _record_ids(list(uids))
    run_id = str(uuid.uuid4())
    with engine.begin() as conn:
        orgs = _cases(conn, list(records.values()))
        missing = [uid for uid, case_id in records.items() if case_id not in orgs]
        if missing:
            raise ValidationError(f"record {missing[0]}: no case with this id in the store "
                                  f"({len(missing)} record(s) in all); link registers exported from this store")
        kept = set(conn.execute(select(link_pairs.c.id).where(link_pairs.c.decided_by.is_not(None))).scalars())
        rows = [r for r in _pair_rows(result, params, orgs, records, run_id, now) if r["id"] not in kept]
        conn.execute(delete(link_pairs).where(link_pairs.c.decided_by.is_(None)))
        conn.execute(link_runs.insert().values(
            id=run_id, created_at=now, created_by=created_by, model=params.model, accept=result.accept,
            review=result.review, records=len(result.records), pairs=len(result.pairs),
            parameters={"lambda": params.lambda_, "levels": {k: [list(v) for v in lv] for k, lv in
                                                             params.levels.items()}}))
        if rows:
            conn.execute(link_pairs.insert(), rows)
    links = sum(r["status"] == "accepted" for r in rows)
    cross = sum(r["status"] == "pending" and r["organisation_id_l"] != r["organisation_id_r"] for r in rows)
    return QueueSummary(run_id, len(result.records), len(rows) - links, links, len(kept & set(result.pairs.pair_id)),
                        cross)


def _record(row) -> PairRecord:
    return PairRecord(**{k: row._mapping[k] for k in PairRecord.__dataclass_fields__})


def get_pair(conn: Connection, pair_id: str) -> PairRecord:
    """One pair; raises ``NotFoundError`` when there is none with this id."""
    row = conn.execute(select(link_pairs).where(link_pairs.c.id == pair_id)).first()
    if row is None:
        raise NotFoundError("no such link pair")
    return _record(row)


def list_pairs(conn: Connection, *, status: str = "pending", case_filter: ColumnElement | None = None,
               limit: int = 50, offset: int = 0) -> tuple[list[PairRecord], int]:
    """Pairs of ``status`` whose two cases both pass ``case_filter`` (a WHERE clause on ``cases``), most uncertain
    first (match weight nearest 0, i.e. probability nearest one half); returns the page and the total count.

    ``status`` ``model`` lists the model's links no person has decided, weakest first.
    """
    p = link_pairs.c
    if status == "model":
        where = [p.status == "accepted", p.decided_by.is_(None)]
        order = [p.match_weight, p.id]
    elif status in ("pending", "accepted", "rejected"):
        where = [p.status == status] + ([p.decided_by.is_not(None)] if status != "pending" else [])
        order = [func.abs(p.match_weight), p.id] if status == "pending" else [p.decided_at.desc(), p.id]
    else:
        raise ValidationError("status: one of pending, model, accepted, rejected")
    if case_filter is not None:
        visible = select(t.cases.c.id).where(case_filter)
        where += [p.case_id_l.in_(visible), p.case_id_r.in_(visible)]
    total = conn.execute(select(func.count()).select_from(link_pairs).where(*where)).scalar_one()
    rows = conn.execute(select(link_pairs).where(*where).order_by(*order).limit(limit).offset(offset)).all()
    return [_record(r) for r in rows], total


def decide_pair(conn: Connection, pair_id: str, *, accepted: bool, reviewer: str, reason: str,
                expected_version: int | None = None, now: datetime | None = None) -> PairRecord:
    """Accept or reject ``pair_id`` inside the caller's transaction; returns the updated pair.

    Raises ``ValidationError`` for a reason that is not a code of ``LINK_REASONS``, ``NotFoundError`` for an
    unknown pair and ``ConflictError`` when a person already decided it or ``expected_version`` is stale.
    """
    if reason not in LINK_REASONS:
        raise ValidationError(f"reason: one of {', '.join(LINK_REASONS)}")
    p = link_pairs.c
    where = [p.id == pair_id, p.decided_by.is_(None)]
    if expected_version is not None:
        where.append(p.version == expected_version)
    changed = conn.execute(update(link_pairs).where(*where).values(
        status="accepted" if accepted else "rejected", decided_by=reviewer, decided_at=now or datetime.now(UTC),
        reason_code=reason, version=p.version + 1)).rowcount
    pair = get_pair(conn, pair_id)
    if changed != 1:
        raise ConflictError("this pair was decided by someone else, or changed since you opened it",
                            hint="reload the pair to see its current state")
    return pair


class StoreDecisionLog:
    """:class:`~ctkit.share.link.review.DecisionLog` on the store's queue (reasons must be ``LINK_REASONS`` codes)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def append(self, decision: LinkDecision) -> None:
        with self.engine.begin() as conn:
            decide_pair(conn, decision.pair_id, accepted=decision.accepted, reviewer=decision.reviewer,
                        reason=decision.reason or "", now=datetime.fromisoformat(decision.decided_at))

    def all(self) -> list[LinkDecision]:
        p = link_pairs.c
        query = (select(p.id, p.case_id_l, p.case_id_r, p.status, p.decided_by, p.decided_at, p.reason_code)
                 .where(p.decided_by.is_not(None)).order_by(p.decided_at, p.id))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [LinkDecision(r.id, r.case_id_l, r.case_id_r, r.status == "accepted", r.decided_by,
                             _aware(r.decided_at).isoformat(), r.reason_code) for r in rows]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite returns naive datetimes
