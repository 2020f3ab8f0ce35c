"""Differentially private official tables: complete noisy domains, one ledger charge, over budget refused."""

from __future__ import annotations

import uuid
from itertools import product

import pytest

from ctkit.errors import BudgetExceeded, DisclosureError, ValidationError
from ctkit.share.disclosure import TOTAL
from ctkit.share.formats.official import DpSettings, official_table, publish_official, publish_to
from ctkit.share.formats.official.model import ReleaseContext
from tests.pg import BACKENDS, migrated_engine

YEARS = (2019, 2024)


def _dataset(ledger, epsilon: float = 1.0) -> str:
    name = f"test-{uuid.uuid4().hex[:8]}"
    ledger.set_budget(name, epsilon=epsilon, delta=1e-6)
    return name


@pytest.mark.parametrize("name, value", [("unodc", "value"), ("eurostat", "OBS_VALUE"), ("greta", "victims")])
def test_every_domain_cell_is_a_non_negative_whole_number(demo_snapshot, ledger, name, value):
    dataset = _dataset(ledger)
    dp = DpSettings(epsilon=0.5, dataset=dataset, ledger=ledger)
    release = publish_official(demo_snapshot, name, country="RUS", mode="dp", dp=dp, years=YEARS)
    frame = release.frame
    if name == "greta":  # victims' lines count in ``victims``, the offender lines in ``offenders``
        frame = frame.assign(victims=frame["victims"].fillna(frame["offenders"]))
    assert frame[value].notna().all() and (frame[value] >= 0).all()
    assert (frame[value].astype("int64") == frame[value]).all() and not frame["suppressed" if name != "eurostat"
                                                                              else "OBS_FLAG"].astype(bool).any()
    assert set(frame["year" if name != "eurostat" else "time"]) == set(range(YEARS[0], YEARS[1] + 1))
    entries = ledger.releases(dataset)
    assert len(entries) == 1 and entries[0].epsilon == pytest.approx(0.5)
    assert entries[0].product == f"official:{name}"
    assert release.metadata["disclosure"]["release_id"] == entries[0].release_id
    assert release.metadata["disclosure"]["epsilon"] == pytest.approx(0.5)


def test_unodc_dp_cells_cover_the_full_domain_with_margins_from_noisy_cells(demo_snapshot, ledger):
    dp = DpSettings(epsilon=1.0, dataset=_dataset(ledger), ledger=ledger)
    frame = publish_official(demo_snapshot, "unodc", country="RUS", mode="dp", dp=dp, years=YEARS).frame
    domains = official_table("unodc").domains(ReleaseContext("RUS", YEARS))
    labels = [list(domains[d].values()) for d in ("sex", "age", "form")]
    inner = frame[(frame[["sex", "age", "form_of_exploitation"]] != TOTAL).all(axis=1)]
    assert set(map(tuple, inner[["year", "sex", "age", "form_of_exploitation"]].itertuples(index=False))) == set(
        product(range(YEARS[0], YEARS[1] + 1), *labels))
    grand = frame[(frame[["sex", "age", "form_of_exploitation"]] == TOTAL).all(axis=1)].set_index("year")["value"]
    assert (grand == inner.groupby("year")["value"].sum()).all()


def test_second_release_over_budget_is_refused_and_writes_nothing(demo_snapshot, ledger, tmp_path):
    dataset = _dataset(ledger, epsilon=1.0)
    first = DpSettings(epsilon=0.7, dataset=dataset, ledger=ledger)
    csv_path, json_path, _ = publish_to(tmp_path / "first", "unodc", lambda: publish_official(
        demo_snapshot, "unodc", country="RUS", mode="dp", dp=first, years=YEARS))
    assert csv_path.is_file() and json_path.is_file()
    second = DpSettings(epsilon=0.5, dataset=dataset, ledger=ledger)
    out = tmp_path / "second"
    with pytest.raises(BudgetExceeded):
        publish_to(out, "unodc", lambda: publish_official(demo_snapshot, "unodc", country="RUS", mode="dp",
                                                          dp=second, years=YEARS))
    assert list(out.iterdir()) == []  # not even a temporary file stays
    assert len(ledger.releases(dataset)) == 1 and ledger.spent(dataset)[0] == pytest.approx(0.7)


