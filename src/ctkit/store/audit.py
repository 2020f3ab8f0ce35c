"""The audit trail: an append-only, hash-chained table of every view, change, export, reveal, login and denial.

Each row carries ids and codes only (never personal data) and ``hash = sha256(prev_hash | canonical row)``, so
an edited, deleted or reordered row breaks the chain from that point on: :func:`verify_chain` finds it.

Appends are serialised so that the chain stays linear under concurrency: on PostgreSQL by a transaction-scoped
advisory lock taken before the chain's head is read; on SQLite by the database write lock, taken by the statement
that reads the head (a no-op UPDATE of the head row ... RETURNING it). Either way the row is then inserted whole,
its hash computed here: two statements on SQLite, three on PostgreSQL, and the lock is held only until commit.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Column, Connection, DateTime, Engine, Integer, String, Table, func, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON

from ctkit.errors import ValidationError
from ctkit.store.db import Base

GENESIS = "0" * 64
_ADVISORY_LOCK_KEY = 0x63746B6974  # "ctkit" in ASCII; any constant shared by every writer
# Detail values must be ids, codes or numbers: a guard against personal data slipping into the trail.
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9_.:\-]{0,80}$")

audit_events = Table(
    "audit_events",
    Base.metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor_id", String(36)),
    Column("organisation_id", String(36), index=True),
    Column("action", String(60), nullable=False, index=True),
    Column("resource_type", String(40), nullable=False),
    Column("resource_id", String(36), index=True),
    Column("outcome", String(12), nullable=False),  # allowed | denied | failed | ok
    Column("reason", String(80), nullable=False),
    Column("details", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)


@dataclass(frozen=True)
class AuditEvent:
    """One event to append. ``details`` holds ids, codes and numbers only (checked on append)."""

    action: str
    outcome: str
    reason: str
    actor_id: str | None = None
    organisation_id: str | None = None
    resource_type: str = "none"
    resource_id: str | None = None
    details: dict[str, str | int | bool | None] = field(default_factory=dict)


def _check_safe(event: AuditEvent) -> None:
    for key, value in event.details.items():
        if isinstance(value, str) and not _SAFE_VALUE.match(value):
            raise ValidationError(f"audit detail '{key}' must be an id or a code, not free text")
    if not _SAFE_VALUE.match(event.reason) or not _SAFE_VALUE.match(event.action):
        raise ValidationError("audit reason and action must be codes")


def _canonical(row: dict) -> str:
    at = row["at"]
    if isinstance(at, datetime):
        # SQLite returns naive datetimes; normalise so the same instant always hashes the same.
        at = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    fields = {
        "seq": row["seq"], "at": at, "actor_id": row["actor_id"], "organisation_id": row["organisation_id"],
        "action": row["action"], "resource_type": row["resource_type"], "resource_id": row["resource_id"],
        "outcome": row["outcome"], "reason": row["reason"], "details": row["details"],
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def chain_hash(prev_hash: str, row: dict) -> str:
    """The hash of ``row`` chained on ``prev_hash`` (hex sha256)."""
    return hashlib.sha256(f"{prev_hash}|{_canonical(row)}".encode()).hexdigest()


# The chain's head, read under the append lock. SQLite: a no-op UPDATE of the newest row takes the write lock in
# the same statement that returns the head (a SELECT first would read before the lock and could fork the chain).
_SQLITE_HEAD = (update(audit_events)
                .where(audit_events.c.seq == select(func.max(audit_events.c.seq)).scalar_subquery())
                .values(hash=audit_events.c.hash).returning(audit_events.c.seq, audit_events.c.hash))
_PG_LOCK = text("SELECT pg_advisory_xact_lock(:k)")
# Under the advisory lock: the next value of seq's own sequence (so the column default stays usable) and the head.
_PG_HEAD = text("SELECT nextval(pg_get_serial_sequence('audit_events', 'seq')), "
                "(SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1)")
_INSERT = audit_events.insert()


def _next_link(conn: Session | Connection) -> tuple[int, str]:
    """(seq for the new row, hash of the row before it), with the append lock held until the caller commits."""
    dialect = conn.dialect if isinstance(conn, Connection) else conn.get_bind().dialect
    if dialect.name == "postgresql":
        conn.execute(_PG_LOCK, {"k": _ADVISORY_LOCK_KEY})
        seq, prev = conn.execute(_PG_HEAD).one()
        return seq, prev or GENESIS
    head = conn.execute(_SQLITE_HEAD).first()
    return (head.seq + 1, head.hash) if head else (1, GENESIS)


def append(session: Session | Connection, event: AuditEvent, *, now: datetime | None = None) -> int:
    """Append ``event`` inside the caller's transaction (so a change and its audit row commit together).

    Returns the event's sequence number. Raises ValidationError if a detail looks like free text.
    """
    _check_safe(event)
    seq, prev_hash = _next_link(session)
    row = {
        "seq": seq, "at": now or datetime.now(UTC), "actor_id": event.actor_id,
        "organisation_id": event.organisation_id, "action": event.action, "resource_type": event.resource_type,
        "resource_id": event.resource_id, "outcome": event.outcome, "reason": event.reason,
        "details": dict(event.details),
    }
    session.execute(_INSERT, {**row, "prev_hash": prev_hash, "hash": chain_hash(prev_hash, row)})
    return seq


def append_now(engine: Engine, event: AuditEvent) -> int:
    """Append ``event`` in a transaction of its own (views, logins, denials: nothing else to commit)."""
    with engine.begin() as conn:  # a Core connection: cheaper than an ORM session on this hot path
        return append(conn, event)


@dataclass(frozen=True)
class ChainReport:
    """Result of :func:`verify_chain`: ``ok`` and, when broken, the first bad sequence number and why."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None


