"""Synthetic registers: deterministic, streamed, with the errors they promise and the truth kept apart."""

import hashlib
from dataclasses import replace

import pandas as pd
import pytest
from typer.testing import CliRunner

from ctkit.cli import app, main
from ctkit.errors import ValidationError
from ctkit.share.link import GeneratorConfig, iter_records, name_key, write_registers
from ctkit.share.link.generate import RECORD_COLUMNS, name_frequencies


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


NAME_AND_PLACE = ("first_name", "last_name", "place_of_origin")


def _digest(values: pd.Series) -> str:
    return hashlib.sha256("\n".join(values.fillna("<NA>").astype(str)).encode()).hexdigest()[:16]


def test_faker_surnames_reproduce_the_generator_before_the_long_tail():
    # Recorded from the generator before the long-tail surnames existed (commit 9808c9a).
    frame = pd.concat(iter_records(GeneratorConfig(n_records=400, seed=11, chunk_persons=100, surnames="faker")))
    assert len(frame) == 399
    assert frame["last_name"].head(8).tolist() == [
        "Волкова", "Wolkowa", "Oliynyk", "ВАЩЕНКО-ЗАХАРЧЕНКО", "Waschtschenko-Sachartschenko", "Потапов", "Алексеев",
        "Reising",
    ]  # fmt: skip
    recorded = {"first_name": "0b54ef46803a3a0a", "last_name": "934ade5ae42f3eeb", "birth_date": "a3c26b3bb21b38cf",
                "middle_name": "e9ffd1b42aeee576", "document_number": "fcfcb63daa009ad7"}  # fmt: skip
    assert {column: _digest(frame[column]) for column in recorded} == recorded


def _namesakes(cfg: GeneratorConfig) -> float:
    """Mean number of other people sharing one's first name, surname and place (no spelling errors; each list's
    transliteration folded by ``name_key``)."""
    frame = pd.concat(iter_records(replace(cfg, variant=0, typo=0, swap=0)), ignore_index=True)
    people = frame.drop_duplicates("person_id")
    keys = {c: people[c].map(lambda v: name_key(v) if isinstance(v, str) else "") for c in NAME_AND_PLACE}
    sizes = people.assign(**keys).groupby(list(NAME_AND_PLACE))["person_id"].transform("size")
    return float((sizes - 1).mean())


def test_long_tail_surnames_are_the_default_and_make_namesakes_rare():
    cfg = GeneratorConfig(n_records=6_000, seed=3)
    assert cfg.surnames == "long_tail"
    long_tail, faker = _namesakes(cfg), _namesakes(replace(cfg, surnames="faker"))
    assert faker > 0.01 and long_tail < faker / 4


def test_surname_pool_is_validated_and_offered_by_the_cli(tmp_path, capsys):
    with pytest.raises(ValidationError, match="surnames"):
        GeneratorConfig(n_records=10, surnames="zipf")
    assert len(name_frequencies("last_name_female", "pl_PL")) == 20_000
    assert len(name_frequencies("last_name_female", "pl_PL", surnames="faker")) == 1_202
    result = CliRunner().invoke(app, ["link", "generate", "--out", str(tmp_path), "--records", "200", "--seed", "4",
                                      "--surnames", "faker"])  # fmt: skip
    assert result.exit_code == 0, result.output
    written = pd.read_parquet(tmp_path / "truth.parquet").merge(
        pd.concat(pd.read_parquet(tmp_path / f"{name}.parquet") for name in ("police", "ngo", "foreign")),
        on="record_id",
    )
    expected = pd.concat(iter_records(GeneratorConfig(n_records=200, seed=4, surnames="faker")))
    assert sorted(written["last_name"]) == sorted(expected["last_name"])
    with pytest.raises(SystemExit) as exc:
        main(["link", "generate", "--out", str(tmp_path / "bad"), "--surnames", "zipf"])
    assert exc.value.code == 2 and "surnames must be one of" in capsys.readouterr().err
