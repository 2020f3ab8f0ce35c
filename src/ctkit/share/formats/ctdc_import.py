"""Import a CTDC file into the store: stream, validate every row, write all of it or nothing."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Engine

from ctkit.share.formats.csvstream import DEFAULT_BLOCK_SIZE, stream_batches
from ctkit.share.formats.ctdc_read import CaseDefaults, to_rows, validate
from ctkit.share.formats.fastload import FastLoader
from ctkit.share.formats.ids import IdSource
from ctkit.share.formats.layouts import layout as get_layout
from ctkit.share.formats.report import ImportReport, Progress, no_progress

# Columns that are checked but that the case model has no field for.
NOT_STORED = {
    "ctdc": ("majorityStatus*, majorityEntry (derived from the age)", "typeOfSex*", "isSexAndLabour (derived)",
             "*Concatenated, RecruiterRelationship (derived)"),
    "ctdc-synthetic": ("traffickMonths", "sectorOfSex*"),
}


def import_ctdc(
    path: Path,
    layout_name: str,
    engine: Engine | None,
    *,
    dry_run: bool = False,
    defaults: CaseDefaults = CaseDefaults(),
    progress: Progress = no_progress,
    block_size: int = DEFAULT_BLOCK_SIZE,
) -> ImportReport:
    """Import ``path`` laid out as ``layout_name`` (``ctdc``, ``ctdc-2021``, ``ctdc-synthetic``) into ``engine``.

    The whole file is one transaction: any bad row raises ImportFormatError (file, line, column, allowed values)
    and the store is exactly as before. With ``dry_run`` (``engine`` may be None) every row is validated and
    mapped but nothing is written. Returns the :class:`ImportReport`.

    >>> import_ctdc(Path("ctdc.csv"), "ctdc", engine).rows  # doctest: +SKIP
    48801
    """
    layout = get_layout(layout_name)
    family = "ctdc-synthetic" if layout_name == "ctdc-synthetic" else "ctdc"
    report = ImportReport(file=path.name, format=layout_name, written=not dry_run, not_stored=NOT_STORED[family])
    started = time.perf_counter()
    ids = IdSource()
    batches = stream_batches(path, layout.columns, layout.sep, block_size=block_size)

    def run(loader: FastLoader | None) -> None:
        for batch in batches:
            rowsets = to_rows(batch, validate(batch, layout, path.name), layout, ids, defaults)
            if loader is not None:
                loader.write(rowsets)
            report.rows += batch.num_rows
            for rowset in rowsets:
                report.add(rowset.table, rowset.n)
            progress(report.rows, batch.bytes_read)

    if dry_run or engine is None:
        run(None)
    else:
        with engine.begin() as conn:
            run(FastLoader(conn))
    report.seconds = time.perf_counter() - started
    return report
