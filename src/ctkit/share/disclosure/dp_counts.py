"""Differentially private count tables: OpenDP noise on every cell of a public domain, charged on the ledger.

How a release is made (and what ``DpRelease.parameters`` states):

1. Every value of every dimension must lie in the query's declared public domain (never taken from the data, or the
   set of cells itself would leak who is in it); otherwise ValidationError, before anything is charged.
2. Contributions are bounded: with ``unit`` naming an id column, each unit keeps at most ``max_rows_per_unit`` (L)
   rows, a seeded random choice made once for the whole release; one unit then moves at most L counts of each
   table (L1 and worst-case L2 sensitivity L), which is what OpenDP's privacy map is given. A person counted in
   several years (one row per year) keeps all of them when L is at least the number of years.
3. Epsilon and delta are split equally over the queries (sequential composition).
4. Each table is counted per cell first (vectorised, the full cross product of the domains, zeros included), then
   OpenDP adds noise to that vector: the discrete Laplace mechanism (delta = 0, pure epsilon-DP) or the discrete
   Gaussian mechanism (delta > 0, zCDP converted to (epsilon, delta)-DP; the release's total rho is recorded so the
   ledger can compose it in zCDP). OpenDP's own privacy map checks each table's (epsilon, delta).
5. Post-processing (free under DP): negative noisy counts become 0.
6. The ledger is charged once, atomically, after every table is computed; a refusal returns nothing.

Noise comes from OpenDP's cryptographically secure generator and cannot be seeded; ``seed`` fixes only which rows a
unit keeps in step 2.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ctkit.errors import ValidationError
from ctkit.share.disclosure.dp_mechanisms import CountNoise, count_noise, opendp_version
from ctkit.share.disclosure.ledger import PrivacyLedger, check_privacy_parameters
from ctkit.share.disclosure.policy import COUNT
from ctkit.share.disclosure.release import ChargedRelease

# The noisy vector has one entry per cell; past this the release would not fit in memory on a laptop.
MAX_CELLS = 5_000_000


@dataclass(frozen=True)
class CountQuery:
    """One table of a release: counts over ``dims``, every cell of the public ``domains`` cross product.

    >>> CountQuery("by_sex_age", ("sex", "age_band"), {"sex": ["F", "M", "unknown"], "age_band": ["0-17", "18+"]})
    CountQuery(name='by_sex_age', dims=('sex', 'age_band'), ...)
    """

    name: str
    dims: tuple[str, ...]
    domains: Mapping[str, Sequence[str]] = field(repr=False)

    def __post_init__(self) -> None:
        if not self.name:
            raise ValidationError("a count query needs a name")
        if not self.dims:
            raise ValidationError(f"count query '{self.name}' has no dimensions")
        for dim in self.dims:
            values = list(self.domains.get(dim, ()))
            if not values:
                raise ValidationError(f"count query '{self.name}': no public domain declared for column '{dim}'")
            if len({str(v) for v in values}) != len(values):
                raise ValidationError(f"count query '{self.name}': the domain of column '{dim}' repeats a value")

    def __repr__(self) -> str:  # the dataclass repr, with the domains left out (they can be long)
        return f"CountQuery(name={self.name!r}, dims={self.dims!r}, ...)"

    @property
    def cells(self) -> int:
        return int(np.prod([len(self.domains[dim]) for dim in self.dims]))


@dataclass(frozen=True)
class DpRelease(ChargedRelease):
    """A charged differentially private release: its tables and everything needed to state how it was made.

    Fields: release_id, dataset, product, epsilon, delta, mechanism (from ChargedRelease), tables, parameters.
    """

    tables: dict[str, pd.DataFrame]
    parameters: dict[str, Any]


def release_dp_counts(records: pd.DataFrame, queries: Sequence[CountQuery], *, dataset: str, epsilon: float,
                      ledger: PrivacyLedger, product: str, delta: float = 0.0, unit: str | None = None,
                      max_rows_per_unit: int = 1, actor_id: str | None = None, seed: int | None = None) -> DpRelease:
    """Release differentially private count tables of ``records`` and charge (epsilon, delta) to ``dataset``.

    ``records`` has one row per contributing person or case, unless ``unit`` names an id column: then each unit
    keeps at most ``max_rows_per_unit`` rows (L; e.g. the number of years of a release whose rows are person-years,
    so that a person counts in every year they belong to) and the noise is scaled to L. Returns a DpRelease whose
    tables hold the dims columns and ``count`` (integers >= 0), one row per cell of the full domain cross product,
    in domain order.

    Raises ValidationError (bad query, a value outside a declared domain: names the column and value),
    DisclosureError (no budget agreed for ``dataset``) or BudgetExceeded; in each case nothing is charged.

    >>> release = release_dp_counts(df, [CountQuery("by_sex", ("sex",), {"sex": ["F", "M"]})],  # doctest: +SKIP
    ...                             dataset="ctdc-2026", epsilon=0.5, ledger=ledger, product="unodc-glotip")
    """
    check_privacy_parameters(epsilon, delta)
    _check_queries(records, queries, unit, max_rows_per_unit)
    cells = {query.name: cell_index(records, query) for query in queries}
    bound = max_rows_per_unit if unit else 1
    eps_each, delta_each = epsilon / len(queries), delta / len(queries)
    noise = {query.name: count_noise(query.cells, sensitivity=bound, epsilon=eps_each, delta=delta_each)
             for query in queries}
    rho = _total_rho(noise.values())
    ledger.check(dataset, epsilon=epsilon, delta=delta, rho=rho)
    kept = bounded_rows(records, unit, max_rows_per_unit, seed)
    tables, table_params = {}, {}
    for query in queries:
        true = np.bincount(cells[query.name][kept], minlength=query.cells)
        tables[query.name] = _table(query, np.maximum(noise[query.name](true), 0))
        table_params[query.name] = {"dims": list(query.dims), "cells": query.cells, "epsilon": eps_each,
                                    "delta": delta_each, "noise_scale": noise[query.name].scale,
                                    "rho": noise[query.name].rho}
    mechanism = "opendp.discrete_gaussian" if delta > 0 else "opendp.discrete_laplace"
    parameters = {
        "kind": "dp_counts", "mechanism": mechanism, "opendp_version": opendp_version(),
        "composition": "sequential: epsilon and delta split equally over the tables"
                       + ("; the tables' zCDP rhos add up to the release's rho" if rho is not None else ""),
        "rho": rho, "unit": unit, "max_rows_per_unit": bound, "sensitivity_rows": bound,
        "contribution_bound": (f"each {unit!r} keeps at most {bound} row(s), chosen by a seeded random order; "
                               f"L1 and L2 sensitivity {bound} per table") if unit else
                              "each row is one unit; L1 and L2 sensitivity 1 per table",
        "contribution_seed": _seed(seed), "rows_used": int(kept.sum()), "rows_given": len(records),
        "counting": "per cell over the full public domain, then OpenDP noise on the vector of counts",
        "post_processing": "negative counts set to 0", "tables": table_params,
    }
    release_id = ledger.charge(dataset, epsilon=epsilon, delta=delta, rho=rho, mechanism=mechanism,
                               product=product, parameters=parameters, actor_id=actor_id)
    return DpRelease(release_id=release_id, dataset=dataset, product=product, epsilon=float(epsilon),
                     delta=float(delta), mechanism=mechanism, tables=tables, parameters=parameters)


def _total_rho(noise: Iterable[CountNoise]) -> float | None:
    """zCDP composes by adding rho: the release's rho is the sum of its Gaussian tables' (None for Laplace)."""
    rhos = [item.rho for item in noise]
    return None if any(r is None for r in rhos) else float(sum(rhos))


def _check_queries(records: pd.DataFrame, queries: Sequence[CountQuery], unit: str | None, max_rows: int) -> None:
    if not queries:
        raise ValidationError("a DP release needs at least one count query")
    names = [query.name for query in queries]
    if len(set(names)) != len(names):
        raise ValidationError("count query names must be unique in a release")
    for query in queries:
        missing = [dim for dim in query.dims if dim not in records.columns]
        if missing:
            raise ValidationError(f"count query '{query.name}': records have no column {missing[0]!r}")
        if query.cells > MAX_CELLS:
            raise ValidationError(f"count query '{query.name}' has {query.cells} cells (limit {MAX_CELLS})",
                                  hint="use fewer or coarser dimensions")
    if unit is not None:
        if unit not in records.columns:
            raise ValidationError(f"records have no unit column {unit!r}")
        if records[unit].isna().any():
            raise ValidationError(f"unit column {unit!r} is missing on row {_first_row(records[unit].isna())}")
        if not (isinstance(max_rows, int | np.integer) and not isinstance(max_rows, bool) and max_rows >= 1):
            raise ValidationError(f"max_rows_per_unit must be a positive integer, got {max_rows!r}")


def cell_index(records: pd.DataFrame, query: CountQuery) -> np.ndarray:
    """The cell of each row (its position in the domain cross product), after checking every value is in its domain.

    Values are compared as text, each distinct value once (factorised), so this costs a pass over the rows, not a
    string operation per row.
    """
    codes = []
    for dim in query.dims:
        position, distinct = pd.factorize(records[dim], use_na_sentinel=True)
        if (position < 0).any():
            raise ValidationError(f"column '{dim}' is missing on row {_first_row(position < 0)}",
                                  hint="map missing values to a domain value such as 'unknown' first")
        domain = pd.Index([str(value) for value in query.domains[dim]])
        in_domain = domain.get_indexer([str(value) for value in distinct])
        code = in_domain[position]
        if (code < 0).any():
            row = _first_row(code < 0)
            raise ValidationError(f"column '{dim}' has value {str(records[dim].iloc[row])[:40]!r} on row {row}, "
                                  f"outside the declared domain of count query '{query.name}'")
        codes.append(code)
    shape = tuple(len(query.domains[dim]) for dim in query.dims)
    return np.ravel_multi_index(codes, shape).astype(np.int64)


def _first_row(mask) -> int:
    """Position (0-based) of the first True in ``mask``: error messages name the row, never the person."""
    return int(np.flatnonzero(np.asarray(mask))[0])


def _table(query: CountQuery, counts: np.ndarray) -> pd.DataFrame:
    cells = list(itertools.product(*(query.domains[dim] for dim in query.dims)))
    table = pd.DataFrame(cells, columns=list(query.dims))
    table[COUNT] = counts
    return table


def _seed(seed: int | None) -> int:
    return 0 if seed is None else int(seed)


def bounded_rows(records: pd.DataFrame, unit: str | None, max_rows: int, seed: int | None) -> np.ndarray:
    """Mask of the rows kept: all of them, or at most ``max_rows`` per unit chosen by a seeded random order.

    Each unit's kept rows are a uniformly random subset of its rows (the first ``max_rows`` of a random
    permutation), so a cell's expected count after clamping is the share of its rows that survive, not a count
    biased towards early years or early rows.
    """
    if unit is None:
        return np.ones(len(records), dtype=bool)
    units = pd.factorize(records[unit])[0]
    order = np.lexsort((np.random.default_rng(_seed(seed)).random(len(records)), units))
    grouped = units[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    kept = np.empty(len(records), dtype=bool)
    kept[order] = rank < max_rows
    return kept