def test_dp_needs_public_years_a_budget_and_valid_parameters(demo_snapshot, ledger):
    dp = DpSettings(epsilon=0.5, dataset=_dataset(ledger), ledger=ledger)
    with pytest.raises(ValidationError, match="needs its years given"):
        publish_official(demo_snapshot, "unodc", country="RUS", mode="dp", dp=dp)
    with pytest.raises(ValidationError, match="epsilon must be a positive"):
        publish_official(demo_snapshot, "unodc", country="RUS", mode="dp", years=YEARS,
                         dp=DpSettings(epsilon=-1.0, dataset=dp.dataset, ledger=ledger))
    with pytest.raises(DisclosureError):
        publish_official(demo_snapshot, "unodc", country="RUS", mode="dp", years=YEARS,
                         dp=DpSettings(epsilon=0.5, dataset="never-agreed", ledger=ledger))
    with pytest.raises(ValidationError, match="k-anon only"):
        publish_official(demo_snapshot, "unodc", country="RUS", mode="dp", k=5, dp=dp, years=YEARS)
    assert ledger.releases(dp.dataset) == []


@pytest.fixture(params=BACKENDS)
def backend_ledger(request, tmp_path):
    from ctkit.share.disclosure import PrivacyLedger

    for engine in migrated_engine(request, tmp_path, prefix="official"):
        yield PrivacyLedger(engine)


def test_greta_dp_release_on_each_ledger_backend(demo_snapshot, backend_ledger, tmp_path):
    backend_ledger.set_budget("greta", epsilon=1.0, delta=0.0)
    dp = DpSettings(epsilon=1.0, dataset="greta", ledger=backend_ledger)
    csv_path, _, release = publish_to(tmp_path, "greta", lambda: publish_official(
        demo_snapshot, "greta", country="RUS", mode="dp", dp=dp, years=YEARS))
    assert csv_path.is_file() and [e.release_id for e in backend_ledger.releases("greta")] == [
        release.metadata["disclosure"]["release_id"]]
    citizenships = release.frame[release.frame["breakdown"] == "citizenships"]
    assert (citizenships.groupby("year").size() <= 10 + 3).all()  # top 10, Other, Unknown and the Total
    with pytest.raises(BudgetExceeded):
        publish_official(demo_snapshot, "greta", country="RUS", mode="dp", dp=dp, years=YEARS)


@pytest.mark.parametrize("bound, totals", [(None, {2021: 8, 2022: 1}), (2, {2021: 8, 2022: 1}), (1, None)])
def test_a_victim_counts_in_every_year_up_to_the_bound(hand_snapshot, ledger, bound, totals):
    """Person 11 is a victim in 2021 and 2022: counted in both unless at most one year per person is kept.

    An epsilon so large that the noise is zero (with probability 1 - 1e-300) makes the DP counts the true ones.
    """
    dataset = f"test-{uuid.uuid4().hex[:8]}"
    ledger.set_budget(dataset, epsilon=1e9, delta=0.0)
    dp = DpSettings(epsilon=1e6, dataset=dataset, ledger=ledger, max_years_per_person=bound)
    release = publish_official(hand_snapshot, "unodc", country="RUS", mode="dp", dp=dp, years=(2021, 2022))
    frame = release.frame
    grand = frame[(frame[["sex", "age", "form_of_exploitation"]] == TOTAL).all(axis=1)].set_index("year")["value"]
    disclosure = release.metadata["disclosure"]
    assert disclosure["max_years_per_person"] == (bound or 2) == disclosure["parameters"]["sensitivity_rows"]
    assert disclosure["parameters"]["tables"]["victims"]["noise_scale"] == pytest.approx((bound or 2) / 1e6)
    if totals is not None:
        assert grand.to_dict() == totals
    else:  # person 11 keeps one of the two years (seeded); everyone else is in 2021 only
        assert grand.sum() == 8 and grand[2021] in (7, 8)


def test_the_years_bound_must_be_a_positive_whole_number(demo_snapshot, ledger):
    for bad in (0, -1, 1.5):
        dp = DpSettings(epsilon=0.5, dataset=_dataset(ledger), ledger=ledger, max_years_per_person=bad)
        with pytest.raises(ValidationError, match="years per person"):
            publish_official(demo_snapshot, "unodc", country="RUS", mode="dp", dp=dp, years=YEARS)
        assert ledger.releases(dp.dataset) == []
