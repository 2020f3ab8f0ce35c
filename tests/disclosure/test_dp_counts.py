"""DP count tables: shape over the public domain, noise of the stated scale, contribution bounds, refusals.

Noise comes from OpenDP's secure generator and cannot be seeded, so the statistical tests use tolerances of
several standard errors of the sample variance: a wrong scale (by sqrt 2 or more) fails, chance failures are
below one in a million.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize_scalar

from ctkit.errors import BudgetExceeded, DisclosureError, ValidationError
from ctkit.share.disclosure import CountQuery, PrivacyLedger, release_dp_counts
from tests.pg import migrated_engine

SEX = {"sex": ["female", "male", "unknown"]}
AGE = {"age_band": ["0-17", "18+", "unknown"]}


@pytest.fixture(params=["sqlite"])
def ledger(request, tmp_path: Path) -> Iterator[PrivacyLedger]:
    for engine in migrated_engine(request, tmp_path, prefix="dpc"):
        ledger = PrivacyLedger(engine)
        ledger.set_budget("ctdc", epsilon=100.0, delta=1e-3)
        yield ledger


def people(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"sex": rng.choice(["female", "male"], n), "age_band": rng.choice(["0-17", "18+"], n)})


def cells(n_cells: int, per_cell: int) -> tuple[pd.DataFrame, CountQuery]:
    """Every one of ``n_cells`` cells holds ``per_cell`` rows: the noise is the noisy count minus per_cell."""
    names = [f"c{i:05d}" for i in range(n_cells)]
    records = pd.DataFrame({"cell": np.repeat(names, per_cell)})
    return records, CountQuery("cells", ("cell",), {"cell": names})


def discrete_laplace_variance(scale: float) -> float:
    alpha = math.exp(-1 / scale)
    return 2 * alpha / (1 - alpha) ** 2


def assert_variance(noise: np.ndarray, expected: float, kurtosis: float, sigmas: float = 5.0) -> None:
    # Var(sample variance) ~ (mu4 - sigma^4) / n = (kurtosis - 1) sigma^4 / n
    standard_error = expected * math.sqrt((kurtosis - 1) / noise.size)
    assert abs(noise.var() - expected) < sigmas * standard_error, (noise.var(), expected)
    assert abs(noise.mean()) < sigmas * math.sqrt(expected / noise.size)


def test_every_domain_cell_is_released_in_domain_order(ledger: PrivacyLedger):
    release = release_dp_counts(people(500), [CountQuery("by_sex_age", ("sex", "age_band"), SEX | AGE)],
                                dataset="ctdc", epsilon=1.0, ledger=ledger, product="test")
    table = release.tables["by_sex_age"]
    assert list(table.columns) == ["sex", "age_band", "count"] and len(table) == 9
    assert list(table["sex"])[:3] == ["female"] * 3 and list(table["age_band"])[:3] == AGE["age_band"]
    assert table["count"].dtype == np.int64 and (table["count"] >= 0).all()
    assert abs(int(table["count"].sum()) - 500) < 60  # nine cells of noise with scale 1
    assert release.mechanism == "opendp.discrete_laplace" and release.parameters["opendp_version"] == "0.16.0"
    assert [e.release_id for e in ledger.releases("ctdc")] == [release.release_id]
    assert release.statement() == {"release_id": release.release_id, "dataset": "ctdc", "product": "test",
                                   "epsilon": 1.0, "delta": 0.0, "mechanism": "opendp.discrete_laplace",
                                   "parameters": release.parameters}


def test_the_dp_api_other_packages_code_against_is_exported():
    import ctkit.share.disclosure as disclosure

    assert {"CountQuery", "DpRelease", "PrivacyLedger", "release_dp_counts", "BudgetExceeded", "SyntheticRelease",
            "release_synthetic", "true_synthetic_table", "write_synthetic_release", "utility_figures",
            "release_statement"} <= set(disclosure.__all__)
    assert all(hasattr(disclosure, name) for name in disclosure.__all__)


def test_laplace_noise_has_the_stated_scale(ledger: PrivacyLedger):
    records, query = cells(2000, 25)
    release = release_dp_counts(records, [query], dataset="ctdc", epsilon=0.5, ledger=ledger, product="test")
    scale = release.parameters["tables"]["cells"]["noise_scale"]
    assert scale == pytest.approx(2.0)  # 1 row per person / epsilon 0.5
    noise = release.tables["cells"]["count"].to_numpy() - 25
    assert_variance(noise, discrete_laplace_variance(scale), kurtosis=6.0)


def test_epsilon_is_split_equally_over_the_tables(ledger: PrivacyLedger):
    records, query = cells(1000, 40)
    second = CountQuery("again", ("cell",), query.domains)
    release = release_dp_counts(records, [query, second], dataset="ctdc", epsilon=1.0, ledger=ledger,
                                product="test")
    for name in ("cells", "again"):
        stated = release.parameters["tables"][name]
        assert stated["epsilon"] == 0.5 and stated["noise_scale"] == pytest.approx(2.0)
        assert_variance(release.tables[name]["count"].to_numpy() - 40, discrete_laplace_variance(2.0), 6.0)
    assert ledger.spent("ctdc")[0] == pytest.approx(1.0)


def test_contributions_are_bounded_per_unit_and_the_noise_scales_with_the_bound(ledger: PrivacyLedger):
    names = [f"c{i:04d}" for i in range(1000)]
    # 20 people per cell, each with 5 rows in that cell; at most 3 rows per person are kept
    records = pd.DataFrame({"cell": np.repeat(names, 100), "person": np.repeat(np.arange(20_000), 5)})
    release = release_dp_counts(records, [CountQuery("cells", ("cell",), {"cell": names})], dataset="ctdc",
                                epsilon=1.0, ledger=ledger, product="test", unit="person", max_rows_per_unit=3,
                                seed=7)
    assert release.parameters["rows_used"] == 60_000 and release.parameters["sensitivity_rows"] == 3
    scale = release.parameters["tables"]["cells"]["noise_scale"]
    assert scale == pytest.approx(3.0)
    assert_variance(release.tables["cells"]["count"].to_numpy() - 60, discrete_laplace_variance(scale), 6.0)


def test_gaussian_noise_when_delta_is_given(ledger: PrivacyLedger):
    records, query = cells(2000, 60)
    release = release_dp_counts(records, [query], dataset="ctdc", epsilon=1.0, delta=1e-6, ledger=ledger,
                                product="test")
    assert release.mechanism == "opendp.discrete_gaussian"
    sigma = release.parameters["tables"]["cells"]["noise_scale"]
    # independently of OpenDP: the zCDP -> (epsilon, delta) conversion of Canonne, Kamath & Steinke (2020)
    assert cks_delta(rho=1 / (2 * sigma**2), epsilon=1.0) <= 1e-6 * 1.001
    assert cks_delta(rho=1 / (2 * (0.95 * sigma) ** 2), epsilon=1.0) > 1e-6  # and the scale is not wasteful
    assert_variance(release.tables["cells"]["count"].to_numpy() - 60, sigma**2, kurtosis=3.0)


def cks_delta(rho: float, epsilon: float) -> float:
    def log_delta(alpha: float) -> float:
        return ((alpha - 1) * (alpha * rho - epsilon) - math.log(alpha - 1)
                + alpha * math.log(1 - 1 / alpha))

    best = minimize_scalar(log_delta, bounds=(1.0001, 1e4), method="bounded", options={"xatol": 1e-9})
    return math.exp(best.fun)


def test_values_outside_the_domain_are_refused_before_any_charge(ledger: PrivacyLedger):
    records = people(50)
    records.loc[17, "sex"] = "other"
    with pytest.raises(ValidationError, match=r"column 'sex' has value 'other' on row 17"):
        release_dp_counts(records, [CountQuery("by_sex", ("sex",), SEX)], dataset="ctdc", epsilon=1.0,
                          ledger=ledger, product="test")
    records.loc[17, "sex"] = None
    with pytest.raises(ValidationError, match=r"column 'sex' is missing on row 17"):
        release_dp_counts(records, [CountQuery("by_sex", ("sex",), SEX)], dataset="ctdc", epsilon=1.0,
                          ledger=ledger, product="test")
    assert ledger.releases("ctdc") == []


@pytest.mark.parametrize("bad", [
    lambda: CountQuery("q", (), {}),
    lambda: CountQuery("q", ("sex",), {}),
    lambda: CountQuery("q", ("sex",), {"sex": ["a", "a"]}),
])
def test_malformed_queries_are_refused(bad):
    with pytest.raises(ValidationError):
        bad()


def test_release_level_errors_charge_nothing(ledger: PrivacyLedger):
    records = people(50)
    by_sex = CountQuery("by_sex", ("sex",), SEX)
    cases = [
        ({"queries": []}, "at least one"),
        ({"queries": [by_sex, by_sex]}, "unique"),
        ({"queries": [CountQuery("q", ("region",), {"region": ["x"]})]}, "no column 'region'"),
        ({"unit": "person"}, "no unit column"),
        ({"epsilon": 0.0}, "epsilon"),
    ]
    for change, message in cases:
        arguments = {"queries": [by_sex], "epsilon": 1.0} | change
        with pytest.raises(ValidationError, match=message):
            release_dp_counts(records, arguments.pop("queries"), dataset="ctdc", ledger=ledger, product="test",
                              **arguments)
    assert ledger.releases("ctdc") == []


def test_over_budget_and_unknown_data_set_are_refused(ledger: PrivacyLedger):
    query = [CountQuery("by_sex", ("sex",), SEX)]
    ledger.set_budget("small", epsilon=1.0, delta=0.0)
    release_dp_counts(people(50), query, dataset="small", epsilon=0.8, ledger=ledger, product="test")
    with pytest.raises(BudgetExceeded, match="'small'"):
        release_dp_counts(people(50), query, dataset="small", epsilon=0.5, ledger=ledger, product="test")
    with pytest.raises(BudgetExceeded):  # delta > 0 on a budget without delta
        release_dp_counts(people(50), query, dataset="small", epsilon=0.1, delta=1e-9, ledger=ledger,
                          product="test")
    with pytest.raises(DisclosureError, match="no privacy budget"):
        release_dp_counts(people(50), query, dataset="unknown", epsilon=0.1, ledger=ledger, product="test")
    assert len(ledger.releases("small")) == 1 and ledger.releases("unknown") == []


def test_the_charge_is_the_last_step(ledger: PrivacyLedger, monkeypatch):
    """A failure while computing the tables (here: OpenDP) leaves the ledger untouched."""
    import ctkit.share.disclosure.dp_counts as dp_counts

    real = dp_counts.count_noise

    def broken(*args, **kwargs):
        noise = real(*args, **kwargs)  # a real mechanism, whose noise then fails after the budget check
        return dataclasses.replace(noise, measurement=lambda counts: (_ for _ in ()).throw(RuntimeError("failed")))

    monkeypatch.setattr(dp_counts, "count_noise", broken)
    with pytest.raises(RuntimeError):
        release_dp_counts(people(50), [CountQuery("by_sex", ("sex",), SEX)], dataset="ctdc", epsilon=1.0,
                          ledger=ledger, product="test")
    assert ledger.releases("ctdc") == []


def test_noise_scale_is_the_one_opendp_privacy_map_certifies_and_equals_the_per_row_path(ledger: PrivacyLedger):
    import opendp.prelude as dp

    dp.enable_features("contrib")
    records, query = cells(40, 3)
    records["person"] = np.arange(len(records)) // 2
    for delta in (0.0, 1e-7):
        release = release_dp_counts(records, [query, CountQuery("again", ("cell",), query.domains)],
                                    dataset="ctdc", epsilon=0.8, delta=delta, ledger=ledger, product="test",
                                    unit="person", max_rows_per_unit=2)
        stated = release.parameters["tables"]["cells"]
        scale, bound = stated["noise_scale"], release.parameters["sensitivity_rows"]
        # the per-row path (OpenDP counts the rows itself, symmetric distance = rows one person moves)
        counts = dp.t.make_count_by_categories(dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance(),
                                               categories=query.domains["cell"], null_category=False,
                                               MO="L2Distance<int>" if delta else "L1Distance<int>")
        if delta == 0:
            assert scale == pytest.approx(bound / 0.4)
            assert (counts >> dp.m.then_laplace(scale)).map(bound) == pytest.approx(0.4, rel=1e-12)
            assert release.parameters["rho"] is None
        else:
            per_row = dp.c.make_fix_delta(dp.c.make_zCDP_to_approxDP(counts >> dp.m.then_gaussian(scale)), 5e-8)
            assert per_row.map(bound)[0] == pytest.approx(0.4, rel=1e-6)
            assert stated["rho"] == pytest.approx(bound**2 / (2 * scale**2), rel=1e-9)
            assert release.parameters["rho"] == pytest.approx(2 * stated["rho"])
            assert ledger.releases("ctdc")[-1].rho == pytest.approx(2 * stated["rho"])


def test_counts_are_unbiased_over_many_seeded_releases(ledger: PrivacyLedger):
    """300 people, each in all four years, at most 2 years each: every year cell expects 150 after clamping.

    A clamping that favoured early rows (or years) would put 300 in two cells and 0 in the others. Tolerance:
    5 standard errors of the mean of 200 draws, each with clamping variance 300/4 plus the noise's.
    """
    years = ["2021", "2022", "2023", "2024"]
    records = pd.DataFrame({"person": np.repeat(np.arange(300), 4), "year": np.tile(years, 300)})
    query = [CountQuery("by_year", ("year",), {"year": years})]
    draws = np.array([release_dp_counts(records, query, dataset="ctdc", epsilon=0.4, ledger=ledger, product="t",
                                        unit="person", max_rows_per_unit=2, seed=seed).tables["by_year"]["count"]
                      for seed in range(200)])
    variance = 300 / 4 + discrete_laplace_variance(2 / 0.4)
    assert np.abs(draws.mean(axis=0) - 150).max() < 5 * math.sqrt(variance / 200), draws.mean(axis=0)
    # the same seed keeps the same rows (only OpenDP's noise differs)
    again = [release_dp_counts(records, query, dataset="ctdc", epsilon=0.4, ledger=ledger, product="t",
                               unit="person", max_rows_per_unit=2, seed=5).parameters["rows_used"]
             for _ in range(2)]
    assert again == [600, 600]


@pytest.mark.parametrize("bound, expected", [(3, [1, 1, 1]), (5, [1, 1, 1]), (1, None)])
def test_a_person_in_three_years_counts_in_each_when_the_bound_allows(ledger: PrivacyLedger, bound, expected):
    # an epsilon so large that the noise is zero with probability 1 - 1e-300: the counts are the true ones
    ledger.set_budget("exact", epsilon=1e9, delta=0.0)
    years = ["2020", "2021", "2022", "2023"]
    records = pd.DataFrame({"person": ["p1", "p1", "p1"], "year": ["2020", "2021", "2023"]})
    release = release_dp_counts(records, [CountQuery("by_year", ("year",), {"year": years})], dataset="exact",
                                epsilon=1e6, ledger=ledger, product="t", unit="person", max_rows_per_unit=bound)
    counts = release.tables["by_year"].set_index("year")["count"]
    assert release.parameters["sensitivity_rows"] == bound
    assert release.parameters["tables"]["by_year"]["noise_scale"] == pytest.approx(bound / 1e6)
    if expected is not None:
        assert counts[["2020", "2021", "2023"]].tolist() == expected and counts["2022"] == 0
    else:
        assert counts.sum() == 1 and counts["2022"] == 0
