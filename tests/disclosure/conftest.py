"""Fixtures of the privacy-ledger tests: a migrated store on each backend (SQLite, and PostgreSQL when given)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ctkit.share.disclosure import PrivacyLedger
from tests.pg import BACKENDS, migrated_engine


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path: Path) -> Iterator[Engine]:
    yield from migrated_engine(request, tmp_path, prefix="ledger")


@pytest.fixture
def ledger(engine: Engine) -> PrivacyLedger:
    return PrivacyLedger(engine)
