"""Utility figures of a released table against the true data: how much did privacy protection change the numbers?

Figures (one tidy row each, see :data:`UTILITY_COLUMNS`):

* ``mean_proportional_error`` per combination length k = 1..reporting length: over the attribute combinations
  present in both the true and the released data, the mean of |released - true| / true. Suppressed and fabricated
  combinations are counted by the next two figures instead, so no error is counted twice. (The definition of
  Microsoft's Synthetic Data Showcase evaluator, as used for CTDC's synthetic data.)
* ``suppressed_share`` per k: share of the true combinations absent from the release.
* ``fabricated_share`` per k: share of the released combinations absent from the true data.
* ``share`` (domain checks): share of all records with each form of exploitation and each means of control set
  (a 1), and the minors' share among records with a known age band; true vs released.
* ``corridor_rank_correlation``: Spearman correlation between true and released counts of the top N
  citizenship -> country-of-exploitation corridors of the true data (absent in the release: count 0).

A combination is a set of (column, value) pairs of one record, values other than empty (empty = not recorded).
These figures are computed on the true data and are not themselves differentially private: they are for the
reviewer who decides whether a release is fit to publish (see docs/publication.md).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ctkit.share.disclosure.combinations import canonical, combination_counts, length_of
from ctkit.share.formats.layouts import ctdc_spec
from ctkit.vocab import CTDC_AGE_BANDS
from ctkit.vocab.ages import ADULT_AGE

UTILITY_COLUMNS = ("figure", "length", "item", "true", "released", "value")
MINOR_BANDS = tuple(label for _, high, label in CTDC_AGE_BANDS if high is not None and high < ADULT_AGE)
DEFAULT_TOP_CORRIDORS = 10


def combination_figures(true: Mapping[str, int], released: Mapping[str, int], reporting_length: int, *,
                        item: str = "") -> pd.DataFrame:
    """Mean proportional error, suppressed share and fabricated share per combination length (tidy rows).

    ``item`` names what was released (e.g. ``synthetic_records`` or ``dp_aggregates``). Keys of ``released``
    are compared in canonical form.
    """
    released = {canonical(key): n for key, n in released.items()}
    rows = []
    for length in range(1, reporting_length + 1):
        true_k = {key: n for key, n in true.items() if length_of(key) == length and n > 0}
        released_k = {key: n for key, n in released.items() if length_of(key) == length and n > 0}
        both = true_k.keys() & released_k.keys()
        errors = [abs(released_k[key] - true_k[key]) / true_k[key] for key in both]
        suppressed = len(true_k.keys() - released_k.keys())
        fabricated = len(released_k.keys() - true_k.keys())
        rows += [
            _row("mean_proportional_error", length, item, len(true_k), len(released_k),
                 float(np.mean(errors)) if errors else np.nan),
            _row("suppressed_share", length, item, len(true_k), suppressed, _ratio(suppressed, len(true_k))),
            _row("fabricated_share", length, item, len(released_k), fabricated, _ratio(fabricated, len(released_k))),
        ]
    return pd.DataFrame(rows, columns=list(UTILITY_COLUMNS))


def domain_figures(true: pd.DataFrame, released: pd.DataFrame, *, top_n: int = DEFAULT_TOP_CORRIDORS) -> pd.DataFrame:
    """Shares of forms of exploitation, means of control and minors, and the top corridors' rank correlation.

    Both tables are in the CTDC synthetic v2 layout (text cells, empty = not recorded).
    """
    spec = ctdc_spec()
    rows = [_row("share", None, column, _flag_share(true, column), _flag_share(released, column))
            for column in [*spec["synthetic_forms"], *spec["synthetic_means"]]]
    rows.append(_row("share", None, "minors", _minor_share(true), _minor_share(released)))
    for row in rows:
        row["value"] = row["released"] - row["true"]
    rho, corridors = corridor_rank_correlation(true, released, top_n=top_n)
    rows.append(_row("corridor_rank_correlation", None, f"top {corridors} corridors", np.nan, np.nan, rho))
    return pd.DataFrame(rows, columns=list(UTILITY_COLUMNS))


def utility_figures(true: pd.DataFrame, released: pd.DataFrame, *, reporting_length: int = 3,
                    top_n: int = DEFAULT_TOP_CORRIDORS, aggregates: Mapping[str, int] | None = None,
                    zeros_are_values: bool = True) -> pd.DataFrame:
    """Every utility figure of ``released`` microdata against ``true`` (both CTDC synthetic v2 tables).

    With ``aggregates`` (published DP combination counts), their combination figures are added too (item
    ``dp_aggregates``; the microdata's are ``synthetic_records``). ``zeros_are_values`` as in the synthesis.
    Returns a tidy frame with :data:`UTILITY_COLUMNS`.

    >>> utility_figures(true_table, release.records).query("figure == 'share'")  # doctest: +SKIP
    """
    true_counts = combination_counts(true, reporting_length, zeros_are_values=zeros_are_values)
    released_counts = combination_counts(released, reporting_length, zeros_are_values=zeros_are_values)
    parts = [combination_figures(true_counts, released_counts, reporting_length, item="synthetic_records")]
    if aggregates is not None:
        parts.append(combination_figures(true_counts, aggregates, reporting_length, item="dp_aggregates"))
    return pd.concat([*parts, domain_figures(true, released, top_n=top_n)], ignore_index=True)


def corridor_rank_correlation(true: pd.DataFrame, released: pd.DataFrame, *,
                              top_n: int = DEFAULT_TOP_CORRIDORS) -> tuple[float, int]:
    """(Spearman rho, corridors compared) for the top ``top_n`` true citizenship -> exploitation corridors.

    NaN when fewer than two corridors exist or either side has no variation.
    """
    true_counts = _corridors(true)
    top = true_counts.sort_values(ascending=False, kind="stable").head(top_n)
    if len(top) < 2:
        return float("nan"), len(top)
    released_counts = _corridors(released).reindex(top.index, fill_value=0)
    if top.nunique() < 2 or released_counts.nunique() < 2:
        return float("nan"), len(top)
    from scipy.stats import spearmanr  # scipy.stats takes a while to import; most callers never get here
    return float(spearmanr(top.to_numpy(), released_counts.to_numpy()).statistic), len(top)


def _corridors(table: pd.DataFrame) -> pd.Series:
    known = table[(_text(table, "citizenship") != "") & (_text(table, "CountryOfExploitation") != "")]
    return known.groupby([_text(known, "citizenship"), _text(known, "CountryOfExploitation")]).size()


def _text(table: pd.DataFrame, column: str) -> pd.Series:
    return table[column].fillna("").astype(str)


def _flag_share(table: pd.DataFrame, column: str) -> float:
    return _ratio(int((_text(table, column) == "1").sum()), len(table))


def _minor_share(table: pd.DataFrame) -> float:
    bands = _text(table, "ageBroad")
    return _ratio(int(bands.isin(MINOR_BANDS).sum()), int((bands != "").sum()))


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


def _row(figure: str, length: int | None, item: str, true: float, released: float, value: float = np.nan) -> dict:
    return {"figure": figure, "length": length, "item": item, "true": float(true), "released": float(released),
            "value": float(value)}
