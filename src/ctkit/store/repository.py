"""The case repository: the one interface through which capabilities read and write cases.

:class:`CaseRepository` is the Protocol; :class:`SqlCaseRepository` implements it on SQLAlchemy Core. Every
method that writes runs in one transaction: it either fully happens or leaves the store as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from sqlalchemy import Connection, Engine, delete, func, select, update

from ctkit.errors import ConflictError, NotFoundError
from ctkit.model import Case
from ctkit.store import tables as t
from ctkit.store.bulk import BulkWriter
from ctkit.store.captures import CaptureHistory, capture_histories
from ctkit.store.crypto import FieldCipher
from ctkit.store.mapping import case_from_rows, case_row, child_rows, person_from_row, person_row
from ctkit.store.perpetrators import load_perpetrators, perpetrator_rows, upsert_perpetrators


class CaseRepository(Protocol):
    """Read and write cases. Implementations are transactional and all-or-nothing."""

    def add(self, case: Case) -> None: ...
    def add_many(self, cases: Iterable[Case]) -> int: ...
    def get(self, case_id: str) -> Case: ...
    def version(self, case_id: str) -> int: ...
    def update(self, case: Case, expected_version: int) -> int: ...
    def list_ids(
        self, *, limit: int | None = None, offset: int = 0, organisation_id: str | None = None
    ) -> list[str]: ...
    def count(self) -> int: ...
    def iter_cases(self, batch: int = 500) -> Iterator[Case]: ...
    def persons_capture_histories(self) -> list[CaptureHistory]: ...


class SqlCaseRepository:
    """CaseRepository on a SQLAlchemy engine (SQLite or PostgreSQL) with field encryption by ``cipher``.

    >>> repo = SqlCaseRepository(engine, cipher)  # doctest: +SKIP
    >>> repo.add(case); repo.get(case.id) == case  # doctest: +SKIP
    True
    """

    def __init__(self, engine: Engine, cipher: FieldCipher) -> None:
        self.engine = engine
        self.cipher = cipher

    # -- writes -------------------------------------------------------------------------------------------------

    def add(self, case: Case) -> None:
        """Store a new case (and its person, inserted or updated). ConflictError if the case id exists."""
        self.add_many([case])

    def add_many(self, cases: Iterable[Case], *, chunk: int = 1000) -> int:
        """Store many new cases in one transaction; returns how many. Nothing is stored if any one fails."""
        with self.engine.begin() as conn:
            writer = BulkWriter(conn, self.cipher, chunk=chunk)
            for case in cases:
                writer.add(case)
            return writer.finish()

    def update(self, case: Case, expected_version: int) -> int:
        """Replace the stored case by ``case`` if it is still at ``expected_version``; returns the new version.

        Raises NotFoundError for an unknown id and ConflictError when someone else changed it meanwhile.
        """
        new_version = expected_version + 1
        with self.engine.begin() as conn:
            values = case_row(case, new_version)
            result = conn.execute(
                update(t.cases)
                .where(t.cases.c.id == case.id, t.cases.c.version == expected_version)
                .values({k: v for k, v in values.items() if k != "id"})
            )
            if result.rowcount != 1:
                self._raise_missing_or_stale(conn, case.id, expected_version)
            person = person_row(case.person, self.cipher)
            exists = conn.execute(select(t.persons.c.id).where(t.persons.c.id == person["id"])).first()
            if exists:
                conn.execute(update(t.persons).where(t.persons.c.id == person["id"]).values(person))
            else:
                conn.execute(t.persons.insert(), [person])
            if case.perpetrators:
                upsert_perpetrators(conn, perpetrator_rows(case, self.cipher))
            for table in t.CASE_CHILD_TABLES:
                conn.execute(delete(table).where(table.c.case_id == case.id))
            for name, rows in child_rows(case).items():
                conn.execute(t.metadata.tables[name].insert(), rows)
        return new_version

    @staticmethod
    def _raise_missing_or_stale(conn: Connection, case_id: str, expected: int) -> None:
        current = conn.execute(select(t.cases.c.version).where(t.cases.c.id == case_id)).scalar()
        if current is None:
            raise NotFoundError(f"case {case_id} does not exist")
        raise ConflictError(
            f"case {case_id} was changed by someone else (version {current}, expected {expected})",
            hint="reload the case and apply your change again",
        )

    # -- reads --------------------------------------------------------------------------------------------------

    def get(self, case_id: str) -> Case:
        """The case with ``case_id``; NotFoundError if there is none."""
        with self.engine.connect() as conn:
            found = self._load(conn, [case_id])
        if not found:
            raise NotFoundError(f"case {case_id} does not exist")
        return found[0]

    def version(self, case_id: str) -> int:
        """The stored version of a case (for :meth:`update`); NotFoundError if there is none."""
        with self.engine.connect() as conn:
            value = conn.execute(select(t.cases.c.version).where(t.cases.c.id == case_id)).scalar()
        if value is None:
            raise NotFoundError(f"case {case_id} does not exist")
        return value

    def list_ids(self, *, limit: int | None = None, offset: int = 0, organisation_id: str | None = None) -> list[str]:
        """Case ids, newest registration first (then by id, so pages are stable)."""
        query = select(t.cases.c.id).order_by(t.cases.c.registered_on.desc(), t.cases.c.id)
        if organisation_id is not None:
            query = query.where(t.cases.c.organisation_id == organisation_id)
        query = query.offset(offset).limit(limit)
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def count(self) -> int:
        """Number of cases."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(t.cases)).scalar_one()

    def count_persons(self) -> int:
        """Number of distinct persons."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(t.persons)).scalar_one()

    def iter_cases(self, batch: int = 500) -> Iterator[Case]:
        """Every case, in id order, loaded ``batch`` at a time (memory stays flat whatever the store size)."""
        last = ""
        while True:
            with self.engine.connect() as conn:
                ids = list(conn.execute(
                    select(t.cases.c.id).where(t.cases.c.id > last).order_by(t.cases.c.id).limit(batch)
                ).scalars())
                if not ids:
                    return
                cases = self._load(conn, ids)
            yield from cases
            last = ids[-1]

    def persons_capture_histories(self) -> list[CaptureHistory]:
        """Per person: the set of agencies that recorded them, and sex / age band / form / year for strata."""
        with self.engine.connect() as conn:
            return capture_histories(conn)

    def _load(self, conn: Connection, ids: list[str]) -> list[Case]:
        case_rows = {r["id"]: r for r in conn.execute(select(t.cases).where(t.cases.c.id.in_(ids))).mappings()}
        person_ids = {r["person_id"] for r in case_rows.values()}
        persons = {
            r["id"]: person_from_row(r, self.cipher)
            for r in conn.execute(select(t.persons).where(t.persons.c.id.in_(person_ids))).mappings()
        }
        children: dict[str, dict[str, list]] = {case_id: {} for case_id in case_rows}
        for table in t.CASE_CHILD_TABLES:
            query = select(table).where(table.c.case_id.in_(ids)).order_by(table.c.case_id, table.c.position)
            for row in conn.execute(query).mappings():
                children[row["case_id"]].setdefault(table.name, []).append(dict(row))
        named = [r["perpetrator_id"] for c in children.values() for r in c.get(t.case_perpetrators.name, ())]
        perpetrators = load_perpetrators(conn, named, self.cipher) if named else {}
        return [
            case_from_rows(dict(case_rows[i]), persons[case_rows[i]["person_id"]], children[i], perpetrators)
            for i in ids
            if i in case_rows
        ]
