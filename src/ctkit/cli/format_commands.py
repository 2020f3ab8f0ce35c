"""Exchange-format commands: ``import`` and ``export`` (CTDC, HTCDS). Thin: parse, call ``ctkit.share.formats``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ctkit.cli.options import DEFAULT_DATA_DIR, DataDir
from ctkit.settings import load_settings

FORMAT_NAMES = "ctdc|ctdc-2021|ctdc-synthetic|htcds-csv|htcds-json"
FormatOption = typer.Option(..., "--format", "-f", help=f"File format: {FORMAT_NAMES}.")


@contextmanager
def _bar(description: str, total: int | None, by_bytes: bool) -> Iterator:
    """A Rich progress bar on standard error; yields a callback (rows, bytes) -> None."""
    count = DownloadColumn() if by_bytes else MofNCompleteColumn()
    with Progress(TextColumn("{task.description}"), BarColumn(), count, TextColumn("{task.fields[rows]} rows"),
                  TimeElapsedColumn(), console=Console(stderr=True)) as progress:
        task = progress.add_task(description, total=total, rows=0)

        def update(rows: int, done_bytes: int) -> None:
            progress.update(task, completed=done_bytes if by_bytes else rows, rows=rows)

        yield update


def import_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="The file to import."),
    fmt: str = FormatOption,
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate every row and report; write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object."),
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Import cases from a CTDC or HTCDS file: all rows or none.

    Every row is validated; the first bad one stops the import with the file, line, column and allowed values,
    and the store is left exactly as it was. CTDC files: ``--format ctdc`` reads both the comma/-99 releases and
    the semicolon 2021 release. With --dry-run nothing is written (no store is needed).

    Example: ctkit import ctdc_global.csv --format ctdc --dry-run && ctkit import ctdc_global.csv --format ctdc
    """
    from ctkit.share.formats import import_file

    by_bytes = fmt.startswith("ctdc")
    with _bar(f"{'checking' if dry_run else 'importing'} {file.name}", file.stat().st_size if by_bytes else None,
              by_bytes) as progress:
        if dry_run:
            report = import_file(file, fmt, None, dry_run=True, progress=progress)
        else:
            from ctkit.store import open_store

            with open_store(load_settings(data_dir)) as store:
                report = import_file(file, fmt, store, progress=progress)
    typer.echo(json.dumps(report.as_dict()) if as_json else "\n".join(report.lines()))


def export_command(
    fmt: str = FormatOption,
    output: Path = typer.Option(..., "--output", "-o", dir_okay=False, help="The file to write."),
    data_dir: DataDir = DEFAULT_DATA_DIR,
    internal: bool = typer.Option(
        False, "--internal", help="CTDC layouts: skip k-anonymity, for a file that stays inside the organisation."
    ),
) -> None:
    """Export every case of the store as a CTDC or HTCDS file (never any personal data).

    CTDC files are published data: they pass k-anonymity (k from the k_anonymity setting) unless --internal.
    HTCDS files are case-level exchange with a partner under the persons' consent; the report names the gate.

    Example: ctkit export --format ctdc --output ctdc_public.csv

    Example: ctkit export --format htcds-json --output cases.json
    """
    from ctkit.share.formats import UNREVIEWED, export_file
    from ctkit.store import open_store

    settings = load_settings(data_dir)
    gate = UNREVIEWED
    if fmt.startswith("ctdc") and not internal:
        from ctkit.share.disclosure import DisclosurePolicy, KAnonymityGate

        gate = KAnonymityGate(DisclosurePolicy(k=settings.k_anonymity))
    with open_store(settings) as store, _bar(f"exporting {output.name}", None, False) as progress:
        report = export_file(fmt, store, output, gate=gate, progress=progress)
    typer.echo("\n".join(report.lines()))


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("export")(export_command)
