"""The public surface, a deployment's own table through the same registry as the built-ins, and CTDC files."""

from __future__ import annotations

import pandas as pd
import pytest

import ctkit.share.formats.official as official
from ctkit.share.formats.official import Breakdown, OfficialTable, publish_official, register_table, table_names
from ctkit.share.formats.official.codes import age_groups
from ctkit.share.formats.official.labels import labelled


def test_public_api_is_pinned():
    assert sorted(official.__all__) == sorted([
        "MODES", "Breakdown", "DpSettings", "OfficialRelease", "OfficialTable", "ReleaseContext", "eu27",
        "official_codes", "official_table", "publish_official", "publish_to", "read_population", "register_table",
        "snapshot_id", "table_names", "targets"])


def test_an_added_table_is_published_like_the_built_ins(hand_snapshot, monkeypatch):
    from ctkit.share.formats.official import model

    monkeypatch.setattr(model, "_TABLES", dict(model._TABLES))  # the registration ends with the test
    def records(victims: pd.DataFrame, ctx) -> pd.DataFrame:
        return pd.DataFrame({"person_id": victims["person_id"], "year": victims["year"].astype(str),
                             "age": age_groups(victims["age_years"], "minor", "adult", "unknown")})

    def domains(ctx):
        return {"age": {"minor": "Minors", "adult": "Adults", "unknown": "Unknown"}}

    def layout(cells: pd.DataFrame, ctx) -> pd.DataFrame:
        return pd.DataFrame({"year": cells["year"], "age": labelled(cells, domains(ctx))["age"],
                             "victims": cells["count"]})

    register_table(OfficialTable("national-age", "Victims by age", (Breakdown("age", "By age", ("age",)),),
                                 records, domains, layout))
    assert "national-age" in table_names()
    frame = publish_official(hand_snapshot, "national-age", country="RUS", k=2).frame
    adults = frame[(frame["year"] == 2021) & (frame["age"] == "Adults")]
    assert adults["victims"].tolist() == [6]  # persons 11-16 are adults


def test_breakdowns_keep_to_three_dimensions():
    from ctkit.errors import ValidationError

    with pytest.raises(ValidationError, match="1 to 3 dimensions"):
        Breakdown("wide", "too wide", ("a", "b", "c", "d"))


def test_a_ctdc_file_counts_the_records_exploited_in_the_reporting_country(tmp_path):
    from ctkit.analyse.ctdc import ctdc_snapshot
    from ctkit.share.formats import write_sample

    snap = ctdc_snapshot(write_sample(tmp_path / "ctdc.csv", "ctdc", 1500, seed=2))
    legs = snap.query("SELECT count(DISTINCT l.case_id) AS n FROM route_legs l JOIN cases c USING (case_id) "
                      "WHERE l.role = 'destination' AND l.country = 'DEU' AND c.identification_status = "
                      "'conclusive_victim'")
    frame = publish_official(snap, "unodc", country="DEU", k=2).frame
    grand = frame[(frame[["sex", "age", "form_of_exploitation"]] == "Total").all(axis=1)]["value"].fillna(0).sum()
    assert 0 < grand <= legs["n"].iloc[0]
