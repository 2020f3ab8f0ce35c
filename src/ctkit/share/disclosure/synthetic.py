"""Differentially private synthetic microdata in the CTDC synthetic v2 layout, charged on the privacy ledger.

The true table is built from the store by the CTDC exporter's own column code (coarsening included: age bands,
grouped means of control, flags), so the synthetic data says exactly what a CTDC synthetic v2 file can say. It is
synthesised by pac-synth (see :mod:`ctkit.share.disclosure.dp_synth_engine`) and published with its DP aggregates,
as the Synthetic Data Showcase and CTDC do. The protected unit is one row (one case registration): a person with
several cases is protected at a multiple of epsilon (group privacy); see docs/publication.md.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from ctkit.errors import DisclosureError, ValidationError
from ctkit.share.disclosure.combinations import as_text, canonical, length_of
from ctkit.share.disclosure.dp_mechanisms import count_noise
from ctkit.share.disclosure.dp_synth_engine import SynthesisParameters, synthesise
from ctkit.share.disclosure.ledger import PrivacyLedger, check_privacy_parameters
from ctkit.share.disclosure.release import ChargedRelease
from ctkit.share.disclosure.utility import utility_figures
from ctkit.share.formats.ctdc_write import synthetic_columns
from ctkit.share.formats.layouts import layout as get_layout
from ctkit.share.formats.store_scan import scan

SYNTHETIC_LAYOUT = "ctdc-synthetic"
YEAR = "yearOfRegistration"
MECHANISM = "pac-synth.dp_aggregate_seeded"
# Share of epsilon spent on a separate DP histogram of registration years: pac-synth may suppress most years on
# small data (its 1-counts get a small part of the budget), and the layout requires a year on every record.
YEAR_EPSILON_SHARE = 0.05
FIRST_YEAR = 2000
AGGREGATE_COLUMNS = ("combination", "length", "count")
FILES = {"records": "synthetic.csv", "aggregates": "dp_aggregates.csv", "parameters": "release.json",
         "utility": "utility_internal.csv"}


@dataclass(frozen=True)
class SyntheticRelease(ChargedRelease):
    """A charged DP synthetic release.

    ``records``: CTDC synthetic v2 columns (text, empty = not recorded); ``aggregates``: the DP combination counts
    (:data:`AGGREGATE_COLUMNS`); ``utility``: figures against the true data (internal, see ``utility``);
    ``parameters``: every parameter of the release. Id, data set, product, epsilon, delta and mechanism come from
    ChargedRelease.
    """

    records: pd.DataFrame
    aggregates: pd.DataFrame
    utility: pd.DataFrame
    parameters: dict[str, Any]


def true_synthetic_table(engine: Engine, *, chunk: int = 50_000) -> pd.DataFrame:
    """Every case of the store as CTDC synthetic v2 columns (the true data a synthetic release protects).

    Only non-personal columns are read (the exporter's scan); values are the layout's text, empty = not recorded.
    """
    layout = get_layout(SYNTHETIC_LAYOUT)
    frames = []
    with engine.connect() as conn:
        for part in scan(conn, chunk):
            columns = synthetic_columns(part, layout)
            frames.append(pd.DataFrame({name: columns[name] for name in layout.columns}))
    if not frames:
        return pd.DataFrame(columns=list(layout.columns), dtype=object)
    return pd.concat(frames, ignore_index=True)


def release_synthetic(true_table: pd.DataFrame, *, dataset: str, epsilon: float, delta: float,
                      ledger: PrivacyLedger, reporting_length: int = 3, fabrication: str = "balanced",
                      accuracy: str = "prioritize_long_combinations", zeros_are_values: bool = False,
                      product: str = "ctdc-synthetic-v2", years: tuple[int, int] | None = None,
                      actor_id: str | None = None, progress: Callable[[str], None] | None = None,
                      true_data: str | None = None) -> SyntheticRelease:
    """Synthesise DP microdata from ``true_table`` (CTDC synthetic v2 columns) and charge (epsilon, delta).

    Returns a SyntheticRelease. Raises ValidationError (wrong columns, too few records, delta not below 1 / the
    number of records, bad parameters), DisclosureError (no budget agreed) or BudgetExceeded; nothing is charged
    then. pac-synth cannot be seeded: each call gives different records.

    The budget is split: ``YEAR_EPSILON_SHARE`` of epsilon buys a discrete Laplace histogram of registration years
    over the public range ``years`` (default 2000 to this year), from which records that pac-synth left without a
    year get one; pac-synth gets the rest of epsilon and all of delta (sequential composition).

    >>> release = release_synthetic(true_synthetic_table(engine), dataset="ctdc-2026", epsilon=1.0,  # doctest: +SKIP
    ...                             delta=1e-6, ledger=ledger)
    """
    say = progress or (lambda _message: None)
    check_privacy_parameters(epsilon, delta)
    year_epsilon = float(epsilon) * YEAR_EPSILON_SHARE
    parameters = SynthesisParameters(epsilon=float(epsilon) - year_epsilon, delta=float(delta),
                                     reporting_length=reporting_length, fabrication=fabrication, accuracy=accuracy,
                                     zeros_are_values=zeros_are_values)
    first, last = years or (FIRST_YEAR, datetime.now(UTC).year)
    if not first <= last:
        raise ValidationError(f"years: the first year {first} is after the last {last}")
    table = _checked(true_table, delta)
    ledger.check(dataset, epsilon=epsilon, delta=delta)
    say(f"synthesising from {len(table)} records (reporting length {reporting_length})")
    result = synthesise(table, parameters)
    year_counts = dp_year_counts(table[YEAR], range(first, last + 1), year_epsilon)
    records, imputed = _with_required_year(result.records, year_counts)
    say(f"computing utility figures of {len(records)} synthetic records")
    utility = utility_figures(table, records, reporting_length=reporting_length, aggregates=result.aggregates,
                              zeros_are_values=parameters.zeros_are_values)
    stated = {"kind": "dp_synthetic", "layout": SYNTHETIC_LAYOUT, **parameters.stated(), "epsilon": float(epsilon),
              "synthesis_epsilon": parameters.epsilon, "year_histogram_epsilon": year_epsilon,
              "year_range": [first, last], "dp_year_counts": year_counts,
              "composition": "sequential: one pac-synth fit (synthesis_epsilon, delta) and one discrete Laplace "
                             "histogram of registration years (year_histogram_epsilon)",
              "protected_unit": "one row (case)", "true_data": true_data or "given table",
              "synthetic_records": len(records), "dp_number_of_records": result.dp_records,
              "years_imputed": imputed,
              "aggregates_published": len(result.aggregates)}
    release_id = ledger.charge(dataset, epsilon=epsilon, delta=delta, mechanism=MECHANISM, product=product,
                               parameters=stated, actor_id=actor_id)
    say(f"release {release_id} charged: epsilon={epsilon:g}, delta={delta:g}")
    return SyntheticRelease(release_id=release_id, dataset=dataset, product=product, epsilon=float(epsilon),
                            delta=float(delta), mechanism=MECHANISM, records=records,
                            aggregates=_aggregate_table(result.aggregates), utility=utility, parameters=stated)


def write_synthetic_release(release: SyntheticRelease, directory: Path, *, include_utility: bool = True) -> Path:
    """Write a release to the new directory ``directory``, all files or none.

    ``synthetic.csv`` (CTDC synthetic v2 layout), ``dp_aggregates.csv``, ``release.json`` (id, data set,
    epsilon, delta, mechanism, every parameter) and, unless ``include_utility`` is False,
    ``utility_internal.csv`` (computed on the true data: for the reviewer, not for publication).
    Raises ValidationError when ``directory`` exists.
    """
    directory = Path(directory)
    if directory.exists():
        raise ValidationError(f"{directory} exists: a release is written to a new directory")
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".release-", dir=directory.parent))
    try:
        layout = get_layout(SYNTHETIC_LAYOUT)
        as_text(release.records)[list(layout.columns)].to_csv(staging / FILES["records"], sep=layout.sep,
                                                             index=False, na_rep=layout.missing)
        release.aggregates.to_csv(staging / FILES["aggregates"], index=False)
        if include_utility:
            release.utility.to_csv(staging / FILES["utility"], index=False)
        (staging / FILES["parameters"]).write_text(json.dumps(release_statement(release), indent=2), "utf-8")
        staging.rename(directory)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return directory


def release_statement(release: ChargedRelease) -> dict[str, Any]:
    """What every published release states (DP tables or synthetic data): see ChargedRelease.statement."""
    return release.statement()


def _checked(true_table: pd.DataFrame, delta: float) -> pd.DataFrame:
    columns = list(get_layout(SYNTHETIC_LAYOUT).columns)
    missing = [name for name in columns if name not in true_table.columns]
    if missing:
        raise ValidationError(f"the true table lacks CTDC synthetic v2 column(s): {', '.join(missing)}")
    if len(true_table) < 2:
        raise ValidationError("a synthetic release needs at least 2 records")
    if delta >= 1 / len(true_table):
        raise ValidationError(f"delta={delta:g} is not below 1 / number of records: such a delta allows "
                              "publishing a record outright", hint="use e.g. delta=1e-6 or smaller")
    return as_text(true_table[columns])


def dp_year_counts(years: pd.Series, domain: range, epsilon: float) -> dict[str, int]:
    """A discrete Laplace histogram (epsilon-DP, one row per case) of ``years`` over the public ``domain``.

    Years outside the domain are not counted (the domain is public, never taken from the data); noisy counts
    below zero are published as zero (post-processing).
    """
    categories = [str(year) for year in domain]
    true = pd.Series(years, dtype=object).astype(str).value_counts().reindex(categories, fill_value=0)
    noisy = count_noise(len(categories), sensitivity=1, epsilon=epsilon, delta=0.0)(true.to_numpy())
    return {year: max(int(count), 0) for year, count in zip(categories, noisy, strict=True)}


def _with_required_year(records: pd.DataFrame, year_counts: dict[str, int]) -> tuple[pd.DataFrame, int]:
    """Give every record a registration year (required by the layout), drawn from the DP year histogram.

    Drawn in proportion to what the histogram says is still missing once pac-synth's own years are counted, so
    the released year marginal follows the DP histogram; post-processing, no further budget. Raises
    DisclosureError when every noisy year count is zero (nothing to draw from).
    """
    empty = (records[YEAR] == "").to_numpy()
    if not empty.any():
        return records, 0
    wanted = pd.Series(year_counts, dtype=float)
    if wanted.sum() <= 0:
        raise DisclosureError("every registration year's noisy count is zero, so the records cannot be written in "
                              "the CTDC synthetic layout; nothing was released", hint="use a larger epsilon")
    have = records.loc[~empty, YEAR].value_counts().reindex(wanted.index, fill_value=0)
    missing = (wanted - have).clip(lower=0)
    weights = missing if missing.sum() > 0 else wanted
    drawn = np.random.default_rng().choice(weights.index.to_numpy(), size=int(empty.sum()),
                                           p=(weights / weights.sum()).to_numpy())
    records = records.copy()
    records.loc[empty, YEAR] = drawn
    return records, int(empty.sum())


def _aggregate_table(aggregates: dict[str, int]) -> pd.DataFrame:
    rows = [(canonical(key), length_of(key), int(count)) for key, count in aggregates.items()]
    table = pd.DataFrame(rows, columns=list(AGGREGATE_COLUMNS))
    return table.sort_values(["length", "combination"], ignore_index=True)

