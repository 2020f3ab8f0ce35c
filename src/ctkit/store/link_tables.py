"""The link review queue: linkage runs, their candidate pairs of case records, and the linked persons they give.

A pair names two cases (each case is one agency's record of a person) with the model's match weight and
probability and, as evidence, each comparison's level and weight (never a name or any other value). Its status is
``pending`` (waiting for a reviewer), ``accepted`` or ``rejected``; ``decided_by`` is NULL while the model's view
stands (pending, or accepted above the run's threshold) and a user id once a person decided. ``version`` guards
against two reviewers deciding the same pair.

Accepted pairs join the persons of their two cases into one linked person, so scale estimation counts a person
recorded by several agencies once, on several lists (:func:`merge_linked_histories`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy import Column, Connection, DateTime, Float, ForeignKey, Index, Integer, String, Table, select
from sqlalchemy.orm import aliased
from sqlalchemy.types import JSON

from ctkit.store import tables as t
from ctkit.store.captures import CaptureHistory
from ctkit.store.db import Base

STATUSES = ("pending", "accepted", "rejected")

link_runs = Table(
    "link_runs",
    Base.metadata,
    Column("id", String(36), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(36), nullable=True),  # NULL: loaded from the command line
    Column("model", String(40), nullable=False),
    Column("accept", Float, nullable=False),
    Column("review", Float, nullable=False),
    Column("records", Integer, nullable=False),
    Column("pairs", Integer, nullable=False),
    Column("parameters", JSON, nullable=False),  # trained m/u per level and lambda: numbers and level labels
)

link_pairs = Table(
    "link_pairs",
    Base.metadata,
    Column("id", String(36), primary_key=True),  # the linkage pair id (a hash of the two record ids)
    Column("run_id", String(36), ForeignKey("link_runs.id"), nullable=False),
    Column("case_id_l", String(36), ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("case_id_r", String(36), ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("organisation_id_l", String(36), nullable=True),
    Column("organisation_id_r", String(36), nullable=True),
    Column("match_weight", Float, nullable=False),
    Column("match_probability", Float, nullable=False),
    Column("evidence", JSON, nullable=False),  # [{comparison, level, kind, weight}], see share.link.review_store
    Column("status", String(10), nullable=False),
    Column("decided_by", String(36), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("reason_code", String(40), nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_link_pairs_status", "status"),
    Index("ix_link_pairs_case_id_l", "case_id_l"),
    Index("ix_link_pairs_case_id_r", "case_id_r"),
)


def accepted_person_links(conn: Connection) -> list[tuple[str, str]]:
    """Person-id pairs joined by an accepted link (by the model above threshold or by a reviewer)."""
    left, right = aliased(t.cases), aliased(t.cases)
    p = link_pairs.c
    query = (select(left.c.person_id, right.c.person_id)
             .join_from(link_pairs, left, left.c.id == p.case_id_l)
             .join(right, right.c.id == p.case_id_r)
             .where(p.status == "accepted"))
    return [(a, b) for a, b in conn.execute(query) if a != b]


def _groups(members: Iterable[str], links: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Connected components: each member mapped to the smallest id of its component (union-find)."""
    parent = {m: m for m in members}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        if a in parent and b in parent:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {m: root(m) for m in parent}


def merge_linked_histories(histories: Sequence[CaptureHistory],
                           links: Iterable[tuple[str, str]]) -> list[CaptureHistory]:
    """One history per linked person: the agencies of all its records, the strata of its earliest record.

    ``links`` are person-id pairs (:func:`accepted_person_links`); the linked person's id is the smallest member
    id. Persons without links pass through unchanged. Returns histories in person-id order.

    >>> a = CaptureHistory("a", frozenset({"police"}), "female", None, None, None, 2024)
    >>> b = CaptureHistory("b", frozenset({"ngo"}), "female", None, None, None, 2025)
    >>> sorted(merge_linked_histories([a, b], [("a", "b")])[0].agencies)
    ['ngo', 'police']
    """
    group = _groups((h.person_id for h in histories), links)
    merged: dict[str, CaptureHistory] = {}
    for history in sorted(histories, key=lambda h: (h.year, h.person_id)):
        key = group[history.person_id]
        first = merged.get(key)
        if first is None:
            merged[key] = replace(history, person_id=key)
        else:
            merged[key] = replace(first, agencies=first.agencies | history.agencies)
    return [merged[k] for k in sorted(merged)]
