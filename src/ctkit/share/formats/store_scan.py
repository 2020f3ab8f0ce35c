"""Read the case tables in id-ordered chunks through the raw DBAPI cursor (the export's hot path).

Each chunk is a dict of numpy object arrays (one per column) for at most ``chunk`` cases, plus their exploitations
and events. Keyset paging on ``cases.id`` keeps memory flat and each query on an index.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from ctkit.store import tables as t

CASE_COLUMNS = ("id", "registered_on", "source", "is_abduction", "recruiter_relation",
                *(t.moc_column(code) for code in t.MEANS_OF_CONTROL))
PERSON_COLUMNS = ("sex", "birth_year", "age_years", "age_reference_date", "citizenship")


@dataclass
class Chunk:
    """``cases``: column -> array (cases and their persons); ``exploitations``/``events``: child rows."""

    cases: dict[str, np.ndarray]
    exploitations: dict[str, np.ndarray]
    events: dict[str, np.ndarray]
    _index: pd.Index | None = None

    @property
    def n(self) -> int:
        return len(self.cases["id"])

    def subset(self, rows: np.ndarray) -> Chunk:
        """The same chunk restricted to ``rows`` of ``cases`` (children are not carried over)."""
        empty = {"case_id": np.empty(0, dtype=object)}
        return Chunk({k: v[rows] for k, v in self.cases.items()}, dict(empty), dict(empty))

    def rows_of(self, case_ids: np.ndarray) -> np.ndarray:
        """Row index in ``cases`` of each id (hash lookup: the database's collation order may not be Python's)."""
        if self._index is None:
            self._index = pd.Index(self.cases["id"])
        return self._index.get_indexer(case_ids)


def _columns(rows: list[tuple], names: tuple[str, ...]) -> dict[str, np.ndarray]:
    if not rows:
        return {name: np.empty(0, dtype=object) for name in names}
    return {name: np.array(values, dtype=object) for name, values in zip(names, zip(*rows, strict=True),
                                                                          strict=True)}


def scan(conn: Connection, chunk: int = 50_000) -> Iterator[Chunk]:
    """Yield every case of the store in :class:`Chunk` s of ``chunk`` cases, in id order."""
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    select_cases = (
        "SELECT " + ", ".join([f"c.{c}" for c in CASE_COLUMNS] + [f"p.{c}" for c in PERSON_COLUMNS])
        + f" FROM cases c JOIN persons p ON p.id = c.person_id WHERE c.id > {mark} ORDER BY c.id LIMIT {int(chunk)}"
    )
    select_exploitations = (f"SELECT case_id, form, sector FROM case_exploitations WHERE case_id >= {mark} "
                            f"AND case_id <= {mark} ORDER BY case_id, position")
    select_events = (f"SELECT case_id, type, country, start_date FROM case_events WHERE case_id >= {mark} "
                     f"AND case_id <= {mark} ORDER BY case_id, position")
    cursor = conn.connection.driver_connection.cursor()
    try:
        last = ""
        while True:
            cursor.execute(select_cases, (last,))
            rows = cursor.fetchall()
            if not rows:
                return
            first, last = rows[0][0], rows[-1][0]
            cases = _columns(rows, CASE_COLUMNS + PERSON_COLUMNS)
            cursor.execute(select_exploitations, (first, last))
            exploitations = _columns(cursor.fetchall(), ("case_id", "form", "sector"))
            cursor.execute(select_events, (first, last))
            events = _columns(cursor.fetchall(), ("case_id", "type", "country", "start_date"))
            yield Chunk(cases, exploitations, events)
    finally:
        cursor.close()


def as_dates(values: np.ndarray) -> np.ndarray:
    """Dates (ISO text on SQLite, date objects on PostgreSQL, None) -> numpy datetime64[D] (NaT for None)."""
    if any(isinstance(v, str) for v in values[:1]):
        return pd.to_datetime(values, format="%Y-%m-%d").values.astype("datetime64[D]")  # C parser: ~3x faster
    return values.astype("datetime64[D]")
