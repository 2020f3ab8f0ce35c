"""Columnar fast path into the store: insert column batches through the driver (COPY on PostgreSQL).

For benchmark volumes (millions of cases) building a model and a dict per row costs more than the database does.
Here a batch is ``{table: {column: sequence}}`` with equal-length sequences per table, values already in storage
form: text for codes and flags, ISO text for dates, bytes for ciphertext, None for NULL. No validation happens here:
the caller guarantees valid codes (the demo generator draws only from code lists; importers validate first).
The caller owns the transaction: pass a connection from ``engine.begin()``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection

from ctkit.errors import ConflictError, ValidationError
from ctkit.store import tables as t

Columns = Mapping[str, Sequence]
ColumnBatch = Mapping[str, Columns]
# Parents first so that foreign keys hold after every table.
ORDER: tuple[str, ...] = tuple(table.name for table in t.CASE_TABLES)
# Driver exceptions meaning "a row breaks a constraint" (sqlite3 and psycopg name them differently).
CONSTRAINT_ERRORS = frozenset({"IntegrityError", "UniqueViolation", "ForeignKeyViolation", "NotNullViolation",
                               "CheckViolation"})


def _tuples(table: str, columns: Columns) -> tuple[list[str], list[tuple]]:
    known = t.metadata.tables[table].c
    names = list(columns)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValidationError(f"{table}: unknown column(s) {', '.join(unknown)}")
    lengths = {len(columns[n]) for n in names}
    if len(lengths) > 1:
        raise ValidationError(f"{table}: columns of different lengths {sorted(lengths)}")
    values = [list(columns[n]) if not isinstance(columns[n], list) else columns[n] for n in names]
    return names, list(zip(*values, strict=True))


def insert_columns(conn: Connection, batch: ColumnBatch) -> dict[str, int]:
    """Insert every table of ``batch``; returns rows inserted per table. SQLite: executemany; PostgreSQL: COPY.

    Raises ValidationError for an unknown column or ragged columns, ConflictError when a row breaks a constraint
    (duplicate id, missing parent, NULL in a required column); the caller's transaction then rolls back.
    """
    try:
        return _insert(conn, batch)
    except Exception as exc:
        if type(exc).__name__ in CONSTRAINT_ERRORS:
            # Driver messages may quote row values: keep them out of ours.
            raise ConflictError("bulk insert rejected: a row breaks a constraint of the store",
                                hint=f"database said: {type(exc).__name__}") from None
        raise


def _insert(conn: Connection, batch: ColumnBatch) -> dict[str, int]:
    counts: dict[str, int] = {}
    raw = conn.connection.driver_connection
    postgres = conn.dialect.name == "postgresql"
    for table in ORDER:
        if table not in batch:
            continue
        names, rows = _tuples(table, batch[table])
        if not rows:
            continue
        cursor = raw.cursor()
        try:
            if postgres:
                with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in names)
                cursor.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows)
        finally:
            cursor.close()
        counts[table] = len(rows)
    return counts
