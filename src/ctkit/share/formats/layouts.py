"""CTDC layouts loaded from ``data/ctdc.yaml``: column lists, separators, missing tokens and value maps.

The YAML is the single source of every CTDC column name and value; this module only gives it types.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Layout:
    """One CSV layout: its name, column names in file order, separator and missing-value token.

    ``missing`` is written on export; on import both ``missing`` and the empty string mean "not recorded".
    """

    name: str
    title: str
    columns: tuple[str, ...]
    sep: str
    missing: str

    def missing_tokens(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.missing, "")))


@cache
def ctdc_spec() -> dict[str, Any]:
    """The parsed ``ctdc.yaml`` (read once)."""
    text = resources.files("ctkit.share.formats").joinpath("data/ctdc.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def layout(name: str) -> Layout:
    """The layout called ``name``: ``ctdc`` (comma, -99), ``ctdc-2021`` (semicolon) or ``ctdc-synthetic``.

    >>> layout("ctdc").sep, len(layout("ctdc").columns), len(layout("ctdc-synthetic").columns)
    (',', 63, 27)
    """
    spec = ctdc_spec()
    if name == "ctdc-synthetic":
        variant = spec["synthetic_variant"]
        columns, title = spec["synthetic_columns"], "CTDC global synthetic dataset v2 (27 columns)"
    else:
        key = {"ctdc": "comma", "ctdc-2021": "semicolon"}[name]
        variant = spec["global_variants"][key]
        columns = spec["global_columns"]
        title = f"CTDC global k-anonymised dataset, 63 columns ({variant['releases']} releases)"
    return Layout(name=name, title=title, columns=tuple(columns), sep=variant["sep"], missing=str(variant["missing"]))


LAYOUT_NAMES: tuple[str, ...] = ("ctdc", "ctdc-2021", "ctdc-synthetic")
