"""Parsing the package's YAML data with libyaml's safe loader when available (10x faster than pure Python)."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """Parse YAML safely (no Python object tags); raises yaml.YAMLError on malformed text."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, C or pure Python