def _rows(engine: Engine, batch: int = 5000) -> Iterator[dict]:
    last = 0
    with engine.connect() as conn:
        while True:
            rows = conn.execute(
                select(audit_events).where(audit_events.c.seq > last).order_by(audit_events.c.seq).limit(batch)
            ).mappings().all()
            if not rows:
                return
            yield from (dict(r) for r in rows)
            last = rows[-1]["seq"]


def verify_chain(engine: Engine) -> ChainReport:
    """Recompute every hash in order; report the first row whose link or content does not match.

    >>> verify_chain(engine).ok  # doctest: +SKIP
    True
    """
    prev_hash = GENESIS
    checked = 0
    for row in _rows(engine):
        if row["prev_hash"] != prev_hash:
            return ChainReport(False, checked, row["seq"], "a row before it was changed, deleted or reordered")
        if chain_hash(prev_hash, row) != row["hash"]:
            return ChainReport(False, checked, row["seq"], "the row's content does not match its hash")
        prev_hash = row["hash"]
        checked += 1
    return ChainReport(True, checked)


def access_to(session: Session, resource_id: str, limit: int = 200) -> list[dict]:
    """Audit rows about one resource, newest first (for the supervisor's case-access page)."""
    query = (
        select(audit_events.c.seq, audit_events.c.at, audit_events.c.actor_id, audit_events.c.action,
               audit_events.c.outcome, audit_events.c.reason)
        .where(audit_events.c.resource_id == resource_id)
        .order_by(audit_events.c.seq.desc())
        .limit(limit)
    )
    return [dict(r) for r in session.execute(query).mappings()]


def volume_by_actor(session: Session, organisation_id: str, since: datetime) -> list[dict]:
    """Events per actor and action since ``since`` in one organisation, busiest first (unusual-volume page)."""
    count = func.count().label("events")
    query = (
        select(audit_events.c.actor_id, audit_events.c.action, count)
        .where(audit_events.c.organisation_id == organisation_id, audit_events.c.at >= since)
        .group_by(audit_events.c.actor_id, audit_events.c.action)
        .order_by(count.desc())
    )
    return [dict(r) for r in session.execute(query).mappings()]
