"""Export the store as a CTDC file (global 63-column layouts or synthetic v2), streaming chunk by chunk."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

from ctkit.share.formats.ctdc_write import global_columns, synthetic_columns
from ctkit.share.formats.gate import UNREVIEWED, Columns, ExportGate
from ctkit.share.formats.layouts import Layout
from ctkit.share.formats.layouts import layout as get_layout
from ctkit.share.formats.report import ExportReport, Progress, no_progress
from ctkit.share.formats.store_scan import scan


def export_ctdc(
    engine: Engine,
    layout_name: str,
    out: Path,
    *,
    gate: ExportGate = UNREVIEWED,
    progress: Progress = no_progress,
    chunk: int = 20_000,
) -> ExportReport:
    """Write every case of the store to ``out`` in ``layout_name``; returns an :class:`ExportReport`.

    Rows pass through ``gate`` (disclosure control) before they are written. Memory stays flat: the store is
    read ``chunk`` cases at a time. Personal data is never read (only the non-personal columns are selected).

    >>> export_ctdc(engine, "ctdc", Path("out.csv")).rows  # doctest: +SKIP
    1000
    """
    layout = get_layout(layout_name)
    build = synthetic_columns if layout_name == "ctdc-synthetic" else global_columns
    report = ExportReport(file=out.name, format=layout_name, gate=gate.name)
    started = time.perf_counter()
    with engine.connect() as conn, out.open("w", encoding="utf-8", newline="") as handle:
        handle.write(layout.sep.join(layout.columns) + "\n")
        chunks = (build(chunk_, layout) for chunk_ in scan(conn, chunk))
        for columns in gate.review(layout_name, chunks):
            handle.write(_lines(columns, layout))
            report.rows += len(columns[layout.columns[0]])
            progress(report.rows, handle.tell())
    report.seconds = time.perf_counter() - started
    return report


def _lines(columns: Columns, layout: Layout) -> str:
    cells = [_quoted(columns[name], layout.sep) for name in layout.columns]
    if not cells[0]:
        return ""
    return "\n".join(map(layout.sep.join, zip(*cells, strict=True))) + "\n"


def _quoted(values: np.ndarray, sep: str) -> list[str]:
    """Values as CSV cells: quoted only where they contain the separator, a quote or a line break."""
    cells = values.tolist()
    joined = "\x00".join(cells)  # one C-level scan decides whether any cell needs quoting
    if sep in joined or '"' in joined or "\n" in joined:
        special = (sep, '"', "\n")
        return [f'"{v.replace(chr(34), chr(34) * 2)}"' if any(c in v for c in special) else v for v in cells]
    return cells
