"""The format registry: one entry per exchange format, used by the command line and by add-ons alike.

A deployment can register another format by adding a :class:`Format` to :data:`FORMATS` (same shape as the
built-ins): an importer ``(path, store, dry_run, progress) -> ImportReport`` and an exporter
``(store, out, gate, progress) -> ExportReport``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ctkit.errors import ValidationError
from ctkit.share.formats.csvstream import read_header
from ctkit.share.formats.ctdc_export import export_ctdc
from ctkit.share.formats.ctdc_import import import_ctdc
from ctkit.share.formats.gate import UNREVIEWED, ExportGate
from ctkit.share.formats.htcds_io import export_htcds, import_htcds
from ctkit.share.formats.report import ExportReport, ImportReport, Progress, no_progress


@dataclass(frozen=True)
class Format:
    """An exchange format: its name on the command line, a one-line description, and its two directions."""

    name: str
    description: str
    importer: Callable[..., ImportReport]
    exporter: Callable[..., ExportReport]


def detect_layout(path: Path) -> str:
    """``ctdc`` (comma, -99) or ``ctdc-2021`` (semicolon), from the separator of the header line."""
    header = read_header(path, ",")
    return "ctdc-2021" if len(header) == 1 and ";" in header[0] else "ctdc"


def _ctdc_importer(layout: str | None):
    def run(path: Path, store: Any, *, dry_run: bool = False, progress: Progress = no_progress) -> ImportReport:
        engine = None if store is None else store.engine
        return import_ctdc(path, layout or detect_layout(path), engine, dry_run=dry_run, progress=progress)

    return run


def _ctdc_exporter(layout: str):
    def run(store: Any, out: Path, *, gate: ExportGate = UNREVIEWED, progress: Progress = no_progress):
        return export_ctdc(store.engine, layout, out, gate=gate, progress=progress)

    return run


def _htcds_importer(fmt: str):
    def run(path: Path, store: Any, *, dry_run: bool = False, progress: Progress = no_progress) -> ImportReport:
        return import_htcds(path, fmt, None if store is None else store.cases, dry_run=dry_run, progress=progress)

    return run


def _htcds_exporter(fmt: str):
    def run(store: Any, out: Path, *, gate: ExportGate = UNREVIEWED, progress: Progress = no_progress):
        return export_htcds(store.cases, fmt, out, gate=gate, progress=progress)

    return run


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("ctdc", "CTDC global dataset, 63 columns (comma/-99 2018-2020; semicolon 2021 detected on import)",
               _ctdc_importer(None), _ctdc_exporter("ctdc")),
        Format("ctdc-2021", "CTDC global dataset, 63 columns, semicolon-separated (2021 release)",
               _ctdc_importer("ctdc-2021"), _ctdc_exporter("ctdc-2021")),
        Format("ctdc-synthetic", "CTDC global synthetic dataset v2, 27 columns",
               _ctdc_importer("ctdc-synthetic"), _ctdc_exporter("ctdc-synthetic")),
        Format("htcds-csv", "HTCDS v2.0 flat CSV, one case per row (plus ctk_ extension columns)",
               _htcds_importer("htcds-csv"), _htcds_exporter("htcds-csv")),
        Format("htcds-json", "HTCDS v2.0 JSON, an array of case records (plus ctk_ extension fields)",
               _htcds_importer("htcds-json"), _htcds_exporter("htcds-json")),
    )
}


def _format(name: str) -> Format:
    if name not in FORMATS:
        raise ValidationError(f"unknown format '{name}'; allowed: {', '.join(FORMATS)}")
    return FORMATS[name]


def import_file(path: Path, fmt: str, store: Any, *, dry_run: bool = False,
                progress: Progress = no_progress) -> ImportReport:
    """Import ``path`` in format ``fmt`` into ``store`` (a :class:`ctkit.store.Store`; None for a dry run).

    All-or-nothing: raises ImportFormatError naming file, line, column and allowed values, store unchanged.
    """
    if not path.is_file():
        raise ValidationError(f"no such file: {path}")
    return _format(fmt).importer(path, store, dry_run=dry_run, progress=progress)


def export_file(fmt: str, store: Any, out: Path, *, gate: ExportGate = UNREVIEWED,
                progress: Progress = no_progress) -> ExportReport:
    """Export every case of ``store`` to ``out`` in format ``fmt``, through the disclosure ``gate``."""
    return _format(fmt).exporter(store, out, gate=gate, progress=progress)
