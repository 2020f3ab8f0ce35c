"""``ctkit estimate``: a thin command over ``ctkit.estimate`` (Multiple Systems Estimation)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ctkit.cli.options import DEFAULT_DATA_DIR, DataDir
from ctkit.errors import ValidationError

MethodOpt = Annotated[
    str, typer.Option("--method", help="stepwise, bic, aic, classical, main, fixed, lcmcr or bayes-threshold.")
]


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
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed for the bootstrap or the MCMC.")] = None,
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
    prior: Annotated[str, typer.Option("--prior", help="bayes-threshold: proper or improper interaction prior.")]
    = "proper",
    prior_variance: Annotated[
        float, typer.Option("--prior-variance", help="bayes-threshold: variance of the interactions' normal prior.")
    ] = 1.0,
    ratio_threshold: Annotated[
        float, typer.Option("--ratio-threshold", help="bayes-threshold: keep terms with |mean|/sd at least this.")
    ] = 2.0,
    burnin: Annotated[
        int | None, typer.Option("--burnin", min=0, help="MCMC burn-in (default 1000 bayes-threshold, 10000 lcmcr).")
    ] = None,
    mcmc: Annotated[int, typer.Option("--mcmc", min=1, help="bayes-threshold: iterations after burn-in.")] = 10000,
    thin: Annotated[int, typer.Option("--thin", min=1, help="bayes-threshold: keep every THIN-th iteration.")] = 1,
    classes: Annotated[int, typer.Option("--classes", min=2, help="lcmcr: latent classes K (truncation).")] = 10,
    samples: Annotated[int, typer.Option("--samples", min=1, help="lcmcr: posterior draws kept.")] = 1000,
    thinning: Annotated[int, typer.Option("--thinning", min=1, help="lcmcr: Gibbs sweeps between draws.")] = 10,
) -> None:
    """Estimate the hidden number of victims by Multiple Systems Estimation from a capture-history table.

    Prints the estimate, its interval, the chosen model and every warning. The result records the data hash,
    method, settings, seed and ctkit version.

    Example: ctkit estimate lists.csv --method stepwise --bootstrap 1000 --seed 1 --json

    Example: ctkit estimate --from-store --data-dir ./ctkit-data --stratify sex

    Example: ctkit estimate korea.csv --method lcmcr --seed 1 (Bayesian latent classes, posterior median)

    Example: ctkit estimate kosovo.csv --method bayes-threshold --max-order 3 --seed 1
    """
    from ctkit.estimate import BAYESIAN_METHODS, estimate, estimate_by_stratum, read_table, write_sensitivity_chart

    options = {
        "method": method, "threshold": threshold, "max_order": max_order, "model": model,
        "bootstrap": bootstrap, "seed": seed, "level": level,
    }
    if (file is None) == (not from_store):
        raise ValidationError("give either a capture-history FILE or --from-store, not both or neither")
    if method in BAYESIAN_METHODS:
        if stratify or bootstrap:
            raise ValidationError(f"--method {method} takes neither --stratify nor --bootstrap")
        bayes = {
            "method": method, "seed": seed, "level": level, "prior": prior, "prior_variance": prior_variance,
            "threshold": ratio_threshold, "max_order": max_order, "burnin": burnin, "mcmc": mcmc, "thin": thin,
            "K": classes, "samples": samples, "thinning": thinning,
        }
        history = _store_histories(data_dir, None) if from_store else read_table(file)
        result = _bayesian(history, bayes)
    elif from_store:
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


def _bayesian(history, options: dict):
    """Run a Bayesian method with its progress on standard error (shown on a terminal only)."""
    from rich.console import Console

    from ctkit.estimate import estimate_bayesian

    with Console(stderr=True).status(f"{options['method']}: starting") as status:
        return estimate_bayesian(history, progress=lambda message: status.update(f"{options['method']}: {message}"),
                                 **options)


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
    if result.method == "lcmcr":
        model = f"latent classes (Dirichlet process, at most {result.diagnostics['latent_classes_truncation']})"
    else:
        model = " + ".join(result.model) if result.model else "main effects"
    table.add_row("model", model)
    table.add_row("lists", ", ".join(result.lists))
    for label, values in result.strata.items():
        figure = f"{values['estimate']:,.0f} [{values['ci_low']:,.0f}, {values['ci_high']:,.0f}]"
        table.add_row(f"stratum {label}", figure)
    table.add_row("data sha256", result.provenance.get("data_sha256", "")[:16] + "...")
    console.print(table)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)
