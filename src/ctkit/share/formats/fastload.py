"""Bulk-insert :class:`RowSet` s on the caller's connection: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

Unlike the store's general :func:`ctkit.store.fastload.insert_columns`, which binds every value, this path writes
a row set's constant columns (the import's default statuses, the event type...) as SQL literals: on SQLite each
bound value costs about as much as storing the row, so the constants are worth ~15% of the import's time.
The caller owns the transaction (``with engine.begin() as conn``), so an error at any row of any chunk rolls back
everything written so far.
"""

from __future__ import annotations

import re
from itertools import repeat

from sqlalchemy import Connection

from ctkit.errors import ConflictError
from ctkit.share.formats.rowsets import RowSet
from ctkit.store import tables as t

# Driver exception names that mean "a row breaks a constraint" (sqlite3 and psycopg spell them differently).
_CONSTRAINT_ERRORS = {"IntegrityError", "UniqueViolation", "ForeignKeyViolation", "NotNullViolation"}
_SAFE_LITERAL = re.compile(r"[A-Za-z0-9_ .:-]{0,80}")


def _literal(value) -> str | None:
    """``value`` as an SQL literal when that is unambiguous (codes, small ints, NULL); else None (bind it)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and _SAFE_LITERAL.fullmatch(value):
        return f"'{value}'"
    return None


class FastLoader:
    """Writes row sets inside the open transaction of ``conn``."""

    def __init__(self, conn: Connection) -> None:
        self.dialect = conn.dialect.name
        self.dbapi = conn.connection.driver_connection

    def write(self, rowsets: list[RowSet]) -> None:
        """Insert every non-empty row set, parents first (the order given). ConflictError on a constraint."""
        try:
            for rowset in rowsets:
                if rowset.n:
                    self._write_one(rowset)
        except Exception as exc:
            if type(exc).__name__ in _CONSTRAINT_ERRORS:
                # Driver messages may quote row values: keep them out of ours.
                raise ConflictError("bulk insert rejected: a row breaks a constraint of the store",
                                    hint=f"database said: {type(exc).__name__}") from None
            raise

    def _write_one(self, rowset: RowSet) -> None:
        table = t.metadata.tables[rowset.table]
        names = [name for name in table.columns.keys() if name in rowset.columns]
        cursor = self.dbapi.cursor()
        try:
            if self.dialect == "postgresql":
                with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                    for row in rowset.tuples(names):
                        copy.write_row(row)
                return
            literals = {n: _literal(rowset.columns[n]) for n in names if rowset.is_constant(n)}
            bound = [n for n in names if literals.get(n) is None]
            values = ", ".join(literals.get(n) or "?" for n in names)
            rows = rowset.tuples(bound) if bound else repeat((), rowset.n)
            cursor.executemany(f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({values})", rows)
        finally:
            cursor.close()
