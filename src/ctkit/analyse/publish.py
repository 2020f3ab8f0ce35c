"""Publishing an analysis: pass its table through disclosure control before it leaves the organisation.

Counts become protected cells (multiples of k, missing under k); denominators are rebuilt from protected cells
where they are margins, so nothing is recoverable by subtraction; shares are recomputed from protected numbers;
route tables lose every place with fewer than k records overall.
"""

from __future__ import annotations

import pandas as pd

from ctkit.share.disclosure import DisclosurePolicy, protected_share

PLACE_COLUMNS = ("origin", "transit", "destination", "place")


def publish(frame: pd.DataFrame, policy: DisclosurePolicy, place_counts: pd.Series | None = None) -> pd.DataFrame:
    """The protected version of an analysis table (made by one of the analysis functions).

    ``place_counts`` (from :func:`~ctkit.analyse.routes.place_totals`) is required for tables with place
    columns. Counts and denominators are nullable integers, missing where suppressed; ``share`` is missing
    when either is. A ``suppressed`` column flags hidden cells. Raises DisclosureError when a cell combines
    too many attributes.
    """
    dims = list(frame.attrs.get("dims", []))
    policy.check_dims([d for d in dims if d != "attribute"])
    out = frame.copy()
    places = [c for c in PLACE_COLUMNS if c in out.columns]
    if places:
        if place_counts is None:
            raise ValueError("publishing a route table needs place_counts")
        out = policy.drop_rare_places(out, places, place_counts)
    true_count = out["count"].astype("int64")
    out["count"] = policy.protect_counts(true_count)
    if "denominator" in out.columns:
        out["denominator"] = _denominators(out, true_count, frame.attrs, policy)
        # rows without a share (unknown values) stay without one
        out["share"] = protected_share(out["count"], out["denominator"]).where(frame.loc[out.index, "share"].notna())
    if "share_of_first" in out.columns:
        _protect_funnel(out, policy)
    out["suppressed"] = out["count"].isna()
    out.attrs = dict(frame.attrs)
    return out


def _protect_funnel(out: pd.DataFrame, policy: DisclosurePolicy) -> None:
    """Funnel shares from protected counts; stage times only where at least k cases were timed."""
    first = out["count"].iloc[0] if len(out) else pd.NA
    out["share_of_first"] = protected_share(out["count"], pd.Series(first, index=out.index, dtype="Int64"))
    out["share_of_previous"] = protected_share(out["count"], out["count"].shift(1))
    out["timed"] = policy.protect_counts(out["timed"])
    for column in ("days_q1", "days_median", "days_q3"):
        out[column] = out[column].round().where(out["timed"].notna())


def _denominators(out: pd.DataFrame, true_count: pd.Series, attrs: dict, policy: DisclosurePolicy) -> pd.Series:
    kinds = attrs.get("denominator", "cell")
    partition = list(attrs.get("partition", []))
    kind_of_row = _row_kinds(out, kinds)
    result = pd.Series(pd.NA, index=out.index, dtype="Int64")
    # margin: the sum of the protected known cells of the partition (known = rows that had a share)
    known = out["share"].notna()
    counts = out["count"].where(known)
    if partition:
        margin = counts.groupby([out[c] for c in partition], dropna=False).transform(_sum_or_na)
    else:
        margin = pd.Series(_sum_or_na(counts), index=out.index, dtype="Int64")
    result = result.mask(kind_of_row == "margin", margin.astype("Int64"))
    # recorded: protected present + protected recorded-absent, two cells of their own
    absent = policy.protect_counts(out["denominator"].astype("int64") - true_count)
    recorded = (out["count"].fillna(0) + absent.fillna(0)).where(out["count"].notna() | absent.notna())
    result = result.mask(kind_of_row == "recorded", recorded.astype("Int64"))
    cell = policy.protect_counts(out["denominator"].astype("int64"))
    return result.mask(kind_of_row == "cell", cell).astype("Int64")


def _row_kinds(out: pd.DataFrame, kinds: dict | str) -> pd.Series:
    if isinstance(kinds, str) or "attribute" not in out.columns:
        kind = kinds if isinstance(kinds, str) else kinds.get("*", "cell")
        return pd.Series(kind, index=out.index)
    return out["attribute"].map(lambda a: kinds.get(a, kinds.get("*", "cell")))


def _sum_or_na(values: pd.Series):
    return values.sum() if values.notna().any() else pd.NA
