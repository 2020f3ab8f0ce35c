"""k-anonymous official tables: hand-checked counts, and on demo data the rules every published cell follows."""

from __future__ import annotations

from itertools import product

import pandas as pd
import pytest

from ctkit.analyse.snapshot import Snapshot
from ctkit.errors import NotFoundError, ValidationError
from ctkit.share.disclosure import TOTAL, DisclosurePolicy
from ctkit.share.formats.official import official_table, publish_official, table_names
from ctkit.share.formats.official.protect import complete, kanon_breakdown
from ctkit.share.formats.official.records import victim_years

K = 3
YEARS = (2018, 2024)


def _cell(frame: pd.DataFrame, **where) -> object:
    rows = frame
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, where
    return rows.iloc[0]


def test_victim_years_counts_each_victim_once_a_year(hand_snapshot):
    victims = victim_years(hand_snapshot)
    assert sorted(victims["year"].value_counts().items()) == [(2021, 8), (2022, 1)]
    person_11 = victims[(victims["year"] == 2021) & (victims["sex"] == "female") & (victims["age_years"] == 25)]
    assert person_11["status"].tolist() == ["identified"]  # the conclusive case wins over the presumed one
    assert person_11["prosecuted"].tolist() == [2022]


def test_unodc_hand_counts(hand_snapshot):
    frame = publish_official(hand_snapshot, "unodc", country="RUS", k=2).frame
    year = frame[frame["year"] == 2021]
    assert _cell(year, sex="Female", age="Adults (18 and over)", form_of_exploitation="Sexual exploitation")[
        "value"] == 4
    assert _cell(year, sex="Male", age="Adults (18 and over)", form_of_exploitation="Forced labour")["value"] == 2
    girl = _cell(year, sex="Female", age="Children (below 18)", form_of_exploitation="Mixed exploitation")
    assert girl["suppressed"] and pd.isna(girl["value"])  # one girl: below k
    assert _cell(year, sex=TOTAL, age=TOTAL, form_of_exploitation=TOTAL)["value"] == 6  # 4 + 2 published
    assert set(frame["iso3_code"]) == {"RUS"} and set(frame["year"]) == {2021, 2022}


def test_eurostat_hand_counts(hand_snapshot):
    frame = publish_official(hand_snapshot, "eurostat", country="RUS", k=2).frame
    year = frame[frame["time"] == 2021]
    citizens = year[year["indicator"] == "victims_citizenship"]
    assert _cell(citizens, citizen="NAT", sex="F")["OBS_VALUE"] == 2  # 3 women: rounded down to a multiple of 2
    assert _cell(citizens, citizen="EU27_2020_FOR", sex="F")["OBS_FLAG"] == "c"
    forms = year[year["indicator"] == "victims_exploitation"]
    assert _cell(forms, expl="SEX", sex="F")["OBS_VALUE"] == 4 and _cell(forms, expl="LAB", sex="M")["OBS_VALUE"] == 2
    assert set(frame["geo"]) == {"RU"}


def test_greta_hand_counts(hand_snapshot):
    frame = publish_official(hand_snapshot, "greta", country="RUS", k=2).frame
    origin = frame[(frame["year"] == 2021) & (frame["breakdown"] == "origin")]
    assert _cell(origin, nationality="Nationals", scope="Internal trafficking")["victims"] == 2  # 14, 16, 17 -> 2
    assert _cell(origin, nationality="Foreign nationals", scope="Transnational trafficking")["victims"] == 2  # 3
    citizenships = frame[(frame["year"] == 2021) & (frame["breakdown"] == "citizenships")]
    assert _cell(citizenships, citizenship="Russian Federation")["victims"] == 4
    assert _cell(citizenships, citizenship="Other")["victims"] == 2  # UKR, POL, UZB (one each) folded: 3 -> 2
    assert "Ukraine" not in set(citizenships["citizenship"])


def _published(frame: pd.DataFrame, value: str) -> pd.Series:
    return frame[value].dropna().astype(int)


@pytest.mark.parametrize("name", ["unodc", "eurostat", "greta"])
def test_no_cell_below_k_and_every_count_a_multiple_of_k(demo_snapshot, name):
    release = publish_official(demo_snapshot, name, country="RUS", k=K, years=YEARS)
    value = {"unodc": "value", "eurostat": "OBS_VALUE", "greta": "victims"}[name]
    counts = _published(release.frame, value)
    assert len(counts) > 10 and (counts >= K).all() and (counts % K == 0).all()
    assert release.metadata["disclosure"]["k"] == K and release.metadata["years"] == list(YEARS)


@pytest.mark.parametrize("name", ["unodc", "eurostat", "greta"])
def test_domains_complete_and_margins_sum_protected_cells(demo_snapshot, name):
    from ctkit.share.formats.official.model import ReleaseContext
    from ctkit.share.formats.official.release import table_records

    table = official_table(name)
    ctx = ReleaseContext("RUS", YEARS)
    records = table_records(table, demo_snapshot, victim_years(demo_snapshot, YEARS), ctx)
    domains = table.domains(ctx)
    for breakdown in table.breakdowns:
        cells = complete(kanon_breakdown(records, breakdown, domains, ctx, DisclosurePolicy(k=K)), breakdown,
                         table, domains)
        assert set(cells["year"]) == set(range(YEARS[0], YEARS[1] + 1))
        inner = cells[(cells[list(breakdown.dims)] != TOTAL).all(axis=1)]
        if breakdown.top is None:
            expected = set(product(range(YEARS[0], YEARS[1] + 1), *[list(domains[d]) for d in breakdown.dims]))
            assert set(map(tuple, inner[["year", *breakdown.dims]].itertuples(index=False))) == expected
        grand = cells[(cells[list(breakdown.dims)] == TOTAL).all(axis=1)].set_index("year")["count"]
        sums = inner.groupby("year")["count"].sum()
        assert (grand.fillna(0).astype(int) == sums.astype(int)).all(), breakdown.name


def test_top_citizenships_fold_rare_ones(demo_snapshot):
    frame = publish_official(demo_snapshot, "greta", country="RUS", k=K, years=YEARS).frame
    citizenships = frame[frame["breakdown"] == "citizenships"]
    per_year = citizenships[citizenships["citizenship"] != TOTAL].groupby("year").size()
    assert (per_year <= 10 + 2).all()  # top 10, Other and Unknown at most
    assert "Other" in set(citizenships["citizenship"])


def test_years_default_to_the_data_and_bad_input_is_refused(demo_snapshot, hand_snapshot):
    years = publish_official(hand_snapshot, "unodc", country="RUS", k=2).metadata["years"]
    assert years == [2021, 2022]
    with pytest.raises(ValidationError, match="unknown official table 'glotip'; known: "):
        publish_official(demo_snapshot, "glotip", country="RUS")
    with pytest.raises(ValidationError, match="reporting country"):
        publish_official(demo_snapshot, "unodc", country="XXX")
    with pytest.raises(ValidationError, match="unknown mode"):
        publish_official(demo_snapshot, "unodc", country="RUS", mode="k-anonymity")
    with pytest.raises(ValidationError, match="after the last"):
        publish_official(demo_snapshot, "unodc", country="RUS", years=(2024, 2020))
    screened_only = Snapshot.from_tables(
        {"cases": hand_snapshot.query("SELECT * FROM cases WHERE identification_status = 'screened'")}, source="test")
    with pytest.raises(NotFoundError, match="no identified or presumed victims"):
        publish_official(screened_only, "unodc", country="RUS")
    assert set(table_names()) >= {"unodc", "eurostat", "greta"}
