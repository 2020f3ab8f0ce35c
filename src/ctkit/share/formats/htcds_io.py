"""HTCDS files: the flat CSV (one case per row) and JSON (an array of case records), read and written streaming.

Import is all-or-nothing: records are validated into cases one by one and written by the case repository in one
transaction, so the first bad record aborts the import and leaves the store exactly as before.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ctkit.errors import ImportFormatError
from ctkit.model import Case
from ctkit.share.formats.gate import UNREVIEWED
from ctkit.share.formats.htcds_map import Record, case_to_record, columns, htcds_spec, record_to_case
from ctkit.share.formats.report import ExportReport, ImportReport, Progress, no_progress

JSON_READ_BLOCK = 1 << 16


def check_utf8(path: Path) -> None:
    """Raise ImportFormatError naming the first line that is not UTF-8 (one pass, line by line)."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                raise ImportFormatError(f"{path.name}: line {number}: the file is not valid UTF-8",
                                        hint="save the file as UTF-8") from None


def _check_header(path: Path, header: list[str]) -> None:
    spec = htcds_spec()
    known = {*spec["standard"], *spec["extension"], *spec["other_fields"], *spec["personal_fields"]}
    for index, name in enumerate(header, start=1):
        if name not in known:
            raise ImportFormatError(
                f"{path.name}: line 1, column {index}: unknown column '{name}'",
                hint="columns must be HTCDS v2.0 field ids (e.g. prs_Gender) or ctkit extensions (ctk_...)",
            )


def read_csv_records(path: Path) -> Iterator[tuple[Record, str]]:
    """Yield (record, "file: line N") for each row of an HTCDS flat CSV file."""
    check_utf8(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise ImportFormatError(f"{path.name}: line 1: the file is empty (expected a header row)")
        _check_header(path, header)
        for row in reader:
            if len(row) != len(header):
                raise ImportFormatError(f"{path.name}: line {reader.line_num}: {len(row)} fields, expected "
                                        f"{len(header)}; the line is truncated or has a stray separator")
            yield dict(zip(header, row, strict=True)), f"{path.name}: line {reader.line_num}"


def read_json_records(path: Path) -> Iterator[tuple[Record, str]]:
    """Yield (record, "file: line N") for each object of a JSON array, decoding it incrementally."""
    check_utf8(path)
    decoder = json.JSONDecoder()
    with path.open(encoding="utf-8-sig") as handle:
        buffer, line, started = "", 1, False
        while True:
            chunk = handle.read(JSON_READ_BLOCK)
            buffer += chunk
            while True:
                stripped = buffer.lstrip(" \t\r\n,")
                line += buffer[: len(buffer) - len(stripped)].count("\n")
                buffer = stripped
                if not started and buffer[:1] == "[":
                    buffer, started = buffer[1:], True
                    continue
                if not buffer or buffer[0] == "]":
                    break
                if not started:
                    raise ImportFormatError(f"{path.name}: line {line}: expected a JSON array of case records")
                try:
                    record, end = decoder.raw_decode(buffer)
                except json.JSONDecodeError as exc:
                    if chunk:
                        break  # the object continues in the next block
                    raise ImportFormatError(f"{path.name}: line {line + exc.lineno - 1}: invalid JSON "
                                            f"({exc.msg}); the file may be truncated") from None
                if not isinstance(record, dict):
                    raise ImportFormatError(f"{path.name}: line {line}: expected a JSON object (one case)")
                yield record, f"{path.name}: line {line}"
                line += buffer[:end].count("\n")
                buffer = buffer[end:]
            if not chunk:
                if not started or buffer[:1] != "]":
                    raise ImportFormatError(f"{path.name}: line {line}: the JSON array is not closed; "
                                            "the file is truncated")
                return


def read_cases(path: Path, fmt: str) -> Iterator[Case]:
    """Cases of an HTCDS file (``htcds-csv`` or ``htcds-json``), validated one by one."""
    records = read_csv_records(path) if fmt == "htcds-csv" else read_json_records(path)
    for record, where in records:
        yield record_to_case(record, where)


def import_htcds(path: Path, fmt: str, repository, *, dry_run: bool = False,
                 progress: Progress = no_progress) -> ImportReport:
    """Import an HTCDS file through ``repository`` (a :class:`ctkit.store.CaseRepository`) in one transaction.

    With ``dry_run`` every record is validated and nothing is written (``repository`` may be None).
    Raises ImportFormatError (file, line, column, allowed values) and leaves the store unchanged on any bad record.
    """
    report = ImportReport(file=path.name, format=fmt, written=not dry_run)
    started = time.perf_counter()

    def counted() -> Iterator[Case]:
        for case in read_cases(path, fmt):
            report.rows += 1
            progress(report.rows, 0)
            yield case

    if dry_run or repository is None:
        for _ in counted():
            pass
    else:
        repository.add_many(counted())
    report.add("cases", report.rows)
    report.seconds = time.perf_counter() - started
    return report


def write_records(records: Iterator[Record], fmt: str, handle: TextIO) -> Iterator[int]:
    """Write HTCDS records to ``handle`` as CSV or JSON; yields the running count after each record."""
    spec = htcds_spec()
    lists, nested = set(spec["list_columns"]), set(spec["json_columns"])
    count = 0
    if fmt == "htcds-csv":
        writer = csv.writer(handle, lineterminator="\n")
        names = columns()
        writer.writerow(names)
        for record in records:
            writer.writerow([";".join(record[n]) if n in lists else json.dumps(record[n], ensure_ascii=False)
                             if n in nested else record[n] for n in names])
            count += 1
            yield count
        return
    handle.write("[")
    for record in records:
        handle.write(("," if count else "") + "\n" + json.dumps(record, ensure_ascii=False))
        count += 1
        yield count
    handle.write("\n]\n")


def export_htcds(repository, fmt: str, out: Path, *, gate=None, progress: Progress = no_progress) -> ExportReport:
    """Write every case of ``repository`` to ``out`` as HTCDS (no personal data); returns an ExportReport.

    Records pass one by one through ``gate``, the disclosure seam of :mod:`ctkit.share.formats.gate`.
    """
    gate = gate or UNREVIEWED
    report = ExportReport(file=out.name, format=fmt, gate=gate.name)
    started = time.perf_counter()
    with out.open("w", encoding="utf-8", newline="") as handle:
        records = gate.review(fmt, (case_to_record(case) for case in repository.iter_cases()))
        for count in write_records(records, fmt, handle):
            report.rows = count
            progress(count, 0)
    report.seconds = time.perf_counter() - started
    return report
