"""Capture-history input: tables, DataFrames, per-person records, and the errors bad input gets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ctkit.errors import EstimationError, ValidationError
from ctkit.estimate import estimate, from_frame, from_records, from_stratified_records, read_table
from ctkit.estimate.history import remove_degenerate_lists, validate_for_estimation

from .conftest import DATA


def frame(rows: list[tuple[int, ...]], columns=("A", "B", "C", "count")) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


def test_table_and_per_person_rows_give_the_same_history(tmp_path) -> None:
    table = frame([(1, 0, 0, 3), (0, 1, 0, 2), (1, 1, 0, 1), (0, 0, 1, 4)])
    people = table.loc[table.index.repeat(table["count"])].drop(columns="count")
    assert np.array_equal(from_frame(table).counts, from_frame(people).counts)
    table.to_parquet(tmp_path / "t.parquet")
    assert np.array_equal(read_table(tmp_path / "t.parquet").counts, from_frame(table).counts)
    assert from_frame(table).data_hash() == from_frame(people).data_hash()


def test_records_of_agency_sets_build_the_history_for_the_store() -> None:
    history = from_records([{"police"}, {"ngo", "police"}, {"ngo"}, {"health", "police"}])
    assert history.lists == ("health", "ngo", "police")
    assert history.n_observed == 4
    assert history.overlap(0b110) == 1  # ngo and police
    by_sex = from_stratified_records([({"police"}, "f"), ({"ngo", "police"}, "m"), ({"ngo"}, "f")])
    assert set(by_sex) == {"f", "m"} and by_sex["f"].lists == by_sex["m"].lists


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(1, 0, 0, -1)], "non-negative integer"),
        ([(1, 0, 0, 1.5)], "non-negative integer"),
        ([(0, 0, 0, 2), (1, 0, 0, 3)], "all-zero pattern"),
        ([(2, 0, 0, 2)], "must be 0 or 1"),
    ],
)
def test_bad_tables_are_refused_with_the_row_named(rows, message) -> None:
    with pytest.raises(ValidationError, match=message):
        from_frame(frame(rows))


def test_fewer_than_two_lists_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 2 lists"):
        from_frame(pd.DataFrame({"A": [1], "count": [5]}))
    with pytest.raises(ValidationError, match="at least 2 lists"):
        from_records([{"police"}])


def test_a_record_with_no_agency_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValidationError, match="record 2") as info:
        from_records([{"police"}, set(), {"ngo"}])
    assert "police" not in str(info.value)


def test_lists_that_catch_nobody_or_everybody_are_reported() -> None:
    nobody = from_frame(frame([(1, 0, 0, 3), (0, 1, 0, 2), (1, 1, 0, 1)]))
    with pytest.raises(EstimationError, match="list 'C' catches nobody"):
        validate_for_estimation(nobody)
    everybody = from_frame(frame([(1, 1, 0, 3), (1, 0, 1, 2), (1, 1, 1, 1)]))
    with pytest.raises(EstimationError, match="list 'A' catches everybody"):
        validate_for_estimation(everybody)
    reduced, report = remove_degenerate_lists(nobody)
    assert reduced.lists == ("A", "B") and "catches nobody" in report.messages()[0]
    result = estimate(nobody, method="main")
    assert any("list 'C' removed" in w for w in result.warnings)


def test_a_list_duplicating_another_is_removed() -> None:
    duplicated = from_frame(frame([(1, 1, 0, 3), (0, 0, 1, 2), (1, 1, 1, 4)]))
    reduced, report = remove_degenerate_lists(duplicated)
    assert reduced.lists == ("A", "C")
    assert "same people as list 'A'" in report.messages()[0]


def test_too_few_informative_lists_cannot_be_estimated() -> None:
    with pytest.raises(EstimationError, match="informative"):
        remove_degenerate_lists(from_frame(frame([(1, 0, 0, 3), (1, 0, 0, 2)])))


def test_reference_file_reads() -> None:
    history = read_table(DATA / "uk6.csv")
    assert history.n_lists == 6 and history.n_observed == 2744
    with pytest.raises(ValidationError, match="no such file"):
        read_table(DATA / "missing.csv")
