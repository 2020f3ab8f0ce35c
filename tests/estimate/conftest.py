"""Fixtures for the estimate tests: the reference capture histories in tests/data/mse."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ctkit.estimate.history import CaptureHistory, read_table

DATA = Path(__file__).resolve().parents[1] / "data" / "mse"


def load(name: str) -> CaptureHistory:
    return read_table(DATA / f"{name}.csv")


@pytest.fixture(scope="session")
def published() -> pd.DataFrame:
    return pd.read_csv(DATA / "published.csv")


@pytest.fixture(scope="session")
def existence_table() -> pd.DataFrame:
    return pd.read_csv(DATA / "existence_checks.csv")
