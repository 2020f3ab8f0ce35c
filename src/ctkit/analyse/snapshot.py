"""The snapshot: the pseudonymised tables of :mod:`ctkit.analyse.schema` in DuckDB, written as Parquet + DuckDB.

Every analysis reads a :class:`Snapshot`, never the store. A snapshot directory holds one Parquet file per table,
``snapshot.duckdb`` (the same tables, for analysts' own SQL) and ``manifest.json`` (schema version, source, row
counts, the key's public fingerprint; never the key).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from ctkit.analyse.derived import DERIVED, DERIVED_VERSION, build_derived
from ctkit.analyse.schema import SCHEMA_VERSION, TABLES, column_names, create_sql
from ctkit.errors import NotFoundError, ValidationError

MANIFEST = "manifest.json"
DUCKDB_FILE = "snapshot.duckdb"


class Snapshot:
    """A read-only view of one pseudonymised snapshot held in an in-process DuckDB database.

    Build with :meth:`from_tables` (in memory) or :meth:`open` (a directory written by :meth:`write`).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, manifest: dict[str, Any],
                 flag_codes: dict[str, list[str]] | None = None) -> None:
        self._con = con
        self.manifest = manifest
        # codes behind the bits of the derived flag bitmask tables (see ctkit.analyse.derived); a snapshot file
        # written by write() already holds the derived tables, so they are only built when missing
        self.flag_codes: dict[str, list[str]] = build_derived(con) if flag_codes is None else flag_codes

    @classmethod
    def from_tables(cls, tables: dict[str, Any], *, source: str, key_fingerprint: str | None = None) -> Snapshot:
        """A snapshot from Arrow tables or pandas frames keyed by table name; missing tables are empty.

        Columns are cast to the schema's types; an unknown table or a missing column raises ValidationError.
        """
        unknown = set(tables) - set(TABLES)
        if unknown:
            raise ValidationError(f"unknown snapshot table(s): {', '.join(sorted(unknown))}")
        con = duckdb.connect(":memory:")
        for name in TABLES:
            con.execute(create_sql(name))
            data = tables.get(name)
            if data is not None and len(data):
                _insert(con, name, data)
        return cls(con, _manifest(con, source, key_fingerprint))

    @classmethod
    def open(cls, path: Path) -> Snapshot:
        """Open the snapshot directory ``path``.

        Its ``snapshot.duckdb`` (with the derived tables) is opened read-only, which takes no time; a directory
        holding only the Parquet files is read into memory and the derived tables are built. Raises
        NotFoundError with a hint when there is no snapshot there.
        """
        path = Path(path)
        manifest_path = path / MANIFEST
        if not manifest_path.exists():
            raise NotFoundError(
                f"no snapshot in {path}", hint="run 'ctkit snapshot' first, or pass --ctdc FILE or --snapshot DIR"
            )
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("schema_version") != SCHEMA_VERSION:
            raise ValidationError(
                f"snapshot in {path} has schema version {manifest.get('schema_version')}, expected {SCHEMA_VERSION}",
                hint="run 'ctkit snapshot' again",
            )
        if manifest.get("derived_version") == DERIVED_VERSION and (path / DUCKDB_FILE).exists():
            con = duckdb.connect(str(path / DUCKDB_FILE), read_only=True)
            return cls(con, manifest, flag_codes=manifest["flag_codes"])
        con = duckdb.connect(":memory:")
        for name in TABLES:
            con.execute(create_sql(name))
            parquet = path / f"{name}.parquet"
            if parquet.exists():
                con.execute(f"INSERT INTO {name} SELECT {', '.join(column_names(name))} FROM read_parquet(?)",
                            [str(parquet)])
        return cls(con, manifest)

    def write(self, path: Path) -> Path:
        """Write Parquet files, ``snapshot.duckdb`` and the manifest to ``path``, replacing it as a whole.

        Only an earlier snapshot or an empty directory is replaced: any other existing directory (say, the data
        directory with the store and its keys) is refused with ValidationError.
        """
        path = Path(path)
        if path.exists() and any(path.iterdir()) and not (path / MANIFEST).exists():
            raise ValidationError(f"{path} exists and is not a snapshot: refusing to replace it",
                                  hint="choose a new or empty directory for the snapshot")
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=path.parent))
        try:
            for name in TABLES:
                self._con.execute(f"COPY {name} TO {_quoted(staging / (name + '.parquet'))} (FORMAT PARQUET)")
            self._con.execute(f"ATTACH {_quoted(staging / DUCKDB_FILE)} AS out")
            for name in [*TABLES, *DERIVED]:
                self._con.execute(f"CREATE TABLE out.{name} AS SELECT * FROM {name}")
            self._con.execute("DETACH out")
            manifest = {**self.manifest, "derived_version": DERIVED_VERSION, "flag_codes": self.flag_codes}
            (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            if path.exists():
                shutil.rmtree(path)
            staging.rename(path)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        return path

    @property
    def source(self) -> str:
        return str(self.manifest.get("source", "unknown"))

    def query(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        """Run read-only SQL on the snapshot tables and return a DataFrame (one cursor per call: thread-safe)."""
        cursor = self._con.cursor()
        try:
            frame = cursor.execute(sql, params or []).df()
        finally:
            cursor.close()
        # ENUM-encoded codes come back as pandas categoricals; callers get plain text.
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.CategoricalDtype):
                frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
        return frame

    def scalar(self, sql: str, params: list | dict | None = None) -> Any:
        cursor = self._con.cursor()
        try:
            row = cursor.execute(sql, params or []).fetchone()
            return None if row is None else row[0]
        finally:
            cursor.close()

    def count(self, table: str = "cases") -> int:
        if table not in TABLES:
            raise ValidationError(f"unknown snapshot table '{table}'")
        return int(self.scalar(f"SELECT count(*) FROM {table}"))

    def require_cases(self) -> int:
        """The number of cases; raises NotFoundError when the snapshot is empty (nothing to analyse)."""
        n = self.count("cases")
        if n == 0:
            raise NotFoundError(
                f"the snapshot ({self.source}) holds no cases, so there is nothing to analyse",
                hint="record cases (or run 'ctkit demo') and take a new snapshot",
            )
        return n

    def close(self) -> None:
        self._con.close()


def _quoted(path: Path) -> str:
    """A file path as an SQL string literal (COPY and ATTACH take no bound parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def _insert(con: duckdb.DuckDBPyConnection, name: str, data: Any) -> None:
    columns = column_names(name)
    have = list(data.column_names) if isinstance(data, pa.Table) else list(data.columns)
    missing = [c for c in columns if c not in have]
    if missing:
        raise ValidationError(f"snapshot table '{name}' lacks column(s) {', '.join(missing)}")
    con.register("_incoming", data)
    try:
        con.execute(f"INSERT INTO {name} SELECT {', '.join(columns)} FROM _incoming")
    finally:
        con.unregister("_incoming")


def _manifest(con: duckdb.DuckDBPyConnection, source: str, key_fingerprint: str | None) -> dict[str, Any]:
    rows = {name: int(con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]) for name in TABLES}
    return {
        "schema_version": SCHEMA_VERSION,
        "source": source,
        "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "key_fingerprint": key_fingerprint,
        "rows": rows,
    }
