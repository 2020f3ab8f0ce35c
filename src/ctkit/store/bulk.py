"""The bulk write path: buffer rows per table and insert them with one ``executemany`` per table and chunk.

Used by :meth:`SqlCaseRepository.add_many`, the demo-data loader and the importers. The caller owns the
transaction (pass a connection inside ``engine.begin()``), so a failure anywhere leaves the store unchanged.
Importers that build rows themselves (columnar fast path) call :meth:`BulkWriter.add_rows` with dicts shaped like
:func:`ctkit.store.mapping.case_rows` returns.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from ctkit.errors import ConflictError
from ctkit.model import Case
from ctkit.store import tables as t
from ctkit.store.crypto import FieldCipher
from ctkit.store.mapping import TableRows, case_rows
from ctkit.store.perpetrators import upsert_perpetrators

# Parents before children, so foreign keys hold at every insert.
INSERT_ORDER: tuple[str, ...] = tuple(table.name for table in t.CASE_TABLES if table is not t.organisations)


class BulkWriter:
    """Buffers case rows and flushes them every ``chunk`` cases; :meth:`finish` flushes the rest.

    A person already in the store (another case of the same person) is updated rather than inserted.
    Raises ConflictError if a case id already exists or a row breaks a constraint.

    >>> with engine.begin() as conn:  # doctest: +SKIP
    ...     writer = BulkWriter(conn, cipher)
    ...     for case in cases: writer.add(case)
    ...     writer.finish()
    """

    def __init__(self, conn: Connection, cipher: FieldCipher, *, chunk: int = 1000) -> None:
        self.conn = conn
        self.cipher = cipher
        self.chunk = chunk
        self.count = 0
        self._buffer: dict[str, list[dict]] = defaultdict(list)
        self._buffered = 0

    def add(self, case: Case) -> None:
        """Buffer one validated case."""
        self.add_rows(case_rows(case, self.cipher))

    def add_rows(self, rows: TableRows, cases: int = 1) -> None:
        """Buffer pre-built rows of ``cases`` cases (keys: table names; values: lists of column dicts)."""
        for name, table_rows in rows.items():
            self._buffer[name].extend(table_rows)
        self._buffered += cases
        if self._buffered >= self.chunk:
            self.flush()

    def flush(self) -> None:
        """Insert everything buffered so far (still inside the caller's transaction)."""
        if not self._buffered:
            return
        persons = self._split_existing_persons(self._buffer.pop("persons", []))
        perpetrators = self._buffer.pop("perpetrators", [])  # shared by cases: upserted, like persons
        try:
            if persons:
                self.conn.execute(t.persons.insert(), persons)
            if perpetrators:
                upsert_perpetrators(self.conn, perpetrators)
            for name in INSERT_ORDER[1:]:
                rows = self._buffer.get(name)
                if rows:
                    self.conn.execute(t.metadata.tables[name].insert(), rows)
        except IntegrityError as exc:
            # The driver message may quote values (personal data never reaches these tables, ids may): keep it out.
            raise ConflictError(
                "bulk insert rejected: a case id already exists or a row breaks a constraint",
                hint=f"database said: {type(exc.orig).__name__}",
            ) from None
        self.count += self._buffered
        self._buffer.clear()
        self._buffered = 0

    def finish(self) -> int:
        """Flush and return the number of cases written."""
        self.flush()
        return self.count

    def _split_existing_persons(self, rows: list[dict]) -> list[dict]:
        """Update persons already stored (or repeated in this chunk); return the rows still to insert."""
        unique = {row["id"]: row for row in rows}
        found = set()
        ids = list(unique)
        for start in range(0, len(ids), 500):  # stay under the bound-parameter limits of both backends
            part = ids[start:start + 500]
            found.update(self.conn.execute(select(t.persons.c.id).where(t.persons.c.id.in_(part))).scalars())
        for person_id in found:
            self.conn.execute(update(t.persons).where(t.persons.c.id == person_id).values(unique.pop(person_id)))
        return list(unique.values())
