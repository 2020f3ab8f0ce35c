"""``ctkit estimate``: a thin command over ``ctkit.estimate`` (Multiple Systems Estimation)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ctkit.cli.options import DEFAULT_DATA_DIR, DataDir
from ctkit.errors import ValidationError

MethodOpt = Annotated[str, typer.Option("--method", help="stepwise, bic, aic, classical, main or fixed.")]


def register(app: typer.Typer) -> None:
    """Add ``estimate`` to the ctkit command line."""
    app.command("estimate")(estimate_command)


def estimate_command(
    file: Annotated[
        Path | None, typer.Argument(help="CSV or Parquet: one 0/1 column per list and a 'count' column.")
    ] = None,
    from_store: Annotated[
        bool, typer.Option("--from-store", help="Use the store's per-person recording agencies as the lists.")
    ] = False,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    method: MethodOpt = "stepwise",
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, help="Bootstrap resamples (BCa interval).")] = 0,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed for the bootstrap.")] = None,
    stratify: Annotated[
        str | None, typer.Option("--stratify", help="Column to stratify by (store: sex, age_band, form, year).")
    ] = None,
    threshold: Annotated[float, typer.Option("--threshold", help="Stepwise p-value threshold.")] = 0.02,
    max_order: Annotated[int, typer.Option("--max-order", min=1, help="Highest interaction order (bic/aic).")] = 2,
    model: Annotated[str | None, typer.Option("--model", help="Model for --method fixed, e.g. 'A:B + B:C'.")] = None,
    level: Annotated[float, typer.Option("--level", help="Interval level.")] = 0.95,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
    chart: Annotated[Path | None, typer.Option("--chart", help="Write the sensitivity chart (HTML).")] = None,
    save: Annotated[
        bool, typer.Option("--save", help="Keep the result as DATA_DIR/estimate.json for `ctkit report`.")
    ] = False,
) -> None:
    """Estimate the hidden number of victims by Multiple Systems Estimation from a capture-history table.

    Prints the estimate, its interval, the chosen model and every warning. The result records the data hash,
    method, settings, seed and ctkit version.

    Example: ctkit estimate lists.csv --method stepwise --bootstrap 1000 --seed 1 --json

    Example: ctkit estimate --from-store --data-dir ./ctkit-data --stratify sex
    """
    from ctkit.estimate import estimate, estimate_by_stratum, read_table, write_sensitivity_chart

    options = {
        "method": method, "threshold": threshold, "max_order": max_order, "model": model,
        "bootstrap": bootstrap, "seed": seed, "level": level,
    }
    if (file is None) == (not from_store):
        raise ValidationError("give either a capture-history FILE or --from-store, not both or neither")
    if from_store:
        histories = _store_histories(data_dir, stratify)
        result = estimate_by_stratum(histories, **options) if stratify else estimate(histories, **options)
    elif stratify:
        result = estimate_by_stratum(_read_stratified(file, stratify), **options)
    else:
        result = estimate(read_table(file), **options)
    if chart is not None:
        write_sensitivity_chart(result, chart)
    if save:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        (Path(data_dir) / "estimate.json").write_text(result.to_json(), encoding="utf-8")
    if as_json:
        typer.echo(result.to_json())
    else:
        _print(result)


STORE_STRATA = ("sex", "age_band", "form", "year")


def _store_histories(data_dir: Path, stratify: str | None):
    """Capture histories from the store: each person's recording agencies are the lists they appear on."""
    from ctkit.estimate import from_histories, from_records, from_stratified_records
    from ctkit.settings import load_settings
    from ctkit.store import open_store

    if stratify is not None and stratify not in STORE_STRATA:
        raise ValidationError(f"--stratify {stratify!r} is not a store stratum; allowed: {', '.join(STORE_STRATA)}")
    with open_store(load_settings(data_dir)) as store:
        people = [p for p in store.cases.persons_capture_histories() if p.agencies]
    if not people:
        raise ValidationError(f"no person in the store at {data_dir} was recorded by any agency")
    if stratify is None:
        return from_records(p.agencies for p in people)
    lists = sorted(set().union(*(p.agencies for p in people)))
    pairs = ((p.agencies, str(getattr(p, stratify) or "unknown")) for p in people)
    return from_histories(from_stratified_records(pairs, lists))


def _read_stratified(file: Path, column: str):
    import pandas as pd

    from ctkit.estimate import from_frame_by

    if not file.exists():
        raise ValidationError(f"no such file: {file}")
    frame = pd.read_parquet(file) if file.suffix.lower() in {".parquet", ".pq"} else pd.read_csv(file)
    return from_frame_by(frame, column)


def _print(result) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"Multiple Systems Estimation ({result.method})", show_header=False)
    table.add_row("estimated total", f"{result.estimate:,.0f}")
    table.add_row(f"{result.level:.0%} interval ({result.interval})", f"{result.ci_low:,.0f} - {result.ci_high:,.0f}")
    table.add_row("observed on some list", f"{result.n_observed:,}")
    table.add_row("dark figure", f"{result.dark_figure:,.0f}")
    table.add_row("model", " + ".join(result.model) if result.model else "main effects")
    table.add_row("lists", ", ".join(result.lists))
    for label, values in result.strata.items():
        figure = f"{values['estimate']:,.0f} [{values['ci_low']:,.0f}, {values['ci_high']:,.0f}]"
        table.add_row(f"stratum {label}", figure)
    table.add_row("data sha256", result.provenance.get("data_sha256", "")[:16] + "...")
    console.print(table)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)
