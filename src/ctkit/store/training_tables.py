"""Trainee attempts at the screening vignettes: one row per screened vignette, for the trainer's class report.

Rows hold ids, codes and the trainee's answers to an invented vignette (no personal data of anyone screened).
Scores are not stored: they are recomputed from the answers against the current key, so a corrected catalogue or
vignette key re-scores every attempt.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Engine, Index, String, Table, select
from sqlalchemy.types import JSON

from ctkit.store.db import Base

training_attempts = Table(
    "training_attempts",
    Base.metadata,
    Column("id", String(36), primary_key=True),
    Column("organisation_id", String(36), nullable=False),
    Column("trainee_id", String(36), nullable=False),
    Column("vignette_id", String(80), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(20), nullable=True),  # the trainee's own conclusion; NULL: the engine's on the answers
    Column("answers", JSON, nullable=False),
    Index("ix_training_attempts_organisation_id", "organisation_id"),
)


@dataclass(frozen=True)
class Attempt:
    """One stored attempt."""

    id: str
    trainee_id: str
    vignette_id: str
    outcome: str | None
    answers: dict[str, str]


def add_attempt(engine: Engine, organisation_id: str, trainee_id: str, vignette_id: str,
                answers: dict[str, str], outcome: str | None) -> str:
    """Store an attempt (already validated by scoring it); returns its id."""
    attempt_id = str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(training_attempts.insert().values(
            id=attempt_id, organisation_id=organisation_id, trainee_id=trainee_id, vignette_id=vignette_id,
            created_at=datetime.now(UTC), outcome=outcome, answers=answers))
    return attempt_id


def attempts_of(engine: Engine, organisation_id: str, limit: int = 10_000) -> list[Attempt]:
    """The organisation's attempts, oldest first (a class report reads them all; bounded by ``limit``)."""
    c = training_attempts.c
    query = (select(c.id, c.trainee_id, c.vignette_id, c.outcome, c.answers)
             .where(c.organisation_id == organisation_id).order_by(c.created_at, c.id).limit(limit))
    with engine.connect() as conn:
        return [Attempt(r.id, r.trainee_id, r.vignette_id, r.outcome, dict(r.answers)) for r in conn.execute(query)]
