"""Fixtures for text extraction: the gazetteer cache goes to a session temporary directory (hermetic)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DEV_SET = Path(__file__).resolve().parents[1] / "data" / "extract"


@pytest.fixture(scope="session", autouse=True)
def _gazetteer_cache(tmp_path_factory: pytest.TempPathFactory):
    previous = os.environ.get("CTKIT_CACHE_DIR")
    os.environ["CTKIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("ctkit-cache"))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    yield
    if previous is None:
        os.environ.pop("CTKIT_CACHE_DIR", None)
    else:
        os.environ["CTKIT_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def dev_set() -> Path:
    return DEV_SET
