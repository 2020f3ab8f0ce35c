"""Bulk-insert :class:`RowSet` s on the caller's connection through the store's columnar path.

The store owns the one bulk writer (:func:`ctkit.store.fastload.insert_columns`: ``executemany`` on SQLite,
``COPY`` on PostgreSQL, page cache sized in :func:`ctkit.store.make_engine`); this module adapts row sets to it.
The caller owns the transaction (``with engine.begin() as conn``), so an error at any row of any chunk rolls back
everything written so far.
"""

from __future__ import annotations

from sqlalchemy import Connection

from ctkit.errors import ConflictError
from ctkit.share.formats.rowsets import RowSet
from ctkit.store.fastload import insert_columns

# Driver exception names that mean "a row breaks a constraint" (sqlite3 and psycopg spell them differently).
_CONSTRAINT_ERRORS = {"IntegrityError", "UniqueViolation", "ForeignKeyViolation", "NotNullViolation"}


class FastLoader:
    """Writes row sets inside the open transaction of ``conn``."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def write(self, rowsets: list[RowSet]) -> None:
        """Insert every non-empty row set, parents first (the order given). ConflictError on a constraint."""
        try:
            for rowset in rowsets:
                if rowset.n:
                    insert_columns(self.conn, {rowset.table: rowset.as_columns()})
        except Exception as exc:
            if type(exc).__name__ in _CONSTRAINT_ERRORS:
                # Driver messages may quote row values: keep them out of ours.
                raise ConflictError("bulk insert rejected: a row breaks a constraint of the store",
                                    hint=f"database said: {type(exc).__name__}") from None
            raise
