"""The u of comparisons that go with the name, estimated among namesakes rather than among random pairs.

Fellegi-Sunter multiplies the evidence of each comparison as if they were independent among non-matches. Sex and
origin are not independent of the name: a first name tells the sex, and a name tells the language and so the
country (two Natalias are both women and, more often than two random people, from the same country). Random
sampling measures u over all pairs, so for two namesakes, the only non-matches a linkage decision is ever close
on, the model counts "same sex" and "same place" as evidence they barely are, and it is overconfident exactly
where namesakes abound. Here those comparisons' u are measured on pairs that agree on the first-name key: almost
all of them are different people (true matches are a vanishing share of such pairs in any register of more than a
few hundred people), and they share what the name implies.

Example:
    >>> # params = u_among_namesakes(records, params, person_settings())
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from ctkit.share.link.params import TrainedParameters

__all__ = ["NAME_BOUND_COMPARISONS", "u_among_namesakes"]

NAME_BOUND_COMPARISONS = ("sex", "origin")
_SAMPLE_RECORDS = 10_000  # about a million first-name pairs in a register of Russian, Polish or German names
_MIN_PAIRS = 1_000  # fewer pairs than this leave the random-sampling u in place


def u_among_namesakes(
    records: pd.DataFrame, params: TrainedParameters, creator, *, seed: int = 1, sample: int = _SAMPLE_RECORDS
) -> TrainedParameters:
    """``params`` (trained on the model ``creator``, a Splink ``SettingsCreator``) with the u of
    ``NAME_BOUND_COMPARISONS`` measured on the record pairs sharing a first-name key within a seeded sample of
    ``sample`` records. A level no such pair reaches gets u = 1e-6 (never 0, which would make any pair in it
    certain). Returns ``params`` unchanged when fewer than 1,000 pairs share a first name.

    The sample is small, so it is compared in DuckDB whatever engine links the register (the level conditions
    are the model's own, in DuckDB's dialect).
    """
    import duckdb

    picked = records if len(records) <= sample else records.sample(n=sample, random_state=seed)
    bound = [name for name in NAME_BOUND_COMPARISONS if name in params.levels]
    model = creator.create_settings_dict("duckdb")["comparisons"]
    comparisons = {c["output_column_name"]: c["comparison_levels"] for c in model if c["output_column_name"] in bound}
    sides = ", ".join(f'l."{c}" as "{c}_l", r."{c}" as "{c}_r"' for c in picked.columns)
    levels = ", ".join(f"{_level_case(lv)} as {name}" for name, lv in comparisons.items())
    con = duckdb.connect()
    con.register("picked", picked.reset_index(drop=True).assign(_row=lambda f: range(len(f))))
    pairs = con.sql(
        f"select {levels} from (select {sides} from picked l join picked r "
        "on l.first_key = r.first_key and l._row < r._row)"
    ).df()
    if len(pairs) < _MIN_PAIRS:
        return params
    updated = dict(params.levels)
    for name in comparisons:
        counts = pairs[name].value_counts()
        nulls = {i for i, (_, _, u) in enumerate(params.levels[name]) if u is None}
        total = counts[[i for i in counts.index if i not in nulls]].sum()
        updated[name] = [(label, m, u if u is None else max(float(counts.get(i, 0) / max(total, 1)), 1e-6))
                         for i, (label, m, u) in enumerate(params.levels[name])]  # fmt: skip
    return replace(params, levels=updated)


def _level_case(levels: list[dict]) -> str:
    """The index of the first level whose condition holds (Splink's order), as one SQL expression."""
    whens = [f"else {i}" if lvl["sql_condition"].strip().upper() == "ELSE" else f"when {lvl['sql_condition']} then {i}"
             for i, lvl in enumerate(levels)]  # fmt: skip
    return f"case {' '.join(whens)} end"
