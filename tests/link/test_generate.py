"""Synthetic registers: deterministic, streamed, with the errors they promise and the truth kept apart."""

from dataclasses import replace

import pandas as pd

from ctkit.share.link import GeneratorConfig, iter_records, write_registers
from ctkit.share.link.generate import RECORD_COLUMNS


def test_deterministic_and_streamed_in_chunks():
    cfg = GeneratorConfig(n_records=3_000, seed=2, chunk_persons=500)
    chunks = list(iter_records(cfg))
    assert len(chunks) > 1
    again = pd.concat(iter_records(cfg), ignore_index=True)
    frame = pd.concat(chunks, ignore_index=True)
    pd.testing.assert_frame_equal(frame, again)
    assert list(frame.columns) == list(RECORD_COLUMNS)
    assert 2_500 < len(frame) < 3_500
    assert frame["record_id"].is_unique


def test_errors_are_present_at_plausible_rates():
    frame = pd.concat(iter_records(GeneratorConfig(n_records=4_000, seed=3)), ignore_index=True)
    assert 0.02 < frame["birth_date"].isna().mean() < 0.07
    assert frame.groupby("person_id")["list"].nunique().gt(1).mean() > 0.3  # people on several lists
    police = frame[frame["list"] == "police"]
    assert police["last_name"].str.contains("[а-яА-ЯіїєІЇЄ]", regex=True).mean() > 0.5  # Cyrillic register
    foreign = frame[frame["list"] == "foreign"]
    assert foreign["last_name"].str.contains("w|sch", case=False, regex=True).mean() > 0.2  # German spelling
    assert (
        frame["birth_date"].dropna().str.contains(r"\.").any() and frame["birth_date"].dropna().str.contains("-").any()
    )


def test_write_registers_keeps_truth_apart(tmp_path):
    paths = write_registers(GeneratorConfig(n_records=800, seed=4, chunk_persons=200), tmp_path)
    police = pd.read_parquet(paths["police"])
    truth = pd.read_parquet(paths["truth"])
    assert "person_id" not in police.columns
    assert set(police["record_id"]) <= set(truth["record_id"])
    assert len(truth) == sum(len(pd.read_parquet(paths[name])) for name in ("police", "ngo", "foreign"))


def test_patronymics_and_documents_are_recorded_as_agencies_record_them():
    cfg = GeneratorConfig(n_records=4_000, seed=5)
    frame = pd.concat(iter_records(cfg), ignore_index=True)
    recorded = frame.groupby("list")[["middle_name", "document_number"]].apply(lambda g: g.notna().mean())
    assert recorded.loc["police", "middle_name"] > 0.6 > 0.25 > recorded.loc["foreign", "middle_name"]
    assert 0.3 < recorded.loc["foreign", "document_number"] < 0.7
    assert frame.loc[frame["nationality"].isin(["POL", "DEU"]), "middle_name"].isna().all()  # no patronymics
    # One person, several numbers: internal and foreign passports, renewals and typos.
    numbers = frame.dropna(subset=["document_number"]).groupby("person_id")["document_number"].nunique()
    assert (numbers > 1).mean() > 0.1
    # The identifiers have a random stream of their own: without them every other column is unchanged.
    without = pd.concat(iter_records(replace(cfg, identifiers=False)), ignore_index=True)
    assert without[["middle_name", "document_number"]].isna().all().all()
    others = [c for c in RECORD_COLUMNS if c not in ("middle_name", "document_number", "document_country")]
    pd.testing.assert_frame_equal(frame[others], without[others])
