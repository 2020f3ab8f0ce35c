"""Utility figures on small hand-made tables whose figures are worked out by hand in the comments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ctkit.share.disclosure import UTILITY_COLUMNS, utility_figures
from ctkit.share.disclosure.combinations import canonical, combination_counts
from ctkit.share.disclosure.dp_synth_engine import text_dataset
from ctkit.share.disclosure.utility import combination_figures, corridor_rank_correlation, domain_figures
from ctkit.share.disclosure.utility_chart import utility_chart
from ctkit.share.formats.layouts import layout

COLUMNS = list(layout("ctdc-synthetic").columns)

TRUE = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["1", "0", "1", ""]})
RELEASED = pd.DataFrame({"a": ["x", "x", "z"], "b": ["1", "1", "1"]})


def figure(table: pd.DataFrame, name: str, length: int | None = None, item: str | None = None) -> pd.Series:
    rows = table[table["figure"] == name]
    if length is not None:
        rows = rows[rows["length"] == length]
    if item is not None:
        rows = rows[rows["item"] == item]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_combination_counts_by_hand():
    # empty = not recorded (in no combination); "0" is a value unless zeros_are_values=False
    assert combination_counts(TRUE, 2) == {"a:x": 2, "a:y": 2, "b:1": 2, "b:0": 1,
                                           "a:x;b:1": 1, "a:x;b:0": 1, "a:y;b:1": 1}
    assert combination_counts(TRUE, 2, zeros_are_values=False) == {"a:x": 2, "a:y": 2, "b:1": 2,
                                                                   "a:x;b:1": 1, "a:y;b:1": 1}


def test_combination_counts_agree_with_pac_synth_on_a_ctdc_shaped_table():
    rng = np.random.default_rng(3)
    table = pd.DataFrame({c: rng.choice(["1", "0", ""], 400, p=[0.3, 0.5, 0.2]) for c in COLUMNS})
    table["citizenship"] = rng.choice(["RUS", "UKR", "UZB", "BLR", ""], 400)
    table["ageBroad"] = rng.choice(["0--8", "9--17", "48+"], 400)
    for zeros in (True, False):
        theirs = text_dataset(table, zeros_are_values=zeros).get_aggregates(3, ";")
        assert combination_counts(table, 3, zeros_are_values=zeros) == {canonical(k): v for k, v in theirs.items()}


def test_combination_figures_by_hand():
    figures = combination_figures(combination_counts(TRUE, 2), combination_counts(RELEASED, 2), 2, item="s")
    assert list(figures.columns) == list(UTILITY_COLUMNS)
    # length 1, true {a:x 2, a:y 2, b:1 2, b:0 1}, released {a:x 2, a:z 1, b:1 3}
    # both: a:x |2-2|/2 = 0, b:1 |3-2|/2 = 0.5 -> 0.25; suppressed a:y, b:0 -> 2/4; fabricated a:z -> 1/3
    assert figure(figures, "mean_proportional_error", 1)["value"] == pytest.approx(0.25)
    assert figure(figures, "suppressed_share", 1)["value"] == pytest.approx(0.5)
    assert figure(figures, "fabricated_share", 1)["value"] == pytest.approx(1 / 3)
    # length 2, true {x1 1, x0 1, y1 1}, released {x1 2, z1 1}: error |2-1|/1 = 1; suppressed 2/3; fabricated 1/2
    assert figure(figures, "mean_proportional_error", 2)["value"] == pytest.approx(1.0)
    assert figure(figures, "suppressed_share", 2)["value"] == pytest.approx(2 / 3)
    assert figure(figures, "fabricated_share", 2)["value"] == pytest.approx(0.5)
    assert figure(figures, "suppressed_share", 2)["true"] == 3 and figure(figures, "suppressed_share", 2)["item"] == "s"


def test_identical_data_has_perfect_figures():
    figures = combination_figures(combination_counts(TRUE, 2), combination_counts(TRUE, 2), 2)
    assert (figures["value"] == 0).all()


def ctdc(**columns: list[str]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    table = pd.DataFrame({c: [""] * n for c in COLUMNS})
    for name, values in columns.items():
        table[name] = values
    return table


def test_domain_shares_by_hand():
    true = ctdc(isForcedLabour=["1", "0", "1", ""], ageBroad=["9--17", "30--38", "", "0--8"],
                meansThreats=["1", "1", "1", "1"])
    released = ctdc(isForcedLabour=["1", "1", "0", "0"], ageBroad=["48+", "18--20", "9--17", "9--17"],
                    meansThreats=["", "", "", ""])
    figures = domain_figures(true, released)
    labour = figure(figures, "share", item="isForcedLabour")  # share of all records with a 1
    assert (labour["true"], labour["released"]) == (pytest.approx(0.5), pytest.approx(0.5))
    assert labour["value"] == pytest.approx(0.0)
    minors = figure(figures, "share", item="minors")  # of records with a known age band
    assert (minors["true"], minors["released"]) == (pytest.approx(2 / 3), pytest.approx(0.5))
    threats = figure(figures, "share", item="meansThreats")
    assert (threats["true"], threats["released"], threats["value"]) == (1.0, 0.0, -1.0)
    assert {"isSexualExploit", "isOtherExploit", "meansWithholdDocs"} <= set(figures["item"])


def test_corridor_rank_correlation_by_hand():
    def corridors(counts: dict[tuple[str, str], int]) -> pd.DataFrame:
        pairs = [pair for pair, n in counts.items() for _ in range(n)]
        return ctdc(citizenship=[p[0] for p in pairs], CountryOfExploitation=[p[1] for p in pairs])

    true = corridors({("RUS", "DEU"): 4, ("UKR", "POL"): 3, ("BLR", "LTU"): 2, ("UZB", "RUS"): 1})
    reversed_ranks = corridors({("RUS", "DEU"): 1, ("UKR", "POL"): 2, ("BLR", "LTU"): 3, ("TJK", "RUS"): 9})
    assert corridor_rank_correlation(true, true, top_n=3) == (pytest.approx(1.0), 3)
    # top 3 true: 4, 3, 2; released 1, 2, 3 -> rho = -1 (the TJK corridor is not in the true top 3)
    assert corridor_rank_correlation(true, reversed_ranks, top_n=3) == (pytest.approx(-1.0), 3)
    # top 4, UZB->RUS absent from the release (count 0): counts true 4,3,2,1 -> ranks 4,3,2,1; released 1,2,3,0 ->
    # ranks 2,3,4,1; d = 2,0,-2,0; rho = 1 - 6 * 8 / (4 * 15) = 0.2
    rho, n = corridor_rank_correlation(true, reversed_ranks, top_n=4)
    assert n == 4 and rho == pytest.approx(0.2)
    single = corridors({("RUS", "DEU"): 2})
    assert np.isnan(corridor_rank_correlation(single, single)[0])


def test_utility_figures_and_chart_together():
    true = ctdc(isSexualExploit=["1", "0", "1", "1"], citizenship=["RUS", "RUS", "UKR", "UZB"],
                CountryOfExploitation=["DEU", "DEU", "POL", "RUS"])
    figures = utility_figures(true, true.iloc[[0, 1, 2]], reporting_length=2, aggregates={"isSexualExploit:1": 3})
    assert set(figures["item"]) >= {"synthetic_records", "dp_aggregates", "isSexualExploit", "minors"}
    assert figure(figures, "suppressed_share", 1, "synthetic_records")["value"] == pytest.approx(2 / 8)
    chart = utility_chart(figures)
    assert len(chart.data) == 5 and "isSexualExploit" in list(chart.data[3].x)
