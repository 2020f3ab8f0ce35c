"""Bulk-insert :class:`RowSet` s on the caller's connection: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

The caller owns the transaction (``with engine.begin() as conn``), so an error at any row of any chunk rolls back
everything written so far. This is the hot path of the CTDC import: no ORM, no dict per row.
"""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from ctkit.errors import ConflictError
from ctkit.share.formats.rowsets import RowSet
from ctkit.store import tables as t

# SQLite page cache for the import connection (KiB, negative = size): keeps the indexes being appended in memory.
SQLITE_CACHE_KIB = 65536


class FastLoader:
    """Writes row sets through the raw DBAPI connection behind ``conn`` (inside its open transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self.dbapi = conn.connection.driver_connection
        self._restore: int | None = None
        if self.dialect == "sqlite":
            cursor = self.dbapi.cursor()
            self._restore = cursor.execute("PRAGMA cache_size").fetchone()[0]
            cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            cursor.close()

    def write(self, rowsets: list[RowSet]) -> None:
        """Insert every non-empty row set, parents first (the order given). ConflictError on a constraint."""
        try:
            for rowset in rowsets:
                if rowset.n:
                    self._write_one(rowset)
        except Exception as exc:
            if isinstance(exc, IntegrityError) or type(exc).__name__ in ("IntegrityError", "UniqueViolation",
                                                                          "ForeignKeyViolation"):
                # Driver messages may quote row values: keep them out of ours.
                raise ConflictError("bulk insert rejected: a row breaks a constraint of the store",
                                    hint=f"database said: {type(exc).__name__}") from None
            raise

    def close(self) -> None:
        """Put back the connection settings changed for the import."""
        if self._restore is not None:
            cursor = self.dbapi.cursor()
            cursor.execute(f"PRAGMA cache_size={int(self._restore)}")
            cursor.close()
            self._restore = None

    def _write_one(self, rowset: RowSet) -> None:
        table = t.metadata.tables[rowset.table]
        names = [name for name in table.columns.keys() if name in rowset.columns]
        column_list = ", ".join(names)
        cursor = self.dbapi.cursor()
        try:
            if self.dialect == "postgresql":
                with cursor.copy(f"COPY {table.name} ({column_list}) FROM STDIN") as copy:
                    for row in rowset.tuples(names):
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in names)
                cursor.executemany(f"INSERT INTO {table.name} ({column_list}) VALUES ({marks})",
                                   rowset.tuples(names))
        finally:
            cursor.close()
