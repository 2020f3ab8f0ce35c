"""The linkage hub: compare two holders' encodings, return random-id pairs and a score band, nothing else.

Candidates come from Hamming locality-sensitive hashing: ``bands`` groups of ``band_bits`` bit positions drawn by
the hub (it holds no key and needs none); two encodings that agree on every bit of one band are compared. The
comparison (Dice coefficient over the packed words) is one portable SQL statement that DuckDB and Spark both run
(``bit_count``, ``&``, ``DISTINCT``, equi-joins). Each record is then matched at most once (greedy, best score first).

Example:
    >>> # pairs = match_files(Path("a.enc.parquet"), Path("b.enc.parquet"))
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ctkit.share.link.encodings import EncodingMeta, read_encodings, unpack

__all__ = ["DuckDBSql", "HubSettings", "SparkSql", "candidate_sql", "match_encodings", "match_files"]


@dataclass(frozen=True)
class HubSettings:
    """LSH and banding. Dice thresholds fit the default balanced 2x1024-bit encodings (see docs/link.md)."""

    bands: int = 40
    band_bits: int = 28
    low: float = 0.86
    high: float = 0.90
    seed: int = 20_061_128
    one_to_one: bool = True


class SqlRunner(Protocol):
    """Runs SQL over registered pandas tables (encodings and bands of both sides); returns a pandas frame."""

    def run(self, sql: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame: ...


class DuckDBSql:
    def run(self, sql: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
        import duckdb

        con = duckdb.connect()
        try:
            for name, frame in tables.items():
                con.register(name, frame)
            return con.execute(sql).df()
        finally:
            con.close()


class SparkSql:
    def __init__(self, spark: Any) -> None:
        self.spark = spark

    def run(self, sql: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
        for name, frame in tables.items():
            self.spark.createDataFrame(frame).createOrReplaceTempView(name)
        return self.spark.sql(sql).toPandas()


def candidate_sql(n_words: int, low: float) -> str:
    """The hub's comparison as portable SQL: LSH candidates, then Dice over packed words, kept at >= ``low``.

    Bands are in long form (``rid``, ``band``, ``value``), so all bands are one equi-join, not one join each.
    """
    # The cast keeps the sum from overflowing DuckDB's 8-bit bit_count result type.
    common = " + ".join(f"CAST(bit_count(a.w{i} & b.w{i}) AS BIGINT)" for i in range(n_words))
    return f"""
WITH cand AS (
SELECT DISTINCT x.rid AS rid_a, y.rid AS rid_b
FROM bands_a x JOIN bands_b y ON x.band = y.band AND x.value = y.value
), scored AS (
SELECT c.rid_a, c.rid_b, 2.0 * ({common}) / (a.pop + b.pop) AS dice
FROM cand c JOIN enc_a a ON a.rid = c.rid_a JOIN enc_b b ON b.rid = c.rid_b
)
SELECT rid_a, rid_b, dice FROM scored WHERE dice >= {low}
"""


def _bands(enc: pd.DataFrame, n_bits: int, positions: np.ndarray) -> pd.DataFrame:
    words = [c for c in enc.columns if c.startswith("w")]
    bits = unpack(enc[words].to_numpy())[:, :n_bits]
    weights = 1 << np.arange(positions.shape[1], dtype=np.int64)
    values = np.stack([bits[:, band].astype(np.int64) @ weights for band in positions], axis=1)
    n_rows, n_bands = values.shape
    return pd.DataFrame({
        "rid": np.repeat(enc["rid"].to_numpy(), n_bands),
        "band": np.tile(np.arange(n_bands, dtype=np.int64), n_rows),
        "value": values.reshape(-1),
    })  # fmt: skip


def _one_to_one(scored: pd.DataFrame) -> pd.DataFrame:
    used_a: set[str] = set()
    used_b: set[str] = set()
    keep = []
    for row in scored.sort_values(["dice", "rid_a", "rid_b"], ascending=[False, True, True]).itertuples():
        if row.rid_a not in used_a and row.rid_b not in used_b:
            used_a.add(row.rid_a)
            used_b.add(row.rid_b)
            keep.append(row.Index)
    return scored.loc[keep]


def match_encodings(
    enc_a: pd.DataFrame, meta_a: EncodingMeta, enc_b: pd.DataFrame, meta_b: EncodingMeta,
    settings: HubSettings = HubSettings(), runner: SqlRunner | None = None, expected_fingerprint: str | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Pairs ``rid_a``, ``rid_b``, ``band`` (``"high"``/``"medium"``) and a random ``pair_ref``.

    Raises ``EncodingMismatch`` (nothing computed) when the two encodings or the expected fingerprint disagree.
    """
    meta_a.check_compatible(meta_b, expected_fingerprint)
    rng = np.random.default_rng(settings.seed)
    positions = np.stack([rng.choice(meta_a.bits, settings.band_bits, replace=False) for _ in range(settings.bands)])
    tables = {"enc_a": enc_a, "enc_b": enc_b, "bands_a": _bands(enc_a, meta_a.bits, positions),
              "bands_b": _bands(enc_b, meta_b.bits, positions)}  # fmt: skip
    n_words = sum(c.startswith("w") for c in enc_a.columns)
    scored = (runner or DuckDBSql()).run(candidate_sql(n_words, settings.low), tables)
    if settings.one_to_one and len(scored):
        scored = _one_to_one(scored)
    out = pd.DataFrame({
        "pair_ref": [secrets.token_hex(8) for _ in range(len(scored))],
        "rid_a": scored["rid_a"].to_numpy(), "rid_b": scored["rid_b"].to_numpy(),
        "band": np.where(scored["dice"].to_numpy() >= settings.high, "high", "medium"),
    })  # fmt: skip
    return out.sort_values("pair_ref", ignore_index=True)


def match_files(
    path_a: Path, path_b: Path, settings: HubSettings = HubSettings(), *, runner: SqlRunner | None = None,
    expected_fingerprint: str | None = None,
) -> pd.DataFrame:  # fmt: skip
    """:func:`match_encodings` over two encoding files."""
    enc_a, meta_a = read_encodings(path_a)
    enc_b, meta_b = read_encodings(path_b)
    return match_encodings(enc_a, meta_a, enc_b, meta_b, settings, runner, expected_fingerprint)
