"""One unit of casework: read a case with its version, then write the case, the casework rows and the audit
event in one transaction, refused with ConflictError when someone else saved the case meanwhile.

Optimistic locking: the version is read before the case, so a change in between makes the write fail (never a
lost update). The audit row is appended in the same transaction, so a change and its audit commit together.

A save rewrites only what changed: the case row (its version always moves) and the child tables whose rows differ
from what was loaded. A status change needs even less: :func:`load_head` reads the case row alone (no person, no
personal data decrypted) and :func:`bump` updates it under the same version check.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Connection, Engine, bindparam, delete, select, update

from ctkit.errors import ConflictError, NotFoundError
from ctkit.model import Case
from ctkit.record.access import Authorizer
from ctkit.store import tables as t
from ctkit.store.audit import AuditEvent, append
from ctkit.store.mapping import TableRows, case_row, child_rows
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
    """A case as read, the version it was read at and its child rows as read (a copy: the case is changed in place
    before it is saved, and :func:`save_case` rewrites only the tables whose rows differ from these)."""

    case: Case
    version: int
    rows: TableRows = field(repr=False)


@dataclass(frozen=True)
class Head:
    """A case's own row, without the person or the child rows: what a status change reads."""

    id: str
    version: int
    registered_on: date
    organisation_id: str | None
    identification_status: str
    case_status: str


_HEAD = select(t.cases.c.id, t.cases.c.version, t.cases.c.registered_on, t.cases.c.organisation_id,
               t.cases.c.identification_status, t.cases.c.case_status).where(t.cases.c.id == bindparam("case_id"))


def _check_version(case_id: str, version: int, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != version:
        raise ConflictError(f"case {case_id} was changed by someone else (version {version}, "
                            f"expected {expected_version})", hint="reload the case and apply your change again")


def load(repo: SqlCaseRepository, case_id: str, expected_version: int | None = None) -> Loaded:
    """The case and its version; ConflictError when ``expected_version`` (what the user saw) is stale."""
    version = repo.version(case_id)
    _check_version(case_id, version, expected_version)
    case = repo.get(case_id)
    return Loaded(case, version, copy.deepcopy(child_rows(case)))


def load_head(engine: Engine, case_id: str, expected_version: int | None = None) -> Head:
    """The case row alone (one statement, nothing decrypted); NotFoundError / ConflictError as :func:`load`."""
    with engine.connect() as conn:
        row = conn.execute(_HEAD, {"case_id": case_id}).first()
    if row is None:
        raise NotFoundError(f"case {case_id} does not exist")
    _check_version(case_id, row.version, expected_version)
    return Head(*row)


def bump(conn: Connection, case_id: str, expected_version: int, **values) -> int:
    """Update the case row (``values`` and the version) if still at ``expected_version``; the new version.

    Raises ConflictError when someone else saved the case meanwhile: the version check and the write are one
    statement, so two saves from the same version cannot both succeed.
    """
    new_version = expected_version + 1
    result = conn.execute(update(t.cases).where(t.cases.c.id == case_id, t.cases.c.version == expected_version)
                          .values({**values, "version": new_version}))
    if result.rowcount != 1:
        raise ConflictError(f"case {case_id} was changed by someone else meanwhile",
                            hint="reload the case and apply your change again")
    return new_version


def save_case(conn: Connection, loaded: Loaded) -> int:
    """Write the loaded case (its row, and the child tables that changed since it was loaded; not the person) if
    it is still at the version it was loaded at; returns the new version."""
    case = loaded.case
    values = {k: v for k, v in case_row(case).items() if k not in ("id", "person_id", "version")}
    version = bump(conn, case.id, loaded.version, **values)
    rows = child_rows(case)
    for table in t.CASE_CHILD_TABLES:
        now_rows = rows.get(table.name, [])
        if now_rows == loaded.rows.get(table.name, []):
            continue
        conn.execute(delete(table).where(table.c.case_id == case.id))
        if now_rows:
            conn.execute(table.insert(), now_rows)
    return version


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
