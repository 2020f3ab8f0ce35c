"""Shared test fixtures: throwaway data directories, real external services (PostgreSQL, Chromium).

A test that needs a service skips with a reason on a developer machine without it, and fails under CI=true.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"


def require_service(available: bool, what: str) -> None:
    """Skip (locally) or fail (under CI=true) when an external service is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true but is not available")
    pytest.skip(f"{what} is not available on this machine")


@pytest.fixture
def postgres_url() -> str:
    url = os.environ.get("CTKIT_TEST_POSTGRES_URL", "")
    require_service(bool(url), "PostgreSQL (CTKIT_TEST_POSTGRES_URL)")
    return url


@pytest.fixture
def chromium_path() -> str:
    require_service(Path(CHROMIUM).exists(), f"headless Chromium ({CHROMIUM})")
    return CHROMIUM


@pytest.fixture
def java_available() -> bool:
    require_service(shutil.which("java") is not None, "a Java runtime (for PySpark)")
    return True


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "ctkit-data"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def spark():
    """The one local[1] Spark session of the test run, with Splink's similarity jar on the class path.

    One session for every package: a second builder would get this one back (getOrCreate) without its own
    configuration, so whatever any test needs (the jar, the extraction cache for Python workers) is set here.
    """
    require_service(shutil.which("java") is not None, "a Java runtime (for PySpark)")
    pyspark_sql = pytest.importorskip("pyspark.sql")
    from splink.backends.spark import similarity_jar_location

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers must run this interpreter (ctkit installed)
    builder = (
        pyspark_sql.SparkSession.builder.master("local[1]").appName("ctkit-tests")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "2").config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
    )
    if os.environ.get("CTKIT_CACHE_DIR"):
        builder = builder.config("spark.executorEnv.CTKIT_CACHE_DIR", os.environ["CTKIT_CACHE_DIR"])
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
