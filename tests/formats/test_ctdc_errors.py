"""Bad CTDC files: each gives a precise error (file, line, column, allowed values) and leaves the store unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctkit.errors import ImportFormatError
from ctkit.share.formats import import_file, write_sample
from ctkit.share.formats.ctdc_import import import_ctdc

from .conftest import snapshot

ROWS = 2000


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_sample(tmp_path / "good.csv", "ctdc", ROWS, seed=11)


@pytest.fixture
def filled(store, tmp_path: Path):
    """A store that already holds cases, so 'unchanged' is more than 'still empty'."""
    import_file(write_sample(tmp_path / "earlier.csv", "ctdc", 300, seed=12), "ctdc", store)
    return store


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def rewrite(path: Path, lines: list[str], name: str) -> Path:
    out = path.with_name(name)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def set_cell(line: str, index: int, value: str) -> str:
    cells = line.split(",")
    cells[index] = value
    return ",".join(cells)


def expect_rejected(store, path: Path, match: str, **kwargs) -> ImportFormatError:
    before = snapshot(store.engine)
    with pytest.raises(ImportFormatError, match=match) as caught:
        import_ctdc(path, "ctdc", store.engine, **kwargs)
    assert snapshot(store.engine) == before
    return caught.value


def test_wrong_column(filled, good: Path):
    lines = lines_of(good)
    lines[0] = lines[0].replace("ageBroad", "age_broad")
    error = expect_rejected(filled, rewrite(good, lines, "wrong_column.csv"), "wrong_column.csv: line 1, column 4")
    assert "expected column 'ageBroad', found 'age_broad'" in str(error)


def test_missing_column(filled, good: Path):
    lines = [",".join(line.split(",")[:-1]) for line in lines_of(good)]
    expect_rejected(filled, rewrite(good, lines, "short.csv"), "missing column 'recruiterRelationUnknown'")


def test_bad_code_far_into_the_file_rolls_back_earlier_chunks(filled, good: Path):
    lines = lines_of(good)
    lines[1800] = set_cell(lines[1800], 2, "Femme")  # line 1801, column 'gender'
    path = rewrite(good, lines, "bad_code.csv")
    # Small blocks: several chunks are written before the bad one is reached.
    error = expect_rejected(filled, path, r"bad_code.csv: line 1801, column 'gender'", block_size=32 << 10)
    assert "allowed: Female, Male, Transgender, -99" in str(error)
    assert "Femme" not in str(error)  # values are never echoed (they may be personal data)


def test_bad_country_and_flag(filled, good: Path):
    lines = lines_of(good)
    lines[5] = set_cell(lines[5], 7, "ZZ")
    expect_rejected(filled, rewrite(good, lines, "country.csv"), r"line 6, column 'citizenship'.*ISO 3166-1 alpha-2")
    lines = lines_of(good)
    lines[9] = set_cell(lines[9], 8, "yes")
    expect_rejected(filled, rewrite(good, lines, "flag.csv"),
                    r"line 10, column 'meansOfControlDebtBondage'.*allowed: 1, 0, -99")


def test_truncated_line(filled, good: Path):
    lines = lines_of(good)
    lines[-1] = lines[-1][: len(lines[-1]) // 2]  # the file was cut in the middle of its last line
    path = rewrite(good, lines, "truncated.csv")
    expect_rejected(filled, path, rf"truncated.csv: line {ROWS + 1}: \d+ fields, expected 63 \(first missing column")


def test_wrong_encoding(filled, good: Path):
    lines = lines_of(good)
    lines[1500] = set_cell(lines[1500], 1, "Горячая линия")
    path = good.with_name("cp1251.csv")
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1251"))
    expect_rejected(filled, path, r"cp1251.csv: line 1501, column 'Datasource': the file is not valid UTF-8",
                    block_size=32 << 10)


def test_empty_file_and_missing_year(filled, good: Path, tmp_path: Path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    expect_rejected(filled, empty, "empty.csv: line 1: the file is empty")
    lines = lines_of(good)
    lines[2] = set_cell(lines[2], 0, "-99")
    expect_rejected(filled, rewrite(good, lines, "year.csv"), r"line 3, column 'yearOfRegistration'.*a year from")
