"""Synthetic CTDC files of any size, for tests, benchmarks and trying the importer. No real person is in them.

Every cell is drawn at random (seeded) from the values the importer accepts, with missing values mixed in, so the
files exercise every branch of the mapping. They are not statistically realistic: use ``ctkit demo-data`` for that.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ctkit.share.formats.ctdc_rules import age_bands, alpha2_codes, is_free, rules
from ctkit.share.formats.layouts import layout as get_layout
from ctkit.vocab import all_countries

CHUNK = 100_000
# Countries drawn for citizenship / exploitation (a Kaliningrad-flavoured mix), alpha-3.
COUNTRIES = ("RUS", "UKR", "BLR", "UZB", "MDA", "POL", "DEU", "TUR", "GRC", "LTU", "KGZ", "TJK")


def write_sample(path: Path, layout_name: str, rows: int, *, seed: int = 0) -> Path:
    """Write ``rows`` synthetic rows in ``layout_name`` to ``path`` (chunk by chunk: memory stays flat).

    >>> write_sample(Path("/tmp/ctdc.csv"), "ctdc", 1000).stat().st_size > 0  # doctest: +SKIP
    True
    """
    layout = get_layout(layout_name)
    rng = np.random.default_rng(seed)
    options = pacsv.WriteOptions(delimiter=layout.sep, include_header=True, quoting_style="needed")
    schema = pa.schema([(name, pa.string()) for name in layout.columns])
    with pacsv.CSVWriter(str(path), schema, write_options=options) as writer:
        done = 0
        while done < rows:
            n = min(CHUNK, rows - done)
            writer.write_table(pa.table(_chunk(layout, n, rng), schema=schema))
            done += n
    return path


def _chunk(layout, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    synthetic = layout.name == "ctdc-synthetic"
    missing = layout.missing
    countries = np.array(COUNTRIES if synthetic else _alpha2(COUNTRIES), dtype=object)
    columns: dict[str, np.ndarray] = {}
    for name, rule in rules(layout).items():
        if is_free(name):
            columns[name] = np.full(n, missing, dtype=object)
        elif name == "yearOfRegistration":
            columns[name] = rng.integers(2015, 2027, n).astype(str).astype(object)
        elif name in ("citizenship", "CountryOfExploitation"):
            columns[name] = _with_missing(rng, countries[rng.integers(0, len(countries), n)], missing, 0.1)
        elif name == "ageBroad":
            columns[name] = _with_missing(rng, np.array(age_bands(), dtype=object)[rng.integers(0, 9, n)], missing, 0.2)
        elif rule is not None and rule.values[0] == "1":
            columns[name] = np.array(["1", "0", missing], dtype=object)[rng.choice(3, n, p=[0.2, 0.6, 0.2])]
        else:
            accepted = [v for v in rule.values if v not in layout.missing_tokens()]
            columns[name] = _with_missing(rng, np.array(accepted, dtype=object)[rng.integers(0, len(accepted), n)],
                                          missing, 0.1)
    return columns


def _with_missing(rng: np.random.Generator, values: np.ndarray, missing: str, share: float) -> np.ndarray:
    values[rng.random(values.size) < share] = missing
    return values


def _alpha2(alpha3: tuple[str, ...]) -> list[str]:
    codes = dict(zip(all_countries(), alpha2_codes(), strict=True))
    return [codes[a3] for a3 in alpha3]
