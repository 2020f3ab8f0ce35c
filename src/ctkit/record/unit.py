"""One unit of casework: read a case with its version, then write the case, the casework rows and the audit
event in one transaction, refused with ConflictError when someone else saved the case meanwhile.

Optimistic locking: the version is read before the case, so a change in between makes the write fail (never a
lost update). The audit row is appended in the same transaction, so a change and its audit commit together.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, Engine, delete, update

from ctkit.errors import ConflictError
from ctkit.model import Case
from ctkit.record.access import Authorizer
from ctkit.store import tables as t
from ctkit.store.audit import AuditEvent, append
from ctkit.store.mapping import case_row, child_rows
from ctkit.store.repository import SqlCaseRepository

Clock = Callable[[], date]
DEFAULT_RETENTION_DAYS = 5 * 365  # how long a closed case is kept before review for deletion


@dataclass(frozen=True)
class Casework:
    """What every casework service needs: the store, the reflection period, the retention period and a clock.

    >>> cw = Casework.from_store(store, settings)  # doctest: +SKIP
    """

    engine: Engine
    repo: SqlCaseRepository
    reflection_days: int = 30
    retention_days: int = DEFAULT_RETENTION_DAYS
    today: Clock = date.today

    @classmethod
    def from_store(cls, store, settings, today: Clock = date.today) -> Casework:
        return cls(store.engine, store.cases, reflection_days=settings.reflection_days, today=today)

    @property
    def cipher(self):
        return self.repo.cipher


def new_id() -> str:
    return str(uuid.uuid4())


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Loaded:
    """A case as read, and the version it was read at."""

    case: Case
    version: int


def load(repo: SqlCaseRepository, case_id: str, expected_version: int | None = None) -> Loaded:
    """The case and its version; ConflictError when ``expected_version`` (what the user saw) is stale."""
    version = repo.version(case_id)
    if expected_version is not None and expected_version != version:
        raise ConflictError(f"case {case_id} was changed by someone else (version {version}, "
                            f"expected {expected_version})", hint="reload the case and apply your change again")
    return Loaded(repo.get(case_id), version)


def save_case(conn: Connection, case: Case, expected_version: int) -> int:
    """Write ``case`` (its row and child rows, not the person) if still at ``expected_version``."""
    new_version = expected_version + 1
    values = {k: v for k, v in case_row(case, new_version).items() if k not in ("id", "person_id")}
    result = conn.execute(update(t.cases).where(t.cases.c.id == case.id, t.cases.c.version == expected_version)
                          .values(values))
    if result.rowcount != 1:
        raise ConflictError(f"case {case.id} was changed by someone else meanwhile",
                            hint="reload the case and apply your change again")
    for table in t.CASE_CHILD_TABLES:
        conn.execute(delete(table).where(table.c.case_id == case.id))
    for name, rows in child_rows(case).items():
        conn.execute(t.metadata.tables[name].insert(), rows)
    return new_version


def audit(conn: Connection, who: Authorizer, action: str, case_id: str, reason: str, **details) -> None:
    """Append an allowed casework event (ids and codes only) in the caller's transaction."""
    append(conn, AuditEvent(action=action, outcome="allowed", reason=reason, actor_id=who.actor_id,
                            organisation_id=who.organisation_id, resource_type="case", resource_id=case_id,
                            details=details))


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction for one unit of casework: all of it commits, or none of it."""
    with engine.begin() as conn:
        yield conn
