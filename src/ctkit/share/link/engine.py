"""Analytics engines for linkage: DuckDB (default, embedded) and Spark (large registers), one small interface.

An engine turns a pandas frame into a table Splink can read, names its SQL dialect, and gives Splink's database
API. Tests get the real engines (DuckDB in memory, Spark in local mode), not mocks.

Example:
    >>> engine = DuckDBEngine()
    >>> engine.dialect
    'duckdb'
"""

from __future__ import annotations

from typing import Any, Protocol

import pandas as pd

from ctkit.errors import DependencyMissing

__all__ = ["DuckDBEngine", "LinkEngine", "SparkEngine", "local_spark"]


class LinkEngine(Protocol):
    """What the linkage pipeline needs from an engine."""

    dialect: str

    def db_api(self) -> Any:
        """A fresh Splink database API bound to this engine."""
        ...

    def table(self, db_api: Any, frame: pd.DataFrame, name: str) -> Any:
        """Register ``frame`` with ``db_api`` and return the Splink data frame."""
        ...


class DuckDBEngine:
    """DuckDB in process. ``connection`` is a path or ``":memory:"``; ``threads`` caps DuckDB's threads."""

    dialect = "duckdb"

    def __init__(self, connection: str = ":memory:", *, threads: int | None = None) -> None:
        self.connection = connection
        self.threads = threads

    def db_api(self) -> Any:
        import duckdb
        from splink import DuckDBAPI

        con = duckdb.connect(self.connection)
        if self.threads:
            con.execute(f"SET threads = {int(self.threads)}")
        return DuckDBAPI(connection=con)

    def table(self, db_api: Any, frame: pd.DataFrame, name: str) -> Any:
        return db_api.register(frame, dataset_display_name=name)


class SparkEngine:
    """A caller-owned ``SparkSession`` (local mode in tests, a cluster in production).

    With ``checkpoint_dir`` (a path every executor can reach) intermediate tables are written there as Parquet,
    which large registers need; without it they are persisted in executor memory.
    """

    dialect = "spark"

    def __init__(self, spark: Any, *, checkpoint_dir: str | None = None) -> None:
        self.spark = spark
        self.checkpoint_dir = checkpoint_dir

    def db_api(self) -> Any:
        try:
            from splink import SparkAPI
        except ImportError as exc:  # pragma: no cover - pyspark is optional
            raise DependencyMissing("pyspark", "Linkage on Spark") from exc
        if self.checkpoint_dir:
            self.spark.sparkContext.setCheckpointDir(self.checkpoint_dir)
            return SparkAPI(spark_session=self.spark, break_lineage_method="parquet")
        return SparkAPI(spark_session=self.spark, break_lineage_method="persist")

    def table(self, db_api: Any, frame: pd.DataFrame, name: str) -> Any:
        from pyspark.sql.types import DoubleType, StringType, StructField, StructType

        # An explicit schema (strings, doubles for float columns such as term frequencies): Spark cannot infer a
        # type for a column that is null in every row.
        kinds = [DoubleType() if pd.api.types.is_float_dtype(frame[c]) else StringType() for c in frame.columns]
        schema = StructType([StructField(c, kind, True) for c, kind in zip(frame.columns, kinds, strict=True)])
        rows = frame.astype(object).where(frame.notna(), None).values.tolist()
        return db_api.register(self.spark.createDataFrame(rows, schema=schema), dataset_display_name=name)


def local_spark(cores: int = 1, *, shuffle_partitions: int = 2) -> Any:
    """A local-mode ``SparkSession`` with Splink's string-similarity jar on the class path (for tests, one box).

    Splink's Jaro-Winkler on Spark is a JVM function from that jar; without it prediction fails.
    """
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as exc:  # pragma: no cover - pyspark is optional
        raise DependencyMissing("pyspark", "Linkage on Spark") from exc
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", str(shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
