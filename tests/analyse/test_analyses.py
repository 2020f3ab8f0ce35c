"""Every analysis on a tiny snapshot checked by hand, and on a synthetic one against pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctkit.analyse.exploitation import exploitation
from ctkit.analyse.filters import Filters
from ctkit.analyse.funnel import funnel
from ctkit.analyse.profiles import profiles
from ctkit.analyse.recruitment import recruitment
from ctkit.analyse.routes import corridors, flows, place_roles, routes
from ctkit.analyse.trends import trends
from ctkit.errors import NotFoundError, ValidationError


def cell(frame: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column].isna() if value is None else frame[column] == value
    rows = frame[mask]
    assert len(rows) == 1, f"{where}: {len(rows)} rows"
    return rows.iloc[0]


def test_profiles_count_and_share_among_known(tiny):
    table = profiles(tiny)
    assert cell(table, attribute="sex", value="female")["count"] == 3
    assert cell(table, attribute="sex", value="female")["share"] == pytest.approx(0.75)
    band = cell(table, attribute="age_band", value="9--17")
    assert (band["count"], band["denominator"]) == (1, 3)  # one age unknown: not in the denominator
    assert pd.isna(cell(table, attribute="age_band", value=None)["share"])
    assert cell(table, attribute="minor", value="minor")["count"] == 1
    assert cell(table, attribute="vulnerability", value="poverty")["share"] == 1.0


def test_profiles_by_form_counts_each_case_once_per_form(tiny):
    table = profiles(tiny, by="form")
    assert cell(table, form="forced_labour", attribute="sex", value="male")["count"] == 1
    assert cell(table, form="sexual", attribute="sex", value="female")["count"] == 3


def test_means_follow_the_ctdc_denominator_rule(tiny):
    table = exploitation(tiny)
    debt = cell(table, attribute="means", value="debt_bondage")
    assert (debt["count"], debt["denominator"]) == (1, 3)
    docs = cell(table, attribute="means", value="withholds_documents")
    assert (docs["count"], docs["denominator"], docs["share"]) == (1, 1, 1.0)
    form = cell(table, attribute="form", value="forced_labour")
    assert (form["count"], form["denominator"]) == (1, 4)  # two forced-labour rows of one case count once
    assert cell(table, attribute="sector", value="fishing")["denominator"] == 2


def test_recruitment_methods_are_multi_response(tiny):
    table = recruitment(tiny)
    offer = cell(table, attribute="method", value="false_job_offer")
    assert (offer["count"], offer["denominator"]) == (2, 2)
    assert cell(table, attribute="relation", value="friend")["share"] == pytest.approx(2 / 3)


def test_trends_by_year_and_quarter(tiny):
    assert trends(tiny)["count"].tolist() == [2, 2]
    quarters = trends(tiny, period="quarter")
    assert quarters["period"].tolist() == ["2020-Q1", "2020-Q2", "2021-Q1", "2021-Q4"]
    by_form = trends(tiny, by="form")
    assert cell(by_form, period="2021", form="sexual")["share"] == 0.5


def test_routes_at_region_level_show_kaliningrad_in_every_role(tiny):
    roles = place_roles(tiny, level="region")
    kgd = roles[roles["place"] == "RU-KGD"].set_index("role")["count"].to_dict()
    assert kgd == {"origin": 1, "transit": 1, "destination": 2}
    assert cell(roles, place="RU-KGD", role="destination")["denominator"] == 4
    country = corridors(tiny, top=None)
    assert cell(country, origin="UZB", destination="RUS")["count"] == 1
    assert len(flows(tiny)) == 4
    assert len(routes(tiny, view="roles")) > 0


def test_funnel_counts_and_days_between_stages(tiny):
    table = funnel(tiny)
    assert table["count"].tolist()[:3] == [4, 3, 2]
    possible = cell(table, stage="possible_victim")
    assert possible["days_median"] == 20.0 and possible["timed"] == 3
    assert cell(table, stage="reasonable_grounds")["share_of_previous"] == pytest.approx(2 / 3)
    assert cell(table, stage="convicted")["count"] == 0


def test_filters_narrow_every_analysis(tiny):
    only_kgd_women = Filters(sex=("female",), region=("RU-KGD",))
    assert profiles(tiny, only_kgd_women).query("attribute == 'sex'")["count"].sum() == 3
    assert funnel(tiny, Filters(years=(2021, 2021)))["count"].tolist()[0] == 2
    assert trends(tiny, Filters(form=("forced_labour",)))["count"].tolist() == [1]
    assert profiles(tiny, Filters(citizenship=("UA",))).query("attribute == 'sex'")["count"].sum() == 1


@pytest.mark.parametrize("filters, message", [
    (Filters(sex=("woman",)), "not a valid sex"),
    (Filters(form=("slavery",)), "not a valid exploitation_form"),
    (Filters(age_band=("10-20",)), "not a CTDC age band"),
    (Filters(citizenship=("XX",)), "not an ISO 3166-1"),
    (Filters(region=("RU-XXX",)), "not an ISO 3166-2"),
    (Filters(years=(2022, 2020)), "is after"),
])
def test_unknown_filter_values_are_refused_clearly(tiny, filters, message):
    with pytest.raises(ValidationError, match=message):
        profiles(tiny, filters)


def test_bad_breakdowns_are_refused(tiny):
    with pytest.raises(ValidationError, match="cannot break down"):
        profiles(tiny, by="colour")
    with pytest.raises(ValidationError, match="period"):
        trends(tiny, period="month")
    with pytest.raises(ValidationError, match="level"):
        routes(tiny, level="city")


def test_synthetic_figures_agree_with_pandas(synthetic):
    cases = synthetic.query("SELECT * FROM cases")
    table = profiles(synthetic)
    expected = cases["sex"].value_counts()
    for sex, n in expected.items():
        assert cell(table, attribute="sex", value=sex)["count"] == n
    years = trends(synthetic).set_index("period")["count"]
    assert years.sum() == len(cases)


def test_empty_snapshot_says_there_is_nothing(tiny):
    from ctkit.analyse.snapshot import Snapshot

    empty = Snapshot.from_tables({}, source="test")
    with pytest.raises(NotFoundError, match="holds no cases"):
        empty.require_cases()
    assert profiles(empty).empty and funnel(empty)["count"].sum() == 0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-5, 400), min_size=1, max_size=60), st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]))
def test_histogram_quantile_equals_numpy(values, q):
    from ctkit.analyse.funnel import _quantile

    days, counts = np.unique(np.array(values, dtype=float), return_counts=True)
    assert _quantile(days, counts, q) == pytest.approx(float(np.quantile(values, q)))
