"""Stream a delimited file in column batches, checking encoding, header and row shape as it goes.

Memory stays flat in the file size: the file is read in blocks and parsed into Arrow record batches of at most
``block_size`` bytes. Every problem becomes an :class:`~ctkit.errors.ImportFormatError` that names the file, the
physical line and the column, and never quotes the offending value (it may be personal data).

Line numbers assume one record per physical line (true of CTDC files); a quoted value with a line break inside is
reported as a row with the wrong number of fields.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.csv as pacsv

from ctkit.errors import ImportFormatError

DEFAULT_BLOCK_SIZE = 2 << 20  # bytes per parsed block: ~6,500 CTDC rows (bigger blocks: more memory, little speed)


@dataclass(frozen=True)
class Batch:
    """A block of rows: ``first_line`` is the physical line number of ``table``'s first row (header = line 1)."""

    first_line: int
    table: pa.Table
    bytes_read: int = 0  # bytes of the file read so far (for progress; the parser reads one block ahead)

    @property
    def num_rows(self) -> int:
        return self.table.num_rows


class _Utf8CheckedFile:
    """A read-only binary file that fails with file/line/column on the first byte that is not UTF-8."""

    def __init__(self, raw: BinaryIO, path: Path, sep: str, columns: tuple[str, ...]) -> None:
        self._raw, self._path, self._sep, self._columns = raw, path, sep.encode(), columns
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._lines_before = 0  # newlines in the bytes already returned
        self._tail = b""  # bytes after the last newline already returned (start of the current line)
        self.bytes_read = 0
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.bytes_read += len(data)
        try:
            self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            self._fail(data, exc.start)
        newlines = data.count(b"\n")
        if newlines:
            self._lines_before += newlines
            self._tail = data[data.rfind(b"\n") + 1 :]
        else:
            self._tail += data
        return data

    def _fail(self, data: bytes, offset: int) -> None:
        # The decoder may hold back up to 3 bytes of an incomplete sequence from the previous block.
        offset = max(offset, 0)
        before = data[:offset]
        line = self._lines_before + before.count(b"\n") + 1
        prefix = before[before.rfind(b"\n") + 1 :] if b"\n" in before else self._tail + before
        index = prefix.count(self._sep)
        column = self._columns[index] if index < len(self._columns) else f"field {index + 1}"
        raise ImportFormatError(
            f"{self._path.name}: line {line}, column '{column}': the file is not valid UTF-8",
            hint="save the file as UTF-8 (e.g. iconv -f cp1251 -t utf-8)",
        )

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True


def read_header(path: Path, sep: str) -> list[str]:
    """The column names of ``path``'s first line (BOM and surrounding quotes removed).

    Raises ImportFormatError when the file is empty or its first line is not UTF-8.
    """
    with path.open("rb") as raw:
        first = raw.readline()
    if not first.strip():
        raise ImportFormatError(f"{path.name}: line 1: the file is empty (expected a header row)")
    try:
        text = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        raise ImportFormatError(f"{path.name}: line 1: the header is not valid UTF-8") from None
    return [name.strip().strip('"') for name in text.split(sep)]


def check_header(path: Path, found: list[str], expected: tuple[str, ...]) -> None:
    """Raise ImportFormatError naming the first column that differs from the layout, and the expected one."""
    for index, name in enumerate(expected):
        got = found[index] if index < len(found) else None
        if got != name:
            where = f"{path.name}: line 1, column {index + 1}"
            if got is None:
                raise ImportFormatError(f"{where}: missing column '{name}' (the header has {len(found)} columns)")
            raise ImportFormatError(f"{where}: expected column '{name}', found '{got}'")
    if len(found) > len(expected):
        raise ImportFormatError(
            f"{path.name}: line 1, column {len(expected) + 1}: unexpected extra column '{found[len(expected)]}' "
            f"(the layout has {len(expected)} columns)"
        )


def stream_batches(
    path: Path, columns: tuple[str, ...], sep: str, *, block_size: int = DEFAULT_BLOCK_SIZE
) -> Iterator[Batch]:
    """Yield :class:`Batch` es of ``path`` with every column as text, after checking the header.

    Raises ImportFormatError for a wrong header, a row with the wrong number of fields (e.g. a truncated last
    line), an unterminated quote or bytes that are not UTF-8, naming file, line and column.
    """
    check_header(path, read_header(path, sep), columns)
    bad: dict[str, int] = {}

    def on_invalid(row) -> str:
        bad.update(line=row.number, expected=row.expected_columns, actual=row.actual_columns)
        return "error"

    read_options = pacsv.ReadOptions(use_threads=False, block_size=block_size)
    parse_options = pacsv.ParseOptions(
        delimiter=sep, invalid_row_handler=on_invalid, ignore_empty_lines=False, newlines_in_values=False
    )
    convert_options = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in columns},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        null_values=[],
    )
    with path.open("rb") as raw:
        checked = _Utf8CheckedFile(raw, path, sep, columns)
        line = 2
        try:
            reader = pacsv.open_csv(
                pa.PythonFile(checked, mode="r"),
                read_options=read_options,
                parse_options=parse_options,
                convert_options=convert_options,
            )
            for record_batch in reader:
                table = pa.Table.from_batches([record_batch])
                yield Batch(first_line=line, table=table, bytes_read=checked.bytes_read)
                line += table.num_rows
        except pa.ArrowInvalid as exc:
            raise _parse_error(path, exc, bad, columns) from None


def _parse_error(path: Path, exc: Exception, bad: dict[str, int], columns: tuple[str, ...]) -> ImportFormatError:
    if bad:
        line, actual = bad["line"], bad["actual"]
        missing = columns[actual] if actual < len(columns) else None
        detail = f"first missing column '{missing}'" if missing else "extra fields at the end"
        return ImportFormatError(
            f"{path.name}: line {line}: {actual} fields, expected {bad['expected']} ({detail}); "
            "the line is truncated or has a stray separator",
        )
    # Arrow's own message quotes the row text, which may hold personal data: report only its kind.
    text = str(exc)
    kind = "unterminated quoted value" if "quote" in text.lower() else "malformed CSV"
    return ImportFormatError(f"{path.name}: {kind} ({text.split(':')[0]})")
