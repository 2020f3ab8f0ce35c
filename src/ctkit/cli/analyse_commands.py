"""Analysis commands: ``snapshot``, ``analyse <analysis>`` and ``report``.

Thin: parse options, open the snapshot (or a CTDC file), call the library, print. Tables go to standard output
(a Rich table, or CSV with ``--format csv``); messages go to standard error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ctkit.cli.options import DEFAULT_DATA_DIR, DataDir
from ctkit.errors import ValidationError

analyse_app = typer.Typer(
    help="Run one analysis on the snapshot (or a CTDC file) and print a tidy table.\n\n"
         "Example: ctkit analyse profiles --by year --format csv",
    no_args_is_help=True,
)

Ctdc = Annotated[Path | None, typer.Option("--ctdc", help="Analyse this CTDC file instead of the snapshot.")]
SnapshotDir = Annotated[Path | None, typer.Option("--snapshot", help="Snapshot directory (default DATA_DIR/snapshot).")]
Format = Annotated[str, typer.Option("--format", help="table (Rich), csv (standard output) or parquet (--output).")]
Output = Annotated[Path | None, typer.Option("--output", "-o", help="Write the table to this file.")]
Years = Annotated[str | None, typer.Option("--years", help="Registration years, e.g. 2019-2023 or 2021.")]
Many = Annotated[list[str] | None, typer.Option(help="Filter: a code (sex, CTDC age band, form, country, ISO "
                                                       "3166-2 region); repeat for several.")]
By = Annotated[str | None, typer.Option("--by", help="Break down by year, quarter, sex, age_band, citizenship, form.")]
Public = Annotated[bool, typer.Option("--public", help="Apply disclosure control (tables leaving the organisation).")]
K = Annotated[int | None, typer.Option("--k", help="Smallest published cell (default: the k_anonymity setting, 10).")]


def _open(data_dir: Path, ctdc: Path | None, snapshot: Path | None):
    from ctkit.analyse import Snapshot
    from ctkit.analyse.ctdc import ctdc_snapshot

    if ctdc is not None:
        return ctdc_snapshot(ctdc)
    return Snapshot.open(snapshot or data_dir / "snapshot")


def _filters(years, sex, age_band, form, citizenship, region):
    from ctkit.analyse import Filters

    span = None
    if years:
        try:
            parts = [int(p) for p in years.split("-", 1)]
        except ValueError:
            raise ValidationError(f"--years: '{years}' is not a year or a range like 2019-2023") from None
        span = (parts[0], parts[-1])
    return Filters(years=span, sex=tuple(sex or ()), age_band=tuple(age_band or ()), form=tuple(form or ()),
                   citizenship=tuple(citizenship or ()), region=tuple(region or ())).validated()


def _policy(data_dir: Path, k: int | None):
    from ctkit.settings import load_settings
    from ctkit.share.disclosure import DisclosurePolicy

    return DisclosurePolicy(k=k if k is not None else load_settings(data_dir).k_anonymity)


def _emit(table, fmt: str, output: Path | None, title: str) -> None:
    if fmt not in ("table", "csv", "parquet"):
        raise ValidationError(f"--format must be table, csv or parquet; got '{fmt}'")
    err = _stderr()
    if table.empty:
        err.print(f"{title}: no records for this analysis in this data (nothing to show; this is not a zero)")
        return
    if fmt == "parquet":
        if output is None:
            raise ValidationError("--format parquet writes a binary file: give --output FILE.parquet")
        table.to_parquet(output, index=False)
        err.print(f"wrote {len(table)} rows to {output}")
    elif fmt == "csv":
        if output is not None:
            table.to_csv(output, index=False)
            err.print(f"wrote {len(table)} rows to {output}")
        else:
            table.to_csv(sys.stdout, index=False)
    else:
        _print_table(table, title)


def _stderr():
    from rich.console import Console

    return Console(stderr=True)


def _print_table(table, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    rich_table = Table(title=title)
    for column in table.columns:
        rich_table.add_column(str(column), justify="right" if table[column].dtype.kind in "iuf" else "left")
    for row in table.itertuples(index=False):
        rich_table.add_row(*[_cell(v) for v in row])
    Console().print(rich_table)


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value) or str(value) in ("<NA>", "nan"):
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _run(name: str, data_dir, ctdc, snapshot, fmt, output, public, k, filters, **options) -> None:
    from ctkit.analyse import analysis, place_totals, publish

    policy = _policy(data_dir, k) if public else None
    snap = _open(data_dir, ctdc, snapshot)
    snap.require_cases()
    table = analysis(name)(snap, filters, **options)
    if policy is not None:
        places = place_totals(snap, filters, options.get("level", "country"))
        table = publish(table, policy, places)
    _emit(table, fmt, output, f"{name} ({snap.source})")


def _command(name: str, doc: str, extra: dict):
    """Build one ``ctkit analyse NAME`` command with the shared source, filter and output options."""

    def command(
        data_dir: DataDir = DEFAULT_DATA_DIR, ctdc: Ctdc = None, snapshot: SnapshotDir = None,
        fmt: Format = "table", output: Output = None, years: Years = None,
        sex: Many = None, age_band: Many = None, form: Many = None, citizenship: Many = None, region: Many = None,
        by: By = None, level: str = typer.Option("country", help="Routes: country or region (ISO 3166-2)."),
        view: str = typer.Option("corridors", help="Routes: corridors, flows or roles."),
        period: str = typer.Option("year", help="Trends: year or quarter."),
        public: Public = False, k: K = None,
    ) -> None:
        filters = _filters(years, sex, age_band, form, citizenship, region)
        chosen = {"by": by, "level": level, "view": view, "period": period}
        defaults = {"by": None, "level": "country", "view": "corridors", "period": "year"}
        for key, value in chosen.items():
            if key not in extra and value != defaults[key]:
                raise ValidationError(f"--{key} does not apply to 'analyse {name}'")
        _run(name, data_dir, ctdc, snapshot, fmt, output, public, k, filters,
             **{key: chosen[key] for key in extra})

    command.__doc__ = doc
    command.__name__ = name
    return command


ANALYSIS_COMMANDS = {
    "profiles": ("Victim profiles: sex, age band, minors, citizenship, vulnerabilities.\n\n"
                 "Example: ctkit analyse profiles --by year --sex female", ("by",)),
    "exploitation": ("Forms, sectors and means of control (shares among records where each was recorded).\n\n"
                     "Example: ctkit analyse exploitation --format csv", ("by",)),
    "routes": ("Routes: corridors, origin-transit-destination flows, or each place's roles.\n\n"
               "Example: ctkit analyse routes --level region --view roles", ("level", "view")),
    "recruitment": ("Recruitment methods and the recruiter's relation to the victim.\n\n"
                    "Example: ctkit analyse recruitment --ctdc ctdc.csv", ("by",)),
    "trends": ("Cases by year or quarter, with shares.\n\nExample: ctkit analyse trends --period quarter --by form",
               ("period", "by")),
    "funnel": ("The attrition funnel with days between stages (median and quartiles).\n\n"
               "Example: ctkit analyse funnel --years 2020-2024", ()),
}
for _name, (_doc, _extra) in ANALYSIS_COMMANDS.items():
    analyse_app.command(_name)(_command(_name, _doc, {key: None for key in _extra}))


def snapshot_command(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    output: Output = None,
) -> None:
    """Write a pseudonymised snapshot of the store (Parquet + DuckDB) for analysis.

    No names, contacts, documents, addresses, free text or exact birth dates; ids are keyed hashes whose key
    (DATA_DIR/snapshot.key) stays outside the snapshot.

    Example: ctkit snapshot --data-dir ./ctkit-data
    """
    from ctkit.analyse import PseudonymKey
    from ctkit.analyse.from_store import build_snapshot
    from ctkit.settings import load_settings
    from ctkit.store import open_store

    settings = load_settings(data_dir)
    with open_store(settings) as store:
        snap = build_snapshot(store.engine, PseudonymKey.load_or_create(settings.data_dir))
    target = snap.write(output or settings.data_dir / "snapshot")
    rows = snap.manifest["rows"]
    typer.echo(f"snapshot of {rows['cases']} cases written to {target} "
               f"({', '.join(f'{n} {t}' for t, n in rows.items() if t != 'cases')})")


def report_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")],
    data_dir: DataDir = DEFAULT_DATA_DIR, ctdc: Ctdc = None, snapshot: SnapshotDir = None,
    lang: str = typer.Option("en", "--lang", help="en or ru."),
    pdf: bool = typer.Option(False, "--pdf", help="Also print a PDF beside the HTML (needs headless Chromium)."),
    k: K = None,
    estimate: Path | None = typer.Option(
        None, "--estimate", help="An estimate JSON (ctkit estimate --json); default: DATA_DIR/estimate.json if saved."
    ),
) -> None:
    """Build the anonymised public report: one self-contained HTML file (and a PDF with --pdf).

    Every number passes disclosure control (k, default 10); the text is generated from the published numbers.
    With an estimate (`ctkit estimate --from-store --save`), the report says how many victims there may be.

    Example: ctkit report --output report.html --lang ru --pdf
    """
    from ctkit.analyse.report import write_report
    from ctkit.analyse.scale import load_estimate
    from ctkit.analyse.texts import check_lang

    check_lang(lang)
    policy = _policy(data_dir, k)
    saved = Path(data_dir) / "estimate.json"
    estimate_file = estimate or (saved if saved.is_file() and ctdc is None else None)
    result = load_estimate(estimate_file) if estimate_file is not None else None
    html = write_report(_open(data_dir, ctdc, snapshot), output, lang=lang, policy=policy, estimate=result)
    typer.echo(f"report written to {html}")
    if pdf:
        from ctkit.analyse.pdf import print_pdf

        typer.echo(f"PDF written to {print_pdf(html, html.with_suffix('.pdf'))}")


def register(app: typer.Typer) -> None:
    """Add the analysis commands to the ``ctkit`` app."""
    app.command("snapshot")(snapshot_command)
    app.add_typer(analyse_app, name="analyse")
    app.command("report")(report_command)
