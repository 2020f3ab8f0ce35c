"""Fixtures for linkage tests: small synthetic registers, one trained model, one local Spark session.

Spark start-up is slow, so the session is shared by every Spark test and built only when one runs. PySpark warns
at import that it does not fully support pandas 3 (a FutureWarning we cannot fix from here); that one message is
ignored, every other warning stays an error.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ctkit.share.link import DuckDBEngine, GeneratorConfig, iter_records, prepare_records, train


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("filterwarnings", "ignore:PySpark does not yet fully support pandas:FutureWarning")


@pytest.fixture(scope="session")
def registers() -> pd.DataFrame:
    """About 1,500 synthetic records over three lists, with the truth column ``person_id``."""
    return pd.concat(iter_records(GeneratorConfig(n_records=1_500, seed=11)), ignore_index=True)


@pytest.fixture(scope="session")
def records(registers: pd.DataFrame) -> pd.DataFrame:
    return prepare_records(registers.drop(columns=["person_id"]))


@pytest.fixture(scope="session")
def params(records: pd.DataFrame):
    return train(records, DuckDBEngine(threads=1), seed=1, u_max_pairs=2e5)


@pytest.fixture(scope="session")
def spark_session(spark):
    """The test run's one Spark session (tests/conftest.py), which carries Splink's similarity jar."""
    return spark
