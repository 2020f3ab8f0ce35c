"""From the store to the estimate through linkage: `link run --from-store --to-store`, `link queue`, and
`estimate --from-store` counting each linked person once."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ctkit.cli import app
from ctkit.model import Case, IdentityDocument, Person, PersonalData, TraffickingEvent
from ctkit.settings import load_settings
from ctkit.share.link import GeneratorConfig, iter_records, parse_date
from ctkit.share.link.review_store import list_pairs
from ctkit.store import open_store

AGENCY = {"police": "police", "ngo": "ngo", "foreign": "border_guard"}


def _ok(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def _case(row) -> Case:
    value = {k: (None if pd.isna(v) else v) for k, v in row.items()}
    birth = parse_date(value["birth_date"])
    documents = [IdentityDocument(kind="passport", number=value["document_number"],
                                  issuing_country=value["document_country"])] if value["document_number"] else []
    person = Person(sex=value["sex"] or "unknown", citizenship=[value["nationality"]] if value["nationality"] else [],
                    personal=PersonalData(first_name=value["first_name"], last_name=value["last_name"],
                                          middle_name=value["middle_name"], birth_date=birth, documents=documents))
    events = [TraffickingEvent(type="recruitment", place=value["place_of_origin"])] if value["place_of_origin"] else []
    return Case(registered_on=date(2025, 1, 1), person=person, events=events, recorded_by=[AGENCY[value["list"]]])


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """A store holding a synthetic population's records: one case (and one person) per agency record."""
    data_dir = tmp_path_factory.mktemp("store")
    _ok("init", "--data-dir", str(data_dir))
    registers = pd.concat(iter_records(GeneratorConfig(n_records=900, seed=8)), ignore_index=True)
    with open_store(load_settings(data_dir, environ={})) as store:
        store.cases.add_many(_case(row) for row in registers.drop(columns=["person_id", "record_id"])
                             .to_dict("records"))
    return data_dir


def test_store_cases_are_linked_queued_and_estimated_as_persons(tmp_path, data_dir):
    # Unlinked, every person is on one list only: no overlap, so no estimate can exist.
    before = CliRunner().invoke(app, ["estimate", "--from-store", "--data-dir", str(data_dir), "--method", "main"])
    assert before.exit_code != 0 and "does not exist" in str(before.exception)
    out = tmp_path / "linked"
    run = _ok("link", "run", "--from-store", "--to-store", "--data-dir", str(data_dir), "--out", str(out))
    assert "review queue:" in run.output
    clusters = pd.read_csv(out / "clusters.csv")
    assert not {"first_name", "last_name"} & set(clusters.columns)
    after = json.loads(_ok("estimate", "--from-store", "--data-dir", str(data_dir), "--method", "main",
                           "--json").stdout)
    assert after["n_observed"] == clusters["person_id"].nunique() < len(clusters)
    assert after["lists"] == ["border_guard", "ngo", "police"]
    with open_store(load_settings(data_dir, environ={})) as store, store.engine.connect() as conn:
        pending = list_pairs(conn)[1]
    again = _ok("link", "queue", str(out), "--data-dir", str(data_dir))
    assert f"review queue: {pending} pairs to review" in again.output


def test_the_store_register_carries_patronymics_and_documents(data_dir):
    from ctkit.share.link.from_store import store_register

    with open_store(load_settings(data_dir, environ={})) as store:
        frame = store_register(store)
    assert 0.2 < frame["middle_name"].notna().mean() < 0.9
    with_document = frame.dropna(subset=["document_number"])
    assert 0.2 < len(with_document) / len(frame) < 0.7
    # Every document of a case in one column, ";"-separated, countries aligned (empty where unknown).
    from ctkit.share.link.from_store import _row

    two = [IdentityDocument(kind="internal_passport", number="4510 123456", issuing_country="RUS"),
           IdentityDocument(kind="passport", number="75 1234567")]
    row = _row(Case(registered_on=date(2025, 1, 1), person=Person(personal=PersonalData(documents=two))))
    assert (row["document_number"], row["document_country"]) == ("4510 123456;75 1234567", "RUS;")


def test_queue_refuses_a_run_over_records_that_are_not_cases(tmp_path, data_dir):
    out = tmp_path / "files"
    generated = tmp_path / "registers"
    _ok("link", "generate", "--out", str(generated), "--records", "300", "--seed", "2")
    _ok("link", "run", *[str(generated / f"{n}.parquet") for n in ("police", "ngo", "foreign")], "--out", str(out))
    result = CliRunner().invoke(app, ["link", "queue", str(out), "--data-dir", str(data_dir)])
    assert result.exit_code != 0
    assert "no case with this id in the store" in str(result.exception) + result.output
