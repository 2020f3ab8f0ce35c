"""zCDP accounting on the ledger: Gaussian releases compose in rho, pure ones in epsilon; both views are kept."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from ctkit.errors import BudgetExceeded, ValidationError
from ctkit.share.disclosure import CountQuery, PrivacyLedger, release_dp_counts
from ctkit.share.disclosure.accounting import Spend, basic_total, zcdp_total
from ctkit.share.disclosure.dp_mechanisms import zcdp_epsilon
from tests.disclosure.test_dp_counts import cks_delta
from tests.disclosure.test_ledger import release_rows

CHARGE = {"mechanism": "test.mechanism", "product": "test-product", "parameters": {}}
QUERY = [CountQuery("by_sex", ("sex",), {"sex": ["female", "male"]})]
RECORDS = pd.DataFrame({"sex": np.tile(["female", "male"], 50)})


def gaussian_release(ledger: PrivacyLedger, dataset: str):
    return release_dp_counts(RECORDS, QUERY, dataset=dataset, epsilon=0.4, delta=1e-7, ledger=ledger,
                             product="test")


@pytest.mark.parametrize("rho, delta", [(1e-4, 1e-6), (0.01, 1e-6), (0.5, 1e-9), (2.0, 1e-5)])
def test_the_conversion_is_valid_and_no_looser_than_bun_steinke(rho, delta):
    epsilon = zcdp_epsilon(rho, delta)
    assert epsilon <= rho + 2 * math.sqrt(rho * math.log(1 / delta))
    assert cks_delta(rho, epsilon) <= delta * 1.001  # independently of OpenDP (Canonne, Kamath & Steinke 2020)
    assert cks_delta(rho, 0.98 * epsilon) > delta  # and not wasteful
    assert zcdp_epsilon(0.0, delta) == 0.0 and zcdp_epsilon(rho, 0.0) == math.inf


def test_several_gaussian_releases_fit_under_zcdp_that_basic_composition_refuses(ledger: PrivacyLedger,
                                                                              engine: Engine):
    ledger.set_budget("z", epsilon=1.0, delta=1e-6)
    ledger.set_budget("b", epsilon=1.0, delta=1e-6, accounting="basic")
    for dataset in ("z", "b"):
        gaussian_release(ledger, dataset)
        gaussian_release(ledger, dataset)
    with pytest.raises(BudgetExceeded, match="basic composition"):
        gaussian_release(ledger, "b")  # 3 x 0.4 > 1
    fitted = 2
    while True:
        before = release_rows(engine)
        try:
            gaussian_release(ledger, "z")
        except BudgetExceeded as refused:
            assert release_rows(engine) == before  # nothing written
            assert "zCDP accounting would reach epsilon=" in str(refused)
            break
        fitted += 1
    assert fitted == 6, fitted  # 6 x 0.4 = 2.4 under basic composition
    budget = ledger.budget("z")
    assert budget.basic.epsilon == pytest.approx(0.4 * fitted) and budget.basic.epsilon > budget.epsilon
    assert budget.zcdp.epsilon <= 1.0 + 1e-9 and budget.zcdp.delta == pytest.approx(1e-6)
    assert budget.zcdp.rho == pytest.approx(sum(e.rho for e in ledger.releases("z")))
    assert budget.in_force == budget.zcdp
    # every release states its rho, and the budget's zCDP epsilon is OpenDP's conversion of their sum
    assert all(e.rho and e.rho == pytest.approx(e.parameters["rho"]) for e in ledger.releases("z"))
    assert budget.zcdp.epsilon == pytest.approx(zcdp_epsilon(budget.zcdp.rho, 1e-6))


def test_pure_releases_keep_adding_epsilon_and_approximate_ones_use_up_delta(ledger: PrivacyLedger):
    ledger.set_budget("ds", epsilon=1.0, delta=1e-6)
    ledger.charge("ds", epsilon=0.3, delta=0.0, **CHARGE)
    ledger.charge("ds", epsilon=0.3, delta=0.0, **CHARGE)
    budget = ledger.budget("ds")
    assert budget.zcdp.epsilon == pytest.approx(0.6) and budget.zcdp.rho == 0.0  # as basic: nothing to gain
    with pytest.raises(BudgetExceeded):
        ledger.charge("ds", epsilon=0.5, delta=0.0, **CHARGE)
    # an (epsilon, delta) release without rho (e.g. pac-synth) takes all delta: no Gaussian release can follow
    ledger.charge("ds", epsilon=0.1, delta=1e-6, **CHARGE)
    with pytest.raises(BudgetExceeded):
        ledger.charge("ds", epsilon=0.01, delta=1e-9, rho=1e-6, **CHARGE)
    assert ledger.budget("ds").zcdp == basic_total(ledger.budget("ds").spends)


def test_the_zcdp_view_composes_the_parts_as_documented():
    gaussian = [Spend(0.4, 1e-7, 0.0025)] * 4
    total = zcdp_total([*gaussian, Spend(0.2, 0.0), Spend(0.1, 2e-7)], 1e-6)
    assert total.rho == pytest.approx(0.01) and total.delta == pytest.approx(1e-6)
    assert total.epsilon == pytest.approx(0.2 + 0.1 + zcdp_epsilon(0.01, 8e-7))
    # many small pure releases are cheaper as rho = epsilon^2 / 2
    small = zcdp_total([Spend(0.01, 0.0)] * 400, 1e-6)
    assert small.rho == pytest.approx(400 * 0.01**2 / 2) and small.epsilon < 4.0 / 2
    assert zcdp_total([], 1e-6) == basic_total([])


def test_budget_changes_are_checked_under_the_accounting_chosen(ledger: PrivacyLedger):
    ledger.set_budget("ds", epsilon=1.0, delta=1e-6)
    assert ledger.budget("ds").accounting == "zcdp"
    for _ in range(3):
        gaussian_release(ledger, "ds")
    with pytest.raises(ValidationError, match="basic accounting"):
        ledger.set_budget("ds", epsilon=1.0, delta=1e-6, accounting="basic")  # 1.2 spent under basic
    with pytest.raises(ValidationError, match="accounting must be"):
        ledger.set_budget("ds", epsilon=1.0, delta=1e-6, accounting="renyi")
    ledger.set_budget("ds", epsilon=2.0, delta=1e-6)  # raising keeps the accounting
    assert ledger.budget("ds").accounting == "zcdp"
    ledger.set_budget("ds", epsilon=2.0, delta=1e-6, accounting="basic")
    assert ledger.budget("ds").in_force == ledger.budget("ds").basic
    with pytest.raises(ValidationError, match="rho must be"):
        ledger.charge("ds", epsilon=0.1, delta=0.0, rho=-1.0, **CHARGE)
