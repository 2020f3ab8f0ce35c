"""Fixtures for the screening tests: the built-in catalogue, its raw data, the vignette library."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from ctkit.identify.screening import Catalogue, Vignette, get_catalogue, load_vignettes
from ctkit.identify.screening.registry import BUILTIN_CATALOGUE_PATH

_RAW = yaml.safe_load(BUILTIN_CATALOGUE_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def cat() -> Catalogue:
    return get_catalogue()


@pytest.fixture
def raw() -> dict[str, Any]:
    """A fresh deep copy of the shipped catalogue data, safe to mutate."""
    return copy.deepcopy(_RAW)


@pytest.fixture(scope="session")
def vignettes(cat: Catalogue) -> list[Vignette]:
    return load_vignettes(cat)
